// FakeStripe itself, over real HTTP with host/net's CurlClient: the list semantics the connector
// (and the demo sandbox) rely on must be Stripe's, or the connector tests prove nothing.
#include "fakes/stripe/fake_stripe.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "net/curl_client.h"

namespace lh::fakes {
namespace {

using nlohmann::json;

constexpr int64_t kT0 = 1767225600;

class FakeStripeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fake_.start().isOk());
    for (int i = 0; i < 7; ++i) {
      ids_.push_back(fake_.addCustomer(kT0 + i, "C" + std::to_string(i), ""));
    }
  }

  // GET `target` with the fake's key (or `key`); returns status and parsed body.
  std::pair<int, json> get(const std::string& target, const std::string& key = {}) {
    net::Request r;
    r.url = fake_.baseUrl() + target;
    r.headers.push_back({"Authorization", "Bearer " + (key.empty() ? fake_.apiKey() : key)});
    auto result = client_.send(r);
    EXPECT_TRUE(result.isOk());
    return {result.response().status, json::parse(result.response().body)};
  }

  static std::vector<std::string> idsOf(const json& list) {
    std::vector<std::string> out;
    for (const auto& o : list["data"]) {
      out.push_back(o["id"]);
    }
    return out;
  }

  FakeStripe fake_;
  net::CurlClient client_;
  std::vector<std::string> ids_;  // oldest first
};

TEST_F(FakeStripeTest, ListEnvelopeNewestFirstWithDefaultLimitTen) {
  auto [status, body] = get("/v1/customers");
  ASSERT_EQ(status, 200);
  EXPECT_EQ(body["object"], "list");
  EXPECT_EQ(body["url"], "/v1/customers");
  EXPECT_EQ(body["has_more"], false);
  EXPECT_EQ(idsOf(body), (std::vector<std::string>(ids_.rbegin(), ids_.rend())));
  EXPECT_EQ(body["data"][0]["object"], "customer");
}

TEST_F(FakeStripeTest, StartingAfterEndingBeforeAndCreatedFilters) {
  auto [s1, page1] = get("/v1/customers?limit=3");
  EXPECT_EQ(idsOf(page1), (std::vector<std::string>{ids_[6], ids_[5], ids_[4]}));
  EXPECT_EQ(page1["has_more"], true);
  auto [s2, page2] = get("/v1/customers?limit=3&starting_after=" + ids_[4]);
  EXPECT_EQ(idsOf(page2), (std::vector<std::string>{ids_[3], ids_[2], ids_[1]}));
  auto [s3, back] = get("/v1/customers?limit=2&ending_before=" + ids_[1]);
  EXPECT_EQ(idsOf(back), (std::vector<std::string>{ids_[3], ids_[2]}));
  EXPECT_EQ(back["has_more"], true);
  auto [s4, window] = get("/v1/customers?created%5Bgte%5D=" + std::to_string(kT0 + 2) +
                          "&created[lt]=" + std::to_string(kT0 + 4));
  EXPECT_EQ(idsOf(window), (std::vector<std::string>{ids_[3], ids_[2]}));
}

TEST_F(FakeStripeTest, BadParametersGetStripesInvalidRequestError) {
  auto [s1, tooMany] = get("/v1/customers?limit=101");
  EXPECT_EQ(s1, 400);
  EXPECT_EQ(tooMany["error"]["type"], "invalid_request_error");
  EXPECT_EQ(tooMany["error"]["param"], "limit");
  auto [s2, both] = get("/v1/customers?starting_after=" + ids_[0] + "&ending_before=" + ids_[1]);
  EXPECT_EQ(s2, 400);
  auto [s3, missing] = get("/v1/customers/cus_nope");
  EXPECT_EQ(s3, 404);
  EXPECT_EQ(missing["error"]["code"], "resource_missing");
}

TEST_F(FakeStripeTest, AWrongKeyGets401WithTheKeyMasked) {
  auto [status, body] = get("/v1/customers", "sk_test_wrongwrongwrong1234");
  EXPECT_EQ(status, 401);
  EXPECT_EQ(body["error"]["type"], "invalid_request_error");
  const std::string message = body["error"]["message"];
  EXPECT_EQ(message.find("wrongwrong"), std::string::npos);
  EXPECT_NE(message.find("1234"), std::string::npos);
}

TEST_F(FakeStripeTest, PayoutFilterAndSourceExpansion) {
  const auto charge = fake_.addCharge({.amount = 1000, .created = kT0 + 10, .fee = 59});
  const auto payout = fake_.addPayout({.created = kT0 + 20});
  auto [status, body] =
      get("/v1/balance_transactions?payout=" + payout.id + "&expand%5B%5D=data.source");
  ASSERT_EQ(status, 200);
  ASSERT_EQ(body["data"].size(), 2u);  // the charge's BT and the payout's own
  EXPECT_EQ(body["data"][1]["id"], charge.balanceTransaction);
  EXPECT_EQ(body["data"][1]["source"]["id"], charge.id);
  EXPECT_EQ(body["data"][1]["net"], 941);
  EXPECT_EQ(body["data"][0]["type"], "payout");
  EXPECT_EQ(fake_.object("payouts", payout.id)["amount"], 941);
  // The BT keeps exactly the fixture's keys, in its order.
  std::vector<std::string> keys;
  const auto bt = fake_.object("balance_transactions", charge.balanceTransaction);
  for (auto it = bt.begin(); it != bt.end(); ++it) {
    keys.push_back(it.key());
  }
  EXPECT_EQ(keys.size(), 16u);
  EXPECT_EQ(keys.back(), "balance_type");
}

}  // namespace
}  // namespace lh::fakes
