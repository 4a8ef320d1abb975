// What the ingest benchmarks share: a ledgerhost engine on one durable SQLite file (the stores, the
// ledger, an Ingestor whose hook posts each new version, wired as host/pipeline's Runtime wires
// them) and generated canonical events shaped like the Stripe connector's output.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/event_validator.h"
#include "core/ingest.h"
#include "core/ledger.h"
#include "store/database.h"
#include "store/sqlite_event_store.h"
#include "store/sqlite_ledger_store.h"
#include "store/sqlite_unit_of_work.h"

namespace lh::bench {

// The canonical event text of payment number `i`: a charge's balance transaction as the Stripe
// connector emits it (amount, fee, net, fees[], links, dates and a raw object), ~900 bytes.
std::string paymentEventText(int64_t i);

// A page of `count` consecutive payment events starting at `first`, with a cursor.
core::IngestPage paymentPage(int64_t first, int64_t count);

class BenchEngine {
 public:
  // Opens (creating) the database at `path` with the host's defaults: WAL, synchronous=FULL.
  explicit BenchEngine(const std::string& path);
  ~BenchEngine();
  BenchEngine(const BenchEngine&) = delete;
  BenchEngine& operator=(const BenchEngine&) = delete;

  // Ingests and posts `page`; aborts the process on an error (a benchmark has no error path).
  core::IngestStats ingest(core::IngestPage page);

  store::Database& database() { return *db_; }

 private:
  core::EventValidator validator_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::SqliteEventStore> events_;
  std::unique_ptr<store::SqliteLedgerStore> ledgerStore_;
  std::unique_ptr<store::SqliteUnitOfWork> unit_;
  std::unique_ptr<core::Ledger> ledger_;
  std::unique_ptr<core::Ingestor> ingestor_;
};

// The same rows the event store writes for `count` events (payload, sha256s, key, dates), inserted
// with one prepared statement in transactions of `batch` into a table of the events table's shape
// and key index, without the host: the raw SQLite rate the ingest rate is compared with. Returns
// the seconds spent in SQLite (making the rows is not timed).
double rawSqliteInsert(store::Database& db, int64_t first, int64_t count, int64_t batch);

// Peak resident set size of this process so far, in MiB (getrusage ru_maxrss).
double peakRssMiB();

}  // namespace lh::bench
