// End to end: FakeStripe (real HTTP on loopback) -> the real `ledgerhost sync` binary with the
// built-in stripe.so and the shipped example config/stripe-to-ledger.yaml (only base_url added) ->
// SQLite -> `ledgerhost ledger trial-balance|balances|verify`.
//
// Every expected amount is derived from the objects the fake serves (its balance transactions and
// payouts), never written down as a number. The binary runs on the real clock, so the data set is
// dated in the last few days, inside the config's 7-day look-back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "fakes/stripe/fake_stripe.h"
#include "unit/cli/cli_runner.h"

namespace lh::e2e {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;
using testsupport::CliResult;
using testsupport::runCli;
using testsupport::TempDir;

constexpr int64_t kDay = 86'400;
// The streams that make a request on every sync: all of them but balance_transactions, which
// reads nothing when money comes through payouts (the example's default).
constexpr size_t kStreamsWithRequests = 7;

// Account codes of config/stripe-to-ledger.yaml.
constexpr const char* kBank = "1000";
constexpr const char* kClearing = "1100";
constexpr const char* kRevenue = "4000";
constexpr const char* kRefunds = "4100";
constexpr const char* kFees = "6100";
constexpr const char* kDisputes = "6200";
constexpr const char* kAdjustments = "6300";

std::string isoDay(int64_t unixSeconds) {
  const std::time_t t = static_cast<std::time_t>(unixSeconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &tm);
  return text;
}

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Debit minus credit per account, in USD minor units, as the ledger would show them if every
// balance transaction and payout the fake holds were posted by the example's rules. Computed from
// the Stripe objects alone: the test's independent expectation.
struct Expected {
  std::map<std::string, int64_t> balance;
  int64_t paidOut = 0;

  void post(const std::string& debit, const std::string& credit, int64_t amount) {
    balance[debit] += amount;
    balance[credit] -= amount;
  }
};

Expected expectedBooks(const fakes::FakeStripe& fake) {
  Expected x;
  for (const auto& bt : fake.objects("balance_transactions")) {
    EXPECT_EQ(bt["currency"], "usd") << "every balance transaction settles in USD";
    const std::string type = bt["type"];
    const std::string category = bt["reporting_category"];
    const int64_t amount = bt["amount"];
    const int64_t fee = bt["fee"];
    const int64_t net = bt["net"];
    if (type == "charge") {  // Dr clearing net, Dr fees fee, Cr revenue gross (settled, USD)
      x.balance[kClearing] += net;
      x.balance[kFees] += fee;
      x.balance[kRevenue] -= amount;
    } else if (type == "refund") {  // negative amounts: money left the balance
      x.balance[kRefunds] += -amount;
      x.balance[kFees] -= -fee;
      x.balance[kClearing] -= -net;
    } else if (type == "stripe_fee") {
      x.post(kFees, kClearing, -amount);
    } else if (type == "adjustment" && category == "dispute") {  // withdrawal and dispute fee
      x.balance[kDisputes] += -amount;
      x.balance[kFees] += fee;
      x.balance[kClearing] -= -net;
    } else if (type == "adjustment") {
      x.balance[kClearing] += net;
      x.balance[kFees] += fee;
      x.balance[category == "dispute_reversal" ? kDisputes : kAdjustments] -= amount;
    } else {
      EXPECT_TRUE(type == "payout" || type == "payout_failure") << type;  // the payout event
    }
  }
  for (const auto& po : fake.objects("payouts")) {
    if (po["status"] != "failed" && po["status"] != "canceled") {
      x.post(kBank, kClearing, po["amount"].get<int64_t>());
      x.paidOut += po["amount"].get<int64_t>();
    }
  }
  return x;
}

class StripeSyncE2eTest : public ::testing::Test {
 protected:
  // Midnight UTC five days ago: every object below is created after it and before now.
  const int64_t base_ = (std::time(nullptr) / kDay - 5) * kDay;

  void SetUp() override { ASSERT_TRUE(fake_->start().isOk()); }
  void TearDown() override { unsetenv("STRIPE_API_KEY"); }

  // The fake with another key (the one it accepts).
  void useKey(const std::string& key) {
    fakes::FakeStripe::Options options;
    options.apiKey = key;
    fake_ = std::make_unique<fakes::FakeStripe>(options);
    ASSERT_TRUE(fake_->start().isOk());
  }

  // The shipped example with base_url pointing at the fake; the store lands next to the file.
  std::filesystem::path writeConfig() {
    std::string yaml =
        readFile(std::filesystem::path(LH_SOURCE_DIR) / "config" / "stripe-to-ledger.yaml");
    const std::string key = "      api_key: ${env:STRIPE_API_KEY}\n";
    const size_t at = yaml.find(key);
    EXPECT_NE(at, std::string::npos) << "the example no longer reads the key from STRIPE_API_KEY";
    yaml.insert(at + key.size(), "      base_url: " + fake_->baseUrl() + "\n");
    EXPECT_EQ(setenv("STRIPE_API_KEY", fake_->apiKey().c_str(), 1), 0);
    return dir_.write("stripe-to-ledger.yaml", yaml);
  }

  // A payout day's worth of Stripe activity: charges (one with two fee_details entries, one in EUR
  // settled in USD at a rate no double holds), refunds (one of the EUR charge), a standalone fee, a
  // dispute won back, an adjustment; paid out the next day. Then a second charge paid out alone.
  void buildPayoutDay() {
    const std::string customer = fake_->addCustomer(base_, "Jenny Rosen", "jenny@example.com");
    const auto card = fake_->addCharge({.amount = 10000, .created = base_ + 100});
    const auto connect = fake_->addCharge({.amount = 5000,
                                           .created = base_ + 200,
                                           .fee = 175,
                                           .applicationFee = 150,
                                           .customer = customer});
    const auto eur = fake_->addCharge({.amount = 9000,
                                       .currency = "eur",
                                       .created = base_ + 300,
                                       .settlementCurrency = "usd",
                                       .settledAmount = 9888,
                                       .exchangeRate = "1.0986543210987654321"});
    fake_->addRefund(card.id, 2500, base_ + 400);
    fake_->addRefund(eur.id, 3000, base_ + 500);
    fake_->addStripeFee(1999, base_ + 600, "Radar for Fraud Teams");
    const auto dispute = fake_->addDispute(connect.id, 5000, 1500, base_ + 700);
    fake_->closeDispute(dispute.id, "won", base_ + 800);
    fake_->addAdjustment(-1200, base_ + 900, "Reserve hold");
    payout_ = fake_->addPayout({.created = base_ + kDay, .traceId = "STRIPE PAYOUT 4821"}).id;

    fake_->addCharge({.amount = 4200, .created = base_ + 2 * kDay + 100});
    latePayout_ =
        fake_->addPayout({.created = base_ + 3 * kDay, .traceId = "STRIPE PAYOUT 4822"}).id;
  }

  CliResult sync(const std::filesystem::path& config, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"sync",   "--config", config.string(), "--connection",
                                     "stripe", "--format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return runCli(args);
  }

  // Debit minus credit per account from `ledgerhost ledger trial-balance --format json`.
  std::map<std::string, int64_t> trialBalance(const std::filesystem::path& config) {
    const CliResult r =
        runCli({"ledger", "trial-balance", "--config", config.string(), "--format", "json"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    const json rows = json::parse(r.out, nullptr, false);
    std::map<std::string, int64_t> out;
    if (!rows.is_array()) {
      ADD_FAILURE() << "not a trial balance: " << r.out;
      return out;
    }
    for (const auto& row : rows) {
      EXPECT_EQ(row["currency"], "USD") << row.dump();
      EXPECT_EQ(row["balance_minor"].get<int64_t>(),
                row["debit_minor"].get<int64_t>() - row["credit_minor"].get<int64_t>());
      out[row["account"].get<std::string>()] += row["balance_minor"].get<int64_t>();
    }
    return out;
  }

  // Entries in the books (and the hash chain verified).
  int64_t entriesChecked(const std::filesystem::path& config) {
    const CliResult r =
        runCli({"ledger", "verify", "--config", config.string(), "--format", "json"});
    EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
    const json v = json::parse(r.out, nullptr, false);
    return v.is_object() ? v.value("entries_checked", int64_t{-1}) : -1;
  }

  static json totals(const CliResult& r) {
    const json report = json::parse(r.out, nullptr, false);
    if (report.is_discarded() || report["connections"].size() != 1) {
      ADD_FAILURE() << "not a sync report: " << r.out << r.err;
      return json::object();
    }
    return report["connections"][0]["totals"];
  }

  // Balance transactions the fake lists for a payout (its own `payout` one included).
  size_t transactionsOf(const std::string& payoutId) const {
    size_t n = 0;
    const int64_t created = fake_->object("payouts", payoutId)["created"];
    for (const auto& bt : fake_->objects("balance_transactions")) {
      n += bt["created"].get<int64_t>() <= created ? 1 : 0;
    }
    return n;
  }

  TempDir dir_;
  std::unique_ptr<fakes::FakeStripe> fake_ = std::make_unique<fakes::FakeStripe>();
  std::string payout_;
  std::string latePayout_;
};

TEST_F(StripeSyncE2eTest, APayoutDayLandsInTheBooksClearingNetsToZeroAndASecondSyncAddsNothing) {
  buildPayoutDay();
  const auto config = writeConfig();

  const CliResult first = sync(config);
  ASSERT_EQ(first.exitCode, 0) << first.out << first.err;
  const json t1 = totals(first);
  EXPECT_EQ(t1["ok"], true);
  EXPECT_EQ(t1["rejected"], 0) << first.err;
  EXPECT_GT(t1["inserted"].get<int64_t>(), 0);

  // The books, account by account, as the fake's objects say they must be.
  const Expected expected = expectedBooks(*fake_);
  std::map<std::string, int64_t> books = trialBalance(config);
  for (const char* account :
       {kBank, kClearing, kRevenue, kRefunds, kFees, kDisputes, kAdjustments}) {
    EXPECT_EQ(books[account], expected.balance.at(account)) << "account " << account;
  }
  // Everything that reached the Stripe balance was paid out: clearing nets to zero, and the bank
  // holds exactly what the payouts carried.
  EXPECT_EQ(books[kClearing], 0);
  const int64_t paid = fake_->object("payouts", payout_)["amount"].get<int64_t>() +
                       fake_->object("payouts", latePayout_)["amount"].get<int64_t>();
  EXPECT_EQ(books[kBank], paid);
  EXPECT_EQ(expected.paidOut, paid);
  // The won dispute gave the withdrawn amount back.
  EXPECT_EQ(books[kDisputes], 0);

  // `balances` agrees, with names and types from the chart.
  const CliResult balances =
      runCli({"ledger", "balances", "--config", config.string(), "--format", "json"});
  ASSERT_EQ(balances.exitCode, 0) << balances.err;
  for (const auto& row : json::parse(balances.out)) {
    if (row["account"] == kBank) {
      EXPECT_EQ(row["name"], "Operating bank account");
      EXPECT_EQ(row["balance_minor"], paid);
    }
  }

  // A second sync re-reads the look-back window and finds nothing new.
  const int64_t entries = entriesChecked(config);
  EXPECT_GT(entries, 0);
  fake_->clearRequests();
  const CliResult second = sync(config);
  ASSERT_EQ(second.exitCode, 0) << second.out << second.err;
  const json t2 = totals(second);
  EXPECT_EQ(t2["inserted"], 0);
  EXPECT_EQ(t2["new_versions"], 0);
  EXPECT_EQ(t2["entries_posted"], 0);
  EXPECT_EQ(t2["reversals"], 0);
  EXPECT_EQ(t2["unchanged"], t1["inserted"]);
  EXPECT_EQ(entriesChecked(config), entries);
  EXPECT_EQ(trialBalance(config), books);
  // One list request per stream, plus 1 + ceil(n/100) per payout in the window (each has < 100
  // balance transactions), and never a per-charge fetch.
  ASSERT_LT(transactionsOf(payout_), 100u);
  ASSERT_LT(transactionsOf(latePayout_), 100u);
  EXPECT_EQ(fake_->requestCount(), kStreamsWithRequests + 2);
  for (const auto& request : fake_->requests()) {
    EXPECT_THAT(request.path, Not(HasSubstr("/v1/charges/")));
  }
}

TEST_F(StripeSyncE2eTest, APayoutThatFailsLaterIsReversedAndItsMoneyIsBackInClearing) {
  buildPayoutDay();
  const auto config = writeConfig();
  ASSERT_EQ(sync(config).exitCode, 0);
  const int64_t entries = entriesChecked(config);

  fake_->failPayout(latePayout_, "account_closed", base_ + 4 * kDay);
  const CliResult again = sync(config);
  ASSERT_EQ(again.exitCode, 0) << again.out << again.err;
  const json t = totals(again);
  EXPECT_EQ(t["new_versions"], 1);  // the payout, now failed
  EXPECT_EQ(t["reversals"], 1);     // its entry
  EXPECT_EQ(t["entries_posted"], 0);

  std::map<std::string, int64_t> books = trialBalance(config);
  const Expected expected = expectedBooks(*fake_);
  EXPECT_EQ(books[kBank], expected.balance.at(kBank));
  EXPECT_EQ(books[kBank], fake_->object("payouts", payout_)["amount"].get<int64_t>());
  // The failed payout's money is back on the Stripe balance, i.e. in clearing.
  EXPECT_EQ(books[kClearing], fake_->object("payouts", latePayout_)["amount"].get<int64_t>());
  EXPECT_EQ(books[kClearing], expected.balance.at(kClearing));
  EXPECT_EQ(entriesChecked(config), entries + 1);  // the reversal
}

TEST_F(StripeSyncE2eTest, SyncSinceReadsFromThatDayOnly) {
  buildPayoutDay();
  const auto config = writeConfig();
  const int64_t since = base_ + 2 * kDay;
  const CliResult r = sync(config, {"--since", isoDay(since)});
  ASSERT_EQ(r.exitCode, 0) << r.out << r.err;

  // Every list request started at 00:00 UTC of that day.
  size_t lists = 0;
  for (const auto& request : fake_->requests()) {
    if (const auto gte = request.param("created[gte]")) {
      ++lists;
      EXPECT_EQ(*gte, std::to_string(since)) << request.path;
    }
  }
  EXPECT_EQ(lists, kStreamsWithRequests);

  // Only the late charge and its payout were read: the books hold that payout and nothing of the
  // first one.
  std::map<std::string, int64_t> books = trialBalance(config);
  const int64_t late = fake_->object("payouts", latePayout_)["amount"].get<int64_t>();
  EXPECT_EQ(books[kBank], late);
  EXPECT_EQ(books[kClearing], 0);
  EXPECT_EQ(books[kRefunds], 0);
  EXPECT_EQ(books[kAdjustments], 0);
  EXPECT_EQ(books[kRevenue], -fake_->objects("charges").front()["amount"].get<int64_t>());

  // The stored cursors are the connector's own again, so the next sync goes on from them.
  const CliResult cursors =
      runCli({"cursors", "list", "--config", config.string(), "--format", "json"});
  ASSERT_EQ(cursors.exitCode, 0) << cursors.err;
  EXPECT_THAT(cursors.out, HasSubstr("synced_upto"));
  EXPECT_THAT(cursors.out, Not(HasSubstr("since")));
}

TEST_F(StripeSyncE2eTest, RateLimitsAndServerErrorsAreRetriedAndChangeNothing) {
  buildPayoutDay();
  const auto config = writeConfig();
  // The payout composition read gets a 429 and then a 503 before its real answer.
  fake_->injectRateLimit(1, std::nullopt, "^/v1/balance_transactions$");
  fake_->injectServerError(503, 1, std::nullopt, "^/v1/balance_transactions$");
  const CliResult r = sync(config);
  ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
  EXPECT_EQ(totals(r)["ok"], true);
  // One composition read per payout, and the two refused attempts before the first one's answer.
  EXPECT_EQ(fake_->requestCount("/v1/balance_transactions"), 2u + 2u);
  std::map<std::string, int64_t> books = trialBalance(config);
  EXPECT_EQ(books[kClearing], 0);
  EXPECT_EQ(books[kBank], expectedBooks(*fake_).paidOut);
}

// The example config names Stripe-Should-Retry: a 503 that Stripe marks "false" is not sent again
// (the page fails, nothing of it is kept), and one marked "true" is retried even on a 409.
TEST_F(StripeSyncE2eTest, StripeShouldRetryDecidesWhetherTheHostRetries) {
  buildPayoutDay();
  const auto config = writeConfig();
  fake_->injectServerError(503, 1, false, "^/v1/balance_transactions$");
  const CliResult refused = sync(config);
  EXPECT_NE(refused.exitCode, 0) << refused.out << refused.err;
  EXPECT_EQ(fake_->requestCount("/v1/balance_transactions"), 1u);  // no second attempt

  fake_->injectServerError(409, 1, true, "^/v1/balance_transactions$");
  const CliResult retried = sync(config);
  ASSERT_EQ(retried.exitCode, 0) << retried.out << retried.err;
  std::map<std::string, int64_t> books = trialBalance(config);
  EXPECT_EQ(books[kClearing], 0);
  EXPECT_EQ(books[kBank], expectedBooks(*fake_).paidOut);
}

TEST_F(StripeSyncE2eTest, ARefusedKeyStopsTheConnectionAsNeedingReauthorisation) {
  buildPayoutDay();
  const auto config = writeConfig();
  const std::string wrong = "sk_live_51RefusedKeyZyxwvutsrqponm";
  ASSERT_EQ(setenv("STRIPE_API_KEY", wrong.c_str(), 1), 0);
  const CliResult r = sync(config);
  EXPECT_EQ(r.exitCode, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("ledgerhost connect stripe"));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr(wrong.substr(8))));
  EXPECT_EQ(entriesChecked(config), 0);
}

TEST_F(StripeSyncE2eTest, SyncShowsTestOrLiveModeAndNeverTheKey) {
  for (const std::string key :
       {"sk_test_51E2eTestKeyAbcdefghijklmno", "rk_live_51E2eLiveKeyPqrstuv"}) {
    SCOPED_TRACE(key);
    useKey(key);
    fake_->addCharge({.amount = 10000, .created = base_ + 100});
    fake_->addPayout({.created = base_ + kDay});
    const auto config = writeConfig();
    // Trace: the most the host ever logs (request lines, bodies).
    const CliResult r = sync(config, {"--full", "--log-level", "trace"});
    ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
    const bool live = key.rfind("rk_live_", 0) == 0;
    EXPECT_THAT(r.err, HasSubstr(live ? "stripe: live mode, restricted key"
                                      : "stripe: test mode, secret key"));
    // Neither the key nor a recognisable part of it, anywhere.
    const std::string secretPart = key.substr(8);
    for (const std::string* text : {&r.out, &r.err}) {
      EXPECT_THAT(*text, Not(HasSubstr(secretPart)));
    }
    const CliResult cursors =
        runCli({"cursors", "list", "--config", config.string(), "--format", "json"});
    EXPECT_THAT(cursors.out + cursors.err, Not(HasSubstr(secretPart)));
  }
}

}  // namespace
}  // namespace lh::e2e
