// Money: an exact amount, int64 minor units of an ISO 4217 currency (DESIGN.md "Money").
//
// USD 12.30 is {1230, USD}; JPY 500 is {500, JPY}; KWD 1.250 is {1250, KWD}. There is no floating
// point anywhere in this module, and nothing here rounds: an amount that cannot be represented
// exactly (too many decimals, beyond int64) is an error, never approximated.
//
// Reading amounts as vendors send them:
//   - decimal strings ("10.50", "-3.25", "0.001") -> parseDecimal(text, currency);
//   - JSON numbers (QBO's 300.0, 55.0)            -> parseJsonNumber(rawToken, currency), given the
//     number's *original text*. Never go through double: nlohmann's get<double>() has already
//     lost digits (0.1 + 0.2) and silently rounds past 2^53. With nlohmann, take the raw text from
//     a SAX handler: json_sax::number_float(number_float_t, const string_t& raw) / number_integer.
//   - integer minor units in ISO's exponent        -> fromMinor(minor, currency);
//   - integers in a vendor's own scale             -> fromScaledMinor(value, vendorExponent, ccy)
//     (Stripe: ISK amounts are hundredths although ISO's ISK has 0 decimals; MGA is whole ariary
//     although ISO's MGA has 2).
//   - canonical event money {"minor": 1230, "currency": "USD"} -> moneyFromJson(json).
//
// Arithmetic is checked: add/subtract/negate/multiply/sum return an error on int64 overflow or on
// a currency mismatch, and never wrap. Amounts of different currencies are never compared or
// combined; compare() returns an error for them (operator== just says "not equal").
//
// Error codes: every failure here is InvalidArgument (the input or operands are at fault; retrying
// the same call cannot help). Messages name the offending text (at most 40 characters of it) and
// the currency.
//
// Thread safety: values and pure functions; safe from any thread.
#pragma once

#include <compare>
#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "core/currency.h"
#include "core/status.h"

namespace lh::core {

// An amount in minor units of a currency. Any int64 value is a valid amount.
struct Money {
  int64_t minor;
  Currency currency;

  bool isZero() const { return minor == 0; }
  bool isNegative() const { return minor < 0; }
  bool isPositive() const { return minor > 0; }

  // Same currency and same amount. Amounts in different currencies are simply not equal; to
  // *order* amounts use compare(), which refuses different currencies.
  friend bool operator==(const Money& a, const Money& b) = default;
};

// {minor, currency}: the integer is already in ISO minor units of `currency` (e.g. Stripe's
// `amount` for USD, JPY, KWD). Cannot fail.
Money fromMinor(int64_t minor, Currency currency);

// Zero in `currency`.
Money zero(Currency currency);

// An integer expressed with `valueExponent` decimals (value x 10^-valueExponent major units),
// converted exactly to `currency`'s minor units. For vendors whose integer scale differs from
// ISO's (Stripe ISK: fromScaledMinor(500, 2, ISK) = ISK 5 = {5, ISK}; Stripe MGA:
// fromScaledMinor(500, 0, MGA) = {50000, MGA}). Errors: valueExponent outside [0, 18]; digits that
// would be lost (fromScaledMinor(550, 2, ISK): ISK 5.50 has 2 decimals, ISK allows 0); overflow.
lh::Result<Money> fromScaledMinor(int64_t value, int valueExponent, Currency currency);

// Parses an exact decimal string as APIs send them in JSON strings and CSV cells.
// Grammar: `-?[0-9]+(\.[0-9]+)?` and nothing else:
//   accepted: "10", "10.5", "10.50", "-3.25", "0.001", "100.00", "300.0", "007.50" (leading zeros
//             lose nothing), "-0" (= 0);
//   rejected: "" "." "1." ".5" (a digit is required on both sides of the point: no API we read
//             omits it, and a bare point usually means a broken producer), "+1" (no API sends a
//             plus sign), " 1" "1 " (no whitespace), "1,000" (no separators), "1e3" (no
//             exponent: that is JSON number syntax, see parseJsonNumber), "--1", "1.2.3".
// Decimals beyond the currency's exponent are accepted only if they are all zeros ("10.500" USD =
// 1050; zeros lose nothing); otherwise it is an error: "'12.345' has 3 decimals; USD allows 2".
// A value outside int64 minor units is an error naming the range.
lh::Result<Money> parseDecimal(std::string_view text, Currency currency);

// Parses the raw text of a JSON number token (RFC 8259: `-?(0|[1-9][0-9]*)(\.[0-9]+)?
// ([eE][+-]?[0-9]+)?`) exactly, exponent included ("1e2" USD = 10000, "1.5E-1" USD = 15,
// "300.0" USD = 30000). Same decimal and range rules as parseDecimal. Leading zeros ("01"),
// a leading "+", "NaN" and "Infinity" are not JSON and are rejected. The caller must pass the
// token's original text, never a value that went through double (see the file comment).
lh::Result<Money> parseJsonNumber(std::string_view rawToken, Currency currency);

// The exact decimal text of an amount with exactly the currency's exponent of decimals:
// USD {1230} "12.30", USD {-5} "-0.05", JPY {1000} "1000", KWD {1234} "1.234". Round-trips:
// parseDecimal(formatDecimal(m), m.currency) == m for every m.
std::string formatDecimal(const Money& money);

// The display form with the code: "USD 12.30", "USD -0.05", "JPY 1000".
std::string formatWithCode(const Money& money);

// The canonical event form {"minor": 1230, "currency": "USD"} (sdk/schema money definition).
nlohmann::json toJson(const Money& money);

// Reads the canonical event form. Errors: not an object; other keys than minor and currency;
// `minor` not a JSON integer within int64 (1230.0, 1e3 and 2^63 are refused); `currency` not an
// upper-case ISO code usable for money.
lh::Result<Money> moneyFromJson(const nlohmann::json& json);

// Checked arithmetic. Errors: different currencies; a result outside int64 (named in the message).
lh::Result<Money> add(const Money& a, const Money& b);
lh::Result<Money> subtract(const Money& a, const Money& b);
// Error only for INT64_MIN, whose negation does not fit.
lh::Result<Money> negate(const Money& a);
// a x factor (quantity x unit price in minor units); error on overflow.
lh::Result<Money> multiply(const Money& a, int64_t factor);

// Orders two amounts of the same currency; InvalidArgument for different currencies.
lh::Result<std::strong_ordering> compare(const Money& a, const Money& b);

// The total of `amounts`, all of which must be in `currency` (an empty list sums to zero). The
// running total is kept in 128 bits, so the result does not depend on the order of the amounts:
// it is an error only if the exact total does not fit int64 (or an amount is in another currency;
// the message names its index).
lh::Result<Money> sum(std::span<const Money> amounts, Currency currency);

// formatWithCode(money), so test failures and logs print "USD 12.30".
std::ostream& operator<<(std::ostream& os, const Money& money);

}  // namespace lh::core
