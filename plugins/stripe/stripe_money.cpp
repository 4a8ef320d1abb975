#include "stripe_money.h"

#include <array>
#include <limits>

namespace lh::stripe {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return out;
}

template <size_t N>
bool in(const std::array<std::string_view, N>& table, std::string_view code) {
  for (auto c : table) {
    if (c == code) {
      return true;
    }
  }
  return false;
}

// docs.stripe.com/currencies#zero-decimal and #three-decimal.
constexpr std::array<std::string_view, 16> kStripeZeroDecimal = {
    "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA",
    "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"};
constexpr std::array<std::string_view, 5> kStripeThreeDecimal = {"BHD", "JOD", "KWD", "OMR", "TND"};
// ISO 4217 (amendment 180): currencies whose minor unit is not 2.
constexpr std::array<std::string_view, 17> kIsoZero = {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY",
                                                       "KMF", "KRW", "PYG", "RWF", "UGX", "UYI",
                                                       "VND", "VUV", "XAF", "XOF", "XPF"};
constexpr std::array<std::string_view, 7> kIsoThree = {"BHD", "IQD", "JOD", "KWD",
                                                       "LYD", "OMR", "TND"};
constexpr std::array<std::string_view, 2> kIsoFour = {"CLF", "UYW"};

}  // namespace

int stripeExponent(std::string_view currency) {
  const std::string code = upper(currency);
  if (in(kStripeZeroDecimal, code)) {
    return 0;
  }
  if (in(kStripeThreeDecimal, code)) {
    return 3;
  }
  return 2;  // including ISK, HUF and TWD, which Stripe treats as two-decimal
}

int isoExponent(std::string_view currency) {
  const std::string code = upper(currency);
  if (in(kIsoZero, code)) {
    return 0;
  }
  if (in(kIsoThree, code)) {
    return 3;
  }
  if (in(kIsoFour, code)) {
    return 4;
  }
  return 2;
}

std::optional<IsoMoney> toIsoMoney(int64_t stripeAmount, std::string_view currency,
                                   std::string* why) {
  if (currency.size() != 3) {
    *why = "currency is not a three-letter code";
    return std::nullopt;
  }
  for (char c : currency) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
      *why = "currency is not a three-letter code";
      return std::nullopt;
    }
  }
  IsoMoney out;
  out.currency = upper(currency);
  const int shift = isoExponent(currency) - stripeExponent(currency);
  int64_t scale = 1;
  for (int i = 0; i < (shift < 0 ? -shift : shift); ++i) {
    scale *= 10;
  }
  if (shift >= 0) {
    if (stripeAmount > std::numeric_limits<int64_t>::max() / scale ||
        stripeAmount < std::numeric_limits<int64_t>::min() / scale) {
      *why = "amount overflows int64 in " + out.currency + " minor units";
      return std::nullopt;
    }
    out.minor = stripeAmount * scale;
  } else {
    if (stripeAmount % scale != 0) {
      *why = "amount " + std::to_string(stripeAmount) + " in Stripe's " + out.currency +
             " units is not a whole number of ISO minor units (" + out.currency + " has " +
             std::to_string(isoExponent(currency)) + " decimals)";
      return std::nullopt;
    }
    out.minor = stripeAmount / scale;
  }
  return out;
}

}  // namespace lh::stripe
