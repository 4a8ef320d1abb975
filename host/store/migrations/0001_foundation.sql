-- 0001_foundation: the tables the host itself needs before any event or ledger table exists.
-- Migrations run inside one transaction at open (Database::open); keep them transactional SQL
-- (no VACUUM, no PRAGMA journal_mode). Timestamps are ISO-8601 UTC text with milliseconds, so they
-- sort as text and read well in the sqlite3 shell. STRICT tables make SQLite enforce the types.

-- History of applied migrations. PRAGMA user_version holds the current version (what open checks);
-- this table records when and under which name each step was applied. Migration 1 must create it:
-- the host inserts each step's row right after running the step.
CREATE TABLE schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT    NOT NULL,
  applied_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

-- The host's state service for plugins (state_get/state_put): opaque values per connection,
-- e.g. OAuth tokens. The value is whatever the state service stores (encrypted by it for
-- secrets); the store never interprets it.
CREATE TABLE plugin_state (
  connection TEXT NOT NULL,
  key        TEXT NOT NULL,
  value      BLOB NOT NULL,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (connection, key)
) STRICT, WITHOUT ROWID;

-- Each connection's position in each of its streams, as the connector's own JSON. Written in the
-- same transaction as the events read up to it (issue 4), so a crash never loses or doubles any.
CREATE TABLE cursors (
  connection  TEXT NOT NULL,
  stream      TEXT NOT NULL,
  cursor_json TEXT NOT NULL CHECK (json_valid(cursor_json)),
  updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (connection, stream)
) STRICT, WITHOUT ROWID;
