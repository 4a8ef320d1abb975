#include "core/redact.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace lh {
namespace {

constexpr size_t kNpos = std::string_view::npos;
constexpr size_t kMinCardDigits = 13;
constexpr size_t kMaxCardDigits = 19;
// Longest key (after removing `_`/`-`) worth classifying; longer words are never keys we know.
constexpr size_t kMaxKeyLength = 40;

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isAlnum(char c) { return isDigit(c) || isAlpha(c); }
bool isWordChar(char c) { return isAlnum(c) || c == '_'; }
bool isKeyChar(char c) { return isWordChar(c) || c == '-'; }
bool isBase64UrlChar(char c) { return isWordChar(c) || c == '-'; }
char toLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool isBlank(char c) { return c == ' ' || c == '\t'; }

// RFC 6750 b64token characters (also covers base64 for Basic).
bool isTokenChar(char c) {
  return isAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' ||
         c == '=';
}

// Characters of an email's local part that we accept (the common subset of RFC 5322).
bool isEmailLocalChar(char c) {
  return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (toLower(a[i]) != toLower(b[i])) {
      return false;
    }
  }
  return true;
}

enum class KeyKind { None, Token, Secret, OAuthCode, Authorization, Name };

struct KeyRule {
  std::string_view normalized;  // lower case, without `_` and `-`
  KeyKind kind;
  bool suffix;  // also matches keys ending with it (db_password, stripe_api_key)
};

constexpr std::array kKeyRules = {
    KeyRule{"accesstoken", KeyKind::Token, true},
    KeyRule{"refreshtoken", KeyKind::Token, true},
    KeyRule{"idtoken", KeyKind::Token, true},
    KeyRule{"tokensecret", KeyKind::Token, true},
    KeyRule{"sessiontoken", KeyKind::Token, true},
    KeyRule{"oauthtoken", KeyKind::Token, true},
    KeyRule{"secret", KeyKind::Secret, true},  // client_secret, webhook_secret, ...
    KeyRule{"secretkey", KeyKind::Secret, true},
    KeyRule{"password", KeyKind::Secret, true},
    KeyRule{"passwd", KeyKind::Secret, true},
    KeyRule{"transactionkey", KeyKind::Secret, true},
    KeyRule{"apikey", KeyKind::Secret, true},
    KeyRule{"privatekey", KeyKind::Secret, true},
    KeyRule{"clientassertion", KeyKind::Secret, false},
    KeyRule{"codeverifier", KeyKind::Secret, false},
    KeyRule{"code", KeyKind::OAuthCode, false},
    KeyRule{"authorizationcode", KeyKind::OAuthCode, false},
    KeyRule{"authcode", KeyKind::OAuthCode, false},
    KeyRule{"authorization", KeyKind::Authorization, false},
    KeyRule{"proxyauthorization", KeyKind::Authorization, false},
    KeyRule{"cookie", KeyKind::Authorization, false},
    KeyRule{"setcookie", KeyKind::Authorization, false},
    KeyRule{"firstname", KeyKind::Name, false},
    KeyRule{"lastname", KeyKind::Name, false},
    KeyRule{"givenname", KeyKind::Name, false},
    KeyRule{"familyname", KeyKind::Name, false},
    KeyRule{"middlename", KeyKind::Name, false},
    KeyRule{"fullname", KeyKind::Name, false},
    KeyRule{"displayname", KeyKind::Name, false},
    KeyRule{"cardholdername", KeyKind::Name, false},
    KeyRule{"nameonaccount", KeyKind::Name, false},
    KeyRule{"billtoname", KeyKind::Name, false},
};

std::string_view markerKind(KeyKind kind) {
  switch (kind) {
    case KeyKind::Token:
      return "token";
    case KeyKind::Secret:
      return "secret";
    case KeyKind::OAuthCode:
      return "oauth_code";
    case KeyKind::Authorization:
      return "authorization";
    case KeyKind::Name:
      return "name";
    case KeyKind::None:
      break;
  }
  return "secret";
}

KeyKind classifyKey(std::string_view key) {
  std::array<char, kMaxKeyLength> buf{};
  size_t n = 0;
  for (char c : key) {
    if (c == '_' || c == '-') {
      continue;
    }
    if (n == buf.size()) {
      return KeyKind::None;
    }
    buf[n++] = toLower(c);
  }
  const std::string_view normalized(buf.data(), n);
  for (const KeyRule& rule : kKeyRules) {
    if (normalized == rule.normalized ||
        (rule.suffix && normalized.size() > rule.normalized.size() &&
         normalized.substr(normalized.size() - rule.normalized.size()) == rule.normalized)) {
      return rule.kind;
    }
  }
  return KeyKind::None;
}

// Error codes sit under the same key as OAuth authorization codes ("code"); keep the former,
// which operators need, and remove the latter. OAuth codes are long and mixed-case or contain
// digits; error codes are short (E00007, 400) or lower-case words (card_declined).
bool looksLikeErrorCode(std::string_view value) {
  if (value.size() <= 8) {
    return true;
  }
  for (char c : value) {
    if (!((c >= 'a' && c <= 'z') || c == '_')) {
      return false;
    }
  }
  return true;
}

constexpr std::array<std::string_view, 5> kStripeSecretPrefixes = {
    "sk_live_", "sk_test_", "rk_live_", "rk_test_", "whsec_"};

// One pass over the input. Text between findings is copied lazily, so a finding may begin
// before the scan position (an email's local part) as long as it begins after the last one.
class Scanner {
 public:
  explicit Scanner(std::string_view in) : in_(in), n_(in.size()) {}

  // Scans everything; returns true if anything was replaced.
  bool run() {
    size_t i = 0;
    while (i < n_) {
      const char c = in_[i];
      const char prev = i > 0 ? in_[i - 1] : ' ';
      if (isDigit(c) && !isWordChar(prev) && prev != '.') {
        i = scanDigits(i);
      } else if ((isAlpha(c) || c == '_') && !isWordChar(prev)) {
        i = scanWord(i);
      } else if (c == '@') {
        i = scanEmail(i);
      } else {
        ++i;
      }
    }
    return changed_;
  }

  // The redacted text; only meaningful after run() returned true.
  std::string take() {
    out_.append(in_.substr(copied_));
    copied_ = n_;
    return std::move(out_);
  }

 private:
  struct Group {
    size_t begin;
    size_t end;
    bool usable;
  };

  void replace(size_t begin, size_t end, std::string_view kind) {
    if (!changed_) {
      out_.reserve(n_ + 16);
      changed_ = true;
    }
    out_.append(in_.substr(copied_, begin - copied_));
    out_.append("[REDACTED:");
    out_.append(kind);
    out_.push_back(']');
    copied_ = end;
  }

  // Stripe secret keys, JWTs, Bearer/Basic credentials and `key: value` pairs, for a word that
  // starts at `i`. Returns where scanning resumes.
  size_t scanWord(size_t i) {
    size_t end = i;
    while (end < n_ && isWordChar(in_[end])) {
      ++end;
    }
    const std::string_view word = in_.substr(i, end - i);

    for (std::string_view prefix : kStripeSecretPrefixes) {
      if (word.size() > prefix.size() && word.substr(0, prefix.size()) == prefix) {
        replace(i, end, "stripe_key");
        return end;
      }
    }

    if (word.size() >= 3 && word.substr(0, 3) == "eyJ") {
      size_t j = i;
      while (j < n_ && isBase64UrlChar(in_[j])) {
        ++j;
      }
      if (j - i >= 11) {
        while (j + 1 < n_ && in_[j] == '.' && isBase64UrlChar(in_[j + 1])) {
          ++j;
          while (j < n_ && isBase64UrlChar(in_[j])) {
            ++j;
          }
        }
        replace(i, j, "jwt");
        return j;
      }
    }

    const bool bearer = equalsIgnoreCase(word, "bearer");
    if (bearer || equalsIgnoreCase(word, "basic")) {
      size_t j = end;
      while (j < n_ && isBlank(in_[j])) {
        ++j;
      }
      size_t t = j;
      while (t < n_ && isTokenChar(in_[t])) {
        ++t;
      }
      if (j > end && t > j) {
        replace(j, t, bearer ? "bearer" : "basic");
        return t;
      }
    }

    // A key may contain dashes (x-api-key, set-cookie); bounded so long dashed runs stay linear.
    size_t keyEnd = end;
    while (keyEnd < n_ && isKeyChar(in_[keyEnd]) && keyEnd - i < kMaxKeyLength) {
      ++keyEnd;
    }
    const size_t resume = scanKeyValue(i, keyEnd);
    return resume == kNpos ? end : resume;
  }

  // If `in_[keyBegin, keyEnd)` is a sensitive key followed by `:` or `=` and a value, redacts the
  // value and returns the position after it; otherwise kNpos.
  size_t scanKeyValue(size_t keyBegin, size_t keyEnd) {
    size_t j = keyEnd;
    // The key's closing quote: JSON `"`, single `'`, or `\"` inside an escaped JSON string.
    if (j < n_ && (in_[j] == '"' || in_[j] == '\'')) {
      ++j;
    } else if (j + 1 < n_ && in_[j] == '\\' && in_[j + 1] == '"') {
      j += 2;
    }
    while (j < n_ && isBlank(in_[j])) {
      ++j;
    }
    if (j >= n_ || (in_[j] != ':' && in_[j] != '=')) {
      return kNpos;
    }
    // Only now is it worth classifying the key: most words are not followed by `:`/`=`.
    const KeyKind kind = classifyKey(in_.substr(keyBegin, keyEnd - keyBegin));
    if (kind == KeyKind::None) {
      return kNpos;
    }
    ++j;
    while (j < n_ && isBlank(in_[j])) {
      ++j;
    }
    if (j >= n_) {
      return kNpos;
    }

    size_t valueBegin = j;
    size_t valueEnd = j;
    bool quoted = true;
    if (in_[j] == '\\' && j + 1 < n_ && in_[j + 1] == '"') {
      valueBegin = j + 2;
      valueEnd = valueBegin;
      while (valueEnd < n_ &&
             !(in_[valueEnd] == '\\' && valueEnd + 1 < n_ && in_[valueEnd + 1] == '"')) {
        ++valueEnd;
      }
    } else if (in_[j] == '"') {
      valueBegin = j + 1;
      valueEnd = valueBegin;
      while (valueEnd < n_ && in_[valueEnd] != '"') {
        valueEnd += (in_[valueEnd] == '\\' && valueEnd + 1 < n_) ? 2 : 1;
      }
      valueEnd = valueEnd > n_ ? n_ : valueEnd;
    } else if (in_[j] == '\'') {
      valueBegin = j + 1;
      valueEnd = valueBegin;
      while (valueEnd < n_ && in_[valueEnd] != '\'') {
        ++valueEnd;
      }
    } else {
      quoted = false;
      while (valueEnd < n_ && !isValueDelimiter(in_[valueEnd], kind)) {
        ++valueEnd;
      }
      if (kind == KeyKind::Authorization) {
        while (valueEnd > valueBegin && isBlank(in_[valueEnd - 1])) {
          --valueEnd;
        }
      }
    }
    if (valueEnd == valueBegin) {
      return kNpos;
    }
    const std::string_view value = in_.substr(valueBegin, valueEnd - valueBegin);
    if (!quoted && (value == "null" || value == "true" || value == "false")) {
      return valueEnd;
    }
    if (kind == KeyKind::OAuthCode && looksLikeErrorCode(value)) {
      return valueEnd;
    }
    replace(valueBegin, valueEnd, markerKind(kind));
    return valueEnd;
  }

  static bool isValueDelimiter(char c, KeyKind kind) {
    if (kind == KeyKind::Authorization) {
      // A header value holds spaces ("Bearer abc", "a=1; b=2"): it runs to the end of the line.
      return c == '"' || c == '\r' || c == '\n' || c == '\\';
    }
    switch (c) {
      case ' ':
      case '\t':
      case '\r':
      case '\n':
      case '&':
      case ',':
      case ';':
      case '"':
      case '\'':
      case '<':
      case '>':
      case ')':
      case ']':
      case '}':
      case '\\':
        return true;
      default:
        return false;
    }
  }

  // An email around the `@` at `at`. Returns where scanning resumes.
  size_t scanEmail(size_t at) {
    size_t localBegin = at;
    while (localBegin > copied_ && isEmailLocalChar(in_[localBegin - 1])) {
      --localBegin;
    }
    while (localBegin < at && in_[localBegin] == '.') {
      ++localBegin;
    }
    if (localBegin == at) {
      return at + 1;
    }
    size_t end = at + 1;
    size_t lastDot = kNpos;
    while (end < n_ && (isAlnum(in_[end]) || in_[end] == '-' ||
                        (in_[end] == '.' && end + 1 < n_ && isAlnum(in_[end + 1])))) {
      if (in_[end] == '.') {
        lastDot = end;
      }
      ++end;
    }
    if (lastDot == kNpos || lastDot == at + 1 || end - lastDot - 1 < 2) {
      return at + 1;
    }
    for (size_t k = lastDot + 1; k < end; ++k) {
      if (!isAlpha(in_[k])) {
        return at + 1;
      }
    }
    replace(localBegin, end, "email");
    return end;
  }

  // A run of digit groups joined by single spaces or dashes, starting at `i`. Looks for card
  // numbers in it: windows of whole groups with 13-19 digits that pass Luhn, longest first,
  // leftmost first. Keeps at most ~20 groups in a fixed buffer, so it is linear and allocates
  // nothing. Returns the end of the run.
  size_t scanDigits(size_t i) {
    std::array<Group, kMaxCardDigits + 2> buf{};
    size_t count = 0;
    size_t total = 0;
    size_t pos = i;
    size_t runEnd = i;
    bool more = true;
    while (true) {
      while (more && total <= kMaxCardDigits && count < buf.size()) {
        Group g{pos, pos, true};
        while (pos < n_ && isDigit(in_[pos])) {
          ++pos;
        }
        g.end = pos;
        runEnd = pos;
        if (pos + 1 < n_ && (in_[pos] == ' ' || in_[pos] == '-') && isDigit(in_[pos + 1])) {
          ++pos;
        } else {
          more = false;
          // Glued to what follows (4242...x, 4242....50): part of an id or an amount.
          if (pos < n_ && (isWordChar(in_[pos]) ||
                           (in_[pos] == '.' && pos + 1 < n_ && isDigit(in_[pos + 1])))) {
            g.usable = false;
          }
        }
        buf[count++] = g;
        total += g.end - g.begin;
      }
      if (count == 0) {
        break;
      }
      size_t consumed = 1;
      size_t lastGroup = kNpos;
      std::array<size_t, kMaxCardDigits + 2> windowEnds{};
      size_t windows = 0;
      size_t digits = 0;
      for (size_t k = 0; k < count && buf[k].usable; ++k) {
        digits += buf[k].end - buf[k].begin;
        if (digits > kMaxCardDigits) {
          break;
        }
        if (digits >= kMinCardDigits) {
          windowEnds[windows++] = k;
        }
      }
      for (size_t w = windows; w-- > 0;) {
        if (passesLuhn(buf.data(), windowEnds[w])) {
          lastGroup = windowEnds[w];
          break;
        }
      }
      if (lastGroup != kNpos) {
        replace(buf[0].begin, buf[lastGroup].end, "card");
        consumed = lastGroup + 1;
      }
      for (size_t k = 0; k < consumed; ++k) {
        total -= buf[k].end - buf[k].begin;
      }
      for (size_t k = consumed; k < count; ++k) {
        buf[k - consumed] = buf[k];
      }
      count -= consumed;
    }
    return runEnd;
  }

  // Luhn over the digits of groups[0..last]; an all-zero run is not a card.
  bool passesLuhn(const Group* groups, size_t last) const {
    int sum = 0;
    bool doubleIt = false;
    bool nonZero = false;
    for (size_t k = last + 1; k-- > 0;) {
      for (size_t p = groups[k].end; p-- > groups[k].begin;) {
        int d = in_[p] - '0';
        nonZero = nonZero || d != 0;
        if (doubleIt) {
          d *= 2;
          if (d > 9) {
            d -= 9;
          }
        }
        sum += d;
        doubleIt = !doubleIt;
      }
    }
    return nonZero && sum % 10 == 0;
  }

  std::string_view in_;
  size_t n_;
  std::string out_;
  size_t copied_ = 0;
  bool changed_ = false;
};

}  // namespace

std::string redact(std::string_view text) {
  Scanner scanner(text);
  if (!scanner.run()) {
    return std::string(text);
  }
  return scanner.take();
}

bool redactInPlace(std::string& text) {
  Scanner scanner(text);
  if (!scanner.run()) {
    return false;
  }
  std::string redacted = scanner.take();
  text = std::move(redacted);
  return true;
}

}  // namespace lh
