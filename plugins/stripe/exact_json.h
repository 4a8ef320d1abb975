// Exact JSON numbers: parse Stripe's JSON without rounding a decimal number through a double, and
// write it back with the same digits.
//
// nlohmann::json keeps a non-integer number as a double, which holds about 15-17 significant
// digits: Stripe's `exchange_rate` (a JSON number such as 1.0845) would be rebuilt from binary, and
// a longer rate would silently change. parseExact keeps every non-integer number token exactly as
// it was written, as a marked string in the tree; exactNumber reads it back and dumpExact writes
// the tree with each such token in place again, so `raw` in an emitted event is the number Stripe
// sent, digit for digit. Integers stay ordinary JSON integers.
//
// Inside the connector, code that reads floats must use exactNumber (a marked number is a string to
// nlohmann). Nothing outside the plugin ever sees a marker: events leave through dumpExact only.
//
// Thread safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace lh::stripe {

// Parses `text` as one JSON value. Every number with a fraction or an exponent is kept as its
// exact token. Returns a discarded value (is_discarded()) when `text` is not exactly one JSON
// value, and when one of its strings or keys contains the internal marker (so no string can pass
// for a number).
nlohmann::json parseExact(std::string_view text);

// The exact text of a number: the token parseExact kept for a non-integer number, the decimal
// digits of an integer; nullopt for anything else.
std::optional<std::string> exactNumber(const nlohmann::json& value);

// value.dump() with every number parseExact kept written back as its original token.
std::string dumpExact(const nlohmann::json& value);

}  // namespace lh::stripe
