// The Stripe connector (the real stripe.so, loaded by the host's loader) against FakeStripe over
// real loopback HTTP through the host's real outbound stack: streams → canonical events, request
// economy, paging, multi-currency and currency exponents, look-back, crash-resume, errors.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "fakes/stripe/fake_stripe.h"
#include "stripe_test_host.h"

namespace lh::stripe_test {
namespace {

using nlohmann::json;

constexpr int64_t kT0 = 1767225600;  // 2026-01-01T00:00:00Z
constexpr int64_t kDay = 86400;

class StripeConnectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fake_.start().isOk());
    ASSERT_NE(StripeHost::library(), nullptr);
  }
  void TearDown() override {
    if (host_) {
      EXPECT_TRUE(host_->sink().rejected().empty())
          << "events refused by the canonical validator: " << host_->sink().rejected().front();
    }
  }

  json config(json extra = json::object()) const {
    json c = {{"api_key", fake_.apiKey()}, {"base_url", fake_.baseUrl()}, {"lookback_days", 0}};
    for (auto& [k, v] : extra.items()) {
      c[k] = v;
    }
    return c;
  }

  StripeHost& host(int64_t nowSeconds = kT0 + 30 * kDay, json extra = json::object(),
                   int maxAttempts = 3) {
    host_ = std::make_unique<StripeHost>(nowSeconds, maxAttempts);
    const Status s = host_->create(config(std::move(extra)));
    EXPECT_TRUE(s.isOk()) << s.message();
    return *host_;
  }

  static std::vector<json> ofType(const std::vector<json>& events, const std::string& type) {
    std::vector<json> out;
    for (const auto& e : events) {
      if (e["type"] == type) {
        out.push_back(e);
      }
    }
    return out;
  }

  size_t countPath(const std::string& prefix) const {
    size_t n = 0;
    for (const auto& r : fake_.requests()) {
      n += r.path.rfind(prefix, 0) == 0 ? 1 : 0;
    }
    return n;
  }

  fakes::FakeStripe fake_;
  std::unique_ptr<StripeHost> host_;
};

// --- request economy and payout composition
// --------------------------------------------------------

TEST_F(StripeConnectorTest, PayoutOfNTransactionsCostsOnePlusCeilNOver100RequestsAndNoChargeFetch) {
  std::vector<fakes::FakeStripe::Created> charges;
  for (int i = 0; i < 246; ++i) {
    charges.push_back(fake_.addCharge({.amount = 1000 + i, .created = kT0 + i}));
  }
  fake_.addRefund(charges[0].id, 500, kT0 + 300);
  fake_.addRefund(charges[1].id, 1001, kT0 + 301);
  const auto dispute = fake_.addDispute(charges[2].id, 1002, 1500, kT0 + 302);
  fake_.addStripeFee(1500, kT0 + 303, "Radar for Fraud Teams");
  const auto payout = fake_.addPayout({.created = kT0 + kDay, .traceId = "TRACE-0001"});
  // 246 charges + 2 refunds + 1 dispute + 1 fee + the payout's own BT = 251 in `payout=`.
  fake_.clearRequests();

  StripeHost& h = host();
  h.syncAll("payouts");

  EXPECT_EQ(fake_.requestCount("/v1/payouts"), 1u);
  EXPECT_EQ(fake_.requestCount("/v1/balance_transactions"), 3u) << "1 + ceil(251/100) = 4";
  EXPECT_EQ(fake_.requestCount(), 4u);
  EXPECT_EQ(countPath("/v1/charges"), 0u) << "no per-charge fetch";
  for (const auto& r : fake_.requests()) {
    if (r.path == "/v1/balance_transactions") {
      EXPECT_EQ(r.param("payout"), payout.id);
      EXPECT_EQ(r.params("expand[]"), std::vector<std::string>{"data.source"});
      EXPECT_EQ(r.param("limit"), "100");
    }
    EXPECT_EQ(r.header("Authorization"), "Bearer " + fake_.apiKey());
    EXPECT_EQ(r.header("Stripe-Version"), "2026-07-29.dahlia");
  }

  const auto events = h.sink().events();
  const auto payments = ofType(events, "payment");
  const auto refunds = ofType(events, "refund");
  const auto disputes = ofType(events, "dispute");
  const auto fees = ofType(events, "fee");
  const auto payouts = ofType(events, "payout");
  ASSERT_EQ(payments.size(), 246u);
  ASSERT_EQ(refunds.size(), 2u);
  ASSERT_EQ(disputes.size(), 1u);
  ASSERT_EQ(fees.size(), 1u);
  ASSERT_EQ(payouts.size(), 1u);

  // payout = charges (net of fees) - refunds - fees - disputes (withdrawal + dispute fee).
  int64_t sum = 0;
  for (const auto& p : payments) {
    EXPECT_EQ(p["links"]["payout"], payout.id);
    EXPECT_EQ(p["amount"]["minor"].get<int64_t>(),
              p["net"]["minor"].get<int64_t>() + p["fee"]["minor"].get<int64_t>());
    ASSERT_EQ(p["fees"].size(), 1u);
    EXPECT_EQ(p["fees"][0]["type"], "stripe_fee");
    EXPECT_EQ(p["fees"][0]["amount"], p["fee"]);
    EXPECT_TRUE(p["links"]["charge"].get<std::string>().rfind("ch_", 0) == 0);
    EXPECT_TRUE(p["external_id"].get<std::string>().rfind("txn_", 0) == 0);
    sum += p["net"]["minor"].get<int64_t>();
  }
  for (const auto& r : refunds) {
    EXPECT_EQ(r["links"]["payout"], payout.id);
    EXPECT_EQ(r["links"]["original"], r["links"]["charge"]);
    sum -= r["net"]["minor"].get<int64_t>();
  }
  EXPECT_EQ(disputes[0]["amount"]["minor"], 1002);
  EXPECT_EQ(disputes[0]["fee"]["minor"], 1500);
  EXPECT_EQ(disputes[0]["net"]["minor"], 2502);
  EXPECT_EQ(disputes[0]["links"]["dispute"], dispute.id);
  EXPECT_EQ(disputes[0]["links"]["charge"], charges[2].id);
  sum -= disputes[0]["net"]["minor"].get<int64_t>();
  EXPECT_EQ(fees[0]["amount"]["minor"], 1500);
  EXPECT_EQ(fees[0]["fees"][0]["type"], "stripe_fee");
  sum -= fees[0]["amount"]["minor"].get<int64_t>();

  const json& po = payouts[0];
  EXPECT_EQ(po["external_id"], payout.id);
  EXPECT_EQ(po["amount"]["minor"].get<int64_t>(), sum);
  EXPECT_EQ(po["amount"]["currency"], "USD");
  EXPECT_EQ(po["reference"], "TRACE-0001");
  EXPECT_EQ(po["status"], "paid");
  EXPECT_EQ(po["dates"]["arrival_date"], "2026-01-03");
  EXPECT_EQ(po["links"]["balance_transaction"], payout.balanceTransaction);
  EXPECT_EQ(po["raw"], json::parse(fake_.object("payouts", payout.id).dump()));
}

TEST_F(StripeConnectorTest, PayoutWithExactly100TransactionsCostsTwoRequests) {
  for (int i = 0; i < 99; ++i) {
    fake_.addCharge({.amount = 2000, .created = kT0 + i});
  }
  fake_.addPayout({.created = kT0 + kDay});  // 99 + its own BT = 100
  fake_.clearRequests();
  StripeHost& h = host();
  h.syncAll("payouts");
  EXPECT_EQ(fake_.requestCount(), 2u);
  EXPECT_EQ(ofType(h.sink().events(), "payment").size(), 99u);
}

// --- paging
// ------------------------------------------------------------------------------------------

TEST_F(StripeConnectorTest, PagesNewestFirstWithStartingAfterUntilHasMoreIsFalse) {
  const std::string customer = fake_.addCustomer(kT0, "Jenny Rosen", "jenny@example.com");
  std::set<std::string> ids;
  for (int i = 0; i < 10; ++i) {
    ids.insert(
        fake_.addInvoice({.customer = customer,
                          .created = kT0 + 100 * i,
                          .lines = {{.amount = 1000, .periodStart = kT0, .periodEnd = kT0 + 10}}}));
  }
  StripeHost& h = host(kT0 + 30 * kDay, {{"page_size", 3}});
  const auto cursors = h.syncAll("invoices");
  ASSERT_EQ(cursors.size(), 4u);
  const auto requests = fake_.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_FALSE(requests[0].param("starting_after").has_value());
  for (size_t i = 0; i < requests.size(); ++i) {
    EXPECT_EQ(requests[i].param("limit"), "3");
    EXPECT_EQ(requests[i].param("created[lte]"), std::to_string(kT0 + 30 * kDay));
    if (i > 0) {
      EXPECT_EQ(requests[i].param("starting_after"),
                json::parse(cursors[i - 1])["starting_after"].get<std::string>());
    }
  }
  std::vector<std::string> seen;
  for (const auto& e : h.sink().events()) {
    seen.push_back(e["external_id"]);
  }
  ASSERT_EQ(seen.size(), 10u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), ids);
  // Newest first.
  EXPECT_EQ(seen.front(), fake_.objects("invoices").front()["id"].get<std::string>());
  EXPECT_EQ(json::parse(cursors.back()), (json{{"v", 1}, {"synced_upto", kT0 + 30 * kDay}}));
}

// --- event mapping
// -----------------------------------------------------------------------------------

TEST_F(StripeConnectorTest, MultiCurrencyChargeKeepsBothAmountsAndTheExchangeRate) {
  const auto eur = fake_.addCharge({.amount = 10000,
                                    .currency = "eur",
                                    .created = kT0,
                                    .settlementCurrency = "usd",
                                    .settledAmount = 10845,
                                    .exchangeRate = "1.0845",
                                    .fee = 345});
  fake_.addRefund(eur.id, 10000, kT0 + 10);
  fake_.addPayout({.created = kT0 + kDay});
  StripeHost& h = host();
  h.syncAll("payouts");
  const auto payments = ofType(h.sink().events(), "payment");
  ASSERT_EQ(payments.size(), 1u);
  const json& p = payments[0];
  EXPECT_EQ(p["amount"], (json{{"minor", 10000}, {"currency", "EUR"}}));
  EXPECT_EQ(p["settlement"]["amount"], (json{{"minor", 10845}, {"currency", "USD"}}));
  EXPECT_EQ(p["settlement"]["fee"], (json{{"minor", 345}, {"currency", "USD"}}));
  EXPECT_EQ(p["settlement"]["net"], (json{{"minor", 10500}, {"currency", "USD"}}));
  EXPECT_EQ(p["settlement"]["exchange_rate"], "1.0845");
  EXPECT_FALSE(p.contains("fee")) << "the fee is not known exactly in EUR";
  EXPECT_EQ(p["fees"][0]["amount"], (json{{"minor", 345}, {"currency", "USD"}}));
  const auto refunds = ofType(h.sink().events(), "refund");
  ASSERT_EQ(refunds.size(), 1u);
  EXPECT_EQ(refunds[0]["amount"], (json{{"minor", 10000}, {"currency", "EUR"}}));
  EXPECT_EQ(refunds[0]["settlement"]["amount"], (json{{"minor", 10845}, {"currency", "USD"}}));
}

TEST_F(StripeConnectorTest, FeesAreItemisedByTypeFromFeeDetails) {
  fake_.addCharge({.amount = 5000, .created = kT0, .fee = 175, .applicationFee = 150});
  fake_.addPayout({.created = kT0 + kDay});
  StripeHost& h = host();
  h.syncAll("payouts");
  const auto payments = ofType(h.sink().events(), "payment");
  ASSERT_EQ(payments.size(), 1u);
  const json& p = payments[0];
  const json details = json::parse(
      fake_.object("balance_transactions", p["external_id"].get<std::string>())["fee_details"]
          .dump());
  ASSERT_EQ(details.size(), 2u);
  ASSERT_EQ(p["fees"].size(), details.size());
  int64_t sum = 0;
  for (size_t i = 0; i < details.size(); ++i) {
    EXPECT_EQ(p["fees"][i]["type"], details[i]["type"]);
    EXPECT_EQ(p["fees"][i]["amount"]["minor"], details[i]["amount"]);
    sum += p["fees"][i]["amount"]["minor"].get<int64_t>();
  }
  EXPECT_EQ(p["fees"][0]["type"], "stripe_fee");
  EXPECT_EQ(p["fees"][1]["type"], "application_fee");
  EXPECT_EQ(p["fee"]["minor"], sum);
}

TEST_F(StripeConnectorTest, AnExchangeRateKeepsEveryDigitStripeSentEvenBeyondADouble) {
  // 20 significant digits: the nearest double is 1.0986543210987654 (and prints as such).
  const std::string rate = "1.0986543210987654321";
  ASSERT_NE(json::parse(rate).dump(), rate) << "the test needs a rate a double cannot hold";
  fake_.addCharge({.amount = 10000,
                   .currency = "eur",
                   .created = kT0,
                   .settlementCurrency = "usd",
                   .settledAmount = 10986,
                   .exchangeRate = rate,
                   .fee = 349});
  fake_.addPayout({.created = kT0 + kDay});
  StripeHost& h = host();
  h.syncAll("payouts");
  std::vector<std::string> emitted;
  for (const auto& b : h.sink().batches()) {
    for (const auto& e : b.events) {
      if (e.find("\"type\":\"payment\"") != std::string::npos) {
        emitted.push_back(e);
      }
    }
  }
  ASSERT_EQ(emitted.size(), 1u);
  EXPECT_EQ(json::parse(emitted[0])["settlement"]["exchange_rate"], rate);
  // `raw` is the balance transaction as Stripe sent it: the same token, as a JSON number.
  EXPECT_NE(emitted[0].find("\"exchange_rate\":" + rate + ","), std::string::npos) << emitted[0];
}

TEST_F(StripeConnectorTest, AnExchangeRateThatIsNotAPlainDecimalIsRefused) {
  fake_.addCharge({.amount = 10000,
                   .currency = "eur",
                   .created = kT0,
                   .settlementCurrency = "usd",
                   .settledAmount = 10845,
                   .exchangeRate = "1.0845e0",
                   .fee = 345});
  fake_.addPayout({.created = kT0 + kDay});
  StripeHost& h = host();
  Status s;
  h.syncAll("payouts", "", &s);
  EXPECT_EQ(s.code(), Code::Permanent) << s;
  EXPECT_NE(s.message().find("exchange_rate"), std::string::npos) << s;
  EXPECT_TRUE(h.sink().events().empty());
}

TEST_F(StripeConnectorTest, ZeroDecimalAndSpecialCaseCurrenciesConvertExactly) {
  fake_.addCharge({.amount = 5000, .currency = "jpy", .created = kT0, .fee = 180});
  fake_.addCharge({.amount = 50000, .currency = "isk", .created = kT0 + 1, .fee = 1000});
  fake_.addCharge({.amount = 500, .currency = "mga", .created = kT0 + 2, .fee = 0});
  fake_.addCharge({.amount = 1250, .currency = "kwd", .created = kT0 + 3, .fee = 0});
  StripeHost& h = host(kT0 + 30 * kDay, {{"money_from", "balance_transactions"}});
  h.syncAll("balance_transactions");
  std::map<std::string, json> byCurrency;
  for (const auto& e : ofType(h.sink().events(), "payment")) {
    byCurrency[e["amount"]["currency"]] = e;
  }
  ASSERT_EQ(byCurrency.size(), 4u);
  EXPECT_EQ(byCurrency["JPY"]["amount"]["minor"], 5000);
  EXPECT_EQ(byCurrency["ISK"]["amount"]["minor"], 500) << "Stripe sends ISK in hundredths";
  EXPECT_EQ(byCurrency["ISK"]["fee"]["minor"], 10);
  EXPECT_EQ(byCurrency["MGA"]["amount"]["minor"], 50000) << "Stripe sends whole ariary";
  EXPECT_EQ(byCurrency["KWD"]["amount"]["minor"], 1250);
  EXPECT_FALSE(byCurrency["JPY"]["links"].contains("payout"));
}

TEST_F(StripeConnectorTest, AnIskAmountThatIsNotWholeKronurIsRefusedAndNothingIsEmitted) {
  fake_.addCharge({.amount = 1000, .created = kT0});
  fake_.addCharge({.amount = 12345, .currency = "isk", .created = kT0 + 1, .fee = 0});
  StripeHost& h = host(kT0 + 30 * kDay, {{"money_from", "balance_transactions"}});
  const Status s = h.instance().read("balance_transactions", "");
  EXPECT_EQ(s.code(), Code::Permanent) << s;
  EXPECT_NE(s.message().find("ISK"), std::string::npos) << s;
  EXPECT_TRUE(h.sink().batches().empty());
}

TEST_F(StripeConnectorTest, InvoicesCreditNotesCustomersAndMetadataStreams) {
  const std::string customer = fake_.addCustomer(kT0, "Jenny Rosen", "jenny@example.com");
  const std::string invoice = fake_.addInvoice(
      {.customer = customer,
       .created = kT0 + 10,
       .status = "paid",
       .dueDate = kT0 + 14 * kDay,
       .paidAt = kT0 + 20,
       .lines = {{.amount = 3000, .periodStart = kT0 - 31 * kDay, .periodEnd = kT0 - kDay},
                 {.amount = 2000, .periodStart = kT0 - 20 * kDay, .periodEnd = kT0}},
       .tax = 950,
       .number = "ACME-0001"});
  const std::string creditNote = fake_.addCreditNote(invoice, 500, kT0 + 30);
  const auto charge = fake_.addCharge({.amount = 5950, .created = kT0 + 20, .customer = customer});
  StripeHost& h = host();
  for (const char* stream : {"invoices", "credit_notes", "customers", "charges"}) {
    h.syncAll(stream);
  }
  const auto events = h.sink().events();
  const auto invoices = ofType(events, "invoice");
  ASSERT_EQ(invoices.size(), 1u);
  const json& in = invoices[0];
  EXPECT_EQ(in["amount"], (json{{"minor", 5950}, {"currency", "USD"}}));
  EXPECT_EQ(in["tax"]["minor"], 950);
  EXPECT_EQ(in["status"], "paid");
  EXPECT_EQ(in["links"]["customer"], customer);
  EXPECT_EQ(in["dates"]["invoice_date"], "2026-01-01");
  EXPECT_EQ(in["dates"]["due_date"], "2026-01-15");
  EXPECT_EQ(in["dates"]["paid_at"], "2026-01-01T00:00:20Z");
  EXPECT_EQ(in["dates"]["period_start"], "2025-12-01T00:00:00Z");
  EXPECT_EQ(in["dates"]["period_end"], "2026-01-01T00:00:00Z");
  ASSERT_EQ(in["lines"].size(), 2u);
  EXPECT_EQ(in["lines"][1]["amount"]["minor"], 2000);
  EXPECT_EQ(in["attributes"]["number"], "ACME-0001");

  const auto notes = ofType(events, "credit_note");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0]["external_id"], creditNote);
  EXPECT_EQ(notes[0]["amount"]["minor"], 500);
  EXPECT_EQ(notes[0]["links"]["invoice"], invoice);
  EXPECT_EQ(notes[0]["links"]["customer"], customer);

  const auto customers = ofType(events, "customer");
  ASSERT_EQ(customers.size(), 1u);
  EXPECT_EQ(customers[0]["party"], (json{{"name", "Jenny Rosen"}, {"email", "jenny@example.com"}}));

  const auto charges = ofType(events, "payment");
  ASSERT_EQ(charges.size(), 1u);
  EXPECT_EQ(charges[0]["external_id"], charge.id);
  EXPECT_FALSE(charges[0].contains("amount")) << "metadata only: money posts from the BT";
  EXPECT_EQ(charges[0]["links"]["balance_transaction"], charge.balanceTransaction);
  EXPECT_EQ(charges[0]["links"]["customer"], customer);
}

TEST_F(StripeConnectorTest, BalanceTransactionsStreamReadsNothingWhenMoneyComesFromPayouts) {
  fake_.addCharge({.amount = 1000, .created = kT0});
  StripeHost& h = host();
  h.syncAll("balance_transactions");
  EXPECT_EQ(fake_.requestCount(), 0u);
  EXPECT_TRUE(h.sink().events().empty());
}

// --- incremental sync
// ----------------------------------------------------------------------------------

TEST_F(StripeConnectorTest, LookBackCatchesAnInvoicePaidLaterAsANewVersion) {
  const std::string invoice =
      fake_.addInvoice({.created = kT0, .status = "open", .lines = {{.amount = 1000}}});
  StripeHost& h = host(kT0 + kDay, {{"lookback_days", 7}});
  auto cursors = h.syncAll("invoices");
  ASSERT_EQ(h.sink().events().size(), 1u);
  const json v1 = h.sink().events()[0];
  EXPECT_EQ(v1["status"], "open");
  EXPECT_FALSE(v1["dates"].contains("paid_at"));

  fake_.payInvoice(invoice, kT0 + 2 * kDay);
  h.clock().set((kT0 + 3 * kDay) * 1000);
  h.sink().clear();
  h.syncAll("invoices", cursors.back());
  const auto events = h.sink().events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["external_id"], invoice);
  EXPECT_EQ(events[0]["status"], "paid");
  EXPECT_EQ(events[0]["dates"]["paid_at"], "2026-01-03T00:00:00Z");
  EXPECT_NE(core::eventChecksum(events[0]).value(), core::eventChecksum(v1).value())
      << "a changed object must be a new version";
  const auto request = fake_.requests().back();
  EXPECT_EQ(request.param("created[gte]"), std::to_string(kT0 + kDay - 7 * kDay));

  // Without a look-back the second sync starts at the first one's end and misses the change.
  StripeHost& h0 = host(kT0 + kDay, {{"lookback_days", 0}});
  cursors = h0.syncAll("invoices");
  h0.clock().set((kT0 + 3 * kDay) * 1000);
  h0.sink().clear();
  h0.syncAll("invoices", cursors.back());
  EXPECT_TRUE(h0.sink().events().empty());
}

TEST_F(StripeConnectorTest, AnObjectCreatedInTheSameSecondAsTheWindowEdgeIsNotMissed) {
  const int64_t edge = kT0 + kDay;
  fake_.addCustomer(edge - 5, "A", "");
  StripeHost& h = host(edge);
  auto cursors = h.syncAll("customers");
  ASSERT_EQ(h.sink().events().size(), 1u);
  // Created in the very second the first window ended, after that window was listed.
  const std::string late = fake_.addCustomer(edge, "B", "");
  h.clock().set((edge + 60) * 1000);
  h.sink().clear();
  h.syncAll("customers", cursors.back());
  const auto events = h.sink().events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["external_id"], late);
  EXPECT_EQ(fake_.requests().back().param("created[gte]"), std::to_string(edge));
}

TEST_F(StripeConnectorTest, ResumingFromEveryCursorYieldsEveryObjectExactlyOnce) {
  std::set<std::string> all;
  for (int i = 0; i < 23; ++i) {
    // Groups of three share a second: ordering within a second must not lose or repeat any.
    all.insert(fake_.addCustomer(kT0 + i / 3, "C" + std::to_string(i), ""));
  }
  StripeHost& h = host(kT0 + kDay, {{"page_size", 4}});
  const auto cursors = h.syncAll("customers");
  const auto batches = h.sink().batches();
  ASSERT_EQ(cursors.size(), 6u);
  for (size_t k = 0; k < cursors.size(); ++k) {
    // Committed through read k, then a crash: a new host resumes from cursor k.
    std::multiset<std::string> seen;
    for (size_t b = 0; b <= k; ++b) {
      for (const auto& e : batches[b].events) {
        seen.insert(json::parse(e)["external_id"].get<std::string>());
      }
    }
    StripeHost& resumed = host(kT0 + kDay, {{"page_size", 4}});
    resumed.syncAll("customers", cursors[k]);
    for (const auto& e : resumed.sink().events()) {
      seen.insert(e["external_id"].get<std::string>());
    }
    EXPECT_EQ(seen.size(), all.size()) << "resumed from cursor " << k << ": " << cursors[k];
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), all);
  }
}

TEST_F(StripeConnectorTest, SinceCursorAndStartDateBoundTheFirstWindow) {
  StripeHost& h = host(kT0 + kDay, {{"start_date", "2025-12-01"}});
  h.syncAll("customers");
  EXPECT_EQ(fake_.requests().back().param("created[gte]"), "1764547200");
  h.syncAll("customers", R"({"since":"2025-12-31"})");
  EXPECT_EQ(fake_.requests().back().param("created[gte]"), std::to_string(kT0 - kDay));
}

// --- errors
// ----------------------------------------------------------------------------------------------

TEST_F(StripeConnectorTest, AWrongKeyIsAuthRequiredAndTheKeyIsNeverInTheMessage) {
  host_ = std::make_unique<StripeHost>(kT0 + kDay);
  json c = config();
  const std::string wrong = "rk_live_51WrongKeyAbcdefghijklmnop";
  c["api_key"] = wrong;
  ASSERT_TRUE(host_->create(c).isOk());
  const Status s = host_->instance().read("customers", "");
  EXPECT_EQ(s.code(), Code::AuthRequired) << s;
  EXPECT_EQ(s.message().find(wrong), std::string::npos);
  EXPECT_EQ(s.message().find("mnop"), std::string::npos) << "not even Stripe's masked echo";
  EXPECT_TRUE(host_->sink().batches().empty());
}

TEST_F(StripeConnectorTest, ConfigWithoutAUsableKeyIsRefusedWithoutEchoingIt) {
  host_ = std::make_unique<StripeHost>(kT0);
  json c = config();
  c["api_key"] = "pk_test_notasecretkey123";
  const Status s = host_->create(c);
  EXPECT_EQ(s.code(), Code::InvalidConfig) << s;
  EXPECT_EQ(s.message().find("notasecretkey"), std::string::npos);
  host_.reset();
}

TEST_F(StripeConnectorTest, InvalidRequestIsPermanentWithStripesMessage) {
  fake_.injectInvalidRequest("Invalid timestamp: must be an integer Unix timestamp in the past.",
                             "created");
  StripeHost& h = host();
  const Status s = h.instance().read("customers", "");
  EXPECT_EQ(s.code(), Code::Permanent) << s;
  EXPECT_NE(s.message().find("Invalid timestamp: must be an integer Unix timestamp in the past."),
            std::string::npos)
      << s;
  EXPECT_EQ(fake_.requestCount(), 1u) << "a 400 is not retried";
}

TEST_F(StripeConnectorTest, TruncatedBodiesAreTransientAndNothingIsEmitted) {
  for (int i = 0; i < 150; ++i) {
    fake_.addCharge({.amount = 1000, .created = kT0 + i});
  }
  fake_.addPayout({.created = kT0 + kDay});
  // Every attempt the host makes at the balance transactions is cut short.
  fake_.injectTruncated(200, 3, "/v1/balance_transactions");
  StripeHost& h = host();
  const Status s = h.instance().read("payouts", "");
  EXPECT_EQ(s.code(), Code::Transient) << s;
  EXPECT_TRUE(h.sink().batches().empty()) << "nothing of the payout's page is kept";
  EXPECT_EQ(fake_.requestCount("/v1/balance_transactions"), 3u) << "the host retried it";
  // The same read succeeds once the network behaves.
  h.syncAll("payouts");
  EXPECT_EQ(ofType(h.sink().events(), "payment").size(), 150u);
}

TEST_F(StripeConnectorTest, AMalformedBodyIsTransientAndNothingIsEmitted) {
  fake_.addCustomer(kT0, "A", "");
  fake_.injectMalformed(1, "/v1/customers");
  StripeHost& h = host();
  const Status s = h.instance().read("customers", "");
  EXPECT_EQ(s.code(), Code::Transient) << s;
  EXPECT_TRUE(h.sink().batches().empty());
}

TEST_F(StripeConnectorTest, RateLimitsAndServerErrorsAreRetriedByTheHost) {
  fake_.addCustomer(kT0, "A", "");
  fake_.injectRateLimit(1, true);
  fake_.injectServerError(503, 1);
  StripeHost& h = host();
  h.syncAll("customers");
  EXPECT_EQ(fake_.requestCount(), 3u);
  EXPECT_EQ(h.sink().events().size(), 1u);
}

TEST_F(StripeConnectorTest, StripeShouldRetryFalseStopsTheHostsRetries) {
  fake_.injectServerError(500, 1, false);
  StripeHost& h = host();
  const Status s = h.instance().read("customers", "");
  EXPECT_EQ(s.code(), Code::Transient) << s;
  EXPECT_EQ(fake_.requestCount(), 1u);
}

TEST_F(StripeConnectorTest, PersistentRateLimitIsRateLimited) {
  fake_.injectRateLimit(3, true);
  StripeHost& h = host();
  const Status s = h.instance().read("customers", "");
  EXPECT_EQ(s.code(), Code::RateLimited) << s;
  EXPECT_EQ(fake_.requestCount(), 3u);
}

}  // namespace
}  // namespace lh::stripe_test
