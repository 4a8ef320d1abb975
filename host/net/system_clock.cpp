#include "net/system_clock.h"

#include <thread>

namespace lh::net {

SteadyTime SystemClock::steadyNow() const { return std::chrono::steady_clock::now(); }

WallTime SystemClock::wallNow() const { return std::chrono::system_clock::now(); }

void SystemClock::sleepFor(std::chrono::milliseconds duration) {
  if (duration.count() > 0) {
    std::this_thread::sleep_for(duration);
  }
}

SystemClock& SystemClock::instance() {
  static SystemClock clock;
  return clock;
}

}  // namespace lh::net
