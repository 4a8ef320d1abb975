#include "plugins/system_clock.h"

#include <chrono>

namespace lh::plugins {

int64_t SystemClock::nowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace lh::plugins
