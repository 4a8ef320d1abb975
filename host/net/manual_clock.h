// ManualClock: a Clock and Sleeper whose time moves only when told to, for tests and simulations.
//
// `sleepFor(d)` does not block: it advances the clock by `d` and records `d`, so a test can assert
// the exact delays a retry loop or rate limiter chose, and a simulated hour passes in microseconds.
// Both time lines (steady and wall) move together.
#pragma once

#include <chrono>
#include <mutex>
#include <vector>

#include "net/clock.h"

namespace lh::net {

// Thread safety: any thread, concurrently (one mutex). With several threads sleeping on it, time
// advances by the sum of their sleeps, which is what single-threaded simulations want; real
// concurrency tests should use SystemClock.
class ManualClock final : public Clock, public Sleeper {
 public:
  // Starts at `wallStart` (default 2026-01-01T00:00:00Z) and an arbitrary steady origin.
  explicit ManualClock(WallTime wallStart = defaultWallStart());

  SteadyTime steadyNow() const override;
  WallTime wallNow() const override;
  // Advances time by `duration` (if positive) and records it in sleeps().
  void sleepFor(std::chrono::milliseconds duration) override;

  // Moves time forward without recording a sleep.
  void advance(std::chrono::milliseconds duration);
  // Every positive duration passed to sleepFor, in order.
  std::vector<std::chrono::milliseconds> sleeps() const;
  // Sum of sleeps().
  std::chrono::milliseconds totalSlept() const;
  void clearSleeps();

  static WallTime defaultWallStart();

 private:
  mutable std::mutex mu_;
  std::chrono::milliseconds elapsed_{0};  // guarded by mu_
  WallTime wallStart_;
  SteadyTime steadyStart_;
  std::vector<std::chrono::milliseconds> sleeps_;  // guarded by mu_
};

}  // namespace lh::net
