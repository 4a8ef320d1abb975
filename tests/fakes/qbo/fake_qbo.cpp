#include "fakes/qbo/fake_qbo.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>

#include "core/currency.h"
#include "core/money.h"

namespace lh::fakes {
namespace {

using Json = nlohmann::ordered_json;

// --- exact numbers -------------------------------------------------------------------------------
// QBO writes amounts as JSON numbers (100.00, 300.0, 55.0). The fake keeps a non-integer number as
// a marked string holding its original token, and writes it back as a bare token, so an amount
// never passes through double.
constexpr std::string_view kNum = "\x01num:";
constexpr std::string_view kNumDumped = "\"\\u0001num:";

class ExactSax : public nlohmann::detail::json_sax_dom_parser<Json> {
 public:
  explicit ExactSax(Json& root) : json_sax_dom_parser<Json>(root, /*allow_exceptions=*/false) {}
  bool number_float(Json::number_float_t /*value*/, const Json::string_t& raw) {
    Json::string_t marked = std::string(kNum) + raw;
    return json_sax_dom_parser<Json>::string(marked);
  }
};

std::optional<Json> parseExact(std::string_view text) {
  Json root;
  ExactSax sax(root);
  if (!Json::sax_parse(text, &sax) || sax.is_errored()) {
    return std::nullopt;
  }
  return root;
}

std::string wire(const Json& value) {
  std::string text = value.dump();
  std::string out;
  out.reserve(text.size());
  size_t from = 0;
  for (size_t at = text.find(kNumDumped); at != std::string::npos;
       at = text.find(kNumDumped, from)) {
    out.append(text, from, at - from);
    const size_t start = at + kNumDumped.size();
    const size_t end = text.find('"', start);
    out.append(text, start, end - start);
    from = end + 1;
  }
  out.append(text, from, std::string::npos);
  return out;
}

const core::Currency& homeCurrency() {
  static const core::Currency usd = core::knownCurrency("USD");
  return usd;
}

// The exact amount of a JSON value: an integer, a marked number token or a decimal string.
std::optional<core::Money> amountOf(const Json& v) {
  if (v.is_number_integer()) {
    auto m = core::parseJsonNumber(std::to_string(v.get<int64_t>()), homeCurrency());
    return m.isOk() ? std::optional<core::Money>(*m) : std::nullopt;
  }
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    if (s.rfind(kNum, 0) == 0) {
      s.erase(0, kNum.size());
    }
    auto m = core::parseJsonNumber(s, homeCurrency());
    return m.isOk() ? std::optional<core::Money>(*m) : std::nullopt;
  }
  return std::nullopt;
}

Json amountJson(const core::Money& m) { return std::string(kNum) + core::formatDecimal(m); }

// --- time ----------------------------------------------------------------------------------------
namespace chr = std::chrono;

int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
  return chr::sys_days(chr::year(static_cast<int>(y)) / chr::month(m) / chr::day(d))
      .time_since_epoch()
      .count();
}

void civilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  const chr::year_month_day ymd{chr::sys_days(chr::days(z))};
  *y = static_cast<int>(ymd.year());
  *m = static_cast<unsigned>(ymd.month());
  *d = static_cast<unsigned>(ymd.day());
}

constexpr int64_t kPacificOffsetMs = -8LL * 3600 * 1000;

// "YYYY-MM-DD", "YYYY-MM-DDThh:mm:ss[.fff](Z|±hh:mm)" → epoch ms.
std::optional<int64_t> parseTime(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (s.size() < 10 ||
      std::sscanf(std::string(s.substr(0, 10)).c_str(), "%4d-%2d-%2d", &y, &mo, &d) != 3) {
    return std::nullopt;
  }
  int64_t ms = daysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86'400'000;
  if (s.size() == 10) {
    return ms;
  }
  if (s.size() < 19 || s[10] != 'T' ||
      std::sscanf(std::string(s.substr(11, 8)).c_str(), "%2d:%2d:%2d", &h, &mi, &se) != 3) {
    return std::nullopt;
  }
  ms += (h * 3600LL + mi * 60LL + se) * 1000;
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    int64_t frac = 0;
    int digits = 0;
    ++pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])) != 0) {
      if (digits < 3) {
        frac = frac * 10 + (s[pos] - '0');
        ++digits;
      }
      ++pos;
    }
    while (digits < 3) {
      frac *= 10;
      ++digits;
    }
    ms += frac;
  }
  if (pos == s.size()) {
    return ms;  // no offset: taken as UTC
  }
  if (s[pos] == 'Z') {
    return ms;
  }
  int oh = 0, om = 0;
  if ((s[pos] != '+' && s[pos] != '-') ||
      std::sscanf(std::string(s.substr(pos + 1)).c_str(), "%2d:%2d", &oh, &om) != 2) {
    return std::nullopt;
  }
  const int64_t offset = (oh * 3600LL + om * 60LL) * 1000 * (s[pos] == '-' ? -1 : 1);
  return ms - offset;
}

std::string formatTime(int64_t ms, int64_t offsetMs, bool millis) {
  const int64_t local = ms + offsetMs;
  int64_t days = local / 86'400'000;
  int64_t rem = local % 86'400'000;
  if (rem < 0) {
    rem += 86'400'000;
    --days;
  }
  int64_t y = 0;
  unsigned m = 0, d = 0;
  civilFromDays(days, &y, &m, &d);
  const int64_t secs = rem / 1000;
  char buf[128];
  const int64_t off = offsetMs / 60'000;
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld", static_cast<long long>(y),
                m, d, static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                static_cast<long long>(secs % 60));
  std::string out = buf;
  if (millis) {
    std::snprintf(buf, sizeof buf, ".%03lld", static_cast<long long>(rem % 1000));
    out += buf;
  }
  std::snprintf(buf, sizeof buf, "%c%02lld:%02lld", off < 0 ? '-' : '+',
                static_cast<long long>((off < 0 ? -off : off) / 60),
                static_cast<long long>((off < 0 ? -off : off) % 60));
  return out + buf;
}

std::string dateOf(int64_t ms) { return formatTime(ms, kPacificOffsetMs, false).substr(0, 10); }

// --- small helpers -------------------------------------------------------------------------------
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("FakeQbo: cannot read fixture " + path);
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string base64(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string percentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::map<std::string, std::string> parseForm(std::string_view body) {
  std::map<std::string, std::string> out;
  size_t from = 0;
  while (from <= body.size()) {
    size_t amp = body.find('&', from);
    if (amp == std::string_view::npos) {
      amp = body.size();
    }
    const std::string_view pair = body.substr(from, amp - from);
    const size_t eq = pair.find('=');
    if (!pair.empty()) {
      out[percentDecode(pair.substr(0, eq))] =
          eq == std::string_view::npos ? std::string() : percentDecode(pair.substr(eq + 1));
    }
    from = amp + 1;
  }
  return out;
}

std::string urlEncode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// The URL segment of an entity and back.
const std::vector<std::string>& entityNames() {
  static const std::vector<std::string> names = {"Customer",      "Invoice",    "Payment",
                                                 "RefundReceipt", "CreditMemo", "Deposit",
                                                 "JournalEntry",  "Account",    "Item"};
  return names;
}

std::string entityOfSegment(std::string_view segment) {
  for (const auto& e : entityNames()) {
    if (iequals(e, segment)) {
      return e;
    }
  }
  return {};
}

// Entities whose name must be unique (6240) and which queries return active-only by default.
bool isNameList(const std::string& entity) {
  return entity == "Customer" || entity == "Account" || entity == "Item";
}

std::string nameField(const std::string& entity) {
  return entity == "Customer" ? "DisplayName" : "Name";
}

// A QBO fault as thrown inside the fake's handlers.
struct QboFault {
  int status = 400;
  std::string code;
  std::string message;
  std::string detail;
  std::string element;
  std::string type = "ValidationFault";

  Json errorJson() const {
    Json e = {{"Message", message}, {"Detail", detail}, {"code", code}};
    if (!element.empty() || code == "5010" || code == "610") {
      e["element"] = element;
    }
    return e;
  }
  Json faultJson() const { return {{"Error", Json::array({errorJson()})}, {"type", type}}; }
};

QboFault required(const std::string& element) {
  return {400, "2020", "Required param missing, need to supply the required value for the API",
          "Required parameter " + element + " is missing in the request", element};
}

QboFault invalidReference(const std::string& what, const std::string& id) {
  return {400, "2500", "Invalid Reference Id",
          "Invalid Reference Id : Something you're trying to use has been made inactive or does "
          "not exist: " +
              what + " " + id,
          ""};
}

QboFault staleObject() {
  return {400, "5010", "Stale Object Error",
          "Stale Object Error : You and Christian Pelczarski were working on this at the same "
          "time. Christian Pelczarski finished before you did, so your work was not saved.",
          ""};
}

QboFault invalidQuery(const std::string& detail) {
  return {400, "4001", "Invalid query", "QueryValidationError: " + detail, ""};
}

QboFault businessValidation(const std::string& detail) {
  return {400, "6000", "A business validation error has occurred while processing your request",
          "Business Validation Error: " + detail, ""};
}

// --- query language ------------------------------------------------------------------------------
struct Condition {
  std::string field;
  std::string op;                   // = < > <= >= IN LIKE
  std::vector<std::string> values;  // unquoted
};

struct Query {
  bool count = false;
  std::string entity;
  std::vector<Condition> where;
  std::string orderBy;
  bool descending = false;
  int64_t startPosition = 1;
  int64_t maxResults = 100;
};

class QueryLexer {
 public:
  explicit QueryLexer(std::string_view text) : s_(text) {}

  void skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_])) != 0) {
      ++pos_;
    }
  }
  bool atEnd() {
    skip();
    return pos_ >= s_.size();
  }
  // A word, an operator or a punctuation char; quoted strings come back without quotes through
  // `quoted`.
  std::string next(bool* quoted = nullptr) {
    skip();
    if (quoted != nullptr) {
      *quoted = false;
    }
    if (pos_ >= s_.size()) {
      return {};
    }
    const char c = s_[pos_];
    if (c == '\'') {
      std::string out;
      ++pos_;
      while (pos_ < s_.size() && s_[pos_] != '\'') {
        if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) {
          ++pos_;
        }
        out += s_[pos_++];
      }
      ++pos_;
      if (quoted != nullptr) {
        *quoted = true;
      }
      return out;
    }
    if (c == '(' || c == ')' || c == ',' || c == '*') {
      ++pos_;
      return std::string(1, c);
    }
    if (c == '<' || c == '>' || c == '=' || c == '!') {
      std::string op(1, c);
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '=' || s_[pos_] == '>')) {
        op += s_[pos_++];
      }
      return op;
    }
    const size_t start = pos_;
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_])) == 0 &&
           std::string_view("(),'<>=!*").find(s_[pos_]) == std::string_view::npos) {
      ++pos_;
    }
    return std::string(s_.substr(start, pos_ - start));
  }
  std::string peek() {
    const size_t saved = pos_;
    std::string t = next();
    pos_ = saved;
    return t;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

Query parseQuery(std::string_view text) {
  QueryLexer lex(text);
  Query q;
  if (!iequals(lex.next(), "select")) {
    throw invalidQuery("expected SELECT");
  }
  std::string what = lex.next();
  if (iequals(what, "count")) {
    if (lex.next() != "(" || lex.next() != "*" || lex.next() != ")") {
      throw invalidQuery("expected COUNT(*)");
    }
    q.count = true;
  } else if (what != "*") {
    throw invalidQuery("only SELECT * and SELECT COUNT(*) are supported by the fake");
  }
  if (!iequals(lex.next(), "from")) {
    throw invalidQuery("expected FROM");
  }
  const std::string entityWord = lex.next();
  q.entity = entityOfSegment(entityWord);
  if (q.entity.empty()) {
    throw invalidQuery("invalid context declaration: " + entityWord);
  }
  while (!lex.atEnd()) {
    const std::string word = lex.next();
    if (iequals(word, "where") || iequals(word, "and")) {
      Condition c;
      c.field = lex.next();
      c.op = lex.next();
      if (iequals(c.op, "in")) {
        c.op = "IN";
        if (lex.next() != "(") {
          throw invalidQuery("expected ( after IN");
        }
        for (;;) {
          c.values.push_back(lex.next());
          const std::string sep = lex.next();
          if (sep == ")") {
            break;
          }
          if (sep != ",") {
            throw invalidQuery("expected , or ) in IN list");
          }
        }
      } else {
        if (iequals(c.op, "like")) {
          c.op = "LIKE";
        } else if (c.op != "=" && c.op != "<" && c.op != ">" && c.op != "<=" && c.op != ">=") {
          throw invalidQuery("unsupported operator " + c.op);
        }
        c.values.push_back(lex.next());
      }
      q.where.push_back(std::move(c));
    } else if (iequals(word, "orderby")) {
      q.orderBy = lex.next();
      const std::string dir = lex.peek();
      if (iequals(dir, "asc") || iequals(dir, "desc")) {
        q.descending = iequals(lex.next(), "desc");
      }
    } else if (iequals(word, "startposition") || iequals(word, "maxresults")) {
      const std::string n = lex.next();
      int64_t v = 0;
      try {
        v = std::stoll(n);
      } catch (...) {
        throw invalidQuery("expected a number after " + word);
      }
      if (iequals(word, "startposition")) {
        if (v < 1) {
          throw invalidQuery("STARTPOSITION must be at least 1");
        }
        q.startPosition = v;
      } else {
        if (v < 1 || v > 1000) {
          throw invalidQuery("value " + n + " is out of range. Max allowed value is 1000");
        }
        q.maxResults = v;
      }
    } else {
      throw invalidQuery("unexpected token " + word);
    }
  }
  return q;
}

// The value of a dotted field path of an object, as text ("" when absent). A *Ref field compares
// with its value.
std::optional<std::string> fieldText(const Json& obj, const std::string& path) {
  const Json* cur = &obj;
  size_t from = 0;
  while (from <= path.size()) {
    size_t dot = path.find('.', from);
    if (dot == std::string::npos) {
      dot = path.size();
    }
    const std::string key = path.substr(from, dot - from);
    if (!cur->is_object() || !cur->contains(key)) {
      return std::nullopt;
    }
    cur = &(*cur)[key];
    from = dot + 1;
  }
  if (cur->is_object() && cur->contains("value")) {
    cur = &(*cur)["value"];
  }
  if (cur->is_string()) {
    std::string s = cur->get<std::string>();
    if (s.rfind(kNum, 0) == 0) {
      s.erase(0, kNum.size());
    }
    return s;
  }
  if (cur->is_boolean()) {
    return cur->get<bool>() ? "true" : "false";
  }
  if (cur->is_number()) {
    return cur->dump();
  }
  return std::nullopt;
}

// -1, 0, 1 comparing a field's text with a literal: as times, then numbers, then text (no case).
int compareValues(const std::string& a, const std::string& b) {
  auto ta = parseTime(a);
  auto tb = parseTime(b);
  if (ta && tb && a.size() >= 10 && b.size() >= 10 && a[4] == '-' && b[4] == '-') {
    return *ta < *tb ? -1 : (*ta > *tb ? 1 : 0);
  }
  char* ea = nullptr;
  char* eb = nullptr;
  const double da = std::strtod(a.c_str(), &ea);  // ordering only; never stored as money
  const double db = std::strtod(b.c_str(), &eb);
  if (!a.empty() && !b.empty() && *ea == '\0' && *eb == '\0') {
    return da < db ? -1 : (da > db ? 1 : 0);
  }
  const std::string la = lower(a);
  const std::string lb = lower(b);
  return la < lb ? -1 : (la > lb ? 1 : 0);
}

bool likeMatch(const std::string& text, const std::string& pattern) {
  // '%' only, as QBO's LIKE supports.
  const std::string t = lower(text);
  const std::string p = lower(pattern);
  std::vector<std::string> parts;
  size_t from = 0;
  for (size_t at = p.find('%'); at != std::string::npos; at = p.find('%', from)) {
    parts.push_back(p.substr(from, at - from));
    from = at + 1;
  }
  parts.push_back(p.substr(from));
  if (parts.size() == 1) {
    return t == p;
  }
  if (t.rfind(parts.front(), 0) != 0) {
    return false;
  }
  size_t pos = parts.front().size();
  for (size_t i = 1; i + 1 < parts.size(); ++i) {
    const size_t at = t.find(parts[i], pos);
    if (at == std::string::npos) {
      return false;
    }
    pos = at + parts[i].size();
  }
  const std::string& last = parts.back();
  return t.size() >= pos + last.size() && t.compare(t.size() - last.size(), last.size(), last) == 0;
}

bool matches(const Json& obj, const Condition& c) {
  const auto v = fieldText(obj, c.field);
  if (!v) {
    return false;
  }
  if (c.op == "IN") {
    return std::any_of(c.values.begin(), c.values.end(),
                       [&](const std::string& x) { return compareValues(*v, x) == 0; });
  }
  if (c.op == "LIKE") {
    return likeMatch(*v, c.values.front());
  }
  const int cmp = compareValues(*v, c.values.front());
  if (c.op == "=") {
    return cmp == 0;
  }
  if (c.op == "<") {
    return cmp < 0;
  }
  if (c.op == ">") {
    return cmp > 0;
  }
  if (c.op == "<=") {
    return cmp <= 0;
  }
  return cmp >= 0;
}

// A handler's outcome before it becomes a FakeResponse (so requestid can replay it).
struct Reply {
  int status = 200;
  std::string body;
  std::string contentType = "application/json;charset=utf-8";
};

}  // namespace

// --- the store -----------------------------------------------------------------------------------

struct FakeQbo::Store {
  explicit Store(const Options& options) : options(options) {}

  const Options& options;
  mutable std::mutex mu;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  int64_t advancedMs = 0;

  std::map<std::string, std::map<int64_t, Json>> objects;  // entity → Id → object
  std::map<std::string, int64_t> nextId;
  struct Deleted {
    std::string entity;
    Json stub;
    int64_t atMs;
  };
  std::vector<Deleted> deleted;

  std::map<std::string, int64_t> accessTokens;  // token → expiry ms
  struct Refresh {
    int64_t expiresMs = 0;
    bool valid = true;
  };
  std::map<std::string, Refresh> refreshTokens;
  std::map<std::string, int64_t> codes;  // authorization code → expiry ms
  int64_t tokenSeq = 0;
  std::string latestRefresh;
  std::map<std::string, size_t> grantCounts;

  std::map<std::string, Reply> replies;  // path + requestid → first reply
  int staleFaults = 0;

  std::deque<int64_t> recent;
  std::deque<int64_t> recentBatches;
  int inFlight = 0;

  std::string fault401;
  std::string throttleXml;
  std::string throttleJson;
  std::string invalidGrant;

  int64_t now() const {
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now() - started)
                             .count();
    return options.startMs + advancedMs +
           static_cast<int64_t>(static_cast<double>(elapsed) * options.timeScale);
  }

  std::string newToken(const char* prefix) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "%s%06lld", prefix, static_cast<long long>(++tokenSeq));
    return std::string(buf) + "x" + std::to_string(now() % 9973);
  }

  FakeQbo::Tokens issue() {
    FakeQbo::Tokens t{newToken("eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0.fake-at-"),
                      newToken("AB11fake-rt-")};
    accessTokens[t.accessToken] = now() + options.accessTokenTtlSeconds * 1000;
    refreshTokens[t.refreshToken] = {now() + options.refreshTokenTtlSeconds * 1000, true};
    latestRefresh = t.refreshToken;
    return t;
  }

  Json metaData() const {
    const std::string t = formatTime(now(), kPacificOffsetMs, false);
    return {{"CreateTime", t}, {"LastUpdatedTime", t}};
  }

  Json* find(const std::string& entity, const std::string& id) {
    auto& m = objects[entity];
    try {
      auto it = m.find(std::stoll(id));
      return it == m.end() ? nullptr : &it->second;
    } catch (...) {
      return nullptr;
    }
  }

  // obj[key] must be an Account reference that exists; QBO echoes its name.
  void requireAccount(Json& obj, const char* key) {
    if (!obj.contains(key)) {
      throw required(key);
    }
    if (!refExists("Account", obj[key])) {
      throw invalidReference("Account", obj[key].value("value", std::string()));
    }
    nameRef("Account", obj[key]);
  }

  bool refExists(const std::string& entity, const Json& ref) {
    return ref.is_object() && ref.contains("value") && ref["value"].is_string() &&
           find(entity, ref["value"].get<std::string>()) != nullptr;
  }

  // Adds name to a *Ref from the referenced object, as QBO echoes it.
  void nameRef(const std::string& entity, Json& ref) {
    if (!ref.is_object() || !ref.contains("value") || !ref["value"].is_string()) {
      return;
    }
    if (const Json* o = find(entity, ref["value"].get<std::string>())) {
      const std::string f = nameField(entity);
      if (o->contains(f)) {
        ref["name"] = (*o)[f];
      }
    }
  }

  core::Money sumLines(const Json& lines, const char* detailType) {
    core::Money total = core::zero(homeCurrency());
    for (const auto& l : lines) {
      if (detailType != nullptr && l.value("DetailType", std::string()) != detailType) {
        continue;
      }
      if (auto a = amountOf(l.value("Amount", Json()))) {
        total = *core::add(total, *a);
      }
    }
    return total;
  }

  void requireLines(const Json& obj) {
    if (!obj.contains("Line") || !obj["Line"].is_array() || obj["Line"].empty()) {
      throw required("Line");
    }
    for (const auto& l : obj["Line"]) {
      if (!amountOf(l.value("Amount", Json()))) {
        throw required("Line.Amount");
      }
    }
  }

  void checkItemLines(Json& obj) {
    for (auto& l : obj["Line"]) {
      if (l.value("DetailType", std::string()) == "SalesItemLineDetail") {
        Json& d = l["SalesItemLineDetail"];
        if (d.contains("ItemRef")) {
          if (!refExists("Item", d["ItemRef"])) {
            throw invalidReference("Item", d["ItemRef"].value("value", std::string()));
          }
          nameRef("Item", d["ItemRef"]);
        }
      }
    }
  }

  // Validates `obj` for `entity` and fills in what QBO computes. Throws QboFault.
  void validate(const std::string& entity, Json& obj, const std::string* selfId) {
    if (isNameList(entity)) {
      const std::string f = nameField(entity);
      if (!obj.contains(f) || !obj[f].is_string() || obj[f].get<std::string>().empty()) {
        throw required(f);
      }
      for (const auto& [id, other] : objects[entity]) {
        if (selfId != nullptr && std::to_string(id) == *selfId) {
          continue;
        }
        if (iequals(other.value(f, std::string()), obj[f].get<std::string>())) {
          throw QboFault{400, "6240", "Duplicate Name Exists Error",
                         "The name supplied already exists. : null", ""};
        }
      }
      if (entity == "Customer" && !obj.contains("FullyQualifiedName")) {
        obj["FullyQualifiedName"] = obj[f];
      }
      if (!obj.contains("Active")) {
        obj["Active"] = true;
      }
      if (entity == "Customer") {
        if (!obj.contains("Balance")) {
          obj["Balance"] = 0;
        }
        if (!obj.contains("PrintOnCheckName")) {
          obj["PrintOnCheckName"] = obj[f];
        }
      }
      if (entity == "Account" && !obj.contains("AccountType")) {
        throw required("AccountType");
      }
      return;
    }
    if (entity == "Invoice" || entity == "CreditMemo" || entity == "RefundReceipt") {
      if (entity != "RefundReceipt" && !obj.contains("CustomerRef")) {
        throw required("CustomerRef");
      }
      if (obj.contains("CustomerRef")) {
        if (!refExists("Customer", obj["CustomerRef"])) {
          throw invalidReference("Customer", obj["CustomerRef"].value("value", std::string()));
        }
        nameRef("Customer", obj["CustomerRef"]);
      }
      requireLines(obj);
      checkItemLines(obj);
      if (entity == "RefundReceipt") {
        requireAccount(obj, "DepositToAccountRef");
      }
      // QBO adds the subtotal line and computes the totals.
      Json lines = Json::array();
      for (const auto& l : obj["Line"]) {
        if (l.value("DetailType", std::string()) != "SubTotalLineDetail") {
          lines.push_back(l);
        }
      }
      const core::Money total = sumLines(lines, "SalesItemLineDetail");
      int n = 0;
      for (auto& l : lines) {
        l["Id"] = std::to_string(++n);
        l["LineNum"] = n;
      }
      lines.push_back({{"Amount", amountJson(total)},
                       {"DetailType", "SubTotalLineDetail"},
                       {"SubTotalLineDetail", Json::object()}});
      obj["Line"] = lines;
      if (!obj.contains("TxnDate")) {
        obj["TxnDate"] = dateOf(now());
      }
      obj["TotalAmt"] = amountJson(total);
      if (entity == "Invoice") {
        obj["Balance"] = amountJson(total);
        if (!obj.contains("DueDate")) {
          obj["DueDate"] = obj["TxnDate"];
        }
      } else if (entity == "CreditMemo") {
        obj["RemainingCredit"] = amountJson(total);
        obj["Balance"] = amountJson(total);
      } else {
        obj["Balance"] = 0;
      }
      return;
    }
    if (entity == "Payment") {
      if (!obj.contains("CustomerRef")) {
        throw required("CustomerRef");
      }
      if (!refExists("Customer", obj["CustomerRef"])) {
        throw invalidReference("Customer", obj["CustomerRef"].value("value", std::string()));
      }
      nameRef("Customer", obj["CustomerRef"]);
      const auto total = amountOf(obj.value("TotalAmt", Json()));
      if (!total) {
        throw required("TotalAmt");
      }
      if (obj.contains("DepositToAccountRef")) {
        requireAccount(obj, "DepositToAccountRef");
      }
      core::Money applied = core::zero(homeCurrency());
      std::vector<std::pair<Json*, core::Money>> apply;
      for (auto& l : obj.value("Line", Json::array())) {
        const auto amount = amountOf(l.value("Amount", Json()));
        if (!amount) {
          throw required("Line.Amount");
        }
        for (const auto& t : l.value("LinkedTxn", Json::array())) {
          if (t.value("TxnType", std::string()) != "Invoice") {
            continue;
          }
          Json* inv = find("Invoice", t.value("TxnId", std::string()));
          if (inv == nullptr) {
            throw invalidReference("Invoice", t.value("TxnId", std::string()));
          }
          if ((*inv)["CustomerRef"].value("value", std::string()) !=
              obj["CustomerRef"].value("value", std::string())) {
            throw businessValidation("The customer of the payment is not the customer of invoice " +
                                     t.value("TxnId", std::string()));
          }
          apply.emplace_back(inv, *amount);
        }
        applied = *core::add(applied, *amount);
      }
      if (*core::compare(applied, *total) > 0) {
        throw businessValidation("The amount applied is more than the payment total.");
      }
      for (auto& [inv, amount] : apply) {
        const auto balance = amountOf((*inv)["Balance"]).value_or(core::zero(homeCurrency()));
        const auto left = *core::subtract(balance, amount);
        if (left.isNegative()) {
          throw businessValidation("The payment is more than the open balance of the invoice.");
        }
      }
      for (auto& [inv, amount] : apply) {
        const auto balance = amountOf((*inv)["Balance"]).value_or(core::zero(homeCurrency()));
        (*inv)["Balance"] = amountJson(*core::subtract(balance, amount));
        (*inv)["SyncToken"] =
            std::to_string(std::stoll((*inv)["SyncToken"].get<std::string>()) + 1);
        (*inv)["MetaData"]["LastUpdatedTime"] = formatTime(now(), kPacificOffsetMs, false);
      }
      obj["UnappliedAmt"] = amountJson(*core::subtract(*total, applied));
      obj["TotalAmt"] = amountJson(*total);
      if (!obj.contains("TxnDate")) {
        obj["TxnDate"] = dateOf(now());
      }
      return;
    }
    if (entity == "Deposit") {
      requireAccount(obj, "DepositToAccountRef");
      requireLines(obj);
      int n = 0;
      for (auto& l : obj["Line"]) {
        if (l.contains("DepositLineDetail")) {
          Json& ref = l["DepositLineDetail"]["AccountRef"];
          if (!refExists("Account", ref)) {
            throw invalidReference("Account", ref.value("value", std::string()));
          }
          nameRef("Account", ref);
        } else if (!l.contains("LinkedTxn")) {
          throw required("Line.DepositLineDetail");
        }
        l["Id"] = std::to_string(++n);
        l["LineNum"] = n;
      }
      obj["TotalAmt"] = amountJson(sumLines(obj["Line"], nullptr));
      if (!obj.contains("TxnDate")) {
        obj["TxnDate"] = dateOf(now());
      }
      return;
    }
    if (entity == "JournalEntry") {
      requireLines(obj);
      core::Money debit = core::zero(homeCurrency());
      core::Money credit = core::zero(homeCurrency());
      int n = 0;
      for (auto& l : obj["Line"]) {
        Json& d = l["JournalEntryLineDetail"];
        if (!d.is_object() || !d.contains("PostingType")) {
          throw required("Line.JournalEntryLineDetail.PostingType");
        }
        if (!refExists("Account", d.value("AccountRef", Json()))) {
          throw invalidReference(
              "Account", d.value("AccountRef", Json::object()).value("value", std::string()));
        }
        nameRef("Account", d["AccountRef"]);
        const auto a = *amountOf(l["Amount"]);
        if (d["PostingType"] == "Debit") {
          debit = *core::add(debit, a);
        } else {
          credit = *core::add(credit, a);
        }
        l["Id"] = std::to_string(n++);
      }
      if (debit != credit) {
        throw businessValidation(
            "You must enter an amount equal to the debit and credit. Please correct it and try "
            "again.");
      }
      obj["TotalAmt"] = amountJson(debit);
      if (!obj.contains("TxnDate")) {
        obj["TxnDate"] = dateOf(now());
      }
      return;
    }
  }

  // Creates (no Id) or updates (Id) `entity` from a request body object; returns the stored copy.
  Json write(const std::string& entity, Json body, bool deleteOp) {
    if (!body.is_object()) {
      throw QboFault{400, "2010", "Request has invalid or unsupported property",
                     "Property Name:the request body is not a " + entity + " object", ""};
    }
    if (deleteOp || body.contains("Id")) {
      const std::string id = body.value("Id", Json()).is_string() ? body["Id"].get<std::string>()
                                                                  : body.value("Id", Json()).dump();
      Json* existing = find(entity, id);
      if (existing == nullptr) {
        throw QboFault{400, "610", "Object Not Found",
                       "Object Not Found : Something you're trying to use has been made inactive. "
                       "Check the fields with accounts, customers, items, vendors or employees.",
                       ""};
      }
      if (staleFaults > 0 ||
          body.value("SyncToken", std::string()) != existing->value("SyncToken", std::string())) {
        if (staleFaults > 0) {
          --staleFaults;
        }
        throw staleObject();
      }
      if (deleteOp) {
        Json stub = {
            {"domain", "QBO"},
            {"status", "Deleted"},
            {"Id", id},
            {"MetaData", {{"LastUpdatedTime", formatTime(now(), kPacificOffsetMs, false)}}}};
        deleted.push_back({entity, stub, now()});
        objects[entity].erase(std::stoll(id));
        return stub;
      }
      Json merged = body.value("sparse", false) ? *existing : Json::object();
      for (auto& [k, v] : body.items()) {
        if (k != "sparse" && k != "SyncToken" && k != "MetaData") {
          merged[k] = v;
        }
      }
      validate(entity, merged, &id);
      merged["domain"] = "QBO";
      merged["sparse"] = false;
      merged["Id"] = id;
      merged["SyncToken"] =
          std::to_string(std::stoll(existing->value("SyncToken", std::string("0"))) + 1);
      merged["MetaData"] = (*existing)["MetaData"];
      merged["MetaData"]["LastUpdatedTime"] = formatTime(now(), kPacificOffsetMs, false);
      *existing = merged;
      return merged;
    }
    validate(entity, body, nullptr);
    return insert(entity, std::move(body));
  }

  Json insert(const std::string& entity, Json obj) {
    const int64_t id = ++nextId[entity];
    Json stored = Json::object();
    stored["domain"] = "QBO";
    stored["sparse"] = false;
    stored["Id"] = std::to_string(id);
    stored["SyncToken"] = "0";
    stored["MetaData"] = metaData();
    for (auto& [k, v] : obj.items()) {
      if (k != "sparse" && k != "Id" && k != "SyncToken" && k != "MetaData" && k != "domain") {
        stored[k] = v;
      }
    }
    objects[entity][id] = stored;
    return stored;
  }

  Json runQuery(const Query& q) {
    std::vector<const Json*> hits;
    const bool namesActive = std::any_of(q.where.begin(), q.where.end(), [](const Condition& c) {
      return iequals(c.field, "Active");
    });
    for (const auto& [id, obj] : objects[q.entity]) {
      if (isNameList(q.entity) && !namesActive && !obj.value("Active", true)) {
        continue;
      }
      if (std::all_of(q.where.begin(), q.where.end(),
                      [&](const Condition& c) { return matches(obj, c); })) {
        hits.push_back(&obj);
      }
    }
    Json qr = Json::object();
    if (q.count) {
      qr["totalCount"] = hits.size();
      return qr;
    }
    if (!q.orderBy.empty()) {
      std::stable_sort(hits.begin(), hits.end(), [&](const Json* a, const Json* b) {
        const int c = compareValues(fieldText(*a, q.orderBy).value_or(""),
                                    fieldText(*b, q.orderBy).value_or(""));
        return q.descending ? c > 0 : c < 0;
      });
    }
    Json page = Json::array();
    for (int64_t i = q.startPosition - 1;
         i < static_cast<int64_t>(hits.size()) && static_cast<int64_t>(page.size()) < q.maxResults;
         ++i) {
      page.push_back(*hits[static_cast<size_t>(i)]);
    }
    if (page.empty()) {
      return qr;  // {"QueryResponse":{}}, as a page past the end is answered
    }
    qr[q.entity] = page;
    qr["startPosition"] = q.startPosition;
    qr["maxResults"] = page.size();
    return qr;
  }
};

// --- FakeQbo -------------------------------------------------------------------------------------

const std::vector<std::string>& FakeQbo::entities() { return entityNames(); }

FakeQbo::FakeQbo() : FakeQbo(Options{}) {}

FakeQbo::FakeQbo(Options options)
    : options_(std::move(options)),
      server_(options_.server),
      store_(std::make_unique<Store>(options_)) {
  if (options_.fixturesDir.empty()) {
    options_.fixturesDir = std::string(LH_TEST_FIXTURES_DIR) + "/qbo";
  }
  const std::string dir = options_.fixturesDir + "/";
  store_->fault401 = readFile(dir + "fault_401_auth_3200.json");
  store_->throttleXml = readFile(dir + "fault_429_throttle_3001.xml");
  store_->throttleJson = readFile(dir + "fault_429_throttle_3001.assembled.json");
  store_->invalidGrant = readFile(dir + "oauth_token_error_invalid_grant.json");
  if (options_.seedDefaults) {
    std::lock_guard lock(store_->mu);
    const auto account = [&](const char* name, const char* type, const char* subType) {
      store_->insert("Account",
                     Json{{"Name", name},
                          {"SubAccount", false},
                          {"FullyQualifiedName", name},
                          {"Active", true},
                          {"AccountType", type},
                          {"AccountSubType", subType},
                          {"CurrentBalance", 0},
                          {"CurrencyRef", {{"value", "USD"}, {"name", "United States Dollar"}}}});
    };
    account("Checking", "Bank", "Checking");
    account("Stripe Clearing", "Bank", "CashOnHand");
    account("Undeposited Funds", "Other Current Asset", "UndepositedFunds");
    account("Sales of Product Income", "Income", "SalesOfProductIncome");
    account("Services", "Income", "ServiceFeeIncome");
    account("Bank Charges", "Expense", "BankCharges");
    store_->insert("Item", Json{{"Name", "Services"},
                                {"Active", true},
                                {"FullyQualifiedName", "Services"},
                                {"Taxable", false},
                                {"IncomeAccountRef", {{"value", "5"}, {"name", "Services"}}},
                                {"Type", "Service"}});
  }
  installRoutes();
}

FakeQbo::~FakeQbo() { stop(); }

Status FakeQbo::start() { return server_.start(); }
void FakeQbo::stop() { server_.stop(); }

std::string FakeQbo::issueAuthorizationCode() {
  std::lock_guard lock(store_->mu);
  const std::string code = store_->newToken("AB11fake-code-");
  store_->codes[code] = store_->now() + 600'000;
  return code;
}

FakeQbo::Tokens FakeQbo::issueTokens() {
  std::lock_guard lock(store_->mu);
  return store_->issue();
}

void FakeQbo::expireAccessTokens() {
  std::lock_guard lock(store_->mu);
  for (auto& [token, expiry] : store_->accessTokens) {
    expiry = std::min(expiry, store_->now() - 1);
  }
}

void FakeQbo::revokeRefreshTokens() {
  std::lock_guard lock(store_->mu);
  for (auto& [token, r] : store_->refreshTokens) {
    r.valid = false;
  }
}

std::string FakeQbo::latestRefreshToken() const {
  std::lock_guard lock(store_->mu);
  return store_->latestRefresh;
}

bool FakeQbo::refreshTokenValid(const std::string& refreshToken) const {
  std::lock_guard lock(store_->mu);
  auto it = store_->refreshTokens.find(refreshToken);
  return it != store_->refreshTokens.end() && it->second.valid &&
         it->second.expiresMs > store_->now();
}

size_t FakeQbo::tokenRequests(std::string_view grantType) const {
  std::lock_guard lock(store_->mu);
  auto it = store_->grantCounts.find(std::string(grantType));
  return it == store_->grantCounts.end() ? 0 : it->second;
}

int64_t FakeQbo::nowMs() const {
  std::lock_guard lock(store_->mu);
  return store_->now();
}

void FakeQbo::advance(std::chrono::milliseconds by) {
  std::lock_guard lock(store_->mu);
  store_->advancedMs += by.count();
}

std::string FakeQbo::qboTime(int64_t ms) { return formatTime(ms, kPacificOffsetMs, false); }

std::string FakeQbo::add(const std::string& entity, nlohmann::ordered_json object) {
  // Decimal strings and JSON numbers both become exact number tokens.
  std::function<void(Json&)> mark = [&](Json& v) {
    if (v.is_number_float()) {
      v = std::string(kNum) + v.dump();
    } else if (v.is_structured()) {
      for (auto& child : v) {
        mark(child);
      }
    }
  };
  mark(object);
  for (const char* key : {"TotalAmt", "Balance", "Amount"}) {
    if (object.contains(key) && object[key].is_string()) {
      object[key] = std::string(kNum) + object[key].get<std::string>();
    }
  }
  if (isNameList(entity) && !object.contains("Active")) {
    object["Active"] = true;  // as QBO gives every list entity
  }
  std::lock_guard lock(store_->mu);
  return store_->insert(entity, std::move(object))["Id"].get<std::string>();
}

bool FakeQbo::modify(const std::string& entity, const std::string& id,
                     const nlohmann::ordered_json& changes) {
  std::lock_guard lock(store_->mu);
  Json* obj = store_->find(entity, id);
  if (obj == nullptr) {
    return false;
  }
  for (auto& [k, v] : changes.items()) {
    (*obj)[k] = v;
  }
  (*obj)["SyncToken"] = std::to_string(std::stoll((*obj)["SyncToken"].get<std::string>()) + 1);
  (*obj)["MetaData"]["LastUpdatedTime"] = formatTime(store_->now(), kPacificOffsetMs, false);
  return true;
}

namespace {
// A copy whose exact number tokens are plain decimal strings ("100.00"), for tests to compare.
Json withDecimalStrings(Json v) {
  if (v.is_string() && v.get<std::string>().rfind(kNum, 0) == 0) {
    return v.get<std::string>().substr(kNum.size());
  }
  if (v.is_structured()) {
    for (auto& child : v) {
      child = withDecimalStrings(std::move(child));
    }
  }
  return v;
}
}  // namespace

nlohmann::ordered_json FakeQbo::object(const std::string& entity, const std::string& id) const {
  std::lock_guard lock(store_->mu);
  const Json* obj = store_->find(entity, id);
  return obj == nullptr ? Json() : withDecimalStrings(*obj);
}

std::vector<nlohmann::ordered_json> FakeQbo::objects(const std::string& entity) const {
  std::lock_guard lock(store_->mu);
  std::vector<Json> out;
  for (const auto& [id, obj] : store_->objects[entity]) {
    out.push_back(withDecimalStrings(obj));
  }
  return out;
}

size_t FakeQbo::count(const std::string& entity) const {
  std::lock_guard lock(store_->mu);
  return store_->objects[entity].size();
}

std::string FakeQbo::idByName(const std::string& entity, const std::string& name) const {
  std::lock_guard lock(store_->mu);
  for (const auto& [id, obj] : store_->objects[entity]) {
    if (obj.value(nameField(entity), std::string()) == name) {
      return std::to_string(id);
    }
  }
  return {};
}

void FakeQbo::injectRateLimit(int times, std::string pathRegex) {
  server_.inject(Fault::respond(429, store_->throttleJson, {}, "application/json"), times, {},
                 std::move(pathRegex));
}

void FakeQbo::injectXmlThrottle(int status, int times, std::string pathRegex) {
  server_.inject(Fault::respond(status, store_->throttleXml, {}, "application/xml"), times, {},
                 std::move(pathRegex));
}

void FakeQbo::injectUnauthorized(int times, std::string pathRegex) {
  server_.inject(Fault::respond(401, store_->fault401, {}, "application/json"), times, {},
                 std::move(pathRegex));
}

void FakeQbo::injectStaleObject(int times) {
  std::lock_guard lock(store_->mu);
  store_->staleFaults += times;
}

void FakeQbo::injectServerError(int status, int times, std::string pathRegex) {
  const QboFault f{status,
                   "10000",
                   "An application error has occurred while processing your request",
                   "System Failure Error: An unexpected error occurred while accessing or saving "
                   "your data. Please wait a few minutes and try again.",
                   "",
                   "SystemFault"};
  const Json body = {{"Fault", f.faultJson()}, {"time", "2026-01-01T00:00:00.000-08:00"}};
  server_.inject(Fault::respond(status, body.dump()), times, {}, std::move(pathRegex));
}

void FakeQbo::injectDropAfterCommit(int times, std::string pathRegex) {
  server_.inject(Fault::dropAfterHandler(), times, "POST", std::move(pathRegex));
}

size_t FakeQbo::apiRequests(std::string_view segment) const {
  const std::string prefix = "/v3/company/" + options_.realmId + "/";
  size_t n = 0;
  for (const auto& r : server_.requests()) {
    if (r.path.rfind(prefix, 0) != 0) {
      continue;
    }
    std::string_view rest = std::string_view(r.path).substr(prefix.size());
    rest = rest.substr(0, rest.find('/'));
    n += iequals(rest, segment) ? 1 : 0;
  }
  return n;
}

size_t FakeQbo::writeRequests() const {
  const std::string prefix = "/v3/company/" + options_.realmId + "/";
  size_t n = 0;
  for (const auto& r : server_.requests()) {
    if (r.method != "POST" || r.path.rfind(prefix, 0) != 0) {
      continue;
    }
    const std::string rest = r.path.substr(prefix.size());
    n += (rest == "batch" || !entityOfSegment(rest).empty()) ? 1 : 0;
  }
  return n;
}

// --- routes --------------------------------------------------------------------------------------

void FakeQbo::installRoutes() {
  Store& st = *store_;
  const Options& opt = options_;

  const auto timeNow = [&st]() { return formatTime(st.now(), kPacificOffsetMs, true); };
  const auto send = [](FakeResponse& res, const Reply& r) {
    res.status = r.status;
    res.body = r.body;
    res.contentType = r.contentType;
    res.header("intuit_tid", "1-5f732f5f-25dcb83b777d318c396aaf06");
  };
  const auto faultReply = [timeNow](const QboFault& f) {
    return Reply{f.status, Json{{"Fault", f.faultJson()}, {"time", timeNow()}}.dump(),
                 "application/json"};
  };

  // ---- OAuth consent: redirect back with a code
  server_.route("GET", "/connect/oauth2", [&st, &opt](const FakeRequest& req, FakeResponse& res) {
    const auto clientId = req.param("client_id");
    const auto redirect = req.param("redirect_uri");
    const auto scope = req.param("scope");
    if (!clientId || *clientId != opt.clientId || !redirect ||
        req.param("response_type") != "code" || !scope ||
        scope->find("com.intuit.quickbooks.accounting") == std::string::npos) {
      res.status = 400;
      res.contentType = "text/html";
      res.body = "<html><body>invalid_request</body></html>";
      return;
    }
    std::string code;
    {
      std::lock_guard lock(st.mu);
      code = st.newToken("AB11fake-code-");
      st.codes[code] = st.now() + 600'000;
    }
    res.status = 302;
    res.contentType = "text/html";
    res.header("Location", *redirect + (redirect->find('?') == std::string::npos ? "?" : "&") +
                               "code=" + urlEncode(code) +
                               "&state=" + urlEncode(req.param("state").value_or("")) +
                               "&realmId=" + opt.realmId);
  });

  // ---- OAuth token endpoint
  server_.route(
      "POST", "/oauth2/v1/tokens/bearer", [&st, &opt](const FakeRequest& req, FakeResponse& res) {
        const std::string expected = "Basic " + base64(opt.clientId + ":" + opt.clientSecret);
        if (req.header("Authorization").value_or("") != expected) {
          res.json(401, R"({"error":"invalid_client"})");
          return;
        }
        const auto form = parseForm(req.body);
        const auto get = [&](const char* k) {
          auto it = form.find(k);
          return it == form.end() ? std::string() : it->second;
        };
        const std::string grant = get("grant_type");
        std::lock_guard lock(st.mu);
        ++st.grantCounts[grant];
        if (grant == "authorization_code") {
          auto it = st.codes.find(get("code"));
          if (it == st.codes.end() || it->second < st.now() || get("redirect_uri").empty()) {
            res.json(400, st.invalidGrant);
            return;
          }
          st.codes.erase(it);
          const FakeQbo::Tokens t = st.issue();
          res.json(200, Json{{"access_token", t.accessToken},
                             {"refresh_token", t.refreshToken},
                             {"token_type", "bearer"},
                             {"expires_in", opt.accessTokenTtlSeconds},
                             {"x_refresh_token_expires_in", opt.refreshTokenTtlSeconds}}
                            .dump());
          return;
        }
        if (grant == "refresh_token") {
          auto it = st.refreshTokens.find(get("refresh_token"));
          if (it == st.refreshTokens.end() || !it->second.valid ||
              it->second.expiresMs < st.now()) {
            res.json(400, st.invalidGrant);
            return;
          }
          std::string refresh = it->first;
          std::string access =
              st.newToken("eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0.fake-at-");
          st.accessTokens[access] = st.now() + opt.accessTokenTtlSeconds * 1000;
          if (opt.rotateRefreshTokens) {
            it->second.valid = false;
            refresh = st.newToken("AB11fake-rt-");
            st.refreshTokens[refresh] = {st.now() + opt.refreshTokenTtlSeconds * 1000, true};
            st.latestRefresh = refresh;
          }
          res.json(200, Json{{"token_type", "bearer"},
                             {"expires_in", opt.accessTokenTtlSeconds},
                             {"refresh_token", refresh},
                             {"x_refresh_token_expires_in", opt.refreshTokenTtlSeconds},
                             {"access_token", access}}
                            .dump());
          return;
        }
        res.json(400, R"({"error":"unsupported_grant_type"})");
      });

  // ---- API: auth, realm, minorversion, requestid, throttle; then the operation
  using Op = std::function<Reply(const FakeRequest&, const std::string& segment)>;
  const auto api = [&st, &opt, send, faultReply, timeNow](bool isWrite, bool isBatch, Op op) {
    return [&st, &opt, send, faultReply, timeNow, isWrite, isBatch, op](const FakeRequest& req,
                                                                        FakeResponse& res) {
      const std::string realm = req.pathParams.at(0);
      const std::string segment = req.pathParams.size() > 1 ? req.pathParams.at(1) : "";
      {
        std::lock_guard lock(st.mu);
        const std::string auth = req.header("Authorization").value_or("");
        const std::string token = auth.rfind("Bearer ", 0) == 0 ? auth.substr(7) : "";
        auto it = st.accessTokens.find(token);
        if (it == st.accessTokens.end() || it->second <= st.now()) {
          send(res, Reply{401, st.fault401, "application/json"});
          return;
        }
      }
      if (realm != opt.realmId) {
        send(res, faultReply(QboFault{403, "3100", "ApplicationAuthorizationFailed",
                                      "message=ApplicationAuthorizationFailed; errorCode=003100; "
                                      "statusCode=403",
                                      "", "AuthorizationFault"}));
        return;
      }
      if (auto mv = req.param("minorversion")) {
        int v = 0;
        try {
          v = std::stoi(*mv);
        } catch (...) {
        }
        if (v < 75) {
          send(res, faultReply(businessValidation("minor version " + *mv +
                                                  " is no longer supported; use 75 or later")));
          return;
        }
      }
      // The fake's own throttle, on its clock.
      struct InFlight {
        Store& st;
        bool counted = false;
        ~InFlight() {
          if (counted) {
            std::lock_guard lock(st.mu);
            --st.inFlight;
          }
        }
      } inflight{st};
      if (opt.limits.enforce) {
        std::lock_guard lock(st.mu);
        const int64_t now = st.now();
        while (!st.recent.empty() && st.recent.front() <= now - 60'000) {
          st.recent.pop_front();
        }
        while (!st.recentBatches.empty() && st.recentBatches.front() <= now - 60'000) {
          st.recentBatches.pop_front();
        }
        const bool over =
            static_cast<int>(st.recent.size()) >= opt.limits.requestsPerMinute ||
            (isBatch && static_cast<int>(st.recentBatches.size()) >= opt.limits.batchesPerMinute) ||
            st.inFlight >= opt.limits.maxInFlight;
        if (over) {
          if (opt.limits.throttleAsXml) {
            send(res, Reply{opt.limits.throttleStatus, st.throttleXml, "application/xml"});
          } else {
            send(res, Reply{opt.limits.throttleStatus, st.throttleJson, "application/json"});
          }
          return;
        }
        st.recent.push_back(now);
        if (isBatch) {
          st.recentBatches.push_back(now);
        }
        ++st.inFlight;
        inflight.counted = true;
      }
      std::string requestKey;
      if (isWrite) {
        if (auto rid = req.param("requestid")) {
          if (rid->size() > (isBatch ? 36u : 50u)) {
            send(res, faultReply(businessValidation(
                          "You cannot enter more than " + std::to_string(isBatch ? 36 : 50) +
                          " characters in the request_id field. You tried entering " +
                          rid->substr(0, 10) + "..., which is " + std::to_string(rid->size()) +
                          " characters.")));
            return;
          }
          requestKey = req.path + "?" + *rid;
          std::lock_guard lock(st.mu);
          if (opt.honourRequestId) {
            auto it = st.replies.find(requestKey);
            if (it != st.replies.end()) {
              send(res, it->second);
              return;
            }
          }
        }
      }
      Reply reply;
      try {
        reply = op(req, segment);
      } catch (const QboFault& f) {
        reply = faultReply(f);
      }
      if (!requestKey.empty()) {
        std::lock_guard lock(st.mu);
        st.replies.emplace(requestKey, reply);
      }
      send(res, reply);
    };
  };

  const auto envelope = [timeNow](const std::string& entity, const Json& obj) {
    return Reply{200, wire(Json{{entity, obj}, {"time", timeNow()}})};
  };

  // query
  const auto queryOp = [&st, timeNow](const FakeRequest& req, const std::string&) {
    std::string text;
    if (req.method == "GET") {
      text = req.param("query").value_or("");
    } else {
      text = req.body;
    }
    const Query q = parseQuery(text);
    std::lock_guard lock(st.mu);
    return Reply{200, wire(Json{{"QueryResponse", st.runQuery(q)}, {"time", timeNow()}})};
  };
  server_.route("GET", R"(/v3/company/([^/]+)/(query))", api(false, false, queryOp));
  server_.route("POST", R"(/v3/company/([^/]+)/(query))", api(false, false, queryOp));

  // cdc
  server_.route(
      "GET", R"(/v3/company/([^/]+)/(cdc))",
      api(false, false, [&st, timeNow](const FakeRequest& req, const std::string&) {
        const std::string since = req.param("changedSince").value_or("");
        const auto sinceMs = parseTime(since);
        if (!sinceMs) {
          throw invalidQuery("changedSince is not a valid date-time: " + since);
        }
        std::vector<std::string> wanted;
        std::stringstream list(req.param("entities").value_or(""));
        for (std::string e; std::getline(list, e, ',');) {
          const std::string entity = entityOfSegment(e);
          if (entity.empty()) {
            throw invalidQuery("invalid entity in CDC request: " + e);
          }
          wanted.push_back(entity);
        }
        if (wanted.empty()) {
          throw required("entities");
        }
        std::lock_guard lock(st.mu);
        Json responses = Json::array();
        for (const auto& entity : wanted) {
          std::vector<std::pair<int64_t, Json>> changed;
          for (const auto& [id, obj] : st.objects[entity]) {
            const auto t = parseTime(obj["MetaData"].value("LastUpdatedTime", std::string()));
            if (t && *t >= *sinceMs) {
              changed.emplace_back(*t, obj);
            }
          }
          for (const auto& d : st.deleted) {
            if (d.entity == entity && d.atMs >= *sinceMs) {
              changed.emplace_back(d.atMs, d.stub);
            }
          }
          std::stable_sort(changed.begin(), changed.end(),
                           [](const auto& a, const auto& b) { return a.first < b.first; });
          Json qr = Json::object();
          if (!changed.empty()) {
            Json list = Json::array();
            for (size_t i = 0; i < changed.size() && i < 1000; ++i) {
              list.push_back(changed[i].second);
            }
            qr[entity] = list;
            qr["startPosition"] = 1;
            qr["maxResults"] = list.size();
          }
          responses.push_back(qr);
        }
        return Reply{200, wire(Json{{"CDCResponse", Json::array({{{"QueryResponse", responses}}})},
                                    {"time", timeNow()}})};
      }));

  // batch
  server_.route(
      "POST", R"(/v3/company/([^/]+)/(batch))",
      api(true, true, [&st, &opt, timeNow](const FakeRequest& req, const std::string&) {
        const auto body = parseExact(req.body);
        if (!body || !body->is_object() || !body->contains("BatchItemRequest") ||
            !(*body)["BatchItemRequest"].is_array()) {
          throw required("BatchItemRequest");
        }
        const Json& items = (*body)["BatchItemRequest"];
        if (items.size() > opt.maxBatchItems) {
          throw businessValidation("The batch request has " + std::to_string(items.size()) +
                                   " items; at most " + std::to_string(opt.maxBatchItems) +
                                   " are allowed in one batch.");
        }
        Json out = Json::array();
        std::lock_guard lock(st.mu);
        for (const auto& item : items) {
          Json r = Json::object();
          const std::string bId = item.value("bId", std::string());
          try {
            if (item.contains("Query")) {
              r["QueryResponse"] = st.runQuery(parseQuery(item["Query"].get<std::string>()));
            } else {
              const std::string operation = item.value("operation", std::string("create"));
              std::string entity;
              for (const auto& [k, v] : item.items()) {
                if (!entityOfSegment(k).empty() && entityOfSegment(k) == k) {
                  entity = k;
                }
              }
              if (entity.empty()) {
                throw required("entity");
              }
              Json payload = item[entity];
              if (operation == "create") {
                payload.erase("Id");
              }
              r[entity] = st.write(entity, payload, operation == "delete");
            }
          } catch (const QboFault& f) {
            r = Json::object();
            r["Fault"] = f.faultJson();
          }
          r["bId"] = bId;
          out.push_back(r);
        }
        return Reply{200, wire(Json{{"BatchItemResponse", out}, {"time", timeNow()}})};
      }));

  // entity read
  server_.route("GET", R"(/v3/company/([^/]+)/([a-zA-Z]+)/([^/]+))",
                api(false, false, [&st, envelope](const FakeRequest& req, const std::string& seg) {
                  const std::string entity = entityOfSegment(seg);
                  if (entity.empty()) {
                    throw QboFault{400, "4000", "Unsupported Operation",
                                   "Operation " + seg + " is not supported.", ""};
                  }
                  std::lock_guard lock(st.mu);
                  const Json* obj = st.find(entity, req.pathParams.at(2));
                  if (obj == nullptr) {
                    throw QboFault{400, "610", "Object Not Found",
                                   "Object Not Found : Something you're trying to use has been "
                                   "made inactive. Check the fields with accounts, customers, "
                                   "items, vendors or employees.",
                                   ""};
                  }
                  return envelope(entity, *obj);
                }));

  // entity create / update / delete
  server_.route("POST", R"(/v3/company/([^/]+)/([a-zA-Z]+))",
                api(true, false, [&st, envelope](const FakeRequest& req, const std::string& seg) {
                  const std::string entity = entityOfSegment(seg);
                  if (entity.empty()) {
                    throw QboFault{400, "4000", "Unsupported Operation",
                                   "Operation " + seg + " is not supported.", ""};
                  }
                  const auto body = parseExact(req.body);
                  if (!body) {
                    throw QboFault{400, "2010", "Request has invalid or unsupported property",
                                   "Property Name:Unrecognized token specified is unsupported or "
                                   "invalid",
                                   ""};
                  }
                  const std::string operation = req.param("operation").value_or("");
                  std::lock_guard lock(st.mu);
                  return envelope(entity, st.write(entity, *body, operation == "delete"));
                }));
}

}  // namespace lh::fakes
