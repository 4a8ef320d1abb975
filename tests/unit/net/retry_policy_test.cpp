#include "net/retry_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "net/manual_clock.h"
#include "net_test_support.h"

namespace lh::net {
namespace {

using ::lh::net::testing::response;
using ::lh::net::testing::transientError;
using std::chrono::milliseconds;
using ::testing::HasSubstr;
using ::testing::Optional;

const WallTime kNow = ManualClock::defaultWallStart();  // 2026-01-01T00:00:00Z (a Thursday)

TEST(ParseRetryAfterTest, DeltaSeconds) {
  EXPECT_THAT(parseRetryAfter("2", kNow), Optional(milliseconds(2000)));
  EXPECT_THAT(parseRetryAfter(" 120 ", kNow), Optional(milliseconds(120000)));
  EXPECT_THAT(parseRetryAfter("0", kNow), Optional(milliseconds(0)));
}

TEST(ParseRetryAfterTest, HttpDatesInAllThreeForms) {
  EXPECT_THAT(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", kNow),
              Optional(milliseconds(30000)));
  EXPECT_THAT(parseRetryAfter("Thursday, 01-Jan-26 00:01:00 GMT", kNow),
              Optional(milliseconds(60000)));
  EXPECT_THAT(parseRetryAfter("Thu Jan  1 00:00:05 2026", kNow), Optional(milliseconds(5000)));
}

TEST(ParseRetryAfterTest, APastDateMeansNowAndGarbageIsIgnored) {
  EXPECT_THAT(parseRetryAfter("Wed, 31 Dec 2025 23:00:00 GMT", kNow), Optional(milliseconds(0)));
  EXPECT_EQ(parseRetryAfter("", kNow), std::nullopt);
  EXPECT_EQ(parseRetryAfter("soon", kNow), std::nullopt);
  EXPECT_EQ(parseRetryAfter("-5", kNow), std::nullopt);
  EXPECT_EQ(parseRetryAfter("1.5", kNow), std::nullopt);
}

TEST(ParseRetryAfterTest, AHugeValueIsLongNotAnOverflow) {
  auto parsed = parseRetryAfter("99999999999999999999999", kNow);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_GT(*parsed, milliseconds(1'000'000'000));
}

TEST(BackoffDelayTest, FullJitterOverACappedExponential) {
  RetryPolicy policy;
  policy.baseDelay = milliseconds(100);
  policy.maxDelay = milliseconds(1000);
  // jitter just below 1: the exponential ceiling itself (floored).
  EXPECT_EQ(backoffDelay(policy, 1, 0.999999), milliseconds(99));
  EXPECT_EQ(backoffDelay(policy, 2, 0.5), milliseconds(100));
  EXPECT_EQ(backoffDelay(policy, 3, 0.5), milliseconds(200));
  EXPECT_EQ(backoffDelay(policy, 4, 0.5), milliseconds(400));
  EXPECT_EQ(backoffDelay(policy, 5, 0.5), milliseconds(500));   // capped at 1000
  EXPECT_EQ(backoffDelay(policy, 60, 0.5), milliseconds(500));  // no overflow
  EXPECT_EQ(backoffDelay(policy, 3, 0.0), milliseconds(0));
}

TEST(RetryableStatusTest, TooManyRequestsAndServerErrorsButNotPermanentOnes) {
  RetryPolicy policy;
  for (int status : {429, 500, 502, 503, 504, 520}) {
    EXPECT_TRUE(isRetryableStatus(policy, status)) << status;
  }
  for (int status : {200, 400, 401, 403, 404, 409, 501, 505}) {
    EXPECT_FALSE(isRetryableStatus(policy, status)) << status;
  }
  policy.extraRetryStatuses = {409};
  EXPECT_TRUE(isRetryableStatus(policy, 409));
}

class DecideRetryTest : public ::testing::Test {
 protected:
  RetryDecision decide(const SendResult& outcome, int attempt = 1) {
    return decideRetry(policy_, request_, outcome, attempt, 0.5, kNow);
  }

  RetryPolicy policy_;
  Request request_;
};

TEST_F(DecideRetryTest, SuccessAndClientErrorsEndTheRequest) {
  EXPECT_FALSE(decide(response(200)).retry);
  EXPECT_FALSE(decide(response(404)).retry);
  EXPECT_FALSE(decide(response(401)).retry);
}

TEST_F(DecideRetryTest, RetryAfterIsHonouredExactly) {
  RetryDecision d = decide(response(429, {{"Retry-After", "2"}}));
  EXPECT_TRUE(d.retry);
  EXPECT_EQ(d.delay, milliseconds(2000));
  EXPECT_THAT(d.reason, HasSubstr("Retry-After"));
}

TEST_F(DecideRetryTest, RetryAfterBeyondTheCapEndsTheRetries) {
  policy_.maxRetryAfter = milliseconds(10'000);
  RetryDecision d = decide(response(429, {{"Retry-After", "3600"}}));
  EXPECT_FALSE(d.retry);
  EXPECT_THAT(d.reason, HasSubstr("exceeds"));
}

TEST_F(DecideRetryTest, WithoutRetryAfterServerErrorsBackOff) {
  policy_.baseDelay = milliseconds(1000);
  RetryDecision d = decide(response(503), 2);
  EXPECT_TRUE(d.retry);
  EXPECT_EQ(d.delay, milliseconds(1000));  // 0.5 * 1000 * 2^1
}

TEST_F(DecideRetryTest, TheLastAttemptIsFinal) {
  policy_.maxAttempts = 3;
  EXPECT_TRUE(decide(response(503), 2).retry);
  RetryDecision d = decide(response(503), 3);
  EXPECT_FALSE(d.retry);
  EXPECT_THAT(d.reason, HasSubstr("exhausted"));
}

TEST_F(DecideRetryTest, VendorHintFalseForbidsAndTrueForces) {
  policy_.shouldRetryHeader = "Stripe-Should-Retry";
  EXPECT_FALSE(decide(response(503, {{"stripe-should-retry", "false"}})).retry);
  EXPECT_FALSE(decide(response(429, {{"Stripe-Should-Retry", "FALSE"}})).retry);
  EXPECT_TRUE(decide(response(409, {{"Stripe-Should-Retry", "true"}})).retry);
  // Without the hint, a 409 is final; an unknown value is no hint.
  EXPECT_FALSE(decide(response(409)).retry);
  EXPECT_FALSE(decide(response(409, {{"Stripe-Should-Retry", "maybe"}})).retry);
}

// QBO's throttle fault 3001 (tests/fixtures/qbo: the JSON and the XML shape) sent as HTTP 403 or
// with an XML body: a 429 in disguise once the policy names its marker.
TEST_F(DecideRetryTest, AThrottleBodyIsRetriedWithBackoffLikeA429) {
  const std::string json =
      R"({"Fault":{"Error":[{"Message":"message=ThrottleExceeded; errorCode=003001; )"
      R"(statusCode=429","Detail":"The request limit was reached.  Try again later",)"
      R"("code":"3001"}],"type":"SERVICE"},"time":"2017-07-30T22:45:22.933-07:00"})";
  const std::string xml =
      R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?><IntuitResponse><Fault )"
      R"(type="SERVICE"><Error code="3001"><Message>message=ThrottleExceeded; )"
      R"(errorCode=003001; statusCode=429</Message></Error></Fault></IntuitResponse>)";
  // Without the marker a 403 is final.
  EXPECT_FALSE(decide(response(403, {}, json)).retry);

  policy_.throttleBodies = {"ThrottleExceeded"};
  policy_.baseDelay = milliseconds(1000);
  RetryDecision d = decide(response(403, {}, json), 2);
  EXPECT_TRUE(d.retry);
  EXPECT_EQ(d.delay, milliseconds(1000));  // backoff: 0.5 * 1000 * 2^1
  EXPECT_THAT(d.reason, HasSubstr("403 (throttle in the body)"));
  EXPECT_TRUE(decide(response(403, {}, xml)).retry);
  EXPECT_TRUE(decide(response(400, {{"Retry-After", "3"}}, xml)).retry);
  EXPECT_EQ(decide(response(400, {{"Retry-After", "3"}}, xml)).delay, milliseconds(3000));
  // Other faults stay final; a 2xx or 5xx body is not looked at.
  EXPECT_FALSE(decide(response(403, {}, R"({"Fault":{"Error":[{"code":"3100"}]}})")).retry);
  EXPECT_FALSE(decide(response(200, {}, json)).retry);
  EXPECT_TRUE(isThrottleResponse(policy_, response(429, {}, xml)));
  EXPECT_FALSE(isThrottleResponse(policy_, response(503, {}, xml)));
  // Still no retry of a POST without an idempotency key, as for a real 429.
  request_.method = "POST";
  EXPECT_FALSE(decide(response(403, {}, json)).retry);
  request_.retryUnsafe = true;
  EXPECT_TRUE(decide(response(403, {}, json)).retry);
}

TEST_F(DecideRetryTest, HintIsIgnoredWhenThePolicyNamesNoHeader) {
  EXPECT_TRUE(decide(response(503, {{"Stripe-Should-Retry", "false"}})).retry);
}

TEST_F(DecideRetryTest, NonIdempotentRequestsAreRetriedOnlyWhenNothingWasSent) {
  request_.method = "POST";
  EXPECT_FALSE(decide(response(500)).retry);
  EXPECT_FALSE(decide(response(429, {{"Retry-After", "1"}})).retry);
  EXPECT_FALSE(decide(transientError(ErrorKind::Timeout, true)).retry);
  EXPECT_FALSE(decide(transientError(ErrorKind::ConnectionLost, true)).retry);
  EXPECT_TRUE(decide(transientError(ErrorKind::ConnectFailed, false)).retry);
  // Even the vendor's "true" does not override the host's idempotency rule.
  policy_.shouldRetryHeader = "Stripe-Should-Retry";
  EXPECT_FALSE(decide(response(500, {{"Stripe-Should-Retry", "true"}})).retry);
}

TEST_F(DecideRetryTest, RetryUnsafeMakesAPostRetryable) {
  request_.method = "POST";
  request_.retryUnsafe = true;
  EXPECT_TRUE(decide(response(500)).retry);
  EXPECT_TRUE(decide(transientError(ErrorKind::Timeout, true)).retry);
}

TEST_F(DecideRetryTest, NoRetryMeansOneAttempt) {
  request_.noRetry = true;
  EXPECT_FALSE(decide(response(503)).retry);
  EXPECT_FALSE(decide(transientError(ErrorKind::ConnectFailed, false)).retry);
}

TEST_F(DecideRetryTest, OnlyTransientErrorsAreRetried) {
  Error limited;
  limited.kind = ErrorKind::CircuitOpen;
  limited.code = Code::RateLimited;
  limited.requestMaybeSent = false;
  EXPECT_FALSE(decide(limited).retry);
  Error invalid;
  invalid.kind = ErrorKind::InvalidRequest;
  invalid.code = Code::InvalidArgument;
  EXPECT_FALSE(decide(invalid).retry);
  Error tls;
  tls.kind = ErrorKind::TlsVerification;
  tls.code = Code::Permanent;
  EXPECT_FALSE(decide(tls).retry);
}

}  // namespace
}  // namespace lh::net
