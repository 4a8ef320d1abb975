// The QBO connector (the real qbo.so, loaded by the host's loader) against FakeQbo over real
// loopback HTTP through the host's real outbound stack: delivery commands → QBO objects, batching
// and its request economy, requestid and marker lookup after a lost answer, faults, throttles,
// token refresh and rotation.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "qbo_test_host.h"

namespace lh::qbo_test {
namespace {

constexpr int64_t kNow = 1'769'904'000'000;  // 2026-02-01T00:00:00Z, the fake's start

json customerEvent(const std::string& id, const std::string& name, const std::string& email) {
  return {{"type", "customer"},
          {"external_id", id},
          {"occurred_at", "2026-01-15T10:00:00Z"},
          {"party", {{"name", name}, {"email", email}}},
          {"raw", {{"id", id}}}};
}

json invoiceEvent(const std::string& id, int64_t first, int64_t second) {
  return {{"type", "invoice"},
          {"external_id", id},
          {"occurred_at", "2026-01-15T10:00:00Z"},
          {"amount", usd(first + second)},
          {"lines",
           {{{"amount", usd(first)},
             {"description", "Pro plan"},
             {"quantity", 1},
             {"period_start", "2026-01-01"},
             {"period_end", "2026-01-31"}},
            {{"amount", usd(second)}, {"description", "Overage"}}}},
          {"dates", {{"invoice_date", "2026-01-15"}, {"due_date", "2026-02-14"}}},
          {"links", {{"customer", "cus_1"}}},
          {"raw", {{"id", id}}}};
}

json paymentEvent(const std::string& id, int64_t amount, const std::string& invoice) {
  return {{"type", "payment"},
          {"external_id", id},
          {"occurred_at", "2026-01-20T09:30:00Z"},
          {"amount", usd(amount)},
          {"fee", usd(amount * 29 / 1000 + 30)},
          {"net", usd(amount - (amount * 29 / 1000 + 30))},
          {"links", {{"invoice", invoice}, {"customer", "cus_1"}, {"charge", "ch_" + id}}},
          {"raw", {{"id", id}}}};
}

json target(const std::string& type, const std::string& id) { return {{"type", type}, {"id", id}}; }

class QboConnectorTest : public ::testing::Test {
 protected:
  void SetUp() override { start(fakes::FakeQbo::Options{}); }

  void start(fakes::FakeQbo::Options options, json extra = json::object()) {
    fake_ = startFake(kNow, options);
    ASSERT_NE(QboHost::library(), nullptr);
    host_ = std::make_unique<QboHost>(kNow);
    host_->connect(fake_->issueTokens(), fake_->realmId());
    const Status s = host_->create(configFor(*fake_, std::move(extra)));
    ASSERT_TRUE(s.isOk()) << s.message();
    customerId_ = fake_->add("Customer", {{"DisplayName", "Existing Customer"}});
  }

  // Both clocks forward.
  void advance(int64_t ms) {
    fake_->advance(std::chrono::milliseconds(ms));
    host_->clock().set(host_->clock().nowMs() + ms);
  }

  json invoiceCommand(const std::string& id, const std::string& customerQboId, int64_t a = 10000,
                      int64_t b = 2345) {
    return command(id, "create_invoice", invoiceEvent("in_" + id, a, b), {{"item", "Services"}},
                   {{"customer", target("Customer", customerQboId)}});
  }

  size_t posts(const std::string& segment) const {
    size_t n = 0;
    for (const auto& r : fake_->requests()) {
      n += r.method == "POST" && r.path == "/v3/company/" + fake_->realmId() + "/" + segment;
    }
    return n;
  }

  std::unique_ptr<fakes::FakeQbo> fake_;
  std::unique_ptr<QboHost> host_;
  std::string customerId_;
};

// --- the objects
// ----------------------------------------------------------------------------------

TEST_F(QboConnectorTest, CustomerInvoiceAndPaymentLandLinkedWithExactAmountsAndDates) {
  Answers r = host_->execute(json::array(
      {command("1", "create_customer", customerEvent("cus_1", "Amy's Bird Sanctuary", "a@x.io"))}));
  ASSERT_TRUE(r.status.isOk()) << r.status.message();
  ASSERT_EQ(r.statusOf("1"), LH_OK) << r.messageOf("1");
  EXPECT_EQ(r.byId["1"]["target_type"], "Customer");
  const std::string customer = r.targetOf("1");
  const json c = fake_->object("Customer", customer);
  EXPECT_EQ(c["DisplayName"], "Amy's Bird Sanctuary");
  EXPECT_EQ(c["PrimaryEmailAddr"]["Address"], "a@x.io");
  EXPECT_EQ(c["Notes"].get<std::string>().rfind("ledgerhost:" + keyOf(1), 0), 0u);

  r = host_->execute(json::array({invoiceCommand("2", customer)}));
  ASSERT_EQ(r.statusOf("2"), LH_OK) << r.messageOf("2");
  EXPECT_EQ(r.byId["2"]["target_type"], "Invoice");
  const json inv = fake_->object("Invoice", r.targetOf("2"));
  EXPECT_EQ(inv["CustomerRef"]["value"], customer);
  EXPECT_EQ(inv["TxnDate"], "2026-01-15");
  EXPECT_EQ(inv["DueDate"], "2026-02-14");
  EXPECT_EQ(inv["TotalAmt"], "123.45");
  EXPECT_EQ(inv["Line"][0]["Amount"], "100.00");
  EXPECT_EQ(inv["Line"][0]["SalesItemLineDetail"]["ServiceDate"], "2026-01-01");
  EXPECT_EQ(inv["Line"][0]["SalesItemLineDetail"]["ItemRef"]["name"], "Services");
  EXPECT_NE(inv["Line"][0]["Description"].get<std::string>().find("usage 2026-01-01 to 2026-01-31"),
            std::string::npos);
  EXPECT_EQ(inv["Line"][1]["Amount"], "23.45");
  EXPECT_EQ(inv["PrivateNote"], "ledgerhost:" + keyOf(2) + " invoice in_2");
  // requestid = the command's key plus a digest of the body; minorversion on every request.
  bool sawPost = false;
  for (const auto& req : fake_->requests()) {
    EXPECT_GE(std::stoi(req.param("minorversion").value_or("0")), 75) << req.target;
    if (req.method == "POST" && req.path.find("/invoice") != std::string::npos) {
      sawPost = true;
      EXPECT_EQ(req.param("requestid").value_or("").substr(0, 33), keyOf(2) + "-");
      EXPECT_EQ(req.header("Authorization").value_or("").rfind("Bearer ", 0), 0u);
    }
  }
  EXPECT_TRUE(sawPost);

  const std::string invoiceId = r.targetOf("2");
  r = host_->execute(json::array({command(
      "3", "create_payment", paymentEvent("txn_3", 12345, "in_2"),
      {{"deposit_to", "Stripe Clearing"}},
      {{"invoice", target("Invoice", invoiceId)}, {"customer", target("Customer", customer)}})}));
  ASSERT_EQ(r.statusOf("3"), LH_OK) << r.messageOf("3");
  const json pay = fake_->object("Payment", r.targetOf("3"));
  EXPECT_EQ(pay["TotalAmt"], "123.45");
  EXPECT_EQ(pay["Line"][0]["LinkedTxn"][0]["TxnId"], invoiceId);
  EXPECT_EQ(pay["Line"][0]["LinkedTxn"][0]["TxnType"], "Invoice");
  EXPECT_EQ(pay["DepositToAccountRef"]["name"], "Stripe Clearing");
  EXPECT_EQ(pay["TxnDate"], "2026-01-20");
  EXPECT_EQ(fake_->object("Invoice", invoiceId)["Balance"], "0.00");
}

TEST_F(QboConnectorTest, PaymentWaitsWithTransientUntilItsInvoiceIsInTargets) {
  fake_->clearRequests();
  Answers r = host_->execute(
      json::array({command("7", "create_payment", paymentEvent("txn_7", 5000, "in_9"),
                           json::object(), {{"customer", target("Customer", customerId_)}})}));
  ASSERT_TRUE(r.status.isOk());
  EXPECT_EQ(r.statusOf("7"), LH_E_TRANSIENT);
  EXPECT_EQ(r.messageOf("7"), "waiting for invoice in_9");
  EXPECT_EQ(fake_->writeRequests(), 0u);
  EXPECT_EQ(fake_->count("Payment"), 0u);
}

TEST_F(QboConnectorTest, MalformedOrUnknownCommandsFailAloneAndTheRestGoOn) {
  json bad = invoiceCommand("1", customerId_);
  bad["payload"]["event"]["lines"] = json::array({{{"amount", "12.00"}}});
  json unknown = invoiceCommand("2", customerId_);
  unknown["type"] = "create_bill";
  Answers r = host_->execute(json::array({bad, unknown, invoiceCommand("3", customerId_)}));
  ASSERT_TRUE(r.status.isOk()) << r.status.message();
  EXPECT_EQ(r.statusOf("1"), LH_E_PERMANENT) << r.messageOf("1");
  EXPECT_EQ(r.statusOf("2"), LH_E_NOT_SUPPORTED);
  EXPECT_EQ(r.statusOf("3"), LH_OK) << r.messageOf("3");
  EXPECT_EQ(fake_->count("Invoice"), 1u);
}

TEST_F(QboConnectorTest, InvoiceWaitsForItsCustomerWhenTheCustomerLinkIsNotCreatedYet) {
  Answers r = host_->execute(json::array(
      {command("8", "create_invoice", invoiceEvent("in_8", 100, 0), {{"item", "Services"}})}));
  EXPECT_EQ(r.statusOf("8"), LH_E_TRANSIENT);
  EXPECT_EQ(r.messageOf("8"), "waiting for customer cus_1");
}

TEST_F(QboConnectorTest, RefundReceiptCreditMemoAndJournalEntry) {
  const json refund = {{"type", "refund"},
                       {"external_id", "re_1"},
                       {"occurred_at", "2026-01-21T00:00:00Z"},
                       {"amount", usd(2500)},
                       {"links", {{"customer", "cus_1"}}},
                       {"raw", json::object()}};
  const json targets = {{"customer", target("Customer", customerId_)}};
  Answers r = host_->execute(json::array(
      {command("1", "create_refund_receipt", refund, {{"refund_from", "Stripe Clearing"}}, targets),
       command("2", "create_credit_memo", refund, json::object(), targets),
       command(
           "3", "create_journal_entry", refund,
           {{"debit_account", "Sales of Product Income"}, {"credit_account", "Stripe Clearing"}}),
       command("4", "create_refund_receipt", refund, json::object(), targets)}));
  ASSERT_TRUE(r.status.isOk());
  ASSERT_EQ(r.statusOf("1"), LH_OK) << r.messageOf("1");
  ASSERT_EQ(r.statusOf("2"), LH_OK) << r.messageOf("2");
  ASSERT_EQ(r.statusOf("3"), LH_OK) << r.messageOf("3");
  EXPECT_EQ(r.statusOf("4"), LH_E_PERMANENT);
  EXPECT_NE(r.messageOf("4").find("refund_from"), std::string::npos) << r.messageOf("4");
  const json rr = fake_->object("RefundReceipt", r.targetOf("1"));
  EXPECT_EQ(rr["TotalAmt"], "25.00");
  EXPECT_EQ(rr["DepositToAccountRef"]["name"], "Stripe Clearing");
  EXPECT_EQ(fake_->object("CreditMemo", r.targetOf("2"))["TotalAmt"], "25.00");
  const json je = fake_->object("JournalEntry", r.targetOf("3"));
  EXPECT_EQ(je["Line"][0]["JournalEntryLineDetail"]["PostingType"], "Debit");
  EXPECT_EQ(je["Line"][0]["JournalEntryLineDetail"]["AccountRef"]["name"],
            "Sales of Product Income");
  EXPECT_EQ(je["Line"][1]["Amount"], "25.00");
  EXPECT_EQ(posts("batch"), 1u) << "three commands, one batch";
}

// --- deposits
// ---------------------------------------------------------------------------------------

json payoutCommand(const std::string& id, int64_t payoutAmount) {
  const json composition = {{"events",
                             {{{"type", "payment"},
                               {"external_id", "txn_a"},
                               {"amount", usd(10000)},
                               {"fee", usd(320)},
                               {"net", usd(9680)},
                               {"links", json::object()},
                               {"targets", json::object()}},
                              {{"type", "payment"},
                               {"external_id", "txn_b"},
                               {"amount", usd(5000)},
                               {"fee", usd(175)},
                               {"net", usd(4825)},
                               {"links", json::object()},
                               {"targets", json::object()}},
                              {{"type", "refund"},
                               {"external_id", "txn_c"},
                               {"amount", usd(5000)},
                               {"fee", nullptr},
                               {"net", usd(5000)},
                               {"links", json::object()},
                               {"targets", json::object()}},
                              {{"type", "fee"},
                               {"external_id", "txn_d"},
                               {"amount", usd(87)},
                               {"fee", nullptr},
                               {"net", nullptr},
                               {"links", json::object()},
                               {"targets", json::object()}}}},
                            {"net_total", usd(9418)}};
  const json payout = {{"type", "payout"},
                       {"external_id", "po_1"},
                       {"occurred_at", "2026-01-22T00:00:00Z"},
                       {"amount", usd(payoutAmount)},
                       {"dates", {{"arrival_date", "2026-01-24"}}},
                       {"raw", json::object()}};
  json c = command(id, "create_deposit", payout,
                   {{"deposit_to", "Checking"},
                    {"clearing_account", "Stripe Clearing"},
                    {"fee_account", "Bank Charges"}});
  c["payload"]["composition"] = composition;
  return c;
}

TEST_F(QboConnectorTest, DepositLinesFromClearingAndANegativeFeeLineSumToThePayout) {
  Answers r = host_->execute(json::array({payoutCommand("1", 9418)}));
  ASSERT_EQ(r.statusOf("1"), LH_OK) << r.messageOf("1");
  const json d = fake_->object("Deposit", r.targetOf("1"));
  EXPECT_EQ(d["TotalAmt"], "94.18");
  EXPECT_EQ(d["TxnDate"], "2026-01-24");
  EXPECT_EQ(d["DepositToAccountRef"]["name"], "Checking");
  std::map<std::string, std::string> lines;  // description → amount
  for (const auto& l : d["Line"]) {
    lines[l["DepositLineDetail"]["AccountRef"]["name"].get<std::string>() + " " +
          l["Description"].get<std::string>().substr(0, 5)] = l["Amount"].get<std::string>();
  }
  EXPECT_EQ(lines["Stripe Clearing Payme"], "150.00");
  EXPECT_EQ(lines["Stripe Clearing Refun"], "-50.00");
  EXPECT_EQ(lines["Bank Charges Fees "], "-5.82");
  EXPECT_EQ(lines.size(), 3u);
}

TEST_F(QboConnectorTest, DepositWhoseLinesDoNotSumToThePayoutIsRefusedAndNothingIsSent) {
  fake_->clearRequests();
  Answers r = host_->execute(json::array({payoutCommand("1", 9419)}));
  EXPECT_EQ(r.statusOf("1"), LH_E_PERMANENT);
  EXPECT_NE(r.messageOf("1").find("deposit lines sum to 94.18 USD but the payout is 94.19"),
            std::string::npos)
      << r.messageOf("1");
  EXPECT_EQ(fake_->writeRequests(), 0u);
  EXPECT_EQ(fake_->count("Deposit"), 0u);
}

// --- batching ------------------------------------------------------------------------------------

json customers(int n, int firstKey = 100) {
  json commands = json::array();
  for (int i = 0; i < n; ++i) {
    const std::string name = "Batch Customer " + std::to_string(i);
    commands.push_back(command(std::to_string(firstKey + i), "create_customer",
                               customerEvent("cus_b" + std::to_string(i), name, "")));
  }
  return commands;
}

TEST_F(QboConnectorTest, NCreatesCostCeilNOverBatchSizeRequests) {
  for (const auto& [n, batch] :
       std::vector<std::pair<int, int>>{{25, 10}, {30, 30}, {7, 3}, {2, 10}}) {
    start(fakes::FakeQbo::Options{}, {{"batch_size", batch}});
    fake_->clearRequests();
    Answers r = host_->execute(customers(n));
    ASSERT_TRUE(r.status.isOk());
    for (const auto& resp : r.responses) {
      EXPECT_EQ(resp["status"], LH_OK) << resp.dump();
    }
    EXPECT_EQ(r.responses.size(), static_cast<size_t>(n));
    EXPECT_EQ(fake_->writeRequests(), static_cast<size_t>((n + batch - 1) / batch))
        << n << " creates, batch " << batch;
    // A last chunk of one command goes out as a single create.
    EXPECT_EQ(posts("batch"), static_cast<size_t>(n / batch + (n % batch > 1 ? 1 : 0)));
    EXPECT_EQ(fake_->count("Customer"), static_cast<size_t>(n) + 1);
    for (const auto& req : fake_->requests()) {
      if (req.path.find("/batch") != std::string::npos) {
        EXPECT_EQ(req.param("requestid").value_or("").size(), 32u);
        EXPECT_LE(json::parse(req.body)["BatchItemRequest"].size(), static_cast<size_t>(batch));
      }
    }
  }
}

TEST_F(QboConnectorTest, BatchSizeQboRefusesFallsBackToSmallerBatches) {
  fakes::FakeQbo::Options options;
  options.maxBatchItems = 5;
  start(options, {{"batch_size", 10}});
  fake_->clearRequests();
  Answers r = host_->execute(customers(12));
  ASSERT_TRUE(r.status.isOk());
  ASSERT_EQ(r.responses.size(), 12u);
  for (const auto& resp : r.responses) {
    EXPECT_EQ(resp["status"], LH_OK) << resp.dump();
  }
  EXPECT_EQ(fake_->count("Customer"), 13u) << "every customer once";
  // 10 refused, then 5 + 5, then the last 2 in batches of 5.
  EXPECT_EQ(posts("batch"), 4u);
}

TEST_F(QboConnectorTest, PartialBatchFailureFailsOnlyTheFaultyCommandWithQbosMessage) {
  fake_->clearRequests();
  Answers r =
      host_->execute(json::array({invoiceCommand("1", customerId_), invoiceCommand("2", "9999"),
                                  invoiceCommand("3", customerId_)}));
  ASSERT_TRUE(r.status.isOk());
  EXPECT_EQ(r.statusOf("1"), LH_OK);
  EXPECT_EQ(r.statusOf("3"), LH_OK);
  EXPECT_EQ(r.statusOf("2"), LH_E_PERMANENT);
  EXPECT_NE(r.messageOf("2").find("QBO 2500 Invalid Reference Id"), std::string::npos)
      << r.messageOf("2");
  EXPECT_EQ(posts("batch"), 1u);
  EXPECT_EQ(fake_->count("Invoice"), 2u);
  EXPECT_FALSE(host_->stateJson("delivery.inflight").value_or(json::object()).contains(keyOf(2)));
}

TEST_F(QboConnectorTest, ValidationFaultOfASingleWriteCarriesQbosMessage) {
  json c = invoiceCommand("1", customerId_);
  c["payload"]["options"]["item"] = "9999";  // an item id QBO does not have
  Answers r = host_->execute(json::array({c}));
  EXPECT_EQ(r.statusOf("1"), LH_E_PERMANENT);
  EXPECT_NE(r.messageOf("1").find("QBO 2500"), std::string::npos) << r.messageOf("1");
}

// --- customers
// --------------------------------------------------------------------------------------

TEST_F(QboConnectorTest, DuplicateCustomerNameIsResolvedToTheExistingCustomer) {
  const std::string existing = fake_->add(
      "Customer",
      {{"DisplayName", "Dukes Basketball Camp"}, {"PrimaryEmailAddr", {{"Address", "old@x.io"}}}});
  Answers r = host_->execute(json::array({command(
      "1", "create_customer", customerEvent("cus_1", "Dukes Basketball Camp", "new@x.io"))}));
  ASSERT_EQ(r.statusOf("1"), LH_OK) << r.messageOf("1");
  EXPECT_EQ(r.targetOf("1"), existing);
  EXPECT_EQ(fake_->count("Customer"), 2u);
  EXPECT_EQ(fake_->object("Customer", existing)["PrimaryEmailAddr"]["Address"], "new@x.io");
}

TEST_F(QboConnectorTest, StaleSyncTokenReReadsAndRetriesOnce) {
  const std::string existing =
      fake_->add("Customer",
                 {{"DisplayName", "Pye's Cakes"}, {"PrimaryEmailAddr", {{"Address", "old@x.io"}}}});
  fake_->injectStaleObject(1);
  fake_->clearRequests();
  Answers r = host_->execute(json::array(
      {command("1", "create_customer", customerEvent("cus_1", "Pye's Cakes", "new@x.io"))}));
  ASSERT_EQ(r.statusOf("1"), LH_OK) << r.messageOf("1");
  EXPECT_EQ(r.targetOf("1"), existing);
  const json c = fake_->object("Customer", existing);
  EXPECT_EQ(c["PrimaryEmailAddr"]["Address"], "new@x.io");
  EXPECT_EQ(c["SyncToken"], "1");
  EXPECT_EQ(fake_->server().requestCount(
                "GET", "/v3/company/" + fake_->realmId() + "/customer/" + existing),
            1u)
      << "re-read once after 5010";
  EXPECT_EQ(posts("customer"), 3u) << "create (6240), update (5010), update";
}

// --- lost answers
// ---------------------------------------------------------------------------------

class LostAnswerTest : public QboConnectorTest, public ::testing::WithParamInterface<bool> {
 protected:
  void SetUp() override {
    fakes::FakeQbo::Options options;
    options.honourRequestId = GetParam();
    start(options);
  }
};

TEST_P(LostAnswerTest, CommittedWriteWhoseAnswerIsLostIsFoundNotCreatedTwice) {
  fake_->injectDropAfterCommit(1, ".*/invoice");
  Answers r = host_->execute(json::array({invoiceCommand("1", customerId_)}));
  ASSERT_TRUE(r.status.isOk());
  ASSERT_EQ(r.statusOf("1"), LH_OK) << r.messageOf("1");
  ASSERT_EQ(fake_->count("Invoice"), 1u);
  EXPECT_EQ(r.targetOf("1"), fake_->objects("Invoice").front()["Id"]);
  EXPECT_EQ(posts("invoice"), 1u);
  EXPECT_FALSE(host_->stateJson("delivery.inflight").value_or(json::object()).contains(keyOf(1)));
}

TEST_P(LostAnswerTest, WhenQboCannotBeCheckedAtOnceTheNextCallLooksBeforeCreating) {
  fake_->injectDropAfterCommit(1, ".*/invoice");
  // The immediate lookup fails too (the host retries a GET 3 times).
  fake_->injectServerError(503, 3, ".*/query");
  json c = invoiceCommand("1", customerId_);
  c["payload"]["options"]["item"] = "1";  // by id: no query before the write
  Answers r = host_->execute(json::array({c}));
  EXPECT_EQ(r.statusOf("1"), LH_E_TRANSIENT);
  ASSERT_TRUE(host_->stateJson("delivery.inflight").value_or(json::object()).contains(keyOf(1)));
  // The executor retries later, maybe from a new instance (a new run).
  advance(60'000);
  ASSERT_TRUE(host_->create(configFor(*fake_)).isOk());
  r = host_->execute(json::array({invoiceCommand("1", customerId_)}));
  ASSERT_EQ(r.statusOf("1"), LH_OK) << r.messageOf("1");
  EXPECT_EQ(fake_->count("Invoice"), 1u) << "no second invoice";
  EXPECT_EQ(posts("invoice"), 1u) << "found by its marker, not sent again";
  EXPECT_FALSE(host_->stateJson("delivery.inflight").value_or(json::object()).contains(keyOf(1)));
}

TEST_P(LostAnswerTest, LostBatchAnswerFindsEveryCommittedItem) {
  fake_->injectDropAfterCommit(1, ".*/batch");
  Answers r = host_->execute(
      json::array({invoiceCommand("1", customerId_), invoiceCommand("2", customerId_, 500, 5),
                   invoiceCommand("3", customerId_, 700, 7)}));
  for (const char* id : {"1", "2", "3"}) {
    EXPECT_EQ(r.statusOf(id), LH_OK) << r.messageOf(id);
  }
  EXPECT_EQ(fake_->count("Invoice"), 3u);
  EXPECT_EQ(posts("batch"), 1u) << "found by their markers, not sent again";
  EXPECT_EQ(host_->stateJson("delivery.inflight").value_or(json::object()).size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(RequestIdHonouredOrNot, LostAnswerTest, ::testing::Bool());

// --- throttling
// -------------------------------------------------------------------------------------

TEST_F(QboConnectorTest, RateLimitStormAnswersRateLimitedAndCreatesNothingThenDeliversOnce) {
  fake_->injectRateLimit(20);
  Answers r = host_->execute(customers(3));
  ASSERT_TRUE(r.status.isOk());
  for (const auto& resp : r.responses) {
    EXPECT_EQ(resp["status"], LH_E_RATE_LIMITED) << resp.dump();
    EXPECT_NE(resp["message"].get<std::string>().find("throttled"), std::string::npos);
  }
  EXPECT_EQ(fake_->count("Customer"), 1u);
  EXPECT_EQ(host_->stateJson("delivery.inflight").value_or(json::object()).size(), 0u)
      << "a 429 is an answer: nothing is in doubt";
  fake_->server().clearFaults();
  r = host_->execute(customers(3));
  for (const auto& resp : r.responses) {
    EXPECT_EQ(resp["status"], LH_OK) << resp.dump();
  }
  EXPECT_EQ(fake_->count("Customer"), 4u);
}

TEST_F(QboConnectorTest, ThrottleFaultAsXmlWith403Or429IsRateLimited) {
  for (int status : {403, 429}) {
    fake_->injectXmlThrottle(status, 1, ".*/invoice");
    Answers r = host_->execute(json::array({invoiceCommand("1", customerId_)}));
    EXPECT_EQ(r.statusOf("1"), LH_E_RATE_LIMITED) << status << " " << r.messageOf("1");
    EXPECT_NE(r.messageOf("1").find("3001"), std::string::npos) << r.messageOf("1");
  }
  EXPECT_EQ(fake_->count("Invoice"), 0u);
}

TEST_F(QboConnectorTest, FakeEnforcedLimitsThrottleOnItsOwnClock) {
  fakes::FakeQbo::Options options;
  options.limits.enforce = true;
  options.limits.batchesPerMinute = 2;
  options.limits.throttleStatus = 403;
  start(options, {{"batch_size", 2}});
  Answers r = host_->execute(customers(6));
  EXPECT_EQ(fake_->count("Customer"), 5u) << "two batches of two pass in the minute";
  EXPECT_EQ(r.statusOf("104"), LH_E_RATE_LIMITED);
  advance(61'000);
  r = host_->execute(json::array({customers(6)[4], customers(6)[5]}));
  EXPECT_EQ(r.statusOf("104"), LH_OK) << r.messageOf("104");
  EXPECT_EQ(fake_->count("Customer"), 7u);
}

// --- tokens
// -----------------------------------------------------------------------------------------

TEST_F(QboConnectorTest, AccessTokenExpiringMidRunIsRefreshedOnceAndTheRotationPersisted) {
  const std::string firstRefresh = host_->stateJson("oauth.tokens")->at("refresh_token");
  Answers r = host_->execute(customers(1, 100));
  ASSERT_EQ(r.statusOf("100"), LH_OK);
  // QBO invalidates the access token although its clock says it has time left: a 401.
  fake_->expireAccessTokens();
  r = host_->execute(customers(2, 200));
  ASSERT_EQ(r.statusOf("200"), LH_OK) << r.messageOf("200");
  EXPECT_EQ(fake_->tokenRequests("refresh_token"), 1u);
  const json tokens = *host_->stateJson("oauth.tokens");
  EXPECT_NE(tokens["refresh_token"], firstRefresh);
  EXPECT_EQ(tokens["refresh_token"], fake_->latestRefreshToken()) << "rotated token persisted";
  EXPECT_FALSE(fake_->refreshTokenValid(firstRefresh));
  // An hour later the plugin refreshes before sending (no 401 first).
  advance(3'600'000);
  fake_->clearRequests();
  r = host_->execute(customers(1, 300));
  ASSERT_EQ(r.statusOf("300"), LH_OK) << r.messageOf("300");
  EXPECT_EQ(fake_->tokenRequests("refresh_token"), 2u);
  EXPECT_EQ(fake_->writeRequests(), 1u) << "the write went out once, with a fresh token";
  EXPECT_EQ(host_->stateJson("oauth.tokens")->at("refresh_token"), fake_->latestRefreshToken());
}

TEST_F(QboConnectorTest, RevokedRefreshTokenIsAuthRequiredSayingWhatToRun) {
  fake_->revokeRefreshTokens();
  fake_->expireAccessTokens();
  Answers r = host_->execute(customers(2));
  EXPECT_EQ(r.status.code(), Code::AuthRequired) << r.status.message();
  EXPECT_NE(r.status.message().find("invalid_grant"), std::string::npos) << r.status.message();
  EXPECT_NE(r.status.message().find("ledgerhost connect"), std::string::npos);
  EXPECT_EQ(fake_->count("Customer"), 1u);
}

TEST_F(QboConnectorTest, NoTokensIsAuthRequired) {
  ASSERT_TRUE(host_->state().put("oauth.tokens", std::nullopt).isOk());
  Answers r = host_->execute(customers(1));
  EXPECT_EQ(r.status.code(), Code::AuthRequired);
  EXPECT_NE(r.status.message().find("ledgerhost connect"), std::string::npos);
}

}  // namespace
}  // namespace lh::qbo_test
