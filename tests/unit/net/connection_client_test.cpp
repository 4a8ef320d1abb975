#include "net/connection_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes/fake_server.h"
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

class ConnectionClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.route("GET", "/v3/company/([0-9]+)/query",
                  [](const FakeRequest& req, FakeResponse& res) {
                    res.json(200, R"({"QueryResponse":{},"realm":")" + req.pathParams[0] + "\"}");
                  });
    server_.route("POST", "/v3/company/([0-9]+)/batch", [](const FakeRequest&, FakeResponse& res) {
      res.json(200, R"({"BatchItemResponse":[]})");
    });
    ASSERT_TRUE(server_.start().isOk());

    options_.name = "qbo_main";
    options_.retry.maxAttempts = 3;
    options_.retry.baseDelay = milliseconds(1000);
    options_.breaker = CircuitBreaker::Options{2, milliseconds(60'000), ""};
  }

  std::unique_ptr<ConnectionClient> make() {
    auto client =
        ConnectionClient::create(options_, clock_, clock_, nullptr, nullptr, [] { return 0.5; });
    EXPECT_TRUE(client.isOk()) << client.status();
    return client.isOk() ? std::move(client).value() : nullptr;
  }

  Request query(const std::string& realm) {
    Request r;
    r.url = server_.baseUrl() + "/v3/company/" + realm + "/query?query=select";
    return r;
  }

  FakeServer server_;
  ManualClock clock_;
  ConnectionClientOptions options_;
};

TEST_F(ConnectionClientTest, RetriesThrough429ThenSucceeds) {
  auto client = make();
  server_.inject(Fault::respond(429, "{}", {{"Retry-After", "3"}}));
  SendResult result = client->send(query("9130"));
  ASSERT_THAT(result, IsResponse(200));
  EXPECT_THAT(result.response().body, HasSubstr("9130"));
  EXPECT_THAT(clock_.sleeps(), ElementsAre(milliseconds(3000)));
  EXPECT_EQ(client->breaker()->state(), CircuitBreaker::State::Closed);
}

TEST_F(ConnectionClientTest, AnOutageOpensTheBreakerAndLaterRequestsAreRefusedWithoutSending) {
  auto client = make();
  server_.inject(Fault::respond(503, "{}"), 100);
  // Attempt 1 (503) and attempt 2 (503) open the breaker; attempt 3 is refused by it.
  SendResult first = client->send(query("9130"));
  ASSERT_THAT(first, IsError(ErrorKind::CircuitOpen, Code::RateLimited));
  EXPECT_THAT(first.error().message, HasSubstr("circuit of qbo_main open until"));
  EXPECT_EQ(server_.requestCount(), 2u);

  SendResult second = client->send(query("9130"));
  EXPECT_THAT(second, IsError(ErrorKind::CircuitOpen, Code::RateLimited));
  EXPECT_EQ(server_.requestCount(), 2u);
  EXPECT_EQ(client->breaker()->state(), CircuitBreaker::State::Open);

  server_.clearFaults();
  clock_.advance(milliseconds(60'000));
  ASSERT_THAT(client->send(query("9130")), IsResponse(200));
  EXPECT_EQ(client->breaker()->state(), CircuitBreaker::State::Closed);
}

TEST_F(ConnectionClientTest, RateLimitsApplyPerRealmAndPerClass) {
  RateLimiter::Options limits;
  limits.requests = WindowLimit{3, milliseconds(60'000)};
  limits.classes["batch"] = WindowLimit{1, milliseconds(60'000)};
  limits.maxInFlight = 10;
  options_.rateLimits = limits;
  options_.classify.keyAfterSegment = "company";
  options_.classify.classBySuffix = {{"/batch", "batch"}};
  options_.maxRateLimitWait = milliseconds(0);
  auto client = make();

  Request batch;
  batch.method = "POST";
  batch.url = server_.baseUrl() + "/v3/company/1/batch";
  batch.body = "{}";
  ASSERT_THAT(client->send(batch), IsResponse(200));
  SendResult secondBatch = client->send(batch);
  ASSERT_THAT(secondBatch, IsError(ErrorKind::RateLimited, Code::RateLimited));
  EXPECT_EQ(secondBatch.error().retryAfter, milliseconds(60'000));

  ASSERT_THAT(client->send(query("1")), IsResponse(200));
  ASSERT_THAT(client->send(query("1")), IsResponse(200));
  EXPECT_THAT(client->send(query("1")), IsError(ErrorKind::RateLimited, Code::RateLimited));
  EXPECT_THAT(client->send(query("2")), IsResponse(200));  // another realm
  EXPECT_EQ(server_.requestCount(), 4u);
  // The limiter's refusals are not failures of the vendor.
  EXPECT_EQ(client->breaker()->consecutiveFailures(), 0);
}

TEST_F(ConnectionClientTest, BadOptionsAreInvalidConfig) {
  options_.retry.maxAttempts = 0;
  auto bad = ConnectionClient::create(options_, clock_, clock_);
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().code(), Code::InvalidConfig);
  EXPECT_THAT(bad.status().message(), HasSubstr("qbo_main"));

  options_.retry.maxAttempts = 3;
  RateLimiter::Options limits;
  limits.requests = WindowLimit{0, milliseconds(1000)};
  options_.rateLimits = limits;
  EXPECT_EQ(ConnectionClient::create(options_, clock_, clock_).status().code(),
            Code::InvalidConfig);
}

TEST_F(ConnectionClientTest, ExtraObserverSeesEveryAttempt) {
  struct Counter : AttemptObserver {
    int attempts = 0;
    void onAttempt(const AttemptRecord&) override { ++attempts; }
  } counter;
  auto client = ConnectionClient::create(options_, clock_, clock_, &counter);
  ASSERT_TRUE(client.isOk());
  server_.inject(Fault::respond(500, "{}"));
  ASSERT_THAT((*client)->send(query("1")), IsResponse(200));
  EXPECT_EQ(counter.attempts, 2);
}

TEST(PooledClientTest, ConcurrentSendersGetTheirOwnClientsAndTheyAreReused) {
  std::atomic<int> made{0};
  PooledClient pool(
      [&made] {
        ++made;
        return std::make_unique<testing::ScriptedClient>();
      },
      4);
  Request request;
  request.url = "http://127.0.0.1:1/x";
  for (int i = 0; i < 5; ++i) {
    ASSERT_THAT(pool.send(request), IsResponse(200));
  }
  EXPECT_EQ(made.load(), 1);  // sequential sends reuse one client
  EXPECT_EQ(pool.idle(), 1u);
}

}  // namespace
}  // namespace lh::net
