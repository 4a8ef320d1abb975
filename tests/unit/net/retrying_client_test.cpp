#include "net/retrying_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "fakes/fake_server.h"
#include "net/curl_client.h"
#include "net/manual_clock.h"
#include "net_test_support.h"

namespace lh::net {
namespace {

using ::lh::fakes::FakeRequest;
using ::lh::fakes::FakeResponse;
using ::lh::fakes::FakeServer;
using ::lh::fakes::Fault;
using ::lh::net::testing::IsError;
using ::lh::net::testing::IsResponse;
using std::chrono::milliseconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Records every attempt the retry layer reports.
class RecordingObserver : public AttemptObserver {
 public:
  struct Seen {
    int attempt;
    int maxAttempts;
    bool ok;
    int status;
    std::optional<milliseconds> retryDelay;
    std::string reason;
  };
  void onAttempt(const AttemptRecord& r) override {
    seen.push_back({r.attempt, r.maxAttempts, r.outcome.isOk(),
                    r.outcome.isOk() ? r.outcome.response().status : 0, r.retryDelay,
                    std::string(r.reason)});
  }
  std::vector<Seen> seen;
};

// The real curl client against the fake server, with a manual clock: delays are asserted, not
// waited for.
class RetryingClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.route("GET", "/v1/charges", [this](const FakeRequest&, FakeResponse& res) {
      ++handled_;
      res.json(200, R"({"object":"list","data":[]})");
    });
    server_.route("POST", "/v1/refunds", [this](const FakeRequest&, FakeResponse& res) {
      ++handled_;
      res.json(200, R"({"id":"re_1"})");
    });
    ASSERT_TRUE(server_.start().isOk());
    policy_.maxAttempts = 4;
    policy_.baseDelay = milliseconds(1000);
    policy_.maxDelay = milliseconds(8000);
  }

  RetryingClient client() {
    return RetryingClient(curl_, policy_, clock_, clock_, &observer_, [] { return 0.5; });
  }

  Request get() {
    Request r;
    r.url = server_.baseUrl() + "/v1/charges?limit=100";
    return r;
  }

  Request post() {
    Request r;
    r.method = "POST";
    r.url = server_.baseUrl() + "/v1/refunds";
    r.body = "charge=ch_1";
    return r;
  }

  FakeServer server_;
  std::atomic<int> handled_{0};
  CurlClient curl_;
  ManualClock clock_;
  RecordingObserver observer_;
  RetryPolicy policy_;
};

TEST_F(RetryingClientTest, TooManyRequestsWithRetryAfterWaitsExactlyThatLongThenSucceeds) {
  server_.inject(
      Fault::respond(429, R"({"error":{"type":"rate_limit_error"}})", {{"Retry-After", "2"}}));
  SendResult result = client().send(get());
  ASSERT_THAT(result, IsResponse(200));
  EXPECT_THAT(clock_.sleeps(), ElementsAre(milliseconds(2000)));
  EXPECT_EQ(server_.requestCount(), 2u);
  EXPECT_EQ(handled_, 1);
  ASSERT_EQ(observer_.seen.size(), 2u);
  EXPECT_EQ(observer_.seen[0].status, 429);
  EXPECT_EQ(observer_.seen[0].retryDelay, milliseconds(2000));
  EXPECT_EQ(observer_.seen[1].status, 200);
  EXPECT_EQ(observer_.seen[1].retryDelay, std::nullopt);
}

TEST_F(RetryingClientTest, RetryAfterAsAnHttpDate) {
  // The manual clock starts at 2026-01-01T00:00:00Z.
  server_.inject(Fault::respond(503, "{}", {{"Retry-After", "Thu, 01 Jan 2026 00:00:07 GMT"}}));
  ASSERT_THAT(client().send(get()), IsResponse(200));
  EXPECT_THAT(clock_.sleeps(), ElementsAre(milliseconds(7000)));
}

TEST_F(RetryingClientTest, AServerErrorStormExhaustsTheAttemptsAndReturnsTheLastResponse) {
  server_.inject(Fault::respond(503, R"({"error":"unavailable"})"), 10);
  SendResult result = client().send(get());
  // The final 503 comes back as a response (the plugin sees the vendor's status and body).
  ASSERT_THAT(result, IsResponse(503));
  EXPECT_EQ(result.response().body, R"({"error":"unavailable"})");
  EXPECT_EQ(server_.requestCount(), 4u);
  // Full jitter at 0.5 over 1 s, 2 s, 4 s.
  EXPECT_THAT(clock_.sleeps(),
              ElementsAre(milliseconds(500), milliseconds(1000), milliseconds(2000)));
  ASSERT_EQ(observer_.seen.size(), 4u);
  EXPECT_EQ(observer_.seen[3].maxAttempts, 4);
  EXPECT_THAT(observer_.seen[3].reason, HasSubstr("exhausted"));
}

TEST_F(RetryingClientTest, NetworkFailuresExhaustedEndAsTransient) {
  Request request;
  request.url = "http://127.0.0.1:" + std::to_string(testing::unusedPort()) + "/v1/charges";
  SendResult result = client().send(request);
  EXPECT_THAT(result, IsError(ErrorKind::ConnectFailed, Code::Transient));
  EXPECT_EQ(clock_.sleeps().size(), 3u);
  EXPECT_EQ(observer_.seen.size(), 4u);
}

TEST_F(RetryingClientTest, ShouldRetryFalseStopsRetries) {
  policy_.shouldRetryHeader = "Stripe-Should-Retry";
  server_.inject(Fault::respond(503, "{}", {{"Stripe-Should-Retry", "false"}}), 5);
  ASSERT_THAT(client().send(get()), IsResponse(503));
  EXPECT_EQ(server_.requestCount(), 1u);
  EXPECT_TRUE(clock_.sleeps().empty());
}

TEST_F(RetryingClientTest, ShouldRetryTrueRetriesAConflict) {
  policy_.shouldRetryHeader = "Stripe-Should-Retry";
  server_.inject(Fault::respond(409, R"({"error":{"code":"lock_timeout"}})",
                                {{"Stripe-Should-Retry", "true"}}));
  ASSERT_THAT(client().send(get()), IsResponse(200));
  EXPECT_EQ(server_.requestCount(), 2u);
}

TEST_F(RetryingClientTest, PostIsNotRetriedOnServerErrorWithoutTheUnsafeFlag) {
  server_.inject(Fault::respond(500, "{}"), 3);
  ASSERT_THAT(client().send(post()), IsResponse(500));
  EXPECT_EQ(server_.requestCount(), 1u);
  EXPECT_TRUE(clock_.sleeps().empty());
  EXPECT_THAT(observer_.seen.at(0).reason, HasSubstr("non-idempotent"));
}

TEST_F(RetryingClientTest, PostWithTheUnsafeFlagIsRetriedOnServerError) {
  server_.inject(Fault::respond(500, "{}"), 2);
  Request request = post();
  request.retryUnsafe = true;
  request.headers = {{"Idempotency-Key", "idem-1"}};
  ASSERT_THAT(client().send(request), IsResponse(200));
  EXPECT_EQ(server_.requestCount(), 3u);
  for (const FakeRequest& seen : server_.requests()) {
    EXPECT_EQ(seen.header("Idempotency-Key"), "idem-1");
  }
}

TEST_F(RetryingClientTest, PostWhoseResponseWasLostIsNotRepeated) {
  server_.inject(Fault::dropAfterHandler());
  SendResult result = client().send(post());
  EXPECT_THAT(result, IsError(ErrorKind::ConnectionLost, Code::Transient));
  EXPECT_EQ(handled_, 1);  // the refund happened once, and only once
  EXPECT_EQ(server_.requestCount(), 1u);
}

TEST_F(RetryingClientTest, PostIsRetriedWhenTheConnectionWasRefused) {
  testing::ScriptedClient scripted;
  scripted.push(testing::transientError(ErrorKind::ConnectFailed, /*maybeSent=*/false));
  scripted.push(testing::transientError(ErrorKind::TlsHandshake, /*maybeSent=*/false));
  RetryingClient retrying(scripted, policy_, clock_, clock_, nullptr, [] { return 0.5; });
  Request request = post();
  ASSERT_THAT(retrying.send(request), IsResponse(200));
  EXPECT_EQ(scripted.calls(), 3u);
}

TEST_F(RetryingClientTest, TruncatedBodyIsRetriedForAGet) {
  server_.inject(Fault::truncate(5));
  SendResult result = client().send(get());
  ASSERT_THAT(result, IsResponse(200));
  EXPECT_EQ(result.response().body, R"({"object":"list","data":[]})");
  EXPECT_EQ(server_.requestCount(), 2u);
}

TEST_F(RetryingClientTest, NoRetryFlagMeansOneAttempt) {
  server_.inject(Fault::respond(503, "{}"), 3);
  Request request = get();
  request.noRetry = true;
  ASSERT_THAT(client().send(request), IsResponse(503));
  EXPECT_EQ(server_.requestCount(), 1u);
  EXPECT_EQ(observer_.seen.at(0).maxAttempts, 1);
}

TEST_F(RetryingClientTest, RetryAfterLongerThanTheCapIsReturnedAtOnce) {
  policy_.maxRetryAfter = milliseconds(30'000);
  server_.inject(Fault::respond(429, "{}", {{"Retry-After", "120"}}));
  ASSERT_THAT(client().send(get()), IsResponse(429));
  EXPECT_EQ(server_.requestCount(), 1u);
  EXPECT_TRUE(clock_.sleeps().empty());
}

TEST_F(RetryingClientTest, TimeoutIsRetriedForAGet) {
  server_.inject(Fault::delayFor(milliseconds(2000)));
  Request request = get();
  request.timeout = milliseconds(150);
  ASSERT_THAT(client().send(request), IsResponse(200));
  EXPECT_EQ(server_.requestCount(), 2u);
  EXPECT_THAT(clock_.sleeps(), ElementsAre(milliseconds(500)));
}

TEST(RetryingClientJitterTest, DefaultJitterStaysWithinTheExponentialCeiling) {
  testing::ScriptedClient scripted(testing::response(503));
  ManualClock clock;
  RetryPolicy policy;
  policy.maxAttempts = 6;
  policy.baseDelay = milliseconds(100);
  policy.maxDelay = milliseconds(1000);
  RetryingClient retrying(scripted, policy, clock, clock);
  Request request;
  request.url = "http://127.0.0.1:1/x";
  ASSERT_THAT(retrying.send(request), IsResponse(503));
  const auto sleeps = clock.sleeps();
  ASSERT_LE(sleeps.size(), 5u);  // a zero delay is not recorded as a sleep
  for (milliseconds d : sleeps) {
    EXPECT_LE(d, milliseconds(1000));
  }
  EXPECT_EQ(scripted.calls(), 6u);
}

}  // namespace
}  // namespace lh::net
