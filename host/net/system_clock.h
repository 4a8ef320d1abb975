// SystemClock: the real clocks and a real sleep, for production.
#pragma once

#include "net/clock.h"

namespace lh::net {

// Thread safety: any thread, concurrently (stateless).
class SystemClock final : public Clock, public Sleeper {
 public:
  SteadyTime steadyNow() const override;
  WallTime wallNow() const override;
  void sleepFor(std::chrono::milliseconds duration) override;

  // A process-wide instance, for callers that do not inject one.
  static SystemClock& instance();
};

}  // namespace lh::net
