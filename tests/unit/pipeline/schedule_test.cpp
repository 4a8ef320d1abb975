#include "pipeline/schedule.h"

#include <gtest/gtest.h>

namespace lh::pipeline {
namespace {

TEST(ScheduleTest, Intervals) {
  for (auto [text, seconds] : std::initializer_list<std::pair<const char*, int64_t>>{
           {"30s", 30}, {"15m", 900}, {"1h", 3600}, {"1h30m", 5400}, {"1d", 86400}}) {
    lh::Result<Schedule> s = parseSchedule(text);
    ASSERT_TRUE(s.isOk()) << text << ": " << s.status();
    EXPECT_EQ(s->kind, Schedule::Kind::Interval) << text;
    EXPECT_EQ(s->interval_seconds, seconds) << text;
    EXPECT_EQ(s->text, text);
  }
}

TEST(ScheduleTest, CronExpressions) {
  for (const char* text :
       {"* * * * *", "0 6 * * *", "*/15 * * * *", "0 9-17 * * MON-FRI", "30 2 1,15 jan,jul 0",
        "0 0 * * 7", "5 4 * * sun", "0 0-23/2 * * *", "@daily", "@hourly", "@annually"}) {
    lh::Result<Schedule> s = parseSchedule(text);
    ASSERT_TRUE(s.isOk()) << text << ": " << s.status();
    EXPECT_EQ(s->kind, Schedule::Kind::Cron) << text;
  }
}

TEST(ScheduleTest, ErrorsSayWhatIsWrong) {
  auto message = [](const char* text) { return parseSchedule(text).status().message(); };
  EXPECT_EQ(message("15x"),
            "'15x' is not an interval (a number and a unit s, m, h or d, e.g. 15m or 1h30m) nor a "
            "cron expression");
  EXPECT_FALSE(parseSchedule("15").isOk());
  EXPECT_EQ(message("0s"), "interval '0s' must be at least 1s");
  EXPECT_EQ(message("0 25 * * *"), "cron field 2 (hour): 25 is out of range 0-23");
  EXPECT_EQ(message("* * * *"),
            "a cron expression has 5 fields (minute hour day-of-month month day-of-week), "
            "'* * * *' has 4");
  EXPECT_EQ(message("* * * FOO *"), "cron field 4 (month): 'FOO' is not a number or a name");
  EXPECT_EQ(message("*/0 * * * *"), "cron field 1 (minute): step '0' must be a positive number");
  EXPECT_EQ(message("0 17-9 * * *"), "cron field 2 (hour): range '17-9' runs backwards");
  EXPECT_EQ(message("@fortnightly"),
            "unknown schedule macro '@fortnightly' (expected @hourly, @daily, @weekly, @monthly, "
            "@yearly or @annually)");
  EXPECT_EQ(message(""), "empty schedule (expected an interval like 15m or a cron expression)");
  EXPECT_EQ(parseSchedule("0 25 * * *").status().code(), Code::InvalidConfig);
}

}  // namespace
}  // namespace lh::pipeline
