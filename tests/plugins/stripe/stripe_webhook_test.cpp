// Stripe webhooks through the real stripe.so: Stripe-Signature verification (computed here
// independently with OpenSSL's one-shot HMAC, plus a golden value computed outside this code base
// with Python's hmac module) and handling of each handled event type, with and without
// webhook_fetch.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "fakes/stripe/fake_stripe.h"
#include "stripe_test_host.h"

namespace lh::stripe_test {
namespace {

using nlohmann::json;

constexpr int64_t kT0 = 1767225600;  // 2026-01-01T00:00:00Z
constexpr const char* kSecret = "whsec_test_secret";
constexpr const char* kOldSecret = "whsec_0ldSecretBeingRotatedOut";

std::string readFixture(const std::string& name) {
  std::ifstream in(std::string(LH_TEST_FIXTURES_DIR) + "/stripe/" + name, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Stripe's published scheme, written out independently of the plugin: hex(HMAC-SHA256(secret,
// "{t}.{body}")).
std::string sign(const std::string& secret, int64_t t, const std::string& body) {
  const std::string message = std::to_string(t) + "." + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
  std::string hex;
  char buf[3];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", mac[i]);
    hex += buf;
  }
  return hex;
}

class StripeWebhookTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(fake_.start().isOk()); }
  void TearDown() override {
    if (host_) {
      EXPECT_TRUE(host_->sink().rejected().empty()) << host_->sink().rejected().front();
    }
  }

  StripeHost& host(json extra = json::object(), int64_t now = kT0 + 10) {
    json c = {{"api_key", fake_.apiKey()},
              {"base_url", fake_.baseUrl()},
              {"webhook_secrets", json::array({kOldSecret, kSecret})}};
    for (auto& [k, v] : extra.items()) {
      c[k] = v;
    }
    host_ = std::make_unique<StripeHost>(now);
    const Status s = host_->create(c);
    EXPECT_TRUE(s.isOk()) << s;
    return *host_;
  }

  Status verify(const std::string& header, const std::string& body) {
    return host_->instance().verifyWebhook({{"Stripe-Signature", header}}, body);
  }

  fakes::FakeStripe fake_;
  std::unique_ptr<StripeHost> host_;
};

TEST_F(StripeWebhookTest, KnownVectorMatchesStripesAlgorithm) {
  const std::string body = readFixture("event_payout_paid.assembled.json");
  // Computed with Python: hmac.new(b"whsec_test_secret", b"1767225600." + body, sha256).
  EXPECT_EQ(sign(kSecret, kT0, body),
            "0c54b53ef383aac0798c4a3b870a9502abbe569404127ad18ab23457e4a47f5e");
  host({}, kT0 + 10);
  EXPECT_TRUE(
      verify("t=1767225600,v1=0c54b53ef383aac0798c4a3b870a9502abbe569404127ad18ab23457e4a47f5e",
             body)
          .isOk());
}

TEST_F(StripeWebhookTest, GoodSignatureWithSpacesAndV0IsAccepted) {
  const std::string body = readFixture("event_charge_succeeded.assembled.json");
  host();
  const std::string header = "t=" + std::to_string(kT0) + ", v1=" + sign(kSecret, kT0, body) +
                             ", v0=" + std::string(64, 'a');
  EXPECT_TRUE(verify(header, body).isOk());
}

TEST_F(StripeWebhookTest, TamperedBodyWrongSecretStaleAndMissingAreRefused) {
  const std::string body = readFixture("event_invoice_paid.assembled.json");
  host();
  const std::string good = sign(kSecret, kT0, body);
  std::string tampered = body;
  tampered[tampered.find("1000")] = '9';
  Status s = verify("t=" + std::to_string(kT0) + ",v1=" + good, tampered);
  EXPECT_EQ(s.code(), Code::InvalidArgument) << s;
  s = verify("t=" + std::to_string(kT0) + ",v1=" + sign("whsec_wrong", kT0, body), body);
  EXPECT_EQ(s.code(), Code::InvalidArgument) << s;
  EXPECT_EQ(s.message().find(kSecret), std::string::npos);
  // Signed with a timestamp other than the one in the header.
  s = verify("t=" + std::to_string(kT0 + 1) + ",v1=" + good, body);
  EXPECT_EQ(s.code(), Code::InvalidArgument) << s;
  // Only a v0.
  s = verify("t=" + std::to_string(kT0) + ",v0=" + good, body);
  EXPECT_EQ(s.code(), Code::InvalidArgument) << s;
  s = host_->instance().verifyWebhook({}, body);
  EXPECT_EQ(s.code(), Code::InvalidArgument) << s;
  // Stale: 301 s after the signed time with the default 300 s tolerance.
  host({}, kT0 + 301);
  s = verify("t=" + std::to_string(kT0) + ",v1=" + good, body);
  EXPECT_EQ(s.code(), Code::InvalidArgument) << s;
  EXPECT_NE(s.message().find("tolerance"), std::string::npos) << s;
  host({}, kT0 + 300);
  EXPECT_TRUE(verify("t=" + std::to_string(kT0) + ",v1=" + good, body).isOk());
  // The tolerance is configurable.
  host({{"webhook_tolerance_seconds", 3600}}, kT0 + 3000);
  EXPECT_TRUE(verify("t=" + std::to_string(kT0) + ",v1=" + good, body).isOk());
}

TEST_F(StripeWebhookTest, RotationAcceptsEitherSecretAndAnyOfSeveralV1) {
  const std::string body = readFixture("event_payout_paid.assembled.json");
  host();
  const std::string t = std::to_string(kT0);
  EXPECT_TRUE(verify("t=" + t + ",v1=" + sign(kOldSecret, kT0, body), body).isOk());
  EXPECT_TRUE(verify("t=" + t + ",v1=" + sign(kSecret, kT0, body), body).isOk());
  // Stripe sends one v1 per active secret while an endpoint secret rolls.
  EXPECT_TRUE(verify("t=" + t + ",v1=" + sign("whsec_unknown", kT0, body) +
                         ",v1=" + sign(kSecret, kT0, body),
                     body)
                  .isOk());
  // Without any configured secret every delivery is refused.
  host({{"webhook_secrets", json::array()}});
  EXPECT_EQ(verify("t=" + t + ",v1=" + sign(kSecret, kT0, body), body).code(),
            Code::InvalidArgument);
}

TEST_F(StripeWebhookTest, PayoutPaidFromThePayloadWithoutFetch) {
  const std::string body = readFixture("event_payout_paid.assembled.json");
  StripeHost& h = host({{"webhook_fetch", false}});
  std::string delivery;
  const Status s = h.instance().handleWebhook({}, body, &delivery);
  ASSERT_TRUE(s.isOk()) << s;
  EXPECT_EQ(json::parse(delivery),
            (json{{"event_id", "evt_1QAsmblEvtPayoutPaid0001"}, {"event_type", "payout.paid"}}));
  const auto events = h.sink().events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["type"], "payout");
  EXPECT_EQ(events[0]["external_id"], "po_1Pgc79B7WZ01zgkWu1KToYf4");
  EXPECT_EQ(events[0]["status"], "paid");
  EXPECT_EQ(events[0]["amount"], (json{{"minor", 1100}, {"currency", "USD"}}));
  EXPECT_EQ(events[0]["dates"]["arrival_date"], "2009-02-13");
  EXPECT_FALSE(events[0].contains("reference")) << "trace_id.value is null in the fixture";
  EXPECT_EQ(fake_.requestCount(), 0u);
}

TEST_F(StripeWebhookTest, WebhookFetchRereadsTheObjectSoDeliveryOrderDoesNotMatter) {
  // The API already knows the payout failed; a late payout.paid delivery must not win.
  const auto charge = fake_.addCharge({.amount = 1000, .created = kT0 - 100});
  const auto payout = fake_.addPayout({.created = kT0 - 50, .traceId = "TR-9"});
  fake_.failPayout(payout.id, "account_closed", kT0 - 10);
  json event = json::parse(readFixture("event_payout_paid.assembled.json"));
  event["data"]["object"]["id"] = payout.id;
  StripeHost& h = host();
  std::string delivery;
  ASSERT_TRUE(h.instance().handleWebhook({}, event.dump(2), &delivery).isOk());
  EXPECT_EQ(fake_.requestCount("/v1/payouts/" + payout.id), 1u);
  const auto events = h.sink().events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["status"], "failed");
  EXPECT_EQ(events[0]["reference"], "TR-9");
  EXPECT_EQ(events[0]["attributes"]["failure_code"], "account_closed");
  (void)charge;
}

TEST_F(StripeWebhookTest, ChargeSucceededEmitsTheChargeAndItsBalanceTransaction) {
  const auto charge = fake_.addCharge({.amount = 4200, .created = kT0, .fee = 152});
  json event = json::parse(readFixture("event_charge_succeeded.assembled.json"));
  event["data"]["object"]["id"] = charge.id;
  StripeHost& h = host();
  std::string delivery;
  ASSERT_TRUE(h.instance().handleWebhook({}, event.dump(2), &delivery).isOk());
  const auto requests = fake_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/v1/charges/" + charge.id);
  EXPECT_EQ(requests[0].params("expand[]"), std::vector<std::string>{"balance_transaction"});
  const auto events = h.sink().events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0]["external_id"], charge.id);
  EXPECT_EQ(events[1]["type"], "payment");
  EXPECT_EQ(events[1]["external_id"], charge.balanceTransaction);
  EXPECT_EQ(events[1]["amount"]["minor"], 4200);
  EXPECT_EQ(events[1]["fee"]["minor"], 152);
  EXPECT_EQ(events[1]["net"]["minor"], 4048);
  EXPECT_EQ(events[1]["links"]["charge"], charge.id);
}

TEST_F(StripeWebhookTest, DisputeClosedEmitsItsBalanceTransactions) {
  const auto charge = fake_.addCharge({.amount = 5000, .created = kT0 - 1000});
  const auto dispute = fake_.addDispute(charge.id, 5000, 1500, kT0 - 500);
  fake_.closeDispute(dispute.id, "won", kT0 - 10);
  json event = json::parse(readFixture("event.json"));
  event["type"] = "charge.dispute.closed";
  event["data"]["object"] = json::parse(fake_.object("disputes", dispute.id).dump());
  StripeHost& h = host();
  std::string delivery;
  ASSERT_TRUE(h.instance().handleWebhook({}, event.dump(2), &delivery).isOk());
  const auto events = h.sink().events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0]["type"], "dispute");
  EXPECT_EQ(events[0]["status"], "won");
  EXPECT_EQ(events[1]["type"], "dispute");
  EXPECT_EQ(events[1]["amount"]["minor"], 5000);
  EXPECT_EQ(events[1]["fee"]["minor"], 1500);
  EXPECT_EQ(events[2]["type"], "adjustment");
  EXPECT_EQ(events[2]["amount"]["minor"], 5000) << "the reinstatement is money in";
  EXPECT_EQ(events[2]["links"]["dispute"], dispute.id);
}

TEST_F(StripeWebhookTest, InvoicePaidAndCustomerEvents) {
  const std::string customer = fake_.addCustomer(kT0 - 100, "Jenny Rosen", "jenny@example.com");
  const std::string invoice =
      fake_.addInvoice({.customer = customer, .created = kT0 - 50, .lines = {{.amount = 1000}}});
  fake_.payInvoice(invoice, kT0 - 5);
  json event = json::parse(readFixture("event_invoice_paid.assembled.json"));
  event["data"]["object"]["id"] = invoice;
  StripeHost& h = host();
  std::string delivery;
  ASSERT_TRUE(h.instance().handleWebhook({}, event.dump(2), &delivery).isOk());
  json created = json::parse(readFixture("event.json"));
  created["type"] = "customer.updated";
  created["data"]["object"] = json::parse(fake_.object("customers", customer).dump());
  ASSERT_TRUE(h.instance().handleWebhook({}, created.dump(2), &delivery).isOk());
  const auto events = h.sink().events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0]["type"], "invoice");
  EXPECT_EQ(events[0]["status"], "paid");
  EXPECT_EQ(events[0]["dates"]["paid_at"], "2025-12-31T23:59:55Z");
  EXPECT_EQ(events[1]["type"], "customer");
  EXPECT_EQ(events[1]["party"]["name"], "Jenny Rosen");
}

TEST_F(StripeWebhookTest, UnhandledTypesAreAcknowledgedAndEmitNothing) {
  StripeHost& h = host();
  std::string delivery;
  ASSERT_TRUE(h.instance().handleWebhook({}, readFixture("event.json"), &delivery).isOk());
  EXPECT_EQ(json::parse(delivery),
            (json{{"event_id", "evt_1Pgc76B7WZ01zgkWwyRHS12y"}, {"event_type", "plan.created"}}));
  EXPECT_TRUE(h.sink().events().empty());
  EXPECT_EQ(fake_.requestCount(), 0u);
  EXPECT_EQ(h.instance().handleWebhook({}, "not json", &delivery).code(), Code::InvalidArgument);
}

TEST_F(StripeWebhookTest, FetchOfAnUnknownObjectIsPermanent) {
  json event = json::parse(readFixture("event_invoice_paid.assembled.json"));
  event["data"]["object"]["id"] = "in_DoesNotExist";
  StripeHost& h = host();
  std::string delivery;
  const Status s = h.instance().handleWebhook({}, event.dump(), &delivery);
  EXPECT_EQ(s.code(), Code::Permanent) << s;
  EXPECT_NE(s.message().find("No such invoice"), std::string::npos) << s;
  EXPECT_TRUE(h.sink().batches().empty());
}

}  // namespace
}  // namespace lh::stripe_test
