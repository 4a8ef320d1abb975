#include "core/money.h"

#include <array>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

namespace lh::core {
namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
// |INT64_MIN| = 2^63, the largest magnitude a negative amount may have.
constexpr uint64_t kMaxNegativeMagnitude = static_cast<uint64_t>(kInt64Max) + 1;

constexpr std::array<uint64_t, 20> kPow10 = {1ULL,
                                             10ULL,
                                             100ULL,
                                             1000ULL,
                                             10000ULL,
                                             100000ULL,
                                             1000000ULL,
                                             10000000ULL,
                                             100000000ULL,
                                             1000000000ULL,
                                             10000000000ULL,
                                             100000000000ULL,
                                             1000000000000ULL,
                                             10000000000000ULL,
                                             100000000000000ULL,
                                             1000000000000000ULL,
                                             10000000000000000ULL,
                                             100000000000000000ULL,
                                             1000000000000000000ULL,
                                             10000000000000000000ULL};

// How much of an input to quote in an error: enough to recognise it, bounded so a megabyte of
// garbage does not become a megabyte of log line, and printable so it cannot break the line.
constexpr size_t kQuoteLimit = 40;

std::string quote(std::string_view text) {
  std::string out = "'";
  for (size_t i = 0; i < text.size() && i < kQuoteLimit; ++i) {
    const char c = text[i];
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  if (text.size() > kQuoteLimit) {
    out += "...";
  }
  out += "'";
  return out;
}

uint64_t magnitude(int64_t v) {
  return v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
}

// A signed integer scaled by 10^-exponent, as exact decimal text ("-0.05", "1000").
std::string formatScaled(int64_t value, int exponent) {
  std::string digits = std::to_string(magnitude(value));
  const size_t exp = static_cast<size_t>(exponent);
  if (digits.size() <= exp) {
    digits.insert(0, exp + 1 - digits.size(), '0');
  }
  if (exp > 0) {
    digits.insert(digits.size() - exp, 1, '.');
  }
  if (value < 0) {
    digits.insert(0, 1, '-');
  }
  return digits;
}

std::string rangeText(Currency currency) {
  return formatScaled(kInt64Min, currency.exponent()) + " to " +
         formatScaled(kInt64Max, currency.exponent());
}

lh::Status outOfRange(std::string_view text, Currency currency) {
  return lh::invalidArgument(quote(text) + " is out of range for " + std::string(currency.code()) +
                             ": int64 minor units hold " + rangeText(currency));
}

lh::Status tooManyDecimals(std::string_view text, int64_t decimals, Currency currency) {
  return lh::invalidArgument(quote(text) + " has " + std::to_string(decimals) + " decimals; " +
                             std::string(currency.code()) + " allows " +
                             std::to_string(currency.exponent()));
}

lh::Status malformed(std::string_view text, std::string_view what, std::string_view why) {
  return lh::invalidArgument(quote(text) + " is not " + std::string(what) + ": " +
                             std::string(why));
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// A number split by the grammar: sign, integer digits, fraction digits, decimal exponent. The
// value is (int_digits frac_digits) x 10^(exponent - frac_digits.size()).
struct DecimalParts {
  bool negative = false;
  std::string_view int_digits;
  std::string_view frac_digits;
  int64_t exponent = 0;  // clamped to +-kExponentClamp; beyond that only "zero" or an error remain
};

// Any exponent this large already decides the outcome (overflow, or too many decimals) for every
// non-zero significand of any length we could be handed; clamping keeps the arithmetic in int64.
constexpr int64_t kExponentClamp = 1'000'000'000'000'000;

// The exact conversion shared by every parser: the digits, scaled to the currency's minor units,
// or the error. `text` is only for messages.
lh::Result<Money> toMoney(const DecimalParts& parts, Currency currency, std::string_view text) {
  const std::string_view a = parts.int_digits;
  const std::string_view b = parts.frac_digits;
  const size_t total = a.size() + b.size();
  auto digitAt = [&](size_t i) { return i < a.size() ? a[i] : b[i - a.size()]; };

  size_t first = 0;
  while (first < total && digitAt(first) == '0') {
    ++first;
  }
  if (first == total) {
    return Money{0, currency};  // all zeros: any sign, any scale, any exponent is exactly 0
  }
  size_t last = total - 1;
  while (digitAt(last) == '0') {
    --last;
  }
  const int64_t trailing_zeros = static_cast<int64_t>(total - 1 - last);
  // Decimals of the value as written, then without the trailing zeros (which lose nothing).
  const int64_t written_decimals = static_cast<int64_t>(b.size()) - parts.exponent;
  const int64_t decimals = written_decimals - trailing_zeros;
  if (decimals > currency.exponent()) {
    return tooManyDecimals(text, decimals, currency);
  }
  // minor = significant digits x 10^shift, shift >= 0.
  const int64_t shift = currency.exponent() - decimals;
  const int64_t significant = static_cast<int64_t>(last - first + 1);
  if (significant + shift > 19) {
    return outOfRange(text, currency);  // at least 10^19 > 2^63
  }
  // significant + shift <= 19 digits: mag < 10^19 < 2^64 throughout, so uint64 cannot wrap here;
  // the int64 range is checked below.
  uint64_t mag = 0;
  for (size_t i = first; i <= last; ++i) {
    mag = mag * 10 + static_cast<uint64_t>(digitAt(i) - '0');
  }
  mag *= kPow10[static_cast<size_t>(shift)];
  if (parts.negative) {
    if (mag > kMaxNegativeMagnitude) {
      return outOfRange(text, currency);
    }
    return Money{static_cast<int64_t>(0 - mag), currency};  // two's complement; 2^63 -> INT64_MIN
  }
  if (mag > static_cast<uint64_t>(kInt64Max)) {
    return outOfRange(text, currency);
  }
  return Money{static_cast<int64_t>(mag), currency};
}

size_t scanDigits(std::string_view text, size_t pos) {
  while (pos < text.size() && isDigit(text[pos])) {
    ++pos;
  }
  return pos;
}

std::string unexpectedAt(std::string_view text, size_t pos) {
  if (pos >= text.size()) {
    return "ends too early";
  }
  const char c = text[pos];
  const std::string shown = (c >= 0x20 && c < 0x7f) ? std::string(1, c) : std::string("?");
  return "unexpected '" + shown + "' at offset " + std::to_string(pos);
}

std::string binaryOperation(const Money& a, std::string_view op, const Money& b) {
  return formatWithCode(a) + " " + std::string(op) + " " + formatWithCode(b);
}

lh::Status currencyMismatch(const Money& a, std::string_view verb, const Money& b) {
  return lh::invalidArgument("cannot " + std::string(verb) + " " + formatWithCode(a) + " and " +
                             formatWithCode(b) + ": different currencies");
}

}  // namespace

Money fromMinor(int64_t minor, Currency currency) { return Money{minor, currency}; }

Money zero(Currency currency) { return Money{0, currency}; }

lh::Result<Money> fromScaledMinor(int64_t value, int valueExponent, Currency currency) {
  if (valueExponent < 0 || valueExponent > 18) {
    return lh::invalidArgument("scaled amount exponent " + std::to_string(valueExponent) +
                               " is outside 0..18");
  }
  const int target = currency.exponent();
  if (valueExponent >= target) {
    const int64_t divisor =
        static_cast<int64_t>(kPow10[static_cast<size_t>(valueExponent - target)]);
    if (value % divisor != 0) {
      int64_t decimals = valueExponent;
      int64_t rest = value;
      while (rest % 10 == 0) {
        rest /= 10;
        --decimals;
      }
      // Quote it without its trailing zeros, so the text shows exactly the decimals it names.
      return tooManyDecimals(
          std::string(currency.code()) + " " + formatScaled(rest, static_cast<int>(decimals)),
          decimals, currency);
    }
    return Money{value / divisor, currency};
  }
  const int64_t factor = static_cast<int64_t>(kPow10[static_cast<size_t>(target - valueExponent)]);
  int64_t minor = 0;
  if (__builtin_mul_overflow(value, factor, &minor)) {
    return outOfRange(formatScaled(value, valueExponent), currency);
  }
  return Money{minor, currency};
}

lh::Result<Money> parseDecimal(std::string_view text, Currency currency) {
  constexpr std::string_view kWhat = "a decimal number (-?digits[.digits])";
  DecimalParts parts;
  size_t pos = 0;
  if (pos < text.size() && text[pos] == '-') {
    parts.negative = true;
    ++pos;
  }
  size_t end = scanDigits(text, pos);
  if (end == pos) {
    return malformed(text, kWhat, text.empty() ? "empty" : unexpectedAt(text, pos));
  }
  parts.int_digits = text.substr(pos, end - pos);
  pos = end;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    end = scanDigits(text, pos);
    if (end == pos) {
      return malformed(
          text, kWhat,
          pos == text.size() ? "no digit after the decimal point" : unexpectedAt(text, pos));
    }
    parts.frac_digits = text.substr(pos, end - pos);
    pos = end;
  }
  if (pos != text.size()) {
    return malformed(text, kWhat, unexpectedAt(text, pos));
  }
  return toMoney(parts, currency, text);
}

lh::Result<Money> parseJsonNumber(std::string_view rawToken, Currency currency) {
  constexpr std::string_view kWhat = "a JSON number";
  const std::string_view text = rawToken;
  DecimalParts parts;
  size_t pos = 0;
  if (pos < text.size() && text[pos] == '-') {
    parts.negative = true;
    ++pos;
  }
  size_t end = scanDigits(text, pos);
  if (end == pos) {
    return malformed(text, kWhat, text.empty() ? "empty" : unexpectedAt(text, pos));
  }
  if (text[pos] == '0' && end - pos > 1) {
    return malformed(text, kWhat, "leading zero");
  }
  parts.int_digits = text.substr(pos, end - pos);
  pos = end;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    end = scanDigits(text, pos);
    if (end == pos) {
      return malformed(
          text, kWhat,
          pos == text.size() ? "no digit after the decimal point" : unexpectedAt(text, pos));
    }
    parts.frac_digits = text.substr(pos, end - pos);
    pos = end;
  }
  if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    ++pos;
    bool exponent_negative = false;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
      exponent_negative = text[pos] == '-';
      ++pos;
    }
    end = scanDigits(text, pos);
    if (end == pos) {
      return malformed(text, kWhat,
                       pos == text.size() ? "no digit in the exponent" : unexpectedAt(text, pos));
    }
    int64_t exponent = 0;
    for (size_t i = pos; i < end; ++i) {
      exponent = exponent * 10 + (text[i] - '0');
      if (exponent > kExponentClamp) {
        exponent = kExponentClamp;  // saturate: the outcome is already decided (see the clamp)
        break;
      }
    }
    parts.exponent = exponent_negative ? -exponent : exponent;
    pos = end;
  }
  if (pos != text.size()) {
    return malformed(text, kWhat, unexpectedAt(text, pos));
  }
  return toMoney(parts, currency, text);
}

std::string formatDecimal(const Money& money) {
  return formatScaled(money.minor, money.currency.exponent());
}

std::string formatWithCode(const Money& money) {
  return std::string(money.currency.code()) + " " + formatDecimal(money);
}

nlohmann::json toJson(const Money& money) {
  return nlohmann::json{{"minor", money.minor}, {"currency", std::string(money.currency.code())}};
}

lh::Result<Money> moneyFromJson(const nlohmann::json& json) {
  if (!json.is_object()) {
    return lh::invalidArgument(
        "money must be an object {\"minor\": <int64>, \"currency\": \"<ISO 4217 code>\"}");
  }
  for (const auto& item : json.items()) {
    if (item.key() != "minor" && item.key() != "currency") {
      return lh::invalidArgument("money has an unexpected key " + quote(item.key()));
    }
  }
  const auto minor_it = json.find("minor");
  if (minor_it == json.end()) {
    return lh::invalidArgument("/minor: missing");
  }
  const nlohmann::json& minor = *minor_it;
  int64_t minor_value = 0;
  if (minor.is_number_unsigned()) {
    const auto u = minor.get<nlohmann::json::number_unsigned_t>();
    if (u > static_cast<uint64_t>(kInt64Max)) {
      return lh::invalidArgument("/minor: " + std::to_string(u) + " is beyond int64");
    }
    minor_value = static_cast<int64_t>(u);
  } else if (minor.is_number_integer()) {
    minor_value = minor.get<nlohmann::json::number_integer_t>();
  } else {
    // A float here is either a fraction of a minor unit or an integer beyond int64 that the JSON
    // parser could only keep as a double; both are refused rather than rounded.
    return lh::invalidArgument("/minor: must be an integer within int64, got " +
                               std::string(minor.type_name()));
  }
  const auto currency_it = json.find("currency");
  if (currency_it == json.end()) {
    return lh::invalidArgument("/currency: missing");
  }
  if (!currency_it->is_string()) {
    return lh::invalidArgument("/currency: must be a string, got " +
                               std::string(currency_it->type_name()));
  }
  lh::Result<Currency> currency = currencyFromCode(currency_it->get_ref<const std::string&>());
  if (!currency.isOk()) {
    return currency.status().withContext("/currency");
  }
  return Money{minor_value, currency.value()};
}

lh::Result<Money> add(const Money& a, const Money& b) {
  if (a.currency != b.currency) {
    return currencyMismatch(a, "add", b);
  }
  int64_t r = 0;
  if (__builtin_add_overflow(a.minor, b.minor, &r)) {
    return lh::invalidArgument(binaryOperation(a, "+", b) + " overflows int64 minor units");
  }
  return Money{r, a.currency};
}

lh::Result<Money> subtract(const Money& a, const Money& b) {
  if (a.currency != b.currency) {
    return currencyMismatch(a, "subtract", b);
  }
  int64_t r = 0;
  if (__builtin_sub_overflow(a.minor, b.minor, &r)) {
    return lh::invalidArgument(binaryOperation(a, "-", b) + " overflows int64 minor units");
  }
  return Money{r, a.currency};
}

lh::Result<Money> negate(const Money& a) {
  int64_t r = 0;
  if (__builtin_sub_overflow(int64_t{0}, a.minor, &r)) {
    return lh::invalidArgument("-(" + formatWithCode(a) + ") overflows int64 minor units");
  }
  return Money{r, a.currency};
}

lh::Result<Money> multiply(const Money& a, int64_t factor) {
  int64_t r = 0;
  if (__builtin_mul_overflow(a.minor, factor, &r)) {
    return lh::invalidArgument(formatWithCode(a) + " x " + std::to_string(factor) +
                               " overflows int64 minor units");
  }
  return Money{r, a.currency};
}

lh::Result<std::strong_ordering> compare(const Money& a, const Money& b) {
  if (a.currency != b.currency) {
    return currencyMismatch(a, "compare", b);
  }
  return a.minor <=> b.minor;
}

lh::Result<Money> sum(std::span<const Money> amounts, Currency currency) {
  // 2^63 amounts of at most 2^63 each stay below 2^126: the 128-bit total cannot overflow.
  __int128 total = 0;
  for (size_t i = 0; i < amounts.size(); ++i) {
    if (amounts[i].currency != currency) {
      return lh::invalidArgument("cannot sum " + formatWithCode(amounts[i]) + " (amount " +
                                 std::to_string(i) + ") into a " + std::string(currency.code()) +
                                 " total: different currencies");
    }
    total += amounts[i].minor;
  }
  if (total > kInt64Max || total < kInt64Min) {
    return lh::invalidArgument(
        "the total of " + std::to_string(amounts.size()) + " " + std::string(currency.code()) +
        " amounts overflows int64 minor units (range " + rangeText(currency) + ")");
  }
  return Money{static_cast<int64_t>(total), currency};
}

std::ostream& operator<<(std::ostream& os, const Money& money) {
  return os << formatWithCode(money);
}

}  // namespace lh::core
