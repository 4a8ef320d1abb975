#include "net/rate_limited_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "fakes/fake_server.h"
#include "net/curl_client.h"
#include "net/manual_clock.h"
#include "net/pooled_client.h"
#include "net/system_clock.h"
#include "net_test_support.h"

namespace lh::net {
namespace {

using ::lh::fakes::FakeRequest;
using ::lh::fakes::FakeResponse;
using ::lh::fakes::FakeServer;
using ::lh::fakes::Fault;
using ::lh::net::testing::IsError;
using ::lh::net::testing::IsResponse;
using ::lh::net::testing::ScriptedClient;
using std::chrono::milliseconds;
using ::testing::HasSubstr;

Request at(const std::string& url, std::string method = "GET") {
  Request r;
  r.method = std::move(method);
  r.url = url;
  return r;
}

TEST(PathClassifierTest, KeyFromTheSegmentAfterAMarkerAndClassFromASuffix) {
  PathClassifierOptions options;
  options.defaultKey = "qbo_main";
  options.keyAfterSegment = "company";
  options.classBySuffix = {{"/batch", "batch"}};
  Classifier classify = pathClassifier(options);

  LimitKey query = classify(at("https://quickbooks.api.intuit.com/v3/company/9130/query?q=x"));
  EXPECT_EQ(query.key, "9130");
  EXPECT_EQ(query.requestClass, "");
  LimitKey batch =
      classify(at("https://quickbooks.api.intuit.com/v3/company/9130/batch?x=1", "POST"));
  EXPECT_EQ(batch.key, "9130");
  EXPECT_EQ(batch.requestClass, "batch");
  LimitKey token = classify(at("https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"));
  EXPECT_EQ(token.key, "qbo_main");
  LimitKey bare = classify(at("https://example.com"));
  EXPECT_EQ(bare.key, "qbo_main");
}

TEST(RateLimitedClientTest, ARefusalIsARateLimitedErrorWithRetryAfterAndSendsNothing) {
  ManualClock clock;
  RateLimiter::Options options;
  options.requests = WindowLimit{1, milliseconds(60'000)};
  RateLimiter limiter(options, clock, clock);
  ScriptedClient inner;
  RateLimitedClient client(inner, limiter, pathClassifier({"conn", {}, {}}), clock,
                           milliseconds(0));
  ASSERT_THAT(client.send(at("http://127.0.0.1:1/a")), IsResponse(200));
  clock.advance(milliseconds(15'000));
  SendResult refused = client.send(at("http://127.0.0.1:1/a"));
  ASSERT_THAT(refused, IsError(ErrorKind::RateLimited, Code::RateLimited));
  EXPECT_FALSE(refused.error().requestMaybeSent);
  EXPECT_EQ(refused.error().retryAfter, milliseconds(45'000));
  EXPECT_EQ(inner.calls(), 1u);
}

TEST(RateLimitedClientTest, A429WithRetryAfterPausesTheWholeKey) {
  ManualClock clock;
  RateLimiter limiter(RateLimiter::Options{}, clock, clock);
  ScriptedClient inner;
  inner.push(testing::response(429, {{"Retry-After", "5"}}));
  PathClassifierOptions classify{"conn", std::string("company"), {}};
  RateLimitedClient client(inner, limiter, pathClassifier(classify), clock);
  ASSERT_THAT(client.send(at("http://h/v3/company/1/query")), IsResponse(429));
  // Another worker on realm 1 waits out the 5 s; realm 2 does not.
  ASSERT_THAT(client.send(at("http://h/v3/company/2/query")), IsResponse(200));
  EXPECT_TRUE(clock.sleeps().empty());
  ASSERT_THAT(client.send(at("http://h/v3/company/1/query")), IsResponse(200));
  EXPECT_EQ(clock.totalSlept(), milliseconds(5000));
}

// Ten in flight per realm, with real threads and real connections: 40 concurrent senders
// against a fake whose handler takes 50 ms.
TEST(RateLimitedClientTest, InFlightCapOfTenIsHonouredAgainstARealServer) {
  FakeServer::Options serverOptions;
  serverOptions.threads = 48;
  FakeServer server(serverOptions);
  server.route("GET", "/v3/company/([0-9]+)/query", [](const FakeRequest&, FakeResponse& res) {
    std::this_thread::sleep_for(milliseconds(50));
    res.json(200, R"({"QueryResponse":{}})");
  });
  ASSERT_TRUE(server.start().isOk());

  RateLimiter::Options options;
  options.maxInFlight = 10;
  RateLimiter limiter(options, SystemClock::instance(), SystemClock::instance());
  PooledClient pool([] { return std::make_unique<CurlClient>(); }, 64);
  RateLimitedClient client(pool, limiter, pathClassifier({"qbo", std::string("company"), {}}),
                           SystemClock::instance());

  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 40; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2; ++i) {
        if (client.send(at(server.baseUrl() + "/v3/company/4620/query?query=select")).isOk()) {
          ++ok;
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(ok.load(), 80);
  EXPECT_EQ(server.requestCount(), 80u);
  EXPECT_LE(server.maxConcurrentRequests(), 10u);
  EXPECT_GE(server.maxConcurrentRequests(), 5u);  // really concurrent, not serialised
  EXPECT_EQ(limiter.inFlight("4620"), 0);
}

}  // namespace
}  // namespace lh::net
