#include "stripe_time.h"

#include <cstdio>

namespace lh::stripe {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days (public domain algorithms).
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2 ? 1 : 0);
}

int64_t floorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0 && (a < 0) != (b < 0)) ? 1 : 0);
}

}  // namespace

std::string rfc3339(int64_t unixSeconds) {
  const int64_t days = floorDiv(unixSeconds, 86400);
  const int64_t secs = unixSeconds - days * 86400;
  int64_t y = 0;
  unsigned m = 0;
  unsigned d = 0;
  civilFromDays(days, &y, &m, &d);
  // Sized for the widest values the types allow (a 20-digit year, 2-digit fields), so no
  // truncation is possible and -O2's -Wformat-truncation agrees.
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                static_cast<long long>(y), m, d, static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  return buf;
}

std::string isoDate(int64_t unixSeconds) { return rfc3339(unixSeconds).substr(0, 10); }

std::optional<int64_t> parseIsoDate(std::string_view date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') {
    return std::nullopt;
  }
  int parts[3] = {0, 0, 0};
  const size_t starts[3] = {0, 5, 8};
  const size_t lens[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (size_t i = 0; i < lens[p]; ++i) {
      const char c = date[starts[p] + i];
      if (c < '0' || c > '9') {
        return std::nullopt;
      }
      parts[p] = parts[p] * 10 + (c - '0');
    }
  }
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int y = parts[0];
  const unsigned m = static_cast<unsigned>(parts[1]);
  const unsigned d = static_cast<unsigned>(parts[2]);
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (m < 1 || m > 12 || d < 1 || d > kDays[m - 1] + ((m == 2 && leap) ? 1 : 0)) {
    return std::nullopt;
  }
  return daysFromCivil(y, m, d) * 86400;
}

}  // namespace lh::stripe
