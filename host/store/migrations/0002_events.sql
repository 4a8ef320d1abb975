-- 0002_events: the event store (issue 4 item 3; core/event_store.h, store/sqlite_event_store.h).
--
-- One row per version of a canonical event, append-only (the triggers below refuse anything else):
--   - the idempotency key (tenant, connection, type, external_id) and the version number: a new
--     checksum for a key adds version N+1 and marks version N not current; both rows stay;
--   - `checksum`: sha256 of the event's canonical serialisation (core/event_validator.h);
--   - `payload` and `payload_sha256`: the raw payload, i.e. the event exactly as the connector
--     emitted it (the JSON text byte for byte, including the source object `raw`), and the sha256
--     of those bytes. Kept forever: the audit trail.
--
-- Deduplication happens before anything is written: bytes identical to the key's current version,
-- or another text with the same checksum, store nothing. There is deliberately no global index by
-- payload sha256 (nor a separate payload table keyed by it): every index on a random key (a hash)
-- costs about one page write per event on a large table, and the host recognises re-read bytes
-- through the key index it needs anyway (EventStore::findCurrentWithPayload).
--
-- The cursors each connection commits with its events live in `cursors` (0001_foundation).

CREATE TABLE events (
  id             INTEGER PRIMARY KEY,          -- one per version; ascending in ingestion order
  tenant         TEXT    NOT NULL,
  connection     TEXT    NOT NULL,             -- the YAML connection name
  type           TEXT    NOT NULL,             -- the canonical type name ("payment", ...)
  external_id    TEXT    NOT NULL,
  version        INTEGER NOT NULL CHECK (version >= 1),
  is_current     INTEGER NOT NULL CHECK (is_current IN (0, 1)),
  superseded_by  INTEGER REFERENCES events (id),  -- the version that replaced this one
  checksum       TEXT    NOT NULL CHECK (length(checksum) = 64),
  payload        TEXT    NOT NULL,             -- the event as emitted, byte for byte
  payload_sha256 TEXT    NOT NULL CHECK (length(payload_sha256) = 64),  -- lower-case hex
  occurred_at    TEXT    NOT NULL,             -- RFC 3339 as emitted
  occurred_at_ms INTEGER NOT NULL,             -- the same instant, ms since the Unix epoch (UTC)
  ingested_at_ms INTEGER NOT NULL,
  CHECK ((is_current = 1) = (superseded_by IS NULL))
) STRICT;

-- The key lookup of every upsert (the newest version of a key is its current one) and the
-- tenant / connection / type prefixes of counts.
CREATE UNIQUE INDEX events_by_key ON events (tenant, connection, type, external_id, version);

CREATE TRIGGER events_kept_forever_delete BEFORE DELETE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only: an event version is never deleted');
END;

-- The one change an event row may see: a current version being superseded by a newer one.
CREATE TRIGGER events_only_superseded BEFORE UPDATE ON events
WHEN NEW.id IS NOT OLD.id OR NEW.tenant IS NOT OLD.tenant OR NEW.connection IS NOT OLD.connection
  OR NEW.type IS NOT OLD.type OR NEW.external_id IS NOT OLD.external_id
  OR NEW.version IS NOT OLD.version OR NEW.checksum IS NOT OLD.checksum
  OR NEW.payload IS NOT OLD.payload OR NEW.payload_sha256 IS NOT OLD.payload_sha256
  OR NEW.occurred_at IS NOT OLD.occurred_at OR NEW.occurred_at_ms IS NOT OLD.occurred_at_ms
  OR NEW.ingested_at_ms IS NOT OLD.ingested_at_ms
  OR NOT (OLD.is_current = 1 AND NEW.is_current = 0 AND NEW.superseded_by > OLD.id)
BEGIN
  SELECT RAISE(ABORT, 'events are append-only: a version can only be marked superseded, once');
END;
