#include "net/retry_policy.h"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace lh::net {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string formatMs(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

RetryDecision stop(std::string reason) { return RetryDecision{false, {}, std::move(reason)}; }

}  // namespace

std::optional<std::chrono::milliseconds> parseRetryAfter(std::string_view value, WallTime wallNow) {
  value = trim(value);
  if (value.empty()) {
    return std::nullopt;
  }
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    int64_t seconds = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec != std::errc() || end != value.data() + value.size()) {
      // More digits than int64 holds: as good as forever; the cap will refuse it.
      return std::chrono::milliseconds(INT64_MAX / 2);
    }
    if (seconds > INT64_MAX / 2000) {
      return std::chrono::milliseconds(INT64_MAX / 2);
    }
    return std::chrono::milliseconds(seconds * 1000);
  }
  // curl_getdate understands the three date forms HTTP allows (RFC 9110 5.6.7).
  const std::string text(value);
  const time_t when = curl_getdate(text.c_str(), nullptr);
  if (when == -1) {
    return std::nullopt;
  }
  const auto delta = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::from_time_t(when) - wallNow);
  return std::max(delta, std::chrono::milliseconds(0));
}

bool isRetryableStatus(const RetryPolicy& policy, int32_t status) {
  if (status == 429) {
    return true;
  }
  if (status >= 500 && status <= 599 && status != 501 && status != 505) {
    return true;
  }
  return std::find(policy.extraRetryStatuses.begin(), policy.extraRetryStatuses.end(), status) !=
         policy.extraRetryStatuses.end();
}

bool isThrottleResponse(const RetryPolicy& policy, const Response& response) {
  if (response.status < 400 || response.status > 499) {
    return false;
  }
  return std::any_of(policy.throttleBodies.begin(), policy.throttleBodies.end(),
                     [&](const std::string& marker) {
                       return !marker.empty() && response.body.find(marker) != std::string::npos;
                     });
}

std::chrono::milliseconds backoffDelay(const RetryPolicy& policy, int attempt, double jitter) {
  const int64_t base = std::max<int64_t>(policy.baseDelay.count(), 0);
  const int64_t cap = std::max<int64_t>(policy.maxDelay.count(), 0);
  int64_t exp = base;
  for (int i = 1; i < attempt && exp < cap; ++i) {
    exp = exp > cap / 2 ? cap : exp * 2;
  }
  exp = std::min(exp, cap);
  const double j = std::clamp(jitter, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<int64_t>(std::floor(j * static_cast<double>(exp))));
}

RetryDecision decideRetry(const RetryPolicy& policy, const Request& request,
                          const SendResult& outcome, int attempt, double jitter, WallTime wallNow) {
  if (outcome.isOk() && outcome.response().status < 400) {
    return stop("success");
  }
  if (request.noRetry) {
    return stop("the request asked for one attempt");
  }
  const bool safeToRepeat = isIdempotentMethod(request.method) || request.retryUnsafe;

  if (!outcome.isOk()) {
    const Error& error = outcome.error();
    if (error.code != Code::Transient) {
      return stop(std::string(errorKindName(error.kind)) + " is not retried");
    }
    if (!safeToRepeat && error.requestMaybeSent) {
      return stop("non-idempotent " + request.method +
                  " may have reached the server; not retried without an idempotency key");
    }
    if (attempt >= policy.maxAttempts) {
      return stop("attempts exhausted");
    }
    const auto delay = backoffDelay(policy, attempt, jitter);
    return RetryDecision{true, delay,
                         std::string(errorKindName(error.kind)) + ", backoff " + formatMs(delay)};
  }

  const Response& response = outcome.response();
  std::optional<bool> hint;
  if (policy.shouldRetryHeader && !policy.shouldRetryHeader->empty()) {
    if (auto value = findHeader(response.headers, *policy.shouldRetryHeader)) {
      const std::string_view v = trim(*value);
      if (equalsIgnoreCase(v, "true")) {
        hint = true;
      } else if (equalsIgnoreCase(v, "false")) {
        hint = false;
      }
    }
  }
  const bool throttled = isThrottleResponse(policy, response);
  const std::string status =
      std::to_string(response.status) + (throttled ? " (throttle in the body)" : "");
  if (hint == false) {
    return stop(status + ": " + *policy.shouldRetryHeader + " is false");
  }
  if (hint != true && !throttled && !isRetryableStatus(policy, response.status)) {
    return stop(status + " is not retried");
  }
  if (!safeToRepeat) {
    return stop(status + " to a non-idempotent " + request.method +
                " is final without an idempotency key");
  }
  if (attempt >= policy.maxAttempts) {
    return stop("attempts exhausted");
  }
  std::string why = status;
  if (hint == true) {
    why += " (" + *policy.shouldRetryHeader + ": true)";
  }
  if (auto retryAfterValue = findHeader(response.headers, "Retry-After")) {
    if (auto retryAfter = parseRetryAfter(*retryAfterValue, wallNow)) {
      if (*retryAfter > policy.maxRetryAfter) {
        return stop(why + ": Retry-After " + formatMs(*retryAfter) + " exceeds the " +
                    formatMs(policy.maxRetryAfter) + " the host waits in place");
      }
      return RetryDecision{true, *retryAfter, why + ", Retry-After " + formatMs(*retryAfter)};
    }
  }
  const auto delay = backoffDelay(policy, attempt, jitter);
  return RetryDecision{true, delay, why + ", backoff " + formatMs(delay)};
}

}  // namespace lh::net
