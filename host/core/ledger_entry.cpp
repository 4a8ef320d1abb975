#include "core/ledger_entry.h"

#include <cstdio>
#include <ctime>
#include <limits>
#include <map>
#include <utility>

#include "core/money.h"

namespace lh::core {
namespace {

struct Totals {
  __int128 debit = 0;
  __int128 credit = 0;
};

// Exact decimal text of a 128-bit amount of minor units in `currency`, e.g. "10.00".
std::string formatWide(__int128 minor, Currency currency) {
  constexpr __int128 kMax = std::numeric_limits<int64_t>::max();
  constexpr __int128 kMin = std::numeric_limits<int64_t>::min();
  if (minor <= kMax && minor >= kMin) {
    return formatDecimal(fromMinor(static_cast<int64_t>(minor), currency));
  }
  // Beyond int64 (only for messages about overflowing totals): print the minor units.
  const bool negative = minor < 0;
  unsigned __int128 magnitude = negative ? static_cast<unsigned __int128>(-(minor + 1)) + 1
                                         : static_cast<unsigned __int128>(minor);
  std::string digits;
  while (magnitude > 0) {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  }
  return (negative ? "-" : "") + digits + " minor units";
}

bool fitsInt64(__int128 v) {
  return v <= std::numeric_limits<int64_t>::max() && v >= std::numeric_limits<int64_t>::min();
}

}  // namespace

std::string_view entryKindName(EntryKind kind) {
  return kind == EntryKind::Reversal ? "reversal" : "normal";
}

lh::Result<EntryKind> parseEntryKind(std::string_view name) {
  if (name == "normal") {
    return EntryKind::Normal;
  }
  if (name == "reversal") {
    return EntryKind::Reversal;
  }
  return lh::invalidArgument("unknown entry kind '" + std::string(name) +
                             "' (expected normal or reversal)");
}

LedgerLine debitLine(std::string account, Currency currency, int64_t minor) {
  return LedgerLine{std::move(account), currency, minor, 0};
}

LedgerLine creditLine(std::string account, Currency currency, int64_t minor) {
  return LedgerLine{std::move(account), currency, 0, minor};
}

bool isIsoDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return false;
  }
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') {
      return false;
    }
  }
  auto number = [&](size_t at, size_t len) {
    int v = 0;
    for (size_t i = at; i < at + len; ++i) {
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  const int year = number(0, 4);
  const int month = number(5, 2);
  const int day = number(8, 2);
  if (year < 1 || month < 1 || month > 12 || day < 1) {
    return false;
  }
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int maxDay = month == 2 && leap ? 29 : kDays[month - 1];
  return day <= maxDay;
}

lh::Status checkBalanced(std::span<const LedgerLine> lines) {
  if (lines.empty()) {
    return lh::invalidArgument("entry has no lines");
  }
  // Ordered by currency code so the message lists currencies in a stable order.
  std::map<Currency, Totals> totals;
  for (size_t i = 0; i < lines.size(); ++i) {
    const LedgerLine& line = lines[i];
    const std::string where = "line " + std::to_string(i) + " (account '" + line.account + "')";
    if (line.account.empty()) {
      return lh::invalidArgument("line " + std::to_string(i) + " has no account");
    }
    if (line.debit_minor < 0 || line.credit_minor < 0) {
      return lh::invalidArgument(where + " has a negative side; amounts are magnitudes and the " +
                                 "side says which way the money moved");
    }
    if ((line.debit_minor == 0) == (line.credit_minor == 0)) {
      return lh::invalidArgument(where + (line.debit_minor == 0
                                              ? " has neither a debit nor a credit amount"
                                              : " has both a debit and a credit amount"));
    }
    Totals& t = totals[line.currency];
    t.debit += line.debit_minor;
    t.credit += line.credit_minor;
  }
  std::string imbalance;
  for (const auto& [currency, t] : totals) {
    if (!fitsInt64(t.debit) || !fitsInt64(t.credit)) {
      return lh::invalidArgument("entry total in " + std::string(currency.code()) +
                                 " does not fit int64 minor units");
    }
    if (t.debit == t.credit) {
      continue;
    }
    const __int128 diff = t.debit > t.credit ? t.debit - t.credit : t.credit - t.debit;
    if (!imbalance.empty()) {
      imbalance += "; ";
    }
    imbalance += std::string(currency.code()) + " debits " + formatWide(t.debit, currency) +
                 ", credits " + formatWide(t.credit, currency) + " (" +
                 (t.debit > t.credit ? "debits exceed credits by " : "credits exceed debits by ") +
                 formatWide(diff, currency) + ")";
  }
  if (!imbalance.empty()) {
    return lh::invalidArgument("entry does not balance: " + imbalance);
  }
  return lh::Status::ok();
}

lh::Status checkAccounts(const Tenant& tenant, std::span<const LedgerLine> lines) {
  for (size_t i = 0; i < lines.size(); ++i) {
    if (tenant.findAccount(lines[i].account) == nullptr) {
      return lh::invalidArgument("line " + std::to_string(i) + ": account '" + lines[i].account +
                                 "' is not in the chart of accounts of tenant '" + tenant.id + "'");
    }
  }
  return lh::Status::ok();
}

std::vector<LedgerLine> mirrorLines(std::span<const LedgerLine> lines) {
  std::vector<LedgerLine> mirrored;
  mirrored.reserve(lines.size());
  for (const LedgerLine& line : lines) {
    mirrored.push_back(
        LedgerLine{line.account, line.currency, line.credit_minor, line.debit_minor});
  }
  return mirrored;
}

std::string formatUtcMillis(int64_t ms) {
  // Floor division, so -1 ms is 1969-12-31T23:59:59.999Z.
  int64_t seconds = ms / 1000;
  int64_t millis = ms % 1000;
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[96];  // generous: the compiler cannot see that tm fields are small
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis));
  return buffer;
}

}  // namespace lh::core
