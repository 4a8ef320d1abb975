// Exact JSON for QuickBooks Online: amounts are JSON numbers on the wire (100.00, 300.0, 55.0),
// and a ledger must never read or write them through double.
//
// parseExact() keeps every non-integer number token as a *marked string* holding the token's text;
// dumpExact() writes marked strings back as bare number tokens. amountMinor() reads an amount
// (integer, marked token or decimal string) as integer minor units, refusing digits it would lose;
// decimalToken() makes the marked token for minor units. The plugin links no host library, so the
// ISO 4217 exponents it needs are a small table of its own (isoExponent).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace lh::qbo {

using Json = nlohmann::json;

// Parses `text`; nullopt when it is not JSON. Non-integer numbers become marked strings.
std::optional<Json> parseExact(std::string_view text);

// Serialises `value` compactly, marked strings as bare number tokens.
std::string dumpExact(const Json& value);

// The decimal text of `minor` with `exponent` decimals: (12345, 2) → "123.45", (-5, 2) → "-0.05",
// (500, 0) → "500".
std::string formatDecimal(int64_t minor, int exponent);

// A marked number token for `minor` units with `exponent` decimals (dumpExact writes 123.45).
Json decimalToken(int64_t minor, int exponent);

// An amount as minor units with `exponent` decimals, from a JSON integer, a marked token or a
// decimal string ("100.00", "300.0", "-3.5", "1e2"). nullopt when it is none of those, has more
// non-zero decimals than `exponent`, or overflows int64.
std::optional<int64_t> amountMinor(const Json& value, int exponent);

// The ISO 4217 minor-unit exponent of `currency` (upper case): 0, 2, 3 or 4; 2 when unlisted.
int isoExponent(std::string_view currency);

}  // namespace lh::qbo
