// Currency: an ISO 4217 currency usable for money, with its alphabetic code, numeric code and
// minor-unit exponent (JPY 0, USD 2, KWD 3, CLF 4).
//
// The full table (iso4217_table.inc) holds every code on ISO 4217 List One (current, up to
// amendment 180, effective 2026-01-01) and the codes withdrawn to List Three since 2018 (HRK, BGN,
// ANG, ZWL, SLL, CUC, VEF, MRO, STD), so records dated before a withdrawal still load; those are
// flagged isActive() == false. Codes whose ISO minor unit is "N.A." (XAU, XAG, XPD, XPT, XBA..XBD,
// XDR, XSU, XUA, XTS, XXX) are in the table but are not a Currency: they cannot carry an amount in
// minor units, and looking them up as a Currency is an error that says so.
//
// Exponents are ISO's, which are not always a vendor's: Stripe sends ISK in hundredths (ISO: 0
// decimals) and MGA in whole ariary (ISO: 2). Convert such integers with fromScaledMinor()
// (money.h), never by assuming the vendor's minor unit is ISO's.
//
// Thread safety: everything here is immutable static data or a value; safe from any thread.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <ostream>
#include <span>
#include <string_view>

#include "core/status.h"

namespace lh::core {

// Minor unit of the ISO codes that have none ("N.A."): metals, bond units, XDR, XSU, XUA, XTS, XXX.
inline constexpr int kNoMinorUnit = -1;

// The largest ISO minor unit (CLF, UYW). Every Currency's exponent is in [0, kMaxExponent].
inline constexpr int kMaxExponent = 4;

// One row of the ISO 4217 table. Static storage; the views point into it and never dangle.
struct Iso4217Entry {
  std::string_view code;  // three upper-case letters, e.g. "USD"
  uint16_t numeric;       // e.g. 840; 532 is shared by XCG (active) and ANG (historic)
  int8_t minor_unit;      // 0..4, or kNoMinorUnit
  bool active;            // on List One today; false = withdrawn (List Three), kept for history
  std::string_view name;  // ISO English name, e.g. "US Dollar"
};

// Every row of the table, sorted by code: active, historic and "N.A." codes alike.
std::span<const Iso4217Entry> iso4217Table();

// The row for an exact (upper-case) alphabetic code, including "N.A." and historic codes; nullptr
// if there is none. For introspection; to get a Currency use currencyFromCode().
const Iso4217Entry* findIso4217(std::string_view code);

// A currency usable for money: a small value (one pointer into the static table), cheap to copy,
// compared by code. Obtained only from the lookups below, so every Currency has a known exponent
// in [0, kMaxExponent]; there is no default-constructed ("no currency") value.
class Currency {
 public:
  std::string_view code() const { return entry_->code; }
  uint16_t numeric() const { return entry_->numeric; }
  // Number of decimals of the minor unit: 0 (JPY), 2 (USD), 3 (KWD), 4 (CLF).
  int exponent() const { return entry_->minor_unit; }
  // 10^exponent(): how many minor units make one major unit (1, 100, 1000, 10000).
  int64_t minorPerMajor() const;
  // False for a code withdrawn from List One (e.g. HRK, BGN): valid for history, not for new
  // configuration. Callers that create new things (a tenant's base currency) may refuse it.
  bool isActive() const { return entry_->active; }
  std::string_view name() const { return entry_->name; }

  friend bool operator==(Currency a, Currency b) { return a.entry_ == b.entry_; }
  // Alphabetical by code; orders currencies (for maps and reports), never amounts.
  friend std::strong_ordering operator<=>(Currency a, Currency b) { return a.code() <=> b.code(); }

 private:
  explicit Currency(const Iso4217Entry* entry) : entry_(entry) {}
  const Iso4217Entry* entry_;  // never null; points into the static table

  friend lh::Result<Currency> currencyFromEntry(const Iso4217Entry* entry, std::string_view code);
};

// The currency for an exact ISO 4217 alphabetic code: three upper-case ASCII letters, as the
// canonical events and the configuration spell it. Errors (InvalidArgument, naming the code):
// not three letters; not upper case ("usd": use currencyFromCodeCaseInsensitive for vendors that
// send lower case); unknown code; a code with no minor unit (XAU, XDR, ...).
lh::Result<Currency> currencyFromCode(std::string_view code);

// As currencyFromCode, but accepts any ASCII letter case ("usd", "Usd"): the one way to read a
// vendor's code when the vendor does not send upper case (Stripe sends "usd"). Everything else,
// including what must be canonical, uses currencyFromCode.
lh::Result<Currency> currencyFromCodeCaseInsensitive(std::string_view code);

// The active currency with an ISO 4217 numeric code (840 -> USD; 532 -> XCG, not the withdrawn
// ANG). InvalidArgument if no active, money-usable currency has that number.
lh::Result<Currency> currencyFromNumeric(int numeric);

// For currency literals in code and tests (knownCurrency("USD")): crashes (LH_CHECK) if the code
// is not a money-usable ISO code, since a wrong literal is a bug, not input. Never use it on input.
Currency knownCurrency(std::string_view code);

// "USD".
std::ostream& operator<<(std::ostream& os, Currency currency);

}  // namespace lh::core

template <>
struct std::hash<lh::core::Currency> {
  size_t operator()(lh::core::Currency currency) const noexcept {
    return std::hash<std::string_view>()(currency.code());
  }
};
