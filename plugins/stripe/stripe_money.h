// Stripe amounts → canonical money: Stripe's integer "smallest currency unit" to ISO 4217 minor
// units, exactly.
//
// Stripe sends every amount as an integer in what it calls the currency's minor unit, and for most
// currencies that is ISO 4217's minor unit, so the integer passes through. The exceptions
// (docs.stripe.com/currencies, "zero-decimal" and "special cases"):
//   - MGA is zero-decimal at Stripe (whole ariary) but has 2 decimals in ISO: multiply by 100.
//   - ISK is sent in hundredths (Stripe treats it as two-decimal for backwards compatibility)
//     though ISO's ISK has 0 decimals: divide by 100, and refuse a value that is not a multiple of
//     100 (it cannot be represented in ISO minor units without rounding).
//   - Stripe's other zero-decimal (BIF, CLP, DJF, GNF, JPY, KMF, KRW, PYG, RWF, UGX, VND, VUV, XAF,
//     XOF, XPF) and three-decimal (BHD, JOD, KWD, OMR, TND) currencies agree with ISO.
// The plugin links no host library, so this is its own small table; the host's core::Currency
// checks the resulting ISO code again when it validates the event.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lh::stripe {

struct IsoMoney {
  int64_t minor = 0;
  std::string currency;  // upper-case ISO 4217 code
};

// The number of decimals Stripe's integer amounts carry for `currency` (any case).
int stripeExponent(std::string_view currency);

// The ISO 4217 exponent of `currency` (any case) as far as Stripe's currencies need it (2 unless
// listed as 0, 3 or 4 in ISO 4217).
int isoExponent(std::string_view currency);

// Converts a Stripe integer amount in `currency` (as Stripe writes it, lower case) to ISO minor
// units. nullopt, with `*why` set, when the currency code is not three ASCII letters, the value is
// not exactly representable (ISK not a multiple of 100) or the result overflows int64.
std::optional<IsoMoney> toIsoMoney(int64_t stripeAmount, std::string_view currency,
                                   std::string* why);

}  // namespace lh::stripe
