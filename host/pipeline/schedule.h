// Schedule: when a connection syncs, as written in the config's `schedule:`.
//
// Two forms:
//   - an interval: one or more <number><unit> parts, units s, m, h, d: "30s", "15m", "1h",
//     "1h30m", "1d". At least one second.
//   - a cron expression: five fields "minute hour day-of-month month day-of-week" with `*`,
//     numbers, ranges `a-b`, lists `a,b`, steps `*/n` or `a-b/n`, month names JAN-DEC and day
//     names SUN-SAT (case-insensitive), day-of-week 0-7 (0 and 7 are Sunday); or one of the
//     macros @hourly, @daily, @weekly, @monthly, @yearly, @annually.
// Only the syntax is checked here; the daemon's scheduler evaluates it.
//
// Values and pure functions; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace lh::pipeline {

struct Schedule {
  enum class Kind { Interval, Cron };
  Kind kind = Kind::Interval;
  std::string text;              // as written (macros kept as written)
  int64_t interval_seconds = 0;  // Interval only
};

// Parses either form. InvalidConfig with the reason, e.g.
// "cron field 2 (hour): 25 is out of range 0-23" or "'15x' is neither an interval ...".
lh::Result<Schedule> parseSchedule(std::string_view text);

}  // namespace lh::pipeline
