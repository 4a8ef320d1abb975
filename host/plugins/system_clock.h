// SystemClock: the real wall clock, for production; tests inject their own Clock.
#pragma once

#include "plugins/host_services.h"

namespace lh::plugins {

// Thread safety: any thread, concurrently (stateless).
class SystemClock : public Clock {
 public:
  int64_t nowMs() const override;
};

}  // namespace lh::plugins
