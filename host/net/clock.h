// Clock and Sleeper: time as lh::net sees it, injected so that tests (and simulations such as a
// 10,000-request QBO backfill) run instantly and can assert every delay.
//
// Two time lines: a monotonic one for windows, backoff and cool-downs (never jumps), and the wall
// clock for HTTP-dates (`Retry-After: Wed, 21 Oct 2015 07:28:00 GMT`) and human-readable times in
// messages.
#pragma once

#include <chrono>

namespace lh::net {

using SteadyTime = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;

// Thread safety: implementations are safe to call from any thread, concurrently.
class Clock {
 public:
  virtual ~Clock() = default;

  // Monotonic time: only differences mean anything.
  virtual SteadyTime steadyNow() const = 0;
  // Wall-clock time (UTC).
  virtual WallTime wallNow() const = 0;
};

// Waits. The real one blocks the calling thread; a ManualClock advances its own time instead.
//
// Thread safety: implementations are safe to call from any thread, concurrently.
class Sleeper {
 public:
  virtual ~Sleeper() = default;

  // Returns after `duration` (immediately for zero or negative durations).
  virtual void sleepFor(std::chrono::milliseconds duration) = 0;
};

}  // namespace lh::net
