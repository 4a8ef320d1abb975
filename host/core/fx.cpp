#include "core/fx.h"

#include <limits>
#include <optional>
#include <utility>

#include "core/check.h"

namespace lh::core {
namespace {

constexpr int kMaxRateDigits = 18;

std::string quote(std::string_view text) {
  constexpr size_t kMaxShown = 40;
  return "'" + std::string(text.substr(0, kMaxShown)) + (text.size() > kMaxShown ? "...'" : "'");
}

int64_t pow10(int n) {
  int64_t v = 1;
  for (int i = 0; i < n; ++i) {
    v *= 10;
  }
  return v;
}

// "1.0845" for numerator/denominator when denominator is a power of ten; nullopt otherwise.
std::optional<std::string> decimalText(int64_t numerator, int64_t denominator) {
  int decimals = 0;
  while (denominator > 1 && denominator % 10 == 0) {
    denominator /= 10;
    ++decimals;
  }
  if (denominator != 1) {
    return std::nullopt;
  }
  std::string digits = std::to_string(numerator);
  if (decimals > 0) {
    if (static_cast<int>(digits.size()) <= decimals) {
      digits.insert(0, static_cast<size_t>(decimals + 1) - digits.size(), '0');
    }
    digits.insert(digits.size() - static_cast<size_t>(decimals), ".");
  }
  return digits;
}

}  // namespace

ExactRate::ExactRate(int64_t numerator, int64_t denominator)
    : numerator_(numerator), denominator_(denominator) {
  if (auto text = decimalText(numerator_, denominator_)) {
    text_ = *text;
  } else if (auto inverted = decimalText(denominator_, numerator_)) {
    text_ = "1/" + *inverted;
  } else {
    text_ = std::to_string(numerator_) + "/" + std::to_string(denominator_);
  }
}

lh::Result<ExactRate> ExactRate::parse(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return lh::invalidArgument("exchange rate " + quote(text) + " " + std::string(why));
  };
  const size_t point = text.find('.');
  const std::string_view whole = text.substr(0, point);
  const std::string_view fraction =
      point == std::string_view::npos ? std::string_view() : text.substr(point + 1);
  auto allDigits = [](std::string_view s) {
    if (s.empty()) {
      return false;
    }
    for (char c : s) {
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  };
  if (!allDigits(whole) || (point != std::string_view::npos && !allDigits(fraction))) {
    return bad("is not a decimal number like 1.0845 (digits, an optional point and digits)");
  }
  std::string_view frac = fraction;
  while (!frac.empty() && frac.back() == '0') {
    frac.remove_suffix(1);
  }
  if (frac.size() > static_cast<size_t>(kMaxRateDigits)) {
    return bad("has more than 18 significant decimals");
  }
  std::string digits = std::string(whole) + std::string(frac);
  const size_t firstNonZero = digits.find_first_not_of('0');
  if (firstNonZero == std::string::npos) {
    return bad("must be greater than zero");
  }
  digits.erase(0, firstNonZero);
  if (digits.size() > static_cast<size_t>(kMaxRateDigits)) {
    return bad("has more than 18 significant digits");
  }
  int64_t numerator = 0;
  for (char c : digits) {
    numerator = numerator * 10 + (c - '0');
  }
  return ExactRate(numerator, pow10(static_cast<int>(frac.size())));
}

lh::Result<int64_t> divideRoundHalfEven(__int128 numerator, __int128 denominator) {
  LH_CHECK(denominator != 0);
  if (denominator < 0) {
    // Keep the divisor positive; -(INT128_MIN) cannot occur for the inputs we build, but guard.
    if (numerator == std::numeric_limits<__int128>::min() ||
        denominator == std::numeric_limits<__int128>::min()) {
      return lh::invalidArgument("conversion out of range");
    }
    numerator = -numerator;
    denominator = -denominator;
  }
  __int128 quotient = numerator / denominator;         // truncates toward zero
  const __int128 remainder = numerator % denominator;  // same sign as numerator
  if (remainder != 0) {
    const __int128 absRemainder = remainder < 0 ? -remainder : remainder;
    // Compare 2*|r| with d without overflow: |r| < d, so compare |r| with d - |r|.
    const __int128 rest = denominator - absRemainder;
    const bool awayFromZero = absRemainder > rest || (absRemainder == rest && (quotient % 2 != 0));
    if (awayFromZero) {
      quotient += numerator < 0 ? -1 : 1;
    }
  }
  if (quotient > std::numeric_limits<int64_t>::max() ||
      quotient < std::numeric_limits<int64_t>::min()) {
    return lh::invalidArgument("converted amount does not fit int64 minor units");
  }
  return static_cast<int64_t>(quotient);
}

lh::Result<Money> convert(const Money& amount, const ExactRate& rate, Currency to) {
  const int shift = to.exponent() - amount.currency.exponent();
  __int128 numerator = 0;
  __int128 denominator = rate.denominator();
  const __int128 scale = pow10(shift >= 0 ? shift : -shift);
  const auto outOfRange = [&] {
    return lh::invalidArgument("converting " + formatWithCode(amount) + " at " + rate.text() +
                               " to " + std::string(to.code()) + " is out of range");
  };
  if (__builtin_mul_overflow(static_cast<__int128>(amount.minor),
                             static_cast<__int128>(rate.numerator()), &numerator)) {
    return outOfRange();
  }
  if (shift >= 0) {
    if (__builtin_mul_overflow(numerator, scale, &numerator)) {
      return outOfRange();
    }
  } else if (__builtin_mul_overflow(denominator, scale, &denominator)) {
    return outOfRange();
  }
  lh::Result<int64_t> minor = divideRoundHalfEven(numerator, denominator);
  if (!minor.isOk()) {
    return outOfRange();
  }
  return fromMinor(*minor, to);
}

}  // namespace lh::core
