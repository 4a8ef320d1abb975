#include "pipeline/connection_http.h"

#include <chrono>

namespace lh::pipeline {

net::ConnectionClientOptions connectionClientOptions(const Connection& connection) {
  constexpr std::chrono::milliseconds kMinute{60'000};
  net::ConnectionClientOptions options;
  options.name = connection.name;
  options.classify.defaultKey = connection.name;
  if (connection.limits) {
    const ConnectionLimits& limits = *connection.limits;
    net::RateLimiter::Options rate;
    if (limits.requests_per_minute) {
      rate.requests = net::WindowLimit{*limits.requests_per_minute, kMinute};
    }
    rate.maxInFlight = limits.in_flight;
    for (const ConnectionLimits::RequestClass& c : limits.classes) {
      rate.classes[c.name] = net::WindowLimit{c.requests_per_minute, kMinute};
      options.classify.classBySuffix.emplace_back(c.path_suffix, c.name);
    }
    options.classify.keyAfterSegment = limits.key_after_segment;
    if (limits.max_wait_ms) {
      options.maxRateLimitWait = std::chrono::milliseconds(*limits.max_wait_ms);
    }
    options.rateLimits = std::move(rate);
  }
  if (connection.retry.max_attempts) {
    options.retry.maxAttempts = *connection.retry.max_attempts;
  }
  options.retry.throttleBodies = connection.retry.throttle_bodies;
  if (connection.retry.should_retry_header) {
    options.retry.shouldRetryHeader = *connection.retry.should_retry_header;
  }
  return options;
}

}  // namespace lh::pipeline
