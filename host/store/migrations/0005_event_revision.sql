-- 0005_event_revision: the optional `revision` of an event version (docs/events.md "revision").
--
-- A source object passes through states (an invoice: open, then paid). Webhooks and re-reads can
-- deliver an older state after a newer one; without an order the older one would become a new
-- version and flip the books back. `revision` is the source's own order of those states, copied
-- from the event at insert. NULL when the connector gave none. The event store compares it with
-- the current version's before it writes (store/sqlite_event_store.cpp, upsert).

ALTER TABLE events ADD COLUMN revision INTEGER CHECK (revision IS NULL OR revision >= 0);

-- The update trigger of 0002 lists every column that may never change; add the new one.
DROP TRIGGER events_only_superseded;
CREATE TRIGGER events_only_superseded BEFORE UPDATE ON events
WHEN NEW.id IS NOT OLD.id OR NEW.tenant IS NOT OLD.tenant OR NEW.connection IS NOT OLD.connection
  OR NEW.type IS NOT OLD.type OR NEW.external_id IS NOT OLD.external_id
  OR NEW.version IS NOT OLD.version OR NEW.checksum IS NOT OLD.checksum
  OR NEW.payload IS NOT OLD.payload OR NEW.payload_sha256 IS NOT OLD.payload_sha256
  OR NEW.occurred_at IS NOT OLD.occurred_at OR NEW.occurred_at_ms IS NOT OLD.occurred_at_ms
  OR NEW.ingested_at_ms IS NOT OLD.ingested_at_ms OR NEW.revision IS NOT OLD.revision
  OR NOT (OLD.is_current = 1 AND NEW.is_current = 0 AND NEW.superseded_by > OLD.id)
BEGIN
  SELECT RAISE(ABORT, 'events are append-only: a version can only be marked superseded, once');
END;
