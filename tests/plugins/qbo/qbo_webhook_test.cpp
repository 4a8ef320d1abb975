// Intuit webhooks and the CDC read-back of the real qbo.so: intuit-signature on the published
// vector (exact bytes), the named entities fetched through CDC and emitted as canonical events, and
// the `cdc` stream's cursor.
#include <gtest/gtest.h>
#include <openssl/hmac.h>

#include <fstream>
#include <sstream>

#include "qbo_test_host.h"

namespace lh::qbo_test {
namespace {

constexpr int64_t kNow = 1'769'904'000'000;

std::string readFixture(const std::string& name) {
  std::ifstream in(std::string(LH_TEST_FIXTURES_DIR) + "/qbo/" + name, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string sign(const std::string& token, const std::string& body) {
  unsigned char mac[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), token.data(), static_cast<int>(token.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
  std::string out(45, '\0');
  EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), mac, static_cast<int>(len));
  out.resize(44);
  return out;
}

class QboWebhookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_ = startFake(kNow);
    host_ = std::make_unique<QboHost>(kNow);
    host_->connect(fake_->issueTokens(), fake_->realmId());
    ASSERT_TRUE(host_->create(configFor(*fake_)).isOk());
  }
  void TearDown() override {
    EXPECT_TRUE(host_->sink().rejected().empty())
        << "events refused by the canonical validator: " << host_->sink().rejected().front();
  }

  std::unique_ptr<fakes::FakeQbo> fake_;
  std::unique_ptr<QboHost> host_;
};

TEST_F(QboWebhookTest, PublishedSignatureVectorVerifiesAndAnyChangeFails) {
  const json vector = json::parse(readFixture("webhook_signature_test_vector.json"));
  const std::string body = vector["raw_body"];
  const std::string signature = vector["headers"]["intuit-signature"];
  json config = configFor(*fake_);
  config["webhook_verifier_token"] = vector["verifier_token"];
  ASSERT_TRUE(host_->create(config).isOk());
  auto verify = [&](const std::string& name, const std::string& value, const std::string& b) {
    return host_->instance().verifyWebhook({{name, value}, {"content-type", "application/json"}},
                                           b);
  };
  EXPECT_TRUE(verify("intuit-signature", signature, body).isOk());
  EXPECT_TRUE(verify("Intuit-Signature", signature, body).isOk()) << "header names ignore case";
  std::string tampered = body;
  tampered[tampered.find("\"40\"") + 1] = '4';
  tampered[tampered.find("\"40\"") + 2] = '1';
  EXPECT_EQ(verify("intuit-signature", signature, tampered).code(), Code::InvalidArgument);
  EXPECT_EQ(verify("intuit-signature", sign("another-token", body), body).code(),
            Code::InvalidArgument);
  EXPECT_EQ(verify("content-length", "1", body).code(), Code::InvalidArgument);
  config["webhook_verifier_token"] = "";
  ASSERT_TRUE(host_->create(config).isOk());
  EXPECT_EQ(verify("intuit-signature", signature, body).code(), Code::InvalidConfig);
}

TEST_F(QboWebhookTest, NotificationFetchesTheNamedEntitiesThroughCdcAndEmitsThem) {
  const std::string customer = fake_->add(
      "Customer",
      {{"DisplayName", "Red Rock Diner"}, {"PrimaryEmailAddr", {{"Address", "r@x.io"}}}});
  const std::string invoice =
      fake_->add("Invoice", {{"CustomerRef", {{"value", customer}}},
                             {"TxnDate", "2026-01-30"},
                             {"TotalAmt", "70.00"},
                             {"Balance", "70.00"},
                             {"PrivateNote", "ledgerhost:" + keyOf(5) + " invoice in_5"},
                             {"Line",
                              {{{"Id", "1"},
                                {"Amount", "70.00"},
                                {"DetailType", "SalesItemLineDetail"},
                                {"SalesItemLineDetail", {{"ItemRef", {{"value", "1"}}}}}}}}});
  fake_->add("Invoice", {{"CustomerRef", {{"value", customer}}}, {"TotalAmt", "1.00"}});
  const json notification = {
      {"eventNotifications",
       {{{"realmId", fake_->realmId()},
         {"dataChangeEvent",
          {{"entities",
            {{{"name", "Invoice"},
              {"id", invoice},
              {"operation", "Create"},
              {"lastUpdated", "2026-01-31T16:00:00.000Z"}},
             {{"name", "Vendor"},
              {"id", "40"},
              {"operation", "Update"},
              {"lastUpdated", "2026-01-31T16:00:00.000Z"}}}}}}},
        {{"realmId", "999"},
         {"dataChangeEvent",
          {{"entities", {{{"name", "Invoice"}, {"id", "1"}, {"operation", "Create"}}}}}}}}}};
  const std::string body = notification.dump();
  const std::vector<plugins::HttpHeader> headers = {
      {"intuit-signature", sign("00faeec4-08d0-4996-bb37-698ae19f0149", body)}};
  ASSERT_TRUE(host_->instance().verifyWebhook(headers, body).isOk());
  fake_->clearRequests();
  std::string delivery;
  const Status s = host_->instance().handleWebhook(headers, body, &delivery);
  ASSERT_TRUE(s.isOk()) << s.message();
  EXPECT_EQ(json::parse(delivery)["event_type"], "dataChangeEvent");
  EXPECT_EQ(json::parse(delivery)["event_id"].get<std::string>().size(), 64u);
  EXPECT_EQ(fake_->apiRequests("cdc"), 1u);
  EXPECT_EQ(fake_->requests().front().param("entities").value_or(""), "Invoice");
  const auto events = host_->sink().events();
  ASSERT_EQ(events.size(), 1u) << "only the named invoice of this realm";
  const json& e = events.front();
  EXPECT_EQ(e["type"], "invoice");
  EXPECT_EQ(e["external_id"], invoice);
  EXPECT_EQ(e["amount"], usd(7000));
  EXPECT_EQ(e["status"], "open");
  EXPECT_EQ(e["links"]["customer"], customer);
  EXPECT_EQ(e["dates"]["invoice_date"], "2026-01-30");
  EXPECT_EQ(e["attributes"]["ledgerhost_key"], keyOf(5));
  EXPECT_EQ(e["attributes"]["qbo_entity"], "Invoice");
  const std::string text = host_->sink().batches().back().events.front();
  EXPECT_NE(text.find("\"TotalAmt\":70.00"), std::string::npos) << "raw keeps QBO's number text";
}

TEST_F(QboWebhookTest, CdcStreamReadsChangesAndResumesFromQbosResponseTime) {
  const std::string customer = fake_->add("Customer", {{"DisplayName", "Paulsen Medical"}});
  const json linked = json::array({{{"TxnId", "70"}, {"TxnType", "Invoice"}}});
  const json line = {{"Amount", "55.00"}, {"LinkedTxn", linked}};
  fake_->add("Payment", {{"CustomerRef", {{"value", customer}}},
                         {"TotalAmt", "55.00"},
                         {"TxnDate", "2026-01-31"},
                         {"Line", json::array({line})}});
  fake_->add("Deposit", {{"TotalAmt", "10.00"}});
  fake_->advance(std::chrono::seconds(1));
  host_->clock().set(kNow + 1000);
  Status status;
  const auto cursors = host_->syncAllCdc(&status);
  ASSERT_TRUE(status.isOk()) << status.message();
  ASSERT_EQ(cursors.size(), 1u);
  auto events = host_->sink().events();
  // Seeded accounts and items are not read (cdc_entities); the deposit has no canonical type.
  std::map<std::string, json> byType;
  for (const auto& e : events) {
    byType[e["type"]] = e;
  }
  ASSERT_EQ(events.size(), 2u) << "the customer and the payment";
  EXPECT_EQ(byType["payment"]["amount"], usd(5500));
  EXPECT_EQ(byType["payment"]["links"]["invoice"], "70");
  EXPECT_EQ(byType["payment"]["dates"]["paid_at"], "2026-01-31");
  EXPECT_EQ(json::parse(cursors.front())["changed_since_ms"], kNow + 1000) << "QBO's own time";
  const fakes::FakeRequest cdc = fake_->requests().back();
  EXPECT_EQ(cdc.param("entities").value_or(""),
            "Customer,Invoice,Payment,RefundReceipt,CreditMemo,Deposit,JournalEntry");
  EXPECT_EQ(cdc.param("changedSince").value_or(""), "2026-01-02T00:01:01Z")
      << "30 days back, less a minute";

  // A manual change in QuickBooks an hour later is seen on the next read, alone.
  fake_->advance(std::chrono::hours(1));
  host_->clock().set(kNow + 1000 + 3'600'000);
  ASSERT_TRUE(fake_->modify("Customer", customer, {{"DisplayName", "Paulsen Medical Supplies"}}));
  host_->sink().clear();
  ASSERT_TRUE(host_->instance().read("cdc", cursors.front()).isOk());
  events = host_->sink().events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["party"]["name"], "Paulsen Medical Supplies");
  EXPECT_EQ(events[0]["revision"], kNow + 1000 + 3'600'000);
}

}  // namespace
}  // namespace lh::qbo_test
