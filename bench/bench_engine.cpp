#include "bench/bench_engine.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/chart.h"
#include "core/ledger_posting_hook.h"
#include "core/posting.h"
#include "core/rules.h"

namespace lh::bench {
namespace {

constexpr int64_t kCreatedBase = 1767225600;  // 2026-01-01T00:00:00Z

[[noreturn]] void die(const lh::Status& status) {
  std::fprintf(stderr, "benchmark engine: %s\n", status.toString().c_str());
  std::abort();
}

core::Tenant benchTenant() {
  core::Tenant t;
  t.id = "acme";
  t.base_currency = "USD";
  t.accounts = {{"1000", "Bank", core::AccountType::Asset},
                {"1100", "Stripe clearing", core::AccountType::Asset},
                {"4000", "Revenue", core::AccountType::Revenue},
                {"6100", "Processing fees", core::AccountType::Expense}};
  return t;
}

std::vector<core::PostingRule> benchRules() {
  core::PostingRule sale;
  sale.id = "stripe.payment";
  sale.tenant = "acme";
  sale.on = core::EventType::Payment;
  using Side = core::PostingLine::Side;
  sale.lines = {
      {"1100", Side::Debit, "net"}, {"6100", Side::Debit, "fee"}, {"4000", Side::Credit, "amount"}};
  return {sale};
}

std::string isoTime(int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

}  // namespace

std::string paymentEventText(int64_t i) {
  const int64_t amount = 1000 + (i * 7919) % 500000;
  const int64_t fee = amount * 29 / 1000 + 30;
  const std::string id = "txn_" + std::to_string(1000000000 + i);
  const std::string charge = "ch_" + std::to_string(2000000000 + i);
  const int64_t created = kCreatedBase + i;
  auto money = [](int64_t minor) { return nlohmann::json{{"minor", minor}, {"currency", "USD"}}; };
  nlohmann::json raw = {{"id", id},
                        {"object", "balance_transaction"},
                        {"amount", amount},
                        {"available_on", created + 172800},
                        {"created", created},
                        {"currency", "usd"},
                        {"description", "Subscription update"},
                        {"fee", fee},
                        {"fee_details",
                         {{{"amount", fee},
                           {"application", nullptr},
                           {"currency", "usd"},
                           {"description", "Stripe processing fees"},
                           {"type", "stripe_fee"}}}},
                        {"net", amount - fee},
                        {"reporting_category", "charge"},
                        {"source", charge},
                        {"status", "available"},
                        {"type", "charge"}};
  nlohmann::json event = {
      {"type", "payment"},
      {"external_id", id},
      {"occurred_at", isoTime(created)},
      {"status", "available"},
      {"livemode", false},
      {"amount", money(amount)},
      {"fee", money(fee)},
      {"net", money(amount - fee)},
      {"fees", {{{"type", "stripe_fee"}, {"amount", money(fee)}}}},
      {"links", {{"charge", charge}, {"payout", "po_" + std::to_string(i / 500)}}},
      {"dates", {{"available_on", isoTime(created + 172800)}}},
      {"raw", raw}};
  return event.dump();
}

core::IngestPage paymentPage(int64_t first, int64_t count) {
  core::IngestPage page;
  page.tenant = "acme";
  page.connection = "stripe";
  page.stream = "balance_transactions";
  page.events.reserve(static_cast<size_t>(count));
  for (int64_t i = first; i < first + count; ++i) {
    page.events.push_back(paymentEventText(i));
  }
  page.cursor = R"({"starting_after":")" + std::to_string(first + count) + R"("})";
  return page;
}

BenchEngine::BenchEngine(const std::string& path) {
  auto opened = store::Database::open(path);
  if (!opened.isOk()) {
    die(opened.status());
  }
  db_ = std::move(opened).value();
  events_ = std::make_unique<store::SqliteEventStore>(*db_);
  ledgerStore_ = std::make_unique<store::SqliteLedgerStore>(*db_);
  unit_ = std::make_unique<store::SqliteUnitOfWork>(*db_);
  ledger_ = std::make_unique<core::Ledger>(*ledgerStore_);
  const auto clock = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  ingestor_ = std::make_unique<core::Ingestor>(validator_, *events_, *unit_, clock);
  ingestor_->setOnChanged(core::makePostingHook(*ledger_, {benchTenant()}, benchRules(), clock));
}

BenchEngine::~BenchEngine() {
  // Stores hold prepared statements on the connection: drop them before the Database.
  ingestor_.reset();
  ledger_.reset();
  unit_.reset();
  ledgerStore_.reset();
  events_.reset();
  db_.reset();
}

core::IngestStats BenchEngine::ingest(core::IngestPage page) {
  lh::Result<core::IngestStats> stats = ingestor_->ingest(std::move(page));
  if (!stats.isOk()) {
    die(stats.status());
  }
  if (stats->rejected != 0) {
    die(stats->rejects.front().status);
  }
  return std::move(stats).value();
}

double rawSqliteInsert(store::Database& db, int64_t first, int64_t count, int64_t batch) {
  SQLite::Database& native = db.native();
  native.exec(
      "CREATE TABLE IF NOT EXISTS raw_events (id INTEGER PRIMARY KEY, "
      "tenant TEXT NOT NULL, "
      "connection TEXT NOT NULL, type TEXT NOT NULL, external_id TEXT "
      "NOT NULL, "
      "version INTEGER NOT NULL, is_current INTEGER NOT NULL, checksum "
      "TEXT NOT NULL, "
      "payload TEXT NOT NULL, payload_sha256 TEXT NOT NULL, "
      "occurred_at TEXT NOT NULL, "
      "occurred_at_ms INTEGER NOT NULL, ingested_at_ms INTEGER NOT "
      "NULL) STRICT");
  native.exec(
      "CREATE UNIQUE INDEX IF NOT EXISTS raw_events_by_key ON raw_events "
      "(tenant, connection, type, external_id, version)");
  SQLite::Statement insert(
      native,
      "INSERT INTO raw_events (tenant, connection, type, external_id, "
      "version, is_current, checksum, payload, payload_sha256, occurred_at, "
      "occurred_at_ms, ingested_at_ms) "
      "VALUES ('acme', 'stripe', 'payment', ?1, 1, 1, ?2, ?3, ?2, ?4, ?5, ?5)");
  struct Row {
    std::string id, sha, text, occurredAt;
    int64_t ms;
  };
  double seconds = 0;
  for (int64_t at = first; at < first + count; at += batch) {
    // The rows are made before the clock starts: only SQLite's work is timed.
    std::vector<Row> rows;
    for (int64_t i = at; i < std::min(first + count, at + batch); ++i) {
      std::string text = paymentEventText(i);
      std::string sha = core::payloadSha256(text);
      rows.push_back({"txn_" + std::to_string(1000000000 + i), std::move(sha), std::move(text),
                      isoTime(kCreatedBase + i), (kCreatedBase + i) * 1000});
    }
    const auto start = std::chrono::steady_clock::now();
    SQLite::Transaction transaction(native);
    for (const Row& row : rows) {
      insert.bindNoCopy(1, row.id);
      insert.bindNoCopy(2, row.sha);
      insert.bindNoCopy(3, row.text);
      insert.bindNoCopy(4, row.occurredAt);
      insert.bind(5, row.ms);
      insert.exec();
      insert.reset();
    }
    transaction.commit();
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  return seconds;
}

double peakRssMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

}  // namespace lh::bench
