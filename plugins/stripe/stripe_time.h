// Unix seconds (what Stripe sends) ↔ the canonical event's RFC 3339 / calendar-date text, in UTC,
// by integer calendar arithmetic (no time zone database, no locale).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lh::stripe {

// "2026-01-01T00:00:00Z".
std::string rfc3339(int64_t unixSeconds);

// "2026-01-01" (the UTC day).
std::string isoDate(int64_t unixSeconds);

// Unix seconds of 00:00:00 UTC on `date` ("YYYY-MM-DD"); nullopt when malformed or impossible.
std::optional<int64_t> parseIsoDate(std::string_view date);

}  // namespace lh::stripe
