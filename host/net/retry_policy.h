// RetryPolicy: when the host repeats a request on its own, and how long it waits first.
//
// The rules, in order (decideRetry applies them to one attempt's outcome):
//  1. Request::noRetry (LH_HTTP_NO_RETRY) or the last allowed attempt: never retry.
//  2. An Error is retried only when Transient (network, timeout, truncated body). RateLimited
//     from the host's own limiter or breaker is not retried here: it goes back to the caller,
//     who reschedules (that is what the SDK's LH_E_RATE_LIMITED means).
//  3. A non-idempotent request (POST, PATCH) without Request::retryUnsafe
//     (LH_HTTP_RETRY_UNSAFE) is retried only after an Error with requestMaybeSent == false (a
//     connect failure before any byte left). A response, even 500 or 429, is final for it: the
//     server may have acted on it.
//  4. A response: the vendor hint first, if the policy names one (`shouldRetryHeader`, e.g.
//     Stripe-Should-Retry): "false" forbids a retry; "true" asks for one even for a status not
//     normally retried (rule 3 still wins). Without a hint: 429 and 5xx (except 501 and 505,
//     which do not change on their own) plus `extraRetryStatuses` are retried, and so is a
//     throttle in disguise: a 4xx whose body contains one of `throttleBodies` (QBO answers
//     "ThrottleExceeded", fault code 3001, as HTTP 403 or with an XML body although JSON was
//     asked for) is treated exactly as a 429.
//  5. Delay: a `Retry-After` (delta-seconds or HTTP-date) on the response is honoured exactly, as
//     long as it is at most `maxRetryAfter`; a longer one ends the retries and the response goes
//     back to the caller (a throttle measured in minutes is the scheduler's business, not a
//     worker thread's). Otherwise exponential backoff with full jitter:
//     delay = random[0, 1) * min(maxDelay, baseDelay * 2^(attempt-1)).
//
// When the retries run out, the caller gets the last outcome unchanged: the last Response (e.g.
// the final 503, so the plugin sees the vendor's status and body, as sdk.h's `http` promises) or
// the last Error (Transient: "no response arrived after the host's retries").
//
// Thread safety: RetryPolicy is a value; the functions are pure.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/clock.h"
#include "net/http_types.h"

namespace lh::net {

struct RetryPolicy {
  // Attempts in total, the first included (1 = never retry).
  int maxAttempts = 4;
  // Backoff before the second attempt's jitter; doubles per attempt up to maxDelay.
  std::chrono::milliseconds baseDelay{500};
  std::chrono::milliseconds maxDelay{30'000};
  // The longest Retry-After honoured in place; longer ones end the retries.
  std::chrono::milliseconds maxRetryAfter{60'000};
  // A response header carrying the vendor's own verdict ("true"/"false"), e.g.
  // "Stripe-Should-Retry". Empty: no hint is read.
  std::optional<std::string> shouldRetryHeader;
  // Statuses retried besides 429 and 5xx, e.g. 408 or a vendor's lock-timeout 409.
  std::vector<int32_t> extraRetryStatuses;
  // Substrings of a 4xx response body that mean "throttled" whatever the status, e.g.
  // "ThrottleExceeded" (QBO's fault 3001 in JSON and XML alike). Matched case-sensitively on the
  // whole body. Per connection from YAML `retry: {throttle_bodies: [...]}` (docs/delivery.md).
  std::vector<std::string> throttleBodies;
};

// What to do after one attempt.
struct RetryDecision {
  bool retry = false;
  std::chrono::milliseconds delay{0};  // meaningful when retry
  std::string reason;                  // why, for the request log ("429 Retry-After 2s", ...)
};

// Applies the rules above to the outcome of attempt number `attempt` (1-based) of `request`.
// `jitter` is a sample from [0, 1) (tests pass fixed values); `wallNow` resolves HTTP-dates.
RetryDecision decideRetry(const RetryPolicy& policy, const Request& request,
                          const SendResult& outcome, int attempt, double jitter, WallTime wallNow);

// The delay a Retry-After value asks for: delta-seconds ("120") or an HTTP-date (IMF-fixdate,
// RFC 850 or asctime), relative to `wallNow` and never negative. nullopt when unparseable.
std::optional<std::chrono::milliseconds> parseRetryAfter(std::string_view value, WallTime wallNow);

// True when `response` is a 4xx whose body holds one of policy.throttleBodies.
bool isThrottleResponse(const RetryPolicy& policy, const Response& response);

// True when the policy retries this status without a vendor hint (429, 5xx but 501/505, extras).
bool isRetryableStatus(const RetryPolicy& policy, int32_t status);

// The full-jitter backoff for attempt `attempt` (1-based): jitter * min(maxDelay, base*2^(n-1)).
std::chrono::milliseconds backoffDelay(const RetryPolicy& policy, int attempt, double jitter);

}  // namespace lh::net
