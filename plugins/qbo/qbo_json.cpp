#include "qbo_json.h"

#include <cstdlib>

namespace lh::qbo {
namespace {

// A control character no API sends in a string, so a marked string cannot be forged by data.
constexpr std::string_view kMark = "\x02qbo-number:";
// The same prefix as dump() escapes it inside a JSON string.
constexpr std::string_view kMarkDumped = "\"\\u0002qbo-number:";

// The DOM builder of nlohmann, except that a float keeps its token text.
class TokenKeepingSax : public nlohmann::detail::json_sax_dom_parser<Json> {
 public:
  explicit TokenKeepingSax(Json& root)
      : nlohmann::detail::json_sax_dom_parser<Json>(root, /*allow_exceptions=*/false) {}
  bool number_float(Json::number_float_t /*lossy*/, const Json::string_t& token) {
    Json::string_t kept = std::string(kMark) + token;
    return nlohmann::detail::json_sax_dom_parser<Json>::string(kept);
  }
};

bool allDigits(std::string_view s) {
  if (s.empty()) {
    return false;
  }
  for (char c : s) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

// Appends decimal digits to `acc` (already scaled); false on overflow.
bool appendDigits(std::string_view digits, __int128* acc) {
  for (char c : digits) {
    *acc = *acc * 10 + (c - '0');
    if (*acc > static_cast<__int128>(INT64_MAX) + 1) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<Json> parseExact(std::string_view text) {
  Json root;
  TokenKeepingSax sax(root);
  if (!Json::sax_parse(text, &sax) || sax.is_errored()) {
    return std::nullopt;
  }
  return root;
}

std::string dumpExact(const Json& value) {
  const std::string text = value.dump();
  std::string out;
  out.reserve(text.size());
  size_t copied = 0;
  size_t at = text.find(kMarkDumped);
  while (at != std::string::npos) {
    out.append(text, copied, at - copied);
    const size_t tokenStart = at + kMarkDumped.size();
    const size_t closingQuote = text.find('"', tokenStart);
    out.append(text, tokenStart, closingQuote - tokenStart);
    copied = closingQuote + 1;
    at = text.find(kMarkDumped, copied);
  }
  out.append(text, copied, std::string::npos);
  return out;
}

std::string formatDecimal(int64_t minor, int exponent) {
  const bool negative = minor < 0;
  // Work in unsigned so INT64_MIN has a magnitude.
  const uint64_t magnitude =
      negative ? static_cast<uint64_t>(-(minor + 1)) + 1 : static_cast<uint64_t>(minor);
  std::string digits = std::to_string(magnitude);
  if (exponent > 0) {
    if (digits.size() <= static_cast<size_t>(exponent)) {
      digits.insert(0, static_cast<size_t>(exponent) - digits.size() + 1, '0');
    }
    digits.insert(digits.size() - static_cast<size_t>(exponent), ".");
  }
  return negative ? "-" + digits : digits;
}

Json decimalToken(int64_t minor, int exponent) {
  return std::string(kMark) + formatDecimal(minor, exponent);
}

std::optional<int64_t> amountMinor(const Json& value, int exponent) {
  std::string text;
  if (value.is_number_integer()) {
    text = value.dump();
  } else if (value.is_string()) {
    text = value.get<std::string>();
    if (text.rfind(kMark, 0) == 0) {
      text.erase(0, kMark.size());
    }
  } else {
    return std::nullopt;
  }
  std::string_view s = text;
  const bool negative = !s.empty() && s.front() == '-';
  if (negative) {
    s.remove_prefix(1);
  }
  // Split mantissa and exponent (JSON allows 1e2, 1.5E-1).
  int scale = 0;
  const size_t e = s.find_first_of("eE");
  if (e != std::string_view::npos) {
    std::string_view ex = s.substr(e + 1);
    const bool exNeg = !ex.empty() && ex.front() == '-';
    if (!ex.empty() && (ex.front() == '-' || ex.front() == '+')) {
      ex.remove_prefix(1);
    }
    if (!allDigits(ex) || ex.size() > 4) {
      return std::nullopt;
    }
    scale = std::atoi(std::string(ex).c_str()) * (exNeg ? -1 : 1);
    s = s.substr(0, e);
  }
  const size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  if (!allDigits(whole) || (dot != std::string_view::npos && !allDigits(frac))) {
    return std::nullopt;
  }
  // value = whole.frac × 10^scale; wanted: value × 10^exponent as an integer.
  std::string digits = std::string(whole) + std::string(frac);
  int shift = exponent + scale - static_cast<int>(frac.size());
  while (shift < 0) {
    if (digits.empty() || digits.back() != '0') {
      return std::nullopt;  // a non-zero digit beyond the currency's exponent
    }
    digits.pop_back();
    ++shift;
  }
  if (shift > 30) {
    return std::nullopt;
  }
  digits.append(static_cast<size_t>(shift), '0');
  __int128 acc = 0;
  if (!appendDigits(digits.empty() ? std::string_view("0") : std::string_view(digits), &acc)) {
    return std::nullopt;
  }
  if (negative) {
    acc = -acc;
  }
  if (acc > INT64_MAX || acc < INT64_MIN) {
    return std::nullopt;
  }
  return static_cast<int64_t>(acc);
}

int isoExponent(std::string_view currency) {
  // ISO 4217 currencies whose minor unit is not 2 (the codes a company may keep books in).
  static constexpr std::string_view kNoDecimals =
      "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF";
  static constexpr std::string_view kThreeDecimals = "BHD IQD JOD KWD LYD OMR TND";
  static constexpr std::string_view kFourDecimals = "CLF UYW";
  if (currency.size() != 3) {
    return 2;
  }
  const auto listed = [&](std::string_view list) {
    for (size_t i = 0; i + 3 <= list.size(); i += 4) {
      if (list.substr(i, 3) == currency) {
        return true;
      }
    }
    return false;
  };
  if (listed(kNoDecimals)) {
    return 0;
  }
  if (listed(kThreeDecimals)) {
    return 3;
  }
  return listed(kFourDecimals) ? 4 : 2;
}

}  // namespace lh::qbo
