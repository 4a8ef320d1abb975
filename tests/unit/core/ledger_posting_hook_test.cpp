// The posting hook end to end: Ingestor -> SqliteEventStore + SqliteLedgerStore in one
// SqliteUnitOfWork on a temporary file, so "rolled back" and "posted once" are checked on disk.
#include "core/ledger_posting_hook.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/hash_chain.h"
#include "core/ledger_reports.h"
#include "store/database.h"
#include "store/sqlite_event_store.h"
#include "store/sqlite_ledger_store.h"
#include "store/sqlite_unit_of_work.h"
#include "unit/core/ledger_test_support.h"
#include "unit/store/store_test_support.h"

namespace lh::core {
namespace {

using store::testing::queryInt;
using store::testing::TempDir;
using testing::acmeTenant;
using ::testing::HasSubstr;
using testing::kJan1Ms;
using testing::StatusIs;

std::string paymentText(const std::string& id, int64_t amount, int64_t fee,
                        const std::string& day = "2026-01-05") {
  nlohmann::json event = {{"type", "payment"},
                          {"external_id", id},
                          {"occurred_at", day + "T10:00:00Z"},
                          {"amount", {{"minor", amount}, {"currency", "USD"}}},
                          {"fee", {{"minor", fee}, {"currency", "USD"}}},
                          {"net", {{"minor", amount - fee}, {"currency", "USD"}}},
                          {"raw", {{"id", id}, {"amount", amount}}}};
  return event.dump();
}

std::vector<PostingRule> rules() {
  PostingRule sale;
  sale.id = "payment-sale";
  sale.tenant = "acme";
  sale.on = EventType::Payment;
  sale.lines = {{"1100", PostingLine::Side::Debit, "amount"},
                {"4000", PostingLine::Side::Credit, "amount"}};
  PostingRule fee = sale;
  fee.id = "payment-fee";
  fee.lines = {{"5000", PostingLine::Side::Debit, "fee"},
               {"1100", PostingLine::Side::Credit, "fee"}};
  return {sale, fee};
}

// One database with everything the sync path uses on it.
struct Host {
  explicit Host(const std::filesystem::path& path, std::vector<PostingRule> postingRules = rules(),
                std::vector<Tenant> tenants = {acmeTenant()}) {
    auto opened = store::Database::open(path);
    EXPECT_TRUE(opened.isOk()) << opened.status();
    db = std::move(opened).value();
    events = std::make_unique<store::SqliteEventStore>(*db);
    ledgerStore = std::make_unique<store::SqliteLedgerStore>(*db);
    unit = std::make_unique<store::SqliteUnitOfWork>(*db);
    ledger = std::make_unique<Ledger>(*ledgerStore);
    ingestor = std::make_unique<Ingestor>(validator, *events, *unit, [] { return kJan1Ms; });
    ingestor->setOnChanged(makePostingHook(*ledger, std::move(tenants), std::move(postingRules),
                                           [] { return kJan1Ms + 1; }));
  }

  lh::Result<IngestStats> ingest(std::vector<std::string> texts) {
    IngestPage page;
    page.tenant = "acme";
    page.connection = "stripe";
    page.stream = "balance_transactions";
    page.events = std::move(texts);
    page.cursor = R"({"after":")" + std::to_string(++pages) + R"("})";
    return ingestor->ingest(page);
  }

  int64_t rows(const std::string& table) {
    return queryInt(db->native(), "SELECT COUNT(*) FROM " + table);
  }

  std::vector<std::pair<std::string, int64_t>> nonZeroBalances(const std::string& asOf) {
    std::vector<std::pair<std::string, int64_t>> out;
    auto balances = accountBalances(*ledgerStore, acmeTenant(), asOf);
    EXPECT_TRUE(balances.isOk()) << balances.status();
    for (const BalanceRow& row : balances.valueOr({})) {
      if (row.balance_minor != 0) {
        out.emplace_back(row.account, row.balance_minor);
      }
    }
    return out;
  }

  EventValidator validator;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<store::SqliteEventStore> events;
  std::unique_ptr<store::SqliteLedgerStore> ledgerStore;
  std::unique_ptr<store::SqliteUnitOfWork> unit;
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<Ingestor> ingestor;
  int pages = 0;
};

TEST(LedgerPostingHookTest, IngestedEventsArePostedOnceWithTheirEvents) {
  TempDir dir;
  Host host(dir.file("ledger.db"));
  lh::Result<IngestStats> stats =
      host.ingest({paymentText("txn_1", 10000, 320), paymentText("txn_2", 5000, 175)});
  ASSERT_TRUE(stats.isOk()) << stats.status();
  EXPECT_EQ(stats->inserted, 2);
  EXPECT_EQ(host.rows("ledger_entries"), 4);
  EXPECT_EQ(host.rows("ledger_lines"), 8);

  // Reading the same page again: identical bytes, nothing new anywhere.
  stats = host.ingest({paymentText("txn_1", 10000, 320), paymentText("txn_2", 5000, 175)});
  ASSERT_TRUE(stats.isOk());
  EXPECT_EQ(stats->unchanged, 2);
  EXPECT_EQ(host.rows("ledger_entries"), 4);

  // The chain verifies, including each entry's event checksum against the event store.
  EventChecksumLookup checksum = [&](int64_t id) -> lh::Result<std::optional<std::string>> {
    LH_ASSIGN_OR_RETURN(std::optional<StoredEvent> event, host.events->byId("acme", id));
    return event ? std::optional<std::string>(event->event.checksum) : std::nullopt;
  };
  lh::Result<ChainVerification> chain = verifyChain(*host.ledgerStore, "acme", checksum);
  ASSERT_TRUE(chain.isOk()) << chain.status();
  EXPECT_TRUE(chain->ok());
  EXPECT_EQ(chain->entries_checked, 4);
}

TEST(LedgerPostingHookTest, ANewVersionIsReversedAndRepostedInTheSameUnit) {
  TempDir dir;
  Host host(dir.file("ledger.db"));
  ASSERT_TRUE(
      host.ingest({paymentText("txn_1", 10000, 320), paymentText("txn_2", 5000, 175)}).isOk());
  // txn_1 is corrected: a larger amount and a later day; its fee is unchanged.
  lh::Result<IngestStats> stats = host.ingest({paymentText("txn_1", 12000, 320, "2026-01-06")});
  ASSERT_TRUE(stats.isOk()) << stats.status();
  EXPECT_EQ(stats->new_versions, 1);
  // Both rules' entries move with the date: 2 reversals + 2 new entries.
  EXPECT_EQ(host.rows("ledger_entries"), 8);
  EXPECT_EQ(host.rows("ledger_entries WHERE kind = 'reversal'"), 2);

  // As if only the final versions had been ingested.
  TempDir otherDir;
  Host fresh(otherDir.file("fresh.db"));
  ASSERT_TRUE(
      fresh
          .ingest({paymentText("txn_1", 12000, 320, "2026-01-06"), paymentText("txn_2", 5000, 175)})
          .isOk());
  for (const char* asOf : {"2026-01-05", "2026-01-06", "2026-12-31"}) {
    EXPECT_EQ(host.nonZeroBalances(asOf), fresh.nonZeroBalances(asOf)) << asOf;
  }
}

TEST(LedgerPostingHookTest, APostingErrorRollsBackThePage) {
  TempDir dir;
  // A rule that cannot balance on these events: amount against net.
  std::vector<PostingRule> broken = rules();
  broken[0].lines[1].amount_field = "net";
  Host host(dir.file("ledger.db"), broken);
  lh::Result<IngestStats> stats = host.ingest({paymentText("txn_1", 10000, 320)});
  EXPECT_THAT(stats, StatusIs(lh::Code::InvalidArgument, HasSubstr("balance")));
  EXPECT_EQ(host.rows("events"), 0);
  EXPECT_EQ(host.rows("ledger_entries"), 0);
  EXPECT_EQ(host.rows("cursors"), 0);
}

TEST(LedgerPostingHookTest, AnEventOfAnUndeclaredTenantIsAConfigError) {
  TempDir dir;
  Host host(dir.file("ledger.db"), rules(), {});
  EXPECT_THAT(host.ingest({paymentText("txn_1", 10000, 320)}),
              StatusIs(lh::Code::InvalidConfig,
                       HasSubstr("tenant 'acme', which the configuration does not declare")));
  EXPECT_EQ(host.rows("events"), 0);
}

}  // namespace
}  // namespace lh::core
