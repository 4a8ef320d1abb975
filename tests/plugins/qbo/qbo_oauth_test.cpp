// lh.oauth2/1 of the real qbo.so against FakeQbo's consent and token endpoints: the authorization
// URL, the code exchange into the connection's state, refused consents and codes, and one refresh
// at a time per realm when two instances find the token expired together.
#include <gtest/gtest.h>

#include <thread>

#include "net/curl_client.h"
#include "qbo_test_host.h"

namespace lh::qbo_test {
namespace {

constexpr int64_t kNow = 1'769'904'000'000;
const std::string kRedirect = "http://127.0.0.1:8765/callback";

class QboOAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_ = startFake(kNow);
    host_ = std::make_unique<QboHost>(kNow);
    ASSERT_TRUE(host_->create(configFor(*fake_)).isOk());
  }

  // Follows the authorization URL at the fake (the user's consent) and returns the redirect's
  // query.
  std::string consent(const std::string& url) {
    net::Request r;
    r.url = url;
    auto result = client_.send(r);
    EXPECT_TRUE(result.isOk());
    EXPECT_EQ(result.response().status, 302);
    const auto location = net::findHeader(result.response().headers, "Location");
    EXPECT_TRUE(location.has_value());
    const std::string l(location.value_or(std::string_view()));
    EXPECT_EQ(l.rfind(kRedirect + "?", 0), 0u) << l;
    return l.substr(l.find('?') + 1);
  }

  std::unique_ptr<fakes::FakeQbo> fake_;
  std::unique_ptr<QboHost> host_;
  net::CurlClient client_;
};

TEST_F(QboOAuthTest, AuthorizationUrlIsIntuitsWithClientScopeRedirectAndState) {
  auto url = host_->oauth(false, "st4te-0123456789abcdef", kRedirect);
  ASSERT_TRUE(url.isOk()) << url.status().message();
  const std::string u = (*url)["url"];
  EXPECT_EQ(u.rfind(fake_->authUrl() + "?", 0), 0u) << u;
  EXPECT_NE(u.find("client_id=" + fake_->options().clientId), std::string::npos);
  EXPECT_NE(u.find("scope=com.intuit.quickbooks.accounting"), std::string::npos);
  EXPECT_NE(u.find("response_type=code"), std::string::npos);
  EXPECT_NE(u.find("redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcallback"), std::string::npos);
  EXPECT_NE(u.find("state=st4te-0123456789abcdef"), std::string::npos);
}

TEST_F(QboOAuthTest, ProductionDefaultsAreIntuitsEndpoints) {
  json config = configFor(*fake_);
  config.erase("auth_url");
  config["environment"] = "production";
  ASSERT_TRUE(host_->create(config).isOk());
  auto url = host_->oauth(false, "s", kRedirect);
  ASSERT_TRUE(url.isOk());
  EXPECT_EQ(
      (*url)["url"].get<std::string>().rfind("https://appcenter.intuit.com/connect/oauth2?", 0),
      0u);
}

TEST_F(QboOAuthTest, CompletingTheConsentStoresTokensAndTheConnectionWorks) {
  auto url = host_->oauth(false, "abc", kRedirect);
  ASSERT_TRUE(url.isOk());
  const std::string query = consent((*url)["url"]);
  EXPECT_NE(query.find("state=abc"), std::string::npos);
  auto done = host_->oauth(true, query, kRedirect);
  ASSERT_TRUE(done.isOk()) << done.status().message();
  EXPECT_EQ((*done)["account"], fake_->realmId());
  const auto tokens = host_->stateJson("oauth.tokens");
  ASSERT_TRUE(tokens.has_value());
  EXPECT_EQ((*tokens)["refresh_token"], fake_->latestRefreshToken());
  EXPECT_EQ((*tokens)["realm_id"], fake_->realmId());
  EXPECT_EQ((*tokens)["expires_at_ms"], kNow + 3'600'000);
  EXPECT_EQ(fake_->tokenRequests("authorization_code"), 1u);
  // The sync instance uses them.
  Answers r = host_->execute(json::array({command("1", "create_customer",
                                                  {{"type", "customer"},
                                                   {"external_id", "cus_1"},
                                                   {"occurred_at", "2026-01-01T00:00:00Z"},
                                                   {"party", {{"name", "After Connect"}}},
                                                   {"raw", json::object()}})}));
  EXPECT_EQ(r.statusOf("1"), LH_OK) << r.messageOf("1");
  // A code works once.
  auto again = host_->oauth(true, query, kRedirect);
  EXPECT_EQ(again.status().code(), Code::AuthRequired);
  EXPECT_NE(again.status().message().find("invalid_grant"), std::string::npos);
}

TEST_F(QboOAuthTest, RefusedConsentAndForeignRealmAreReported) {
  auto denied = host_->oauth(true, "error=access_denied&error_description=User%20denied&state=abc",
                             kRedirect);
  EXPECT_EQ(denied.status().code(), Code::AuthRequired);
  EXPECT_NE(denied.status().message().find("access_denied: User denied"), std::string::npos)
      << denied.status().message();
  auto foreign = host_->oauth(
      true, "code=" + fake_->issueAuthorizationCode() + "&state=abc&realmId=123", kRedirect);
  EXPECT_EQ(foreign.status().code(), Code::InvalidConfig);
  EXPECT_FALSE(host_->stateJson("oauth.tokens").has_value());
}

TEST_F(QboOAuthTest, TwoInstancesFindingTheTokenExpiredRefreshOnceForTheRealm) {
  host_->connect(fake_->issueTokens(), fake_->realmId(), /*ttlMs=*/-1);
  // A second instance of the same connection (same state store), e.g. the daemon's webhook worker.
  auto context = std::make_unique<plugins::HostContext>(host_->services(), "books-2");
  auto second = plugins::PluginInstance::create(QboHost::library(), std::move(context),
                                                configFor(*fake_).dump());
  ASSERT_TRUE(second.isOk());
  const json cmd = json::array({command("1", "create_customer",
                                        {{"type", "customer"},
                                         {"external_id", "cus_1"},
                                         {"occurred_at", "2026-01-01T00:00:00Z"},
                                         {"party", {{"name", "Twice"}}},
                                         {"raw", json::object()}})});
  std::vector<std::string> a;
  std::vector<std::string> b;
  Status sa;
  Status sb;
  std::thread t1([&] { sa = host_->instance().execute(cmd.dump(), &a); });
  std::thread t2([&] { sb = (*second)->execute(cmd.dump(), &b); });
  t1.join();
  t2.join();
  EXPECT_TRUE(sa.isOk()) << sa.message();
  EXPECT_TRUE(sb.isOk()) << sb.message();
  EXPECT_EQ(fake_->tokenRequests("refresh_token"), 1u)
      << "the second instance waited and used the first one's tokens";
  EXPECT_EQ(host_->stateJson("oauth.tokens")->at("refresh_token"), fake_->latestRefreshToken());
}

}  // namespace
}  // namespace lh::qbo_test
