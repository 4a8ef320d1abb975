// Small text helpers of the QBO plugin: URL encoding, query strings, base64, SHA-256, times.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace lh::qbo {

// RFC 3986 percent-encoding of everything but unreserved characters.
std::string urlEncode(std::string_view text);
// Percent-decoding; '+' becomes a space (form encoding).
std::string urlDecode(std::string_view text);
// "a=1&b=x%20y" → {a: 1, b: "x y"}; the first of repeated names wins.
std::map<std::string, std::string> parseQueryString(std::string_view query);
std::string base64Encode(std::string_view bytes);
// Lower-case hex SHA-256 of `bytes`.
std::string sha256Hex(std::string_view bytes);

// "2026-01-31T12:00:00Z"-style UTC text of epoch ms (whole seconds).
std::string utcTime(int64_t ms);
// Epoch ms of "YYYY-MM-DD", or of a date-time with "Z", "±hh:mm" or "±hhmm" (QBO webhooks write
// "-0700"), optional fraction. nullopt when unparseable.
std::optional<int64_t> parseTimeMs(std::string_view text);
// The calendar date (first 10 characters) of a date or date-time text; "" when malformed.
std::string datePart(std::string_view text);

}  // namespace lh::qbo
