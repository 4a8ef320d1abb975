#include "net/manual_clock.h"

namespace lh::net {

WallTime ManualClock::defaultWallStart() {
  // 2026-01-01T00:00:00Z.
  return WallTime(std::chrono::seconds(1767225600));
}

ManualClock::ManualClock(WallTime wallStart)
    // A steady origin far from zero, so "time_point{}" never means "now" by accident.
    : wallStart_(wallStart), steadyStart_(SteadyTime(std::chrono::hours(1000))) {}

SteadyTime ManualClock::steadyNow() const {
  std::lock_guard lock(mu_);
  return steadyStart_ + elapsed_;
}

WallTime ManualClock::wallNow() const {
  std::lock_guard lock(mu_);
  return wallStart_ + elapsed_;
}

void ManualClock::sleepFor(std::chrono::milliseconds duration) {
  if (duration.count() <= 0) {
    return;
  }
  std::lock_guard lock(mu_);
  elapsed_ += duration;
  sleeps_.push_back(duration);
}

void ManualClock::advance(std::chrono::milliseconds duration) {
  if (duration.count() <= 0) {
    return;
  }
  std::lock_guard lock(mu_);
  elapsed_ += duration;
}

std::vector<std::chrono::milliseconds> ManualClock::sleeps() const {
  std::lock_guard lock(mu_);
  return sleeps_;
}

std::chrono::milliseconds ManualClock::totalSlept() const {
  std::lock_guard lock(mu_);
  std::chrono::milliseconds total{0};
  for (auto d : sleeps_) {
    total += d;
  }
  return total;
}

void ManualClock::clearSleeps() {
  std::lock_guard lock(mu_);
  sleeps_.clear();
}

}  // namespace lh::net
