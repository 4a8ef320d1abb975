-- 0004_commands: the delivery outbox and the source -> target link table (issue 4, DESIGN.md "Data
-- flow" step 4; core/command_queue.h, store/sqlite_command_store.h).
--
-- commands   one row per (tenant, delivery rule, source event key): a new event version updates
--            the row (payload, event version; needs_update once sent), never adds one. Written in
--            the unit of work that stores the event version and its postings. The executor of
--            issue 7 reads Pending rows per target connection and records each send.
-- links      which object a target connection holds for a source object (a Stripe charge -> a QBO
--            Payment), so later commands can refer to earlier ones.

CREATE TABLE commands (
  id                 INTEGER PRIMARY KEY,
  tenant             TEXT    NOT NULL,
  rule_id            TEXT    NOT NULL CHECK (rule_id <> ''),
  source_connection  TEXT    NOT NULL,
  source_type        TEXT    NOT NULL,
  source_external_id TEXT    NOT NULL,
  event_id           INTEGER NOT NULL,  -- events.id of the version the payload was made from
  event_version      INTEGER NOT NULL CHECK (event_version >= 1),
  target_connection  TEXT    NOT NULL CHECK (target_connection <> ''),
  command_type       TEXT    NOT NULL CHECK (command_type <> ''),
  -- Stable across versions (core::commandIdempotencyKey); sent as QBO's requestid / bId.
  idempotency_key    TEXT    NOT NULL UNIQUE
                     CHECK (length(idempotency_key) BETWEEN 1 AND 36),
  payload_json       TEXT    NOT NULL CHECK (json_valid(payload_json)),
  status             TEXT    NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'sent', 'failed', 'held')),
  needs_update       INTEGER NOT NULL DEFAULT 0 CHECK (needs_update IN (0, 1)),
  attempts           INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error         TEXT    NOT NULL DEFAULT '',
  target_id          TEXT,
  created_at         TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at         TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (tenant, rule_id, source_connection, source_type, source_external_id)
) STRICT;

-- The executor's query: pending (or needing update) commands of one target, oldest first.
CREATE INDEX commands_by_target_status ON commands (target_connection, status, id);

CREATE TABLE links (
  tenant             TEXT    NOT NULL,
  source_connection  TEXT    NOT NULL,
  source_type        TEXT    NOT NULL,
  source_external_id TEXT    NOT NULL,
  target_connection  TEXT    NOT NULL,
  target_type        TEXT    NOT NULL,
  target_id          TEXT    NOT NULL CHECK (target_id <> ''),
  command_id         INTEGER REFERENCES commands (id),
  created_at         TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (tenant, source_connection, source_type, source_external_id, target_connection,
               target_type)
) STRICT, WITHOUT ROWID;

-- "Which source object is target object X?" (reconciling the accounting system back to the source).
CREATE INDEX links_by_target ON links (target_connection, target_type, target_id);
