// The outbound HTTP settings of one connection, from its YAML `limits:` and `retry:` blocks
// (pipeline/config.h ConnectionLimits, ConnectionRetry) to the net stack's options
// (net/connection_client.h): what Runtime hands each plugin's HttpTransport.
//
//   limits.requests_per_minute  -> RateLimiter::Options::requests   (window 60 s)
//   limits.in_flight            -> RateLimiter::Options::maxInFlight
//   limits.classes.<c>          -> RateLimiter::Options::classes[c] (window 60 s) and
//                                  PathClassifierOptions::classBySuffix {path, c}
//   limits.key_after_segment    -> PathClassifierOptions::keyAfterSegment (default key: the
//                                  connection's name)
//   limits.max_wait_ms          -> ConnectionClientOptions::maxRateLimitWait
//   retry.max_attempts          -> RetryPolicy::maxAttempts
//   retry.throttle_bodies       -> RetryPolicy::throttleBodies
// Everything else keeps the net defaults (retries with jitter, breaker, no host-side limit).
//
// Pure; any thread.
#pragma once

#include "net/connection_client.h"
#include "pipeline/config.h"

namespace lh::pipeline {

net::ConnectionClientOptions connectionClientOptions(const Connection& connection);

}  // namespace lh::pipeline
