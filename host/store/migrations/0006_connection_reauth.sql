-- 0006_connection_reauth: connections that need re-authorisation (docs/secrets.md, issue 7).
-- A sync (or delivery) that gets LH_E_AUTH_REQUIRED from a connection's plugin records a row; later
-- syncs of that connection stop before calling the plugin and say to run `ledgerhost connect`,
-- which deletes the row once the new consent is stored. `reason` is the plugin's message (no
-- secrets: plugins never put tokens in error messages).
CREATE TABLE connection_reauth (
  connection TEXT NOT NULL PRIMARY KEY,
  reason     TEXT NOT NULL,
  marked_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT, WITHOUT ROWID;

-- A consent started by `ledgerhost connect X --print-url` and finished by a later
-- `ledgerhost connect X --redirect-url URL`: the `state` drawn for it (checked against the
-- redirect's), the redirect_uri given to the vendor, and when it stops being accepted (Unix ms).
-- One per connection; finishing, failing or starting another replaces or deletes it.
CREATE TABLE oauth_pending (
  connection    TEXT    NOT NULL PRIMARY KEY,
  state         TEXT    NOT NULL,
  redirect_uri  TEXT    NOT NULL,
  expires_at_ms INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
