// Exact currency conversion for reporting: decimal-string exchange rates, integer arithmetic, one
// explicit rounding. No floating point anywhere.
//
// A rate "1.0845" means 1 unit of the source currency = 1.0845 units of the target currency (the
// meaning of config `rates` and of a canonical event's settlement.exchange_rate). It is held as
// the exact fraction numerator/denominator (10845/10000). Converting an amount multiplies its
// minor units by that fraction and by 10^(target exponent - source exponent), all in 128-bit
// integers, and rounds once at the end, half to even (banker's rounding: 0.5 goes to the even
// neighbour, so rounding errors do not drift one way over many conversions; ties are exact
// halves only, since no intermediate step rounds).
//
// Thread safety: values and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/currency.h"
#include "core/money.h"
#include "core/status.h"

namespace lh::core {

// A positive exact rate: numerator / denominator, both in [1, 10^18].
class ExactRate {
 public:
  // Parses `[0-9]+(\.[0-9]+)?` ("1.0845", "150", "0.0067"), greater than zero, with at most 18
  // decimals and at most 18 significant digits (trailing zeros of the fraction and leading zeros
  // do not count). Errors (InvalidArgument, naming the text): anything else, including signs,
  // exponents, spaces and "0".
  static lh::Result<ExactRate> parse(std::string_view text);

  int64_t numerator() const { return numerator_; }
  int64_t denominator() const { return denominator_; }

  // The rate of the opposite direction (1/rate), exact.
  ExactRate inverse() const { return ExactRate(denominator_, numerator_); }

  // The decimal text this rate was parsed from, normalised ("1.0845"; "1/1.0845" for an inverse).
  const std::string& text() const { return text_; }

 private:
  ExactRate(int64_t numerator, int64_t denominator);

  int64_t numerator_;
  int64_t denominator_;
  std::string text_;
};

// `numerator / denominator` rounded half to even. `denominator` must not be 0 (checked). Exact for
// every 128-bit input; an error (InvalidArgument) only when the rounded result does not fit int64.
lh::Result<int64_t> divideRoundHalfEven(__int128 numerator, __int128 denominator);

// `amount` in `to` at `rate` (1 amount.currency = rate `to`), rounded half to even to `to`'s
// minor unit. Examples: USD 100.00 at 0.9 -> EUR 90.00; JPY 1 at 0.0067 -> USD 0.01 (0.67 cents
// rounds up); USD 0.01 at 0.5 -> EUR 0.00 (0.5 cents: the even neighbour 0). Errors
// (InvalidArgument): an intermediate or the result beyond 128/64 bits. Converting a currency to
// itself is not special-cased: the caller passes rate 1 or avoids the call.
lh::Result<Money> convert(const Money& amount, const ExactRate& rate, Currency to);

}  // namespace lh::core
