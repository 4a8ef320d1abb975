#include "core/currency.h"

#include <algorithm>
#include <array>
#include <string>

#include "core/check.h"

namespace lh::core {
namespace {

constexpr Iso4217Entry kTable[] = {
#include "core/iso4217_table.inc"
};

constexpr bool isSortedUnique() {
  for (size_t i = 1; i < std::size(kTable); ++i) {
    if (!(kTable[i - 1].code < kTable[i].code)) {
      return false;
    }
  }
  return true;
}
static_assert(isSortedUnique(), "iso4217_table.inc must be sorted by code, without duplicates");

constexpr bool rowsWellFormed() {
  for (const Iso4217Entry& e : kTable) {
    if (e.code.size() != 3) {
      return false;
    }
    for (char c : e.code) {
      if (c < 'A' || c > 'Z') {
        return false;
      }
    }
    if (e.minor_unit != kNoMinorUnit && (e.minor_unit < 0 || e.minor_unit > kMaxExponent)) {
      return false;
    }
    if (e.numeric == 0 || e.numeric > 999 || e.name.empty()) {
      return false;
    }
  }
  return true;
}
static_assert(rowsWellFormed(), "iso4217_table.inc has a malformed row");

constexpr std::array<int64_t, kMaxExponent + 1> kPow10 = {1, 10, 100, 1000, 10000};

// The code as it may be quoted in an error message: printable ASCII only, at most 16 chars.
std::string quoteCode(std::string_view code) {
  std::string out = "'";
  for (size_t i = 0; i < code.size() && i < 16; ++i) {
    const char c = code[i];
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  if (code.size() > 16) {
    out += "...";
  }
  out += "'";
  return out;
}

bool isThreeAsciiLetters(std::string_view code) {
  if (code.size() != 3) {
    return false;
  }
  return std::all_of(code.begin(), code.end(),
                     [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); });
}

}  // namespace

std::span<const Iso4217Entry> iso4217Table() { return kTable; }

const Iso4217Entry* findIso4217(std::string_view code) {
  const auto* it =
      std::lower_bound(std::begin(kTable), std::end(kTable), code,
                       [](const Iso4217Entry& e, std::string_view c) { return e.code < c; });
  if (it == std::end(kTable) || it->code != code) {
    return nullptr;
  }
  return it;
}

int64_t Currency::minorPerMajor() const { return kPow10[static_cast<size_t>(exponent())]; }

lh::Result<Currency> currencyFromEntry(const Iso4217Entry* entry, std::string_view code) {
  if (entry == nullptr) {
    return lh::invalidArgument("unknown ISO 4217 currency code " + quoteCode(code));
  }
  if (entry->minor_unit == kNoMinorUnit) {
    return lh::invalidArgument("ISO 4217 code " + quoteCode(entry->code) + " (" +
                               std::string(entry->name) +
                               ") has no minor unit and cannot carry a money amount");
  }
  return Currency(entry);
}

lh::Result<Currency> currencyFromCode(std::string_view code) {
  if (!isThreeAsciiLetters(code)) {
    return lh::invalidArgument("currency code " + quoteCode(code) +
                               " is not an ISO 4217 code (three letters A-Z)");
  }
  for (char c : code) {
    if (c >= 'a' && c <= 'z') {
      return lh::invalidArgument(
          "currency code " + quoteCode(code) +
          " is not upper case; ISO 4217 codes are (use currencyFromCodeCaseInsensitive for a "
          "vendor that sends lower case)");
    }
  }
  return currencyFromEntry(findIso4217(code), code);
}

lh::Result<Currency> currencyFromCodeCaseInsensitive(std::string_view code) {
  if (!isThreeAsciiLetters(code)) {
    return lh::invalidArgument("currency code " + quoteCode(code) +
                               " is not an ISO 4217 code (three letters A-Z)");
  }
  std::string upper(code);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return currencyFromEntry(findIso4217(upper), code);
}

lh::Result<Currency> currencyFromNumeric(int numeric) {
  for (const Iso4217Entry& e : kTable) {
    if (e.numeric == numeric && e.active && e.minor_unit != kNoMinorUnit) {
      return currencyFromEntry(&e, e.code);
    }
  }
  return lh::invalidArgument("no active ISO 4217 currency has numeric code " +
                             std::to_string(numeric));
}

Currency knownCurrency(std::string_view code) {
  lh::Result<Currency> currency = currencyFromCode(code);
  LH_CHECK(currency.isOk());
  return currency.value();
}

std::ostream& operator<<(std::ostream& os, Currency currency) { return os << currency.code(); }

}  // namespace lh::core
