// RequestLogger: the request log, one spdlog line per attempt.
//
//   http stripe_main GET https://api.stripe.com/v1/charges?limit=100 -> 200 in 84 ms (attempt 1/4)
//   http stripe_main GET https://api.stripe.com/v1/charges -> 429 in 12 ms (attempt 1/4);
//       retrying in 2000 ms: 429, Retry-After 2000 ms
//   http qbo_main POST https://.../batch -> transient (timeout) in 30001 ms (attempt 4/4):
//       POST https://.../batch: Operation timed out ...; final: attempts exhausted
//
// What is in a line: connection label, method, the URL through redactUrl (query secrets and
// userinfo removed), status or error kind and message, latency, attempt, the retry delay and
// reason. What never is: request or response headers (Authorization, cookies, API keys) and
// request bodies. The response body appears only at trace level, capped at 512 bytes, and like
// every line passes the sink's redaction (core/logging.h).
//
// Levels: info for an attempt that ends the request successfully (status < 400), warn for
// everything that failed or will be retried, debug instead of info when `quietSuccess` is set (a
// high-volume poller).
//
// Thread safety: thread-safe (spdlog loggers are).
#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <string>

#include "net/attempt_observer.h"

namespace lh::net {

class RequestLogger final : public AttemptObserver {
 public:
  // `logger` null: lh::log::child("http"), which writes through the host's redacting sink.
  explicit RequestLogger(std::string label, std::shared_ptr<spdlog::logger> logger = nullptr,
                         bool quietSuccess = false);

  void onAttempt(const AttemptRecord& record) override;

  // The line for `record` (without level and timestamp), as onAttempt would log it.
  std::string format(const AttemptRecord& record) const;

 private:
  std::string label_;
  std::shared_ptr<spdlog::logger> logger_;
  bool quietSuccess_;
};

}  // namespace lh::net
