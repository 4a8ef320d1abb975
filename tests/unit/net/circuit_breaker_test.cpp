#include "net/circuit_breaker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "net/circuit_breaker_client.h"
#include "net/manual_clock.h"
#include "net_test_support.h"

namespace lh::net {
namespace {

using std::chrono::milliseconds;
using State = CircuitBreaker::State;
using ::lh::net::testing::IsError;
using ::lh::net::testing::IsResponse;
using ::lh::net::testing::ScriptedClient;
using ::testing::HasSubstr;

class CircuitBreakerTest : public ::testing::Test {
 protected:
  CircuitBreaker::Options options() {
    CircuitBreaker::Options o;
    o.failureThreshold = 3;
    o.openFor = milliseconds(30'000);
    o.name = "stripe_main";
    return o;
  }

  void fail(CircuitBreaker& breaker, int times) {
    for (int i = 0; i < times; ++i) {
      auto ticket = breaker.allow();
      ASSERT_TRUE(ticket.isOk()) << ticket.status();
      ticket->recordFailure();
    }
  }

  ManualClock clock_;
};

TEST_F(CircuitBreakerTest, OpensAfterConsecutiveFailuresAndRefusesUntilTheCoolDown) {
  CircuitBreaker breaker(options(), clock_);
  fail(breaker, 2);
  EXPECT_EQ(breaker.state(), State::Closed);
  fail(breaker, 1);
  EXPECT_EQ(breaker.state(), State::Open);
  EXPECT_EQ(breaker.consecutiveFailures(), 3);

  auto refused = breaker.allow();
  ASSERT_FALSE(refused.isOk());
  EXPECT_EQ(refused.status().code(), Code::RateLimited);
  // The manual clock starts at 2026-01-01T00:00:00Z; the cool-down is 30 s.
  EXPECT_THAT(refused.status().message(),
              HasSubstr("circuit of stripe_main open until 2026-01-01T00:00:30Z"));
  EXPECT_EQ(breaker.retryAfter(), milliseconds(30'000));
  clock_.advance(milliseconds(29'999));
  EXPECT_FALSE(breaker.allow().isOk());
}

TEST_F(CircuitBreakerTest, ASuccessResetsTheCount) {
  CircuitBreaker breaker(options(), clock_);
  fail(breaker, 2);
  breaker.allow()->recordSuccess();
  fail(breaker, 2);
  EXPECT_EQ(breaker.state(), State::Closed);
}

TEST_F(CircuitBreakerTest, HalfOpenLetsOneProbeThroughAndClosesOnItsSuccess) {
  CircuitBreaker breaker(options(), clock_);
  fail(breaker, 3);
  clock_.advance(milliseconds(30'000));
  EXPECT_EQ(breaker.state(), State::HalfOpen);
  auto probe = breaker.allow();
  ASSERT_TRUE(probe.isOk());
  auto second = breaker.allow();
  ASSERT_FALSE(second.isOk());
  EXPECT_THAT(second.status().message(), HasSubstr("probe"));
  probe->recordSuccess();
  EXPECT_EQ(breaker.state(), State::Closed);
  EXPECT_EQ(breaker.consecutiveFailures(), 0);
  EXPECT_TRUE(breaker.allow().isOk());
}

TEST_F(CircuitBreakerTest, AFailedProbeReopensForAnotherCoolDown) {
  CircuitBreaker breaker(options(), clock_);
  fail(breaker, 3);
  clock_.advance(milliseconds(30'000));
  breaker.allow()->recordFailure();
  EXPECT_EQ(breaker.state(), State::Open);
  EXPECT_EQ(breaker.retryAfter(), milliseconds(30'000));
  clock_.advance(milliseconds(30'000));
  EXPECT_TRUE(breaker.allow().isOk());
}

TEST_F(CircuitBreakerTest, AnUnreportedProbeFreesTheSlot) {
  CircuitBreaker breaker(options(), clock_);
  fail(breaker, 3);
  clock_.advance(milliseconds(30'000));
  { auto probe = breaker.allow(); }
  EXPECT_EQ(breaker.state(), State::HalfOpen);
  EXPECT_TRUE(breaker.allow().isOk());
}

TEST_F(CircuitBreakerTest, TicketsFromBeforeTheCircuitOpenedDoNotCount) {
  CircuitBreaker breaker(options(), clock_);
  auto slow = breaker.allow();  // issued while closed
  ASSERT_TRUE(slow.isOk());
  fail(breaker, 3);
  clock_.advance(milliseconds(30'000));
  slow->recordSuccess();  // a late answer from before: must not close the circuit
  EXPECT_EQ(breaker.state(), State::HalfOpen);
}

TEST_F(CircuitBreakerTest, ClientCountsTransientErrorsAndServerErrorsButNotClientErrors) {
  CircuitBreaker breaker(options(), clock_);
  ScriptedClient inner;
  CircuitBreakerClient client(inner, breaker);
  Request request;
  request.url = "https://api.stripe.com/v1/charges";

  inner.push(testing::response(404));
  inner.push(testing::response(429));
  inner.push(testing::response(500));
  inner.push(testing::transientError(ErrorKind::Timeout, true));
  Error invalid;
  invalid.kind = ErrorKind::InvalidRequest;
  invalid.code = Code::InvalidArgument;
  inner.push(invalid);
  inner.push(testing::response(503));
  for (int i = 0; i < 6; ++i) {
    (void)client.send(request);
  }
  EXPECT_EQ(breaker.state(), State::Open);  // 500, timeout, (invalid: not counted), 503

  SendResult refused = client.send(request);
  ASSERT_THAT(refused, IsError(ErrorKind::CircuitOpen, Code::RateLimited));
  EXPECT_FALSE(refused.error().requestMaybeSent);
  EXPECT_EQ(refused.error().retryAfter, milliseconds(30'000));
  EXPECT_EQ(inner.calls(), 6u);

  clock_.advance(milliseconds(30'000));
  ASSERT_THAT(client.send(request), IsResponse(200));  // the probe
  EXPECT_EQ(breaker.state(), State::Closed);
}

TEST(CircuitStateNameTest, Names) {
  EXPECT_EQ(circuitStateName(CircuitBreaker::State::Closed), "closed");
  EXPECT_EQ(circuitStateName(CircuitBreaker::State::Open), "open");
  EXPECT_EQ(circuitStateName(CircuitBreaker::State::HalfOpen), "half_open");
}

}  // namespace
}  // namespace lh::net
