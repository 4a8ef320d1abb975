// AttemptObserver: what sees every attempt the retry layer makes: the request log
// (RequestLogger), and later metrics and recording.
//
// Observers get borrowed references valid only during the call. They must not block for long:
// they run on the sending thread, between attempts.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "net/http_types.h"

namespace lh::net {

// One attempt, as the retry layer saw it.
struct AttemptRecord {
  const Request& request;
  const SendResult& outcome;
  int attempt = 1;      // 1-based
  int maxAttempts = 1;  // the most this request could get (1 for noRetry)
  std::chrono::milliseconds latency{0};
  // Set when another attempt follows after this delay.
  std::optional<std::chrono::milliseconds> retryDelay;
  std::string_view reason;  // the retry decision's reason
};

// Thread safety: implementations are called from any sending thread, concurrently.
class AttemptObserver {
 public:
  virtual ~AttemptObserver() = default;
  virtual void onAttempt(const AttemptRecord& record) = 0;
};

}  // namespace lh::net
