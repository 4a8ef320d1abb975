// RateLimiter: the host's own throttle per limit key (e.g. per QBO realm), so a connector never
// meets the vendor's limits: requests per window, a separate window per request class (e.g.
// batch calls), and a cap on requests in flight.
//
// Windows are sliding-window logs, not token buckets: a grant is allowed when fewer than
// `maxRequests` grants fall in the last `window`, so no interval of that length ever holds more
// than the limit (a bucket of N refilling at N/window lets almost 2N through in one window, which
// is how clients earn 429s from "500 per minute" APIs). It is also the fastest schedule the limit
// allows, and exact under an injected clock, so a simulated 10,000-request backfill can be
// checked against the limit to the millisecond.
//
// Waiting: for window slots through the injected Sleeper (instant under a ManualClock); for an
// in-flight slot on a condition variable, since only another thread's release frees one (and each
// holder is bounded by its own request timeout). A permit is taken in-flight slot first, then
// window slots, so the grant time recorded is the moment the request goes out.
//
// Thread safety: thread-safe; one mutex.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "net/clock.h"

namespace lh::net {

// At most `maxRequests` grants in any interval of length `window`.
struct WindowLimit {
  int64_t maxRequests = 0;
  std::chrono::milliseconds window{60'000};
};

class RateLimiter {
 public:
  struct Options {
    // Applies to every request on a key (QBO: 500 per minute).
    std::optional<WindowLimit> requests;
    // Applies, in addition, to requests of a class (QBO: "batch" → 40 per minute). A class not
    // listed here has only the `requests` limit.
    std::map<std::string, WindowLimit, std::less<>> classes;
    // Requests of one key in flight at once (QBO: 10); 0 for no cap.
    int maxInFlight = 0;
  };

  // InvalidConfig naming the bad limit: maxRequests < 1, window < 1 ms, maxInFlight < 0.
  static Status validate(const Options& options);

  // An acquired right to send one request. Holds an in-flight slot until destroyed or released.
  // Move-only. Must not outlive the RateLimiter.
  class Permit {
   public:
    Permit(Permit&& other) noexcept;
    Permit& operator=(Permit&& other) noexcept;
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;
    ~Permit();

    // Frees the in-flight slot now (idempotent).
    void release();

   private:
    friend class RateLimiter;
    Permit(RateLimiter* limiter, void* state) : limiter_(limiter), state_(state) {}
    RateLimiter* limiter_ = nullptr;
    void* state_ = nullptr;  // RateLimiter::KeyState*, when an in-flight slot is held
  };

  // `options` must validate (checked). `clock` and `sleeper` are borrowed and must outlive this.
  RateLimiter(Options options, const Clock& clock, Sleeper& sleeper);
  ~RateLimiter();

  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Waits for an in-flight slot and for room in the key's windows (the class's too), then
  // records the grant. `maxWait` bounds the wait for window room (and for a pause, see
  // pauseUntil): when the room is further away, nothing is recorded and the result is RateLimited
  // saying when the next slot opens. nullopt waits as long as needed; zero never waits for
  // anything (in-flight included).
  Result<Permit> acquire(std::string_view key, std::string_view requestClass = {},
                         std::optional<std::chrono::milliseconds> maxWait = std::nullopt);

  // acquire() that never waits.
  Result<Permit> tryAcquire(std::string_view key, std::string_view requestClass = {}) {
    return acquire(key, requestClass, std::chrono::milliseconds(0));
  }

  // Holds every grant on `key` until `until` (e.g. after a 429 with Retry-After, so the other
  // workers on the same realm back off too). A later pause extends; an earlier one is ignored.
  void pauseUntil(std::string_view key, SteadyTime until);

  // How long until a request of this key and class would find window room (0: now). Ignores
  // the in-flight cap.
  std::chrono::milliseconds waitTime(std::string_view key, std::string_view requestClass = {});

  // Requests of `key` holding an in-flight slot now.
  int inFlight(std::string_view key) const;

  const Options& options() const { return options_; }

 private:
  struct Window;
  struct KeyState;

  KeyState& stateFor(std::string_view key);  // mu_ held
  std::chrono::milliseconds waitLocked(KeyState& state, std::string_view requestClass,
                                       SteadyTime now);
  void releaseSlot(void* state);
  std::string describe(std::string_view key, std::string_view requestClass) const;

  Options options_;
  const Clock& clock_;
  Sleeper& sleeper_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<KeyState>, std::less<>> keys_;  // guarded by mu_
};

}  // namespace lh::net
