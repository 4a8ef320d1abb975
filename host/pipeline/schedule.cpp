#include "pipeline/schedule.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <limits>
#include <vector>

namespace lh::pipeline {
namespace {

struct CronField {
  const char* name;
  int min;
  int max;
  std::array<const char*, 12> names;  // names[i] stands for min + i (empty when none)
  int nameCount;
};

constexpr std::array<CronField, 5> kFields{{
    {"minute", 0, 59, {}, 0},
    {"hour", 0, 23, {}, 0},
    {"day-of-month", 1, 31, {}, 0},
    {"month",
     1,
     12,
     {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"},
     12},
    {"day-of-week", 0, 7, {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}, 7},
}};

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t at = text.find(sep, start);
    parts.push_back(text.substr(start, at == std::string_view::npos ? text.npos : at - start));
    if (at == std::string_view::npos) {
      return parts;
    }
    start = at + 1;
  }
}

lh::Status fieldError(size_t index, const std::string& message) {
  return lh::invalidConfig("cron field " + std::to_string(index + 1) + " (" + kFields[index].name +
                           "): " + message);
}

// One value of field `index`: a number or a name.
lh::Result<int> cronValue(size_t index, std::string_view text) {
  const CronField& field = kFields[index];
  std::string upper(text);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  for (int i = 0; i < field.nameCount; ++i) {
    if (upper == field.names[static_cast<size_t>(i)]) {
      return field.min + i;
    }
  }
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return fieldError(index, "'" + std::string(text) + "' is not a number" +
                                 (field.nameCount > 0 ? " or a name" : ""));
  }
  if (value < field.min || value > field.max) {
    return fieldError(index, std::to_string(value) + " is out of range " +
                                 std::to_string(field.min) + "-" + std::to_string(field.max));
  }
  return value;
}

lh::Status checkCronField(size_t index, std::string_view text) {
  for (std::string_view item : split(text, ',')) {
    if (item.empty()) {
      return fieldError(index, "empty list item in '" + std::string(text) + "'");
    }
    std::string_view range = item;
    if (size_t slash = item.find('/'); slash != std::string_view::npos) {
      range = item.substr(0, slash);
      std::string_view step = item.substr(slash + 1);
      int n = 0;
      auto [end, ec] = std::from_chars(step.data(), step.data() + step.size(), n);
      if (step.empty() || ec != std::errc() || end != step.data() + step.size() || n < 1) {
        return fieldError(index, "step '" + std::string(step) + "' must be a positive number");
      }
    }
    if (range == "*") {
      continue;
    }
    if (size_t dash = range.find('-'); dash != std::string_view::npos) {
      lh::Result<int> low = cronValue(index, range.substr(0, dash));
      if (!low.isOk()) {
        return low.status();
      }
      lh::Result<int> high = cronValue(index, range.substr(dash + 1));
      if (!high.isOk()) {
        return high.status();
      }
      if (low.value() > high.value()) {
        return fieldError(index, "range '" + std::string(range) + "' runs backwards");
      }
      continue;
    }
    if (range.size() != item.size()) {
      // "5/10" is not a thing: a step needs * or a range.
      return fieldError(index,
                        "a step needs '*' or a range before it, not '" + std::string(range) + "'");
    }
    lh::Result<int> value = cronValue(index, range);
    if (!value.isOk()) {
      return value.status();
    }
  }
  return lh::Status::ok();
}

lh::Result<int64_t> parseInterval(std::string_view text) {
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) != 0) {
      ++i;
    }
    if (start == i || i == text.size()) {
      return lh::invalidConfig("");
    }
    int64_t n = 0;
    auto [end, ec] = std::from_chars(text.data() + start, text.data() + i, n);
    if (ec != std::errc() || end != text.data() + i) {
      return lh::invalidConfig("");
    }
    int64_t unit = 0;
    switch (text[i]) {
      case 's':
        unit = 1;
        break;
      case 'm':
        unit = 60;
        break;
      case 'h':
        unit = 3600;
        break;
      case 'd':
        unit = 86400;
        break;
      default:
        return lh::invalidConfig("");
    }
    ++i;
    if (n > std::numeric_limits<int64_t>::max() / unit / 2) {
      return lh::invalidConfig("");
    }
    total += n * unit;
  }
  return total;
}

}  // namespace

lh::Result<Schedule> parseSchedule(std::string_view text) {
  Schedule schedule;
  schedule.text = std::string(text);
  if (text.empty()) {
    return lh::invalidConfig("empty schedule (expected an interval like 15m or a cron expression)");
  }
  if (text[0] == '@') {
    for (std::string_view macro :
         {"@hourly", "@daily", "@weekly", "@monthly", "@yearly", "@annually"}) {
      if (text == macro) {
        schedule.kind = Schedule::Kind::Cron;
        return schedule;
      }
    }
    return lh::invalidConfig("unknown schedule macro '" + std::string(text) +
                             "' (expected @hourly, @daily, @weekly, @monthly, @yearly or "
                             "@annually)");
  }
  if (std::isdigit(static_cast<unsigned char>(text[0])) != 0 &&
      text.find(' ') == std::string_view::npos) {
    lh::Result<int64_t> seconds = parseInterval(text);
    if (!seconds.isOk()) {
      return lh::invalidConfig("'" + std::string(text) +
                               "' is not an interval (a number and a unit s, m, h or d, e.g. 15m "
                               "or 1h30m) nor a cron expression");
    }
    if (seconds.value() < 1) {
      return lh::invalidConfig("interval '" + std::string(text) + "' must be at least 1s");
    }
    schedule.kind = Schedule::Kind::Interval;
    schedule.interval_seconds = seconds.value();
    return schedule;
  }
  std::vector<std::string_view> fields;
  for (std::string_view part : split(text, ' ')) {
    if (!part.empty()) {
      fields.push_back(part);
    }
  }
  if (fields.size() != kFields.size()) {
    return lh::invalidConfig(
        "a cron expression has 5 fields (minute hour day-of-month month "
        "day-of-week), '" +
        std::string(text) + "' has " + std::to_string(fields.size()));
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    LH_RETURN_IF_ERROR(checkCronField(i, fields[i]));
  }
  schedule.kind = Schedule::Kind::Cron;
  return schedule;
}

}  // namespace lh::pipeline
