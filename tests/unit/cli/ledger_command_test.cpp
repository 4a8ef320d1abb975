// `ledgerhost ledger ...` through the real binary, on a database seeded through the library the
// way a sync seeds it: the test's YAML config is loaded (pipeline::loadConfig), its posting rules
// drive an Ingestor with the posting hook over the SQLite stores, and the binary reads the same
// config and file.
#include <SQLiteCpp/Database.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "core/ingest.h"
#include "core/ledger.h"
#include "core/ledger_posting_hook.h"
#include "pipeline/config_loader.h"
#include "store/database.h"
#include "store/sqlite_event_store.h"
#include "store/sqlite_ledger_store.h"
#include "store/sqlite_unit_of_work.h"

namespace lh::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testsupport::CliResult;
using testsupport::runCli;
using testsupport::TempDir;

constexpr int64_t kNowMs = 1767225600000;  // 2026-01-01T00:00:00Z

std::string configYaml(const std::filesystem::path& db, bool twoTenants = false) {
  std::string yaml = "store:\n  path: " + db.string() + R"(
tenants:
  acme:
    base_currency: USD
    accounts:
      - {code: "1100", name: Stripe clearing, type: asset}
      - {code: "4000", name: Sales, type: revenue}
      - {code: "6100", name: Processing fees, type: expense}
    exchange_rates:
      - {date: "2026-01-01", from: EUR, to: USD, rate: "1.10"}
)";
  if (twoTenants) {
    yaml += R"(  globex:
    base_currency: EUR
    accounts:
      - {code: "1000", name: Bank, type: asset}
)";
  }
  yaml += R"(connections:
  stripe: {plugin: stripe, tenant: acme, config: {}}
pipelines:
  stripe-to-ledger:
    tenant: acme
    post:
      - {id: payment-sale, on: payment, debit: "1100", credit: "4000", amount: amount, memo: "sale {external_id}"}
      - {id: payment-fee, on: payment, debit: "6100", credit: "1100", amount: fee, memo: "fee, with a comma"}
      - {id: refund, on: refund, debit: "4000", credit: "1100", amount: amount}
)";
  return yaml;
}

std::string payment(const std::string& id, const std::string& day, int64_t amount, int64_t fee,
                    const char* currency = "USD") {
  nlohmann::json event = {{"type", "payment"},
                          {"external_id", id},
                          {"occurred_at", day + "T09:30:00Z"},
                          {"amount", {{"minor", amount}, {"currency", currency}}},
                          {"fee", {{"minor", fee}, {"currency", currency}}},
                          {"net", {{"minor", amount - fee}, {"currency", currency}}},
                          {"raw", {{"id", id}}}};
  return event.dump();
}

std::string refund(const std::string& id, const std::string& day, int64_t amount) {
  nlohmann::json event = {{"type", "refund"},
                          {"external_id", id},
                          {"occurred_at", day + "T09:30:00Z"},
                          {"amount", {{"minor", amount}, {"currency", "USD"}}},
                          {"raw", {{"id", id}}}};
  return event.dump();
}

class LedgerCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dbPath_ = dir_.path() / "books.db";
    configPath_ = dir_.write("ledgerhost.yaml", configYaml(dbPath_));
    pipeline::LoadOptions load;
    load.resolve_secrets = false;
    pipeline::LoadResult loaded = pipeline::loadConfig(configPath_, load);
    ASSERT_TRUE(loaded.ok()) << pipeline::formatDiagnostics(loaded.diagnostics);
    config_ = *loaded.config;
    // txn_3 is ingested twice: its second version changes the amount (reversal + repost).
    ingest({payment("txn_1", "2026-01-05", 10000, 320),
            payment("txn_2", "2026-01-20", 5000, 150, "EUR")});
    ingest({payment("txn_3", "2026-02-02", 2000, 90), refund("re_1", "2026-02-03", 1000)});
    ingest({payment("txn_3", "2026-02-02", 2500, 100)});
  }

  void ingest(std::vector<std::string> texts) {
    auto db = store::Database::open(dbPath_);
    ASSERT_TRUE(db.isOk()) << db.status();
    store::SqliteEventStore events(**db);
    store::SqliteLedgerStore ledgerStore(**db);
    store::SqliteUnitOfWork unit(**db);
    core::Ledger ledger(ledgerStore);
    core::EventValidator validator;
    core::Ingestor ingestor(validator, events, unit, [] { return kNowMs; });
    ingestor.setOnChanged(core::makePostingHook(ledger, config_.tenants, config_.postingRules(),
                                                [] { return kNowMs; }));
    core::IngestPage page;
    page.tenant = "acme";
    page.connection = "stripe";
    page.stream = "balance_transactions";
    page.events = std::move(texts);
    lh::Result<core::IngestStats> stats = ingestor.ingest(page);
    ASSERT_TRUE(stats.isOk()) << stats.status();
    ASSERT_EQ(stats->rejected, 0) << stats->rejects[0].status;
  }

  CliResult ledger(std::vector<std::string> args) {
    args.insert(args.begin(), "ledger");
    args.push_back("--config");
    args.push_back(configPath_.string());
    return runCli(args);
  }

  nlohmann::json ledgerJson(std::vector<std::string> args) {
    args.push_back("--format");
    args.push_back("json");
    CliResult r = ledger(args);
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_THAT(r.err, IsEmpty());
    return nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  }

  TempDir dir_;
  std::filesystem::path dbPath_;
  std::filesystem::path configPath_;
  pipeline::Config config_;
};

using Rows = std::map<std::pair<std::string, std::string>, nlohmann::json>;

// The row of (account, currency); a null JSON when absent.
nlohmann::json at(const Rows& rows, const std::string& account, const std::string& currency) {
  auto it = rows.find({account, currency});
  return it == rows.end() ? nlohmann::json() : it->second;
}

std::vector<std::string> splitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    lines.push_back(line);
  }
  return lines;
}

TEST_F(LedgerCommandTest, TrialBalanceJsonIsAnArrayOfIntegerRowsThatSumToZero) {
  nlohmann::json tb = ledgerJson({"trial-balance"});
  ASSERT_TRUE(tb.is_array()) << tb;
  ASSERT_FALSE(tb.empty());
  std::map<std::string, int64_t> sums;
  Rows byKey;
  for (const nlohmann::json& row : tb) {
    std::set<std::string> keys;
    for (const auto& [key, value] : row.items()) {
      keys.insert(key);
    }
    EXPECT_EQ(keys, (std::set<std::string>{"account", "currency", "debit_minor", "credit_minor",
                                           "balance_minor"}));
    ASSERT_TRUE(row["debit_minor"].is_number_integer()) << row;
    ASSERT_TRUE(row["credit_minor"].is_number_integer()) << row;
    ASSERT_TRUE(row["balance_minor"].is_number_integer()) << row;
    EXPECT_EQ(row["balance_minor"].get<int64_t>(),
              row["debit_minor"].get<int64_t>() - row["credit_minor"].get<int64_t>());
    sums[row["currency"]] += row["balance_minor"].get<int64_t>();
    byKey[{row["account"].get<std::string>(), row["currency"].get<std::string>()}] = row;
  }
  for (const auto& [currency, sum] : sums) {
    EXPECT_EQ(sum, 0) << currency;
  }
  // Clearing in USD: debits 100.00 + 20.00 + 25.00 (txn_3 v1, v2) and the reversal of txn_3's
  // fee 0.90; credits 3.20 + 0.90 + 1.00 (fees), 20.00 (reversal of txn_3 v1), 10.00 (refund).
  const nlohmann::json clearing = at(byKey, "1100", "USD");
  EXPECT_EQ(clearing["debit_minor"], 10000 + 2000 + 2500 + 90);
  EXPECT_EQ(clearing["credit_minor"], 320 + 90 + 100 + 2000 + 1000);
  EXPECT_EQ(at(byKey, "4000", "EUR")["balance_minor"], -5000);
}

TEST_F(LedgerCommandTest, TrialBalanceCsvAndTable) {
  CliResult csv = ledger({"trial-balance", "--format", "csv"});
  ASSERT_EQ(csv.exitCode, 0) << csv.err;
  std::vector<std::string> lines = splitLines(csv.out);
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[0], "account,currency,debit,credit,balance");
  EXPECT_THAT(lines, ::testing::Contains("4000,USD,30.00,145.00,-115.00"));
  EXPECT_THAT(lines, ::testing::Contains("6100,USD,5.10,0.90,4.20"));
  EXPECT_NE(csv.out.find("\r\n"), std::string::npos);  // RFC 4180 line ends

  CliResult table = ledger({"trial-balance", "--as-of", "2026-01-31"});
  ASSERT_EQ(table.exitCode, 0) << table.err;
  lines = splitLines(table.out);
  ASSERT_GE(lines.size(), 4u);
  EXPECT_THAT(lines[0], ::testing::StartsWith("ACCOUNT  CURRENCY"));
  // Right-aligned amounts end in the same column on every line.
  const size_t end = lines[0].size();
  for (const std::string& line : lines) {
    EXPECT_EQ(line.size(), end) << "'" << line << "'";
  }
  EXPECT_THAT(lines, ::testing::Contains(::testing::MatchesRegex("TOTAL +USD +103\\.20 +103\\.20 "
                                                                 "+0\\.00")));
  EXPECT_THAT(table.out, Not(HasSubstr("2026-02")));
  EXPECT_THAT(table.out, Not(HasSubstr("25.00")));  // txn_3 is effective in February
}

TEST_F(LedgerCommandTest, BalancesAsOfAndInBaseCurrency) {
  nlohmann::json jan = ledgerJson({"balances", "--as-of", "2026-01-31"});
  ASSERT_TRUE(jan.is_array());
  Rows rows;
  for (const auto& row : jan) {
    rows[{row["account"].get<std::string>(), row["currency"].get<std::string>()}] = row;
  }
  EXPECT_EQ(at(rows, "1100", "USD")["balance_minor"], 10000 - 320);
  EXPECT_EQ(at(rows, "4000", "USD")["balance_minor"], -10000);
  EXPECT_EQ(at(rows, "4000", "USD")["normal_balance_minor"], 10000);
  EXPECT_EQ(at(rows, "4000", "USD")["type"], "revenue");
  EXPECT_EQ(at(rows, "1100", "EUR")["balance_minor"], 5000 - 150);

  // In USD: EUR 48.50 at 1.10 = 53.35; clearing = 96.80 + 53.35.
  nlohmann::json base = ledgerJson({"balances", "--as-of", "2026-01-31", "--base-currency"});
  ASSERT_TRUE(base.is_array());
  ASSERT_EQ(base.size(), 3u);
  EXPECT_EQ(base[0]["account"], "1100");
  EXPECT_EQ(base[0]["currency"], "USD");
  EXPECT_EQ(base[0]["balance_minor"], 9680 + 5335);

  CliResult table = ledger({"balances"});
  ASSERT_EQ(table.exitCode, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("Stripe clearing"));
  EXPECT_THAT(splitLines(table.out)[0], ::testing::StartsWith("ACCOUNT  NAME"));
}

TEST_F(LedgerCommandTest, RevenueByDayAndMonth) {
  nlohmann::json months = ledgerJson({"revenue"});
  EXPECT_EQ(months, nlohmann::json::parse(R"([
    {"period": "2026-01", "currency": "EUR", "revenue_minor": 5000},
    {"period": "2026-01", "currency": "USD", "revenue_minor": 10000},
    {"period": "2026-02", "currency": "USD", "revenue_minor": 1500}
  ])"));
  nlohmann::json days = ledgerJson({"revenue", "--period", "day", "--from", "2026-02-01"});
  EXPECT_EQ(days, nlohmann::json::parse(R"([
    {"period": "2026-02-02", "currency": "USD", "revenue_minor": 2500},
    {"period": "2026-02-03", "currency": "USD", "revenue_minor": -1000}
  ])"));
  // In USD, January's EUR 50.00 at 1.10 = 55.00.
  nlohmann::json base = ledgerJson({"revenue", "--base-currency", "--to", "2026-01-31"});
  EXPECT_EQ(base, nlohmann::json::parse(
                      R"([{"period": "2026-01", "currency": "USD", "revenue_minor": 15500}])"));
  CliResult csv = ledger({"revenue", "--format", "csv", "--period", "month"});
  ASSERT_EQ(csv.exitCode, 0) << csv.err;
  EXPECT_THAT(splitLines(csv.out), ElementsAre("period,currency,revenue", "2026-01,EUR,50.00",
                                               "2026-01,USD,100.00", "2026-02,USD,15.00"));
}

TEST_F(LedgerCommandTest, EntriesInEveryFormat) {
  nlohmann::json all = ledgerJson({"entries"});
  ASSERT_TRUE(all.is_array());
  // txn_1: 2, txn_2: 2, txn_3 v1: 2, refund: 1, txn_3 v2: 2 reversals + 2 new.
  ASSERT_EQ(all.size(), 11u);
  int reversals = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i]["seq"], static_cast<int64_t>(i + 1));
    if (all[i]["kind"] == "reversal") {
      ++reversals;
      EXPECT_TRUE(all[i]["reverses"].is_number_integer());
      EXPECT_EQ(all[i]["event"]["version"], 2);
    }
  }
  EXPECT_EQ(reversals, 2);
  EXPECT_EQ(all[0]["memo"], "sale txn_1");
  EXPECT_EQ(all[0]["lines"][0], nlohmann::json::parse(
                                    R"({"account": "1100", "currency": "USD",
                                        "debit_minor": 10000, "credit_minor": 0})"));

  nlohmann::json fees = ledgerJson({"entries", "--account", "6100", "--to", "2026-01-31"});
  ASSERT_EQ(fees.size(), 2u);
  EXPECT_EQ(fees[0]["rule_id"], "payment-fee");
  nlohmann::json txn3 = ledgerJson({"entries", "--event", "txn_3"});
  EXPECT_EQ(txn3.size(), 6u);
  nlohmann::json none = ledgerJson({"entries", "--rule", "no-such-rule"});
  EXPECT_EQ(none, nlohmann::json::array());

  CliResult csv = ledger({"entries", "--format", "csv", "--rule", "payment-fee"});
  ASSERT_EQ(csv.exitCode, 0) << csv.err;
  std::vector<std::string> lines = splitLines(csv.out);
  EXPECT_THAT(lines[0], ::testing::StartsWith("entry_id,seq,effective_date,kind,reverses,rule_id"));
  EXPECT_THAT(lines[1], HasSubstr(",\"fee, with a comma\",0,6100,USD,3.20,0.00"));

  CliResult table = ledger({"entries", "--from", "2026-02-03"});
  ASSERT_EQ(table.exitCode, 0) << table.err;
  lines = splitLines(table.out);
  EXPECT_THAT(lines[0], ::testing::MatchesRegex("ENTRY +DATE +KIND +RULE +EVENT +ACCOUNT +"
                                                "CURRENCY +DEBIT +CREDIT +MEMO"));
  ASSERT_EQ(lines.size(), 3u);  // the refund: header + 2 lines
  EXPECT_THAT(lines[1], HasSubstr("stripe/refund/re_1 v1"));
  // Columns line up: the account code sits under ACCOUNT on every line.
  const size_t accountAt = lines[0].find("ACCOUNT");
  EXPECT_EQ(lines[1].substr(accountAt, 4), "4000");
  EXPECT_EQ(lines[2].substr(accountAt, 4), "1100");
}

TEST_F(LedgerCommandTest, VerifyIsOkThenNamesTheEntryEditedBehindTheHostsBack) {
  CliResult ok = ledger({"verify"});
  EXPECT_EQ(ok.exitCode, 0) << ok.err;
  EXPECT_THAT(ok.out, HasSubstr("ok: tenant 'acme', 11 entries"));

  int64_t victim = 0;
  {
    SQLite::Database raw(dbPath_, SQLite::OPEN_READWRITE);
    victim = raw.execAndGet("SELECT id FROM ledger_entries WHERE seq = 4").getInt64();
    raw.exec("DROP TRIGGER ledger_lines_immutable_update");
    raw.exec("UPDATE ledger_lines SET credit_minor = 1 WHERE entry_id = " + std::to_string(victim) +
             " AND credit_minor > 0");
  }
  CliResult broken = ledger({"verify"});
  EXPECT_EQ(broken.exitCode, 1);
  EXPECT_THAT(broken.out, HasSubstr("BROKEN: tenant 'acme', entry " + std::to_string(victim) +
                                    " (seq 4): stored hash does not match"));
  EXPECT_THAT(broken.err, HasSubstr("hash chain broken at entry " + std::to_string(victim)));
  nlohmann::json json = nlohmann::json::parse(ledger({"verify", "--format", "json"}).out);
  EXPECT_EQ(json["ok"], false);
  EXPECT_EQ(json["first_break"]["entry_id"], victim);
}

TEST_F(LedgerCommandTest, VerifyChecksTheEventStoresChecksums) {
  {
    SQLite::Database raw(dbPath_, SQLite::OPEN_READWRITE);
    raw.exec("DROP TRIGGER events_only_superseded");
    raw.exec("UPDATE events SET checksum = '" + std::string(64, 'f') +
             "' WHERE external_id = 'txn_2'");
  }
  CliResult broken = ledger({"verify"});
  EXPECT_EQ(broken.exitCode, 1);
  EXPECT_THAT(broken.out, HasSubstr("entry 3 (seq 3): source event version"));
}

TEST_F(LedgerCommandTest, UsageErrorsExit2) {
  struct Case {
    std::vector<std::string> args;
    const char* message;
  };
  const std::vector<Case> cases = {
      {{"ledger", "balances"}, "--config FILE is required"},
      {{"ledger", "journal", "--config", configPath_.string()}, "unknown report 'journal'"},
      {{"ledger"}, "which report?"},
      {{"ledger", "balances", "--config", configPath_.string(), "--as-of", "31/01/2026"},
       "'31/01/2026' is not a YYYY-MM-DD date"},
      {{"ledger", "balances", "--config", configPath_.string(), "--period", "day"},
       "--period does not apply"},
      {{"ledger", "trial-balance", "--config", configPath_.string(), "--base-currency"},
       "--base-currency does not apply"},
      {{"ledger", "revenue", "--config", configPath_.string(), "--period", "week"}, "'week'"},
      {{"ledger", "balances", "--config", configPath_.string(), "--format", "xml"},
       "--format must be table, json or csv"},
      {{"ledger", "balances", "--config", configPath_.string(), "--tenant", "globex"},
       "no tenant 'globex'"},
  };
  for (const Case& c : cases) {
    CliResult r = runCli(c.args);
    EXPECT_EQ(r.exitCode, 2) << c.message << "\n" << r.err;
    EXPECT_THAT(r.err, HasSubstr(c.message));
    EXPECT_THAT(r.out, IsEmpty()) << c.message;
  }
}

TEST_F(LedgerCommandTest, AMissingDatabaseOrAmbiguousTenantIsAConfigError) {
  const auto missing = dir_.write("missing.yaml", configYaml(dir_.path() / "nope.db"));
  CliResult r = runCli({"ledger", "balances", "--config", missing.string()});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_THAT(r.err, HasSubstr("no such file"));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "nope.db"));  // not created by a report

  const auto two = dir_.write("two.yaml", configYaml(dbPath_, /*twoTenants=*/true));
  r = runCli({"ledger", "balances", "--config", two.string()});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_THAT(r.err, HasSubstr("which tenant? the config declares: acme, globex"));
  r = runCli(
      {"ledger", "balances", "--config", two.string(), "--tenant", "globex", "--format", "json"});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out), nlohmann::json::array());  // tenants are isolated
}

}  // namespace
}  // namespace lh::cli
