-- 0003_ledger: the double-entry ledger (issue 4 items 4 and 11; core/ledger_store.h,
-- store/sqlite_ledger_store.h).
--
-- ledger_entries    one row per entry, append-only. Each tenant's entries form a hash chain: `seq`
--                   counts 1, 2, 3, ... per tenant, `prev_hash` is the previous entry's `hash`, and
--                   `hash` is the sha256 of the entry's canonical serialisation (fields, lines,
--                   source event checksum; core/hash_chain.h). `ledgerhost ledger verify`
--                   recomputes it.
-- ledger_lines      the lines of each entry, in order; exactly one side non-zero, both >= 0, int64
--                   minor units of `currency`. Balance per currency is checked before insert (a
--                   CHECK cannot see sibling rows) and covered by the hash.
-- ledger_fx_rates   exchange rates carried by events (settlement.exchange_rate), for reporting in
--                   a tenant's base currency.
--
-- The source event is named by its key, version row id (events.id of 0002), version and checksum.
-- There is deliberately no foreign key to `events`: the ledger's own copy of the key and checksum
-- is what the hash covers, and `verify` compares it with the event store.
--
-- Immutability: triggers refuse UPDATE and DELETE on all three tables. Corrections are reversal
-- entries. Anything that still edits the file behind the host's back breaks the hash chain.

CREATE TABLE ledger_entries (
  id                INTEGER PRIMARY KEY,          -- ascending in posting order, store-wide
  tenant            TEXT    NOT NULL,
  seq               INTEGER NOT NULL CHECK (seq >= 1),
  rule_id           TEXT    NOT NULL,
  event_connection  TEXT    NOT NULL,
  event_type        TEXT    NOT NULL,
  event_external_id TEXT    NOT NULL,
  event_id          INTEGER NOT NULL,             -- events.id of the source event version
  event_version     INTEGER NOT NULL CHECK (event_version >= 1),
  event_checksum    TEXT    NOT NULL,
  effective_date    TEXT    NOT NULL
                    CHECK (effective_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  memo              TEXT    NOT NULL,
  kind              TEXT    NOT NULL CHECK (kind IN ('normal', 'reversal')),
  reverses_entry_id INTEGER REFERENCES ledger_entries (id),
  posted_at         TEXT    NOT NULL,             -- ISO-8601 UTC with milliseconds
  prev_hash         TEXT    NOT NULL CHECK (length(prev_hash) = 64),
  hash              TEXT    NOT NULL CHECK (length(hash) = 64),
  CHECK ((kind = 'reversal') = (reverses_entry_id IS NOT NULL))
) STRICT;

-- The chain order, and the head lookup of every append.
CREATE UNIQUE INDEX ledger_entries_chain ON ledger_entries (tenant, seq);
-- One normal entry per (rule, event version): a replay never posts twice.
CREATE UNIQUE INDEX ledger_entries_once ON ledger_entries (tenant, rule_id, event_id)
  WHERE kind = 'normal';
-- An entry is reversed at most once; also the "is it still live?" lookup.
CREATE UNIQUE INDEX ledger_entries_reversal ON ledger_entries (reverses_entry_id)
  WHERE reverses_entry_id IS NOT NULL;
-- What the ledger holds for an event key (posting a new version).
CREATE INDEX ledger_entries_event ON ledger_entries
  (tenant, event_connection, event_type, event_external_id);
-- Reports by effective date.
CREATE INDEX ledger_entries_date ON ledger_entries (tenant, effective_date);

CREATE TABLE ledger_lines (
  entry_id     INTEGER NOT NULL REFERENCES ledger_entries (id),
  line_no      INTEGER NOT NULL CHECK (line_no >= 0),
  account      TEXT    NOT NULL,
  currency     TEXT    NOT NULL CHECK (length(currency) = 3),
  debit_minor  INTEGER NOT NULL CHECK (debit_minor >= 0),
  credit_minor INTEGER NOT NULL CHECK (credit_minor >= 0),
  CHECK ((debit_minor = 0) <> (credit_minor = 0)),
  PRIMARY KEY (entry_id, line_no)
) STRICT, WITHOUT ROWID;

CREATE TABLE ledger_fx_rates (
  tenant        TEXT    NOT NULL,
  event_id      INTEGER NOT NULL,                 -- the event version that carried the rate
  rate_date     TEXT    NOT NULL,                 -- YYYY-MM-DD
  from_currency TEXT    NOT NULL CHECK (length(from_currency) = 3),
  to_currency   TEXT    NOT NULL CHECK (length(to_currency) = 3),
  rate          TEXT    NOT NULL,                 -- exact decimal text: 1 from = rate to
  PRIMARY KEY (tenant, event_id)
) STRICT;

CREATE INDEX ledger_fx_rates_pair ON ledger_fx_rates
  (tenant, from_currency, to_currency, rate_date);

CREATE TRIGGER ledger_entries_immutable_update BEFORE UPDATE ON ledger_entries
BEGIN
  SELECT RAISE(ABORT, 'ledger entries are immutable: post a reversal instead');
END;

CREATE TRIGGER ledger_entries_immutable_delete BEFORE DELETE ON ledger_entries
BEGIN
  SELECT RAISE(ABORT, 'ledger entries are immutable: post a reversal instead');
END;

CREATE TRIGGER ledger_lines_immutable_update BEFORE UPDATE ON ledger_lines
BEGIN
  SELECT RAISE(ABORT, 'ledger lines are immutable: post a reversal instead');
END;

CREATE TRIGGER ledger_lines_immutable_delete BEFORE DELETE ON ledger_lines
BEGIN
  SELECT RAISE(ABORT, 'ledger lines are immutable: post a reversal instead');
END;

CREATE TRIGGER ledger_fx_rates_immutable_update BEFORE UPDATE ON ledger_fx_rates
BEGIN
  SELECT RAISE(ABORT, 'recorded exchange rates are immutable');
END;

CREATE TRIGGER ledger_fx_rates_immutable_delete BEFORE DELETE ON ledger_fx_rates
BEGIN
  SELECT RAISE(ABORT, 'recorded exchange rates are immutable');
END;
