// FakeQbo itself, over real HTTP with host/net's CurlClient: the wire shapes the connector (and the
// demo sandbox) rely on must be QBO's — the recorded fixtures' — or the connector tests prove
// nothing.
#include "fakes/qbo/fake_qbo.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "net/curl_client.h"

namespace lh::fakes {
namespace {

using nlohmann::json;

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(LH_TEST_FIXTURES_DIR) + "/qbo/" + name, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string urlEncode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

class FakeQboTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FakeQbo::Options options;
    options.timeScale = 0;
    fake_ = std::make_unique<FakeQbo>(options);
    ASSERT_TRUE(fake_->start().isOk());
    token_ = fake_->issueTokens().accessToken;
  }

  net::Response send(const std::string& method, const std::string& path,
                     const std::string& body = {}, const std::string& token = {}) {
    net::Request r;
    r.method = method;
    r.url = fake_->baseUrl() + "/v3/company/" + fake_->realmId() + "/" + path;
    r.headers.push_back({"Authorization", "Bearer " + (token.empty() ? token_ : token)});
    r.headers.push_back({"Accept", "application/json"});
    r.body = body;
    auto result = client_.send(r);
    EXPECT_TRUE(result.isOk());
    return result.isOk() ? result.response() : net::Response{};
  }

  json query(const std::string& q) {
    return json::parse(send("GET", "query?minorversion=75&query=" + urlEncode(q)).body);
  }

  net::Response token(const std::string& form, bool goodClient = true) {
    net::Request r;
    r.method = "POST";
    r.url = fake_->tokenUrl();
    std::string creds = fake_->options().clientId + ":" +
                        (goodClient ? fake_->options().clientSecret : std::string("wrong"));
    std::string b64(4 * ((creds.size() + 2) / 3) + 1, '\0');
    b64.resize(static_cast<size_t>(EVP_EncodeBlock(
        reinterpret_cast<unsigned char*>(b64.data()),
        reinterpret_cast<const unsigned char*>(creds.data()), static_cast<int>(creds.size()))));
    r.headers = {{"Authorization", "Basic " + b64},
                 {"Content-Type", "application/x-www-form-urlencoded"}};
    r.body = form;
    auto result = client_.send(r);
    EXPECT_TRUE(result.isOk());
    return result.response();
  }

  std::unique_ptr<FakeQbo> fake_;
  net::CurlClient client_;
  std::string token_;
};

TEST_F(FakeQboTest, QueryPagesWithStartPositionAndMaxResultsInQbosShapes) {
  for (int i = 0; i < 7; ++i) {
    fake_->add("Customer", {{"DisplayName", "C" + std::to_string(i)}});
  }
  json page = query("SELECT * FROM Customer MAXRESULTS 5 STARTPOSITION 1");
  EXPECT_EQ(page["QueryResponse"]["Customer"].size(), 5u);
  EXPECT_EQ(page["QueryResponse"]["startPosition"], 1);
  EXPECT_EQ(page["QueryResponse"]["maxResults"], 5) << "maxResults = the number returned";
  page = query("select * from Customer STARTPOSITION 6 MAXRESULTS 5");
  EXPECT_EQ(page["QueryResponse"]["Customer"].size(), 2u);
  EXPECT_EQ(page["QueryResponse"]["maxResults"], 2);
  page = query("SELECT * FROM Customer STARTPOSITION 11");
  EXPECT_EQ(page["QueryResponse"], json::object()) << "a page past the end is {}";
  EXPECT_TRUE(page["time"].is_string());
  EXPECT_EQ(query("SELECT COUNT(*) FROM Customer")["QueryResponse"]["totalCount"], 7);
  page = query("SELECT * FROM Customer WHERE DisplayName = 'c3'");
  ASSERT_EQ(page["QueryResponse"]["Customer"].size(), 1u) << "names compare without case";
  const json bad =
      json::parse(send("GET", "query?query=" + urlEncode("SELECT * FROM Custmoer")).body);
  EXPECT_EQ(bad["Fault"]["Error"][0]["code"], "4001");
  EXPECT_EQ(bad["Fault"]["Error"][0]["Detail"],
            "QueryValidationError: invalid context declaration: Custmoer");
}

TEST_F(FakeQboTest, UnauthorizedIsTheRecordedLowercaseBody) {
  const auto r = send("GET", "customer/1", {}, "not-a-token");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(json::parse(r.body), json::parse(fixture("fault_401_auth_3200.json")));
  fake_->expireAccessTokens();
  EXPECT_EQ(send("GET", "customer/1").status, 401);
}

TEST_F(FakeQboTest, CreateReadUpdateWithSyncTokenAndStaleObject) {
  auto r = send("POST", "customer?minorversion=75", R"({"DisplayName":"Bob's Burger Joint"})");
  ASSERT_EQ(r.status, 200) << r.body;
  const json c = json::parse(r.body)["Customer"];
  EXPECT_EQ(c["SyncToken"], "0");
  EXPECT_EQ(c["domain"], "QBO");
  EXPECT_TRUE(c["MetaData"]["CreateTime"].is_string());
  r = send("POST", "customer", R"({"DisplayName":"bob's burger joint"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["Fault"]["Error"][0],
            json::parse(fixture("fault_400_duplicate_name_6240.json"))["Fault"]["Error"][0]);
  const std::string update =
      json{{"Id", c["Id"]}, {"SyncToken", "0"}, {"sparse", true}, {"CompanyName", "Bob's"}}.dump();
  r = send("POST", "customer", update);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["Customer"]["SyncToken"], "1");
  EXPECT_EQ(json::parse(r.body)["Customer"]["DisplayName"], "Bob's Burger Joint") << "sparse keeps";
  r = send("POST", "customer", update);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["Fault"]["Error"][0]["code"], "5010");
  r = send("POST", "invoice", R"({"CustomerRef":{"value":"1"}})");
  EXPECT_EQ(json::parse(r.body)["Fault"]["Error"][0]["code"], "2020");
  EXPECT_EQ(json::parse(r.body)["Fault"]["Error"][0]["element"], "Line");
}

TEST_F(FakeQboTest, AmountsKeepTheirDecimalText) {
  const std::string customer = fake_->add("Customer", {{"DisplayName", "Amy"}});
  const auto r = send(
      "POST", "invoice",
      R"({"CustomerRef":{"value":")" + customer +
          R"("},"Line":[{"Amount":0.10,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"1"}}},{"Amount":0.20,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"1"}}}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find(R"("TotalAmt":0.30)"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"("Amount":0.10)"), std::string::npos);
}

TEST_F(FakeQboTest, BatchAnswersPerItemAndRefusesMoreThanItsMaximum) {
  const std::string body = R"({"BatchItemRequest":[
    {"bId":"b1","operation":"create","Customer":{"DisplayName":"One"}},
    {"bId":"b2","operation":"create","Invoice":{"CustomerRef":{"value":"999"},"Line":[{"Amount":1,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{}}]}},
    {"bId":"b3","Query":"select * from Customer where DisplayName = 'One'"}]})";
  auto r = send("POST", "batch?requestid=abc", body);
  ASSERT_EQ(r.status, 200) << r.body;
  const json items = json::parse(r.body)["BatchItemResponse"];
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0]["bId"], "b1");
  EXPECT_EQ(items[0]["Customer"]["DisplayName"], "One");
  EXPECT_EQ(items[1]["Fault"]["Error"][0]["code"], "2500");
  EXPECT_EQ(items[1]["Fault"]["type"], "ValidationFault");
  EXPECT_EQ(items[2]["QueryResponse"]["Customer"].size(), 1u) << "serial: sees item 1";
  // The same requestid replays the first answer without acting again.
  r = send("POST", "batch?requestid=abc", body);
  EXPECT_EQ(json::parse(r.body)["BatchItemResponse"][0]["Customer"]["Id"],
            items[0]["Customer"]["Id"]);
  EXPECT_EQ(fake_->count("Customer"), 1u);
  json many = {{"BatchItemRequest", json::array()}};
  for (int i = 0; i < 31; ++i) {
    many["BatchItemRequest"].push_back(
        {{"bId", std::to_string(i)}, {"Query", "select * from Item"}});
  }
  r = send("POST", "batch", many.dump());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["Fault"]["Error"][0]["code"], "6000");
  r = send("POST", "batch?requestid=" + std::string(37, 'a'), body);
  EXPECT_EQ(r.status, 400) << "a batch requestid has at most 36 characters";
}

TEST_F(FakeQboTest, CdcReportsChangesAndDeletionsSinceATime) {
  const std::string customer = fake_->add("Customer", {{"DisplayName", "Amy"}});
  auto r = send(
      "POST", "invoice",
      R"({"CustomerRef":{"value":")" + customer +
          R"("},"Line":[{"Amount":5,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"1"}}}]})");
  const json inv = json::parse(r.body)["Invoice"];
  fake_->advance(std::chrono::minutes(5));
  const std::string since = FakeQbo::qboTime(fake_->nowMs());
  r = send("POST", "invoice?operation=delete",
           json{{"Id", inv["Id"]}, {"SyncToken", inv["SyncToken"]}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["Invoice"]["status"], "Deleted");
  r = send("GET", "cdc?entities=Invoice,Customer&changedSince=" + urlEncode(since));
  const json cdc = json::parse(r.body);
  const json& qr = cdc["CDCResponse"][0]["QueryResponse"];
  ASSERT_EQ(qr.size(), 2u);
  ASSERT_EQ(qr[0]["Invoice"].size(), 1u);
  EXPECT_EQ(qr[0]["Invoice"][0]["status"], "Deleted");
  EXPECT_EQ(qr[1], json::object()) << "no customer changed since";
}

TEST_F(FakeQboTest, TokenEndpointRotatesRefreshTokensAndAnswersInvalidGrantInIntuitsShape) {
  const std::string first = fake_->latestRefreshToken();
  auto r = token("grant_type=refresh_token&refresh_token=" + first);
  ASSERT_EQ(r.status, 200) << r.body;
  const json t = json::parse(r.body);
  EXPECT_EQ(t["token_type"], "bearer");
  EXPECT_EQ(t["expires_in"], 3600);
  EXPECT_EQ(t["x_refresh_token_expires_in"], 8726400);
  EXPECT_NE(t["refresh_token"], first);
  r = token("grant_type=refresh_token&refresh_token=" + first);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body), json::parse(fixture("oauth_token_error_invalid_grant.json")));
  EXPECT_EQ(token("grant_type=refresh_token&refresh_token=" + t["refresh_token"].get<std::string>(),
                  false)
                .status,
            401);
  const std::string code = fake_->issueAuthorizationCode();
  r = token("grant_type=authorization_code&code=" + code + "&redirect_uri=http%3A%2F%2Fx");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(send("GET", "customer/1", {}, json::parse(r.body)["access_token"]).status != 401, true);
  EXPECT_EQ(
      token("grant_type=authorization_code&code=" + code + "&redirect_uri=http%3A%2F%2Fx").status,
      400)
      << "a code works once";
  EXPECT_EQ(fake_->tokenRequests("refresh_token"), 2u) << "the wrong client is refused first";
}

TEST_F(FakeQboTest, ThrottleBodiesAreTheFixtures) {
  fake_->injectXmlThrottle(403, 1);
  auto r = send("GET", "customer/1");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body, fixture("fault_429_throttle_3001.xml"));
  fake_->injectRateLimit(1);
  r = send("GET", "customer/1");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(json::parse(r.body)["Fault"]["Error"][0]["code"], "3001");
}

}  // namespace
}  // namespace lh::fakes
