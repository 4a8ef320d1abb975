#include "qbo_util.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <chrono>
#include <cstdio>

namespace lh::qbo {
namespace {

int64_t daysFromCivil(int64_t y, int64_t m, int64_t d) {
  namespace chr = std::chrono;
  return chr::sys_days(chr::year(static_cast<int>(y)) / chr::month(static_cast<unsigned>(m)) /
                       chr::day(static_cast<unsigned>(d)))
      .time_since_epoch()
      .count();
}

bool digitsAt(std::string_view s, size_t at, size_t n, int* out) {
  if (at + n > s.size()) {
    return false;
  }
  int v = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') {
      return false;
    }
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

}  // namespace

std::string urlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string urlDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hexValue(text[i + 1]) >= 0 &&
               hexValue(text[i + 2]) >= 0) {
      out += static_cast<char>(hexValue(text[i + 1]) * 16 + hexValue(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::map<std::string, std::string> parseQueryString(std::string_view query) {
  std::map<std::string, std::string> out;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      const std::string name = urlDecode(pair.substr(0, eq));
      const std::string value =
          eq == std::string_view::npos ? std::string() : urlDecode(pair.substr(eq + 1));
      out.emplace(name, value);
    }
    if (amp == std::string_view::npos) {
      break;
    }
    query.remove_prefix(amp + 1);
  }
  return out;
}

std::string base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return out;
}

std::string sha256Hex(std::string_view bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  return out;
}

std::string utcTime(int64_t ms) {
  int64_t secs = ms / 1000 - (ms % 1000 < 0 ? 1 : 0);
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  const std::chrono::year_month_day ymd{std::chrono::sys_days(std::chrono::days(days))};
  const auto y = static_cast<long long>(static_cast<int>(ymd.year()));
  const auto m = static_cast<long long>(static_cast<unsigned>(ymd.month()));
  const auto d = static_cast<long long>(static_cast<unsigned>(ymd.day()));
  char buf[128];  // sized for any int64 year (-Wformat-truncation in release builds)
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ",
                static_cast<long long>(y), static_cast<long long>(m), static_cast<long long>(d),
                static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60),
                static_cast<long long>(rem % 60));
  return buf;
}

std::optional<int64_t> parseTimeMs(std::string_view s) {
  int y = 0, mo = 0, d = 0;
  if (!digitsAt(s, 0, 4, &y) || s.size() < 10 || s[4] != '-' || !digitsAt(s, 5, 2, &mo) ||
      s[7] != '-' || !digitsAt(s, 8, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > 31) {
    return std::nullopt;
  }
  int64_t ms = daysFromCivil(y, mo, d) * 86'400'000;
  if (s.size() == 10) {
    return ms;
  }
  int h = 0, mi = 0, se = 0;
  if (s[10] != 'T' || !digitsAt(s, 11, 2, &h) || s.size() < 19 || s[13] != ':' ||
      !digitsAt(s, 14, 2, &mi) || s[16] != ':' || !digitsAt(s, 17, 2, &se)) {
    return std::nullopt;
  }
  ms += (h * 3600LL + mi * 60LL + se) * 1000;
  size_t at = 19;
  if (at < s.size() && s[at] == '.') {
    int64_t scale = 100;
    for (++at; at < s.size() && s[at] >= '0' && s[at] <= '9'; ++at) {
      ms += (s[at] - '0') * scale;
      scale /= 10;
    }
  }
  if (at == s.size() || (s[at] == 'Z' && at + 1 == s.size())) {
    return ms;
  }
  int oh = 0, om = 0;
  const bool colon = at + 6 == s.size() && s[at + 3] == ':';
  const bool compact = at + 5 == s.size();
  if ((s[at] != '+' && s[at] != '-') || !(colon || compact) || !digitsAt(s, at + 1, 2, &oh) ||
      !digitsAt(s, colon ? at + 4 : at + 3, 2, &om)) {
    return std::nullopt;
  }
  const int64_t offset = (oh * 3600LL + om * 60LL) * 1000;
  return s[at] == '-' ? ms + offset : ms - offset;
}

std::string datePart(std::string_view text) {
  if (text.size() < 10 || !parseTimeMs(text.substr(0, 10))) {
    return {};
  }
  return std::string(text.substr(0, 10));
}

}  // namespace lh::qbo
