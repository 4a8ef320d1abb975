#include "core/event_validator.h"

#include <openssl/evp.h>

#include <array>
#include <cstdio>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/utils/nlohmann_json_utils.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>
#include <vector>

#include "core/check.h"
#include "core/currency.h"
#include "core/money.h"

namespace lh::core {
namespace {

using Json = nlohmann::json;

// ---------------------------------------------------------------------------------------------
// sha256

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// Fetched once: with OpenSSL 3, EVP_sha256() makes every EVP_DigestInit_ex look the algorithm up
// again (a locked provider query), which costs more than hashing a small event.
const EVP_MD* sha256Md() {
  static const EVP_MD* md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    LH_CHECK(fetched != nullptr);
    return fetched;
  }();
  return md;
}

std::string sha256HexOf(std::string_view bytes) {
  // One context per thread, reused: allocating one per call shows up at 100k events/s.
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  LH_CHECK(ctx != nullptr);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  // These fail only on allocation failure or a broken OpenSSL: an invariant, not input.
  LH_CHECK(EVP_DigestInit_ex(ctx.get(), sha256Md(), nullptr) == 1);
  LH_CHECK(EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) == 1);
  LH_CHECK(EVP_DigestFinal_ex(ctx.get(), digest.data(), &length) == 1);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(static_cast<size_t>(length) * 2, '\0');
  for (unsigned int i = 0; i < length; ++i) {
    hex[2 * i] = kHex[digest[i] >> 4];
    hex[2 * i + 1] = kHex[digest[i] & 0x0f];
  }
  return hex;
}

// ---------------------------------------------------------------------------------------------
// Dates

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// The value of text[pos, pos + n) when it is all digits.
std::optional<int> digitsAt(std::string_view text, size_t pos, size_t n) {
  if (pos + n > text.size()) {
    return std::nullopt;
  }
  int value = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!isDigit(text[i])) {
      return std::nullopt;
    }
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

bool isLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int daysInMonth(int y, int m) {
  static constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && isLeapYear(y) ? 29 : kDays[static_cast<size_t>(m - 1)];
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t daysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// "YYYY-MM-DD" at the start of `text`: the days since the epoch, or nullopt when it is not a real
// date.
std::optional<int64_t> parseDatePart(std::string_view text) {
  const auto y = digitsAt(text, 0, 4);
  const auto m = digitsAt(text, 5, 2);
  const auto d = digitsAt(text, 8, 2);
  if (!y || !m || !d || text.size() < 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  if (*y < 1 || *m < 1 || *m > 12 || *d < 1 || *d > daysInMonth(*y, *m)) {
    return std::nullopt;
  }
  return daysFromCivil(*y, *m, *d);
}

// A `date` of the schema: YYYY-MM-DD or an RFC 3339 date-time, with real values.
bool isRealDateOrDateTime(std::string_view text) {
  if (text.size() == 10) {
    return parseDatePart(text).has_value();
  }
  return parseDateTimeMs(text).isOk();
}

// ---------------------------------------------------------------------------------------------
// Schema error messages

// "/a/b" from valijson's context {"<root>", "[a]", "[b]"}, as a JSON pointer (RFC 6901).
std::string pointerFromContext(const std::vector<std::string>& context) {
  std::string pointer;
  for (const std::string& part : context) {
    if (part.size() < 2 || part.front() != '[' || part.back() != ']') {
      continue;  // "<root>"
    }
    pointer += '/';
    for (size_t i = 1; i + 1 < part.size(); ++i) {
      if (part[i] == '~') {
        pointer += "~0";
      } else if (part[i] == '/') {
        pointer += "~1";
      } else {
        pointer += part[i];
      }
    }
  }
  return pointer;
}

std::vector<std::string> tokensFromContext(const std::vector<std::string>& context) {
  std::vector<std::string> tokens;
  for (const std::string& part : context) {
    if (part.size() >= 2 && part.front() == '[' && part.back() == ']') {
      tokens.push_back(part.substr(1, part.size() - 2));
    }
  }
  return tokens;
}

// Follows "$ref": "#/definitions/<name>" (the only kind of reference the schema uses), recording
// the last definition name passed through.
const Json* resolveRef(const Json& root, const Json* node, std::string* definition) {
  for (int hops = 0; node != nullptr && node->is_object() && hops < 8; ++hops) {
    auto ref = node->find("$ref");
    if (ref == node->end() || !ref->is_string()) {
      return node;
    }
    const std::string& target = ref->get_ref<const std::string&>();
    static constexpr std::string_view kPrefix = "#/definitions/";
    if (target.rfind(kPrefix, 0) != 0) {
      return nullptr;
    }
    const std::string name = target.substr(kPrefix.size());
    auto defs = root.find("definitions");
    if (defs == root.end() || !defs->contains(name)) {
      return nullptr;
    }
    *definition = name;
    node = &(*defs)[name];
  }
  return node;
}

// The subschema that applies at `tokens` (properties, items, additionalProperties), or nullptr.
const Json* subschemaAt(const Json& root, const std::vector<std::string>& tokens,
                        std::string* definition) {
  const Json* node = resolveRef(root, &root, definition);
  for (const std::string& token : tokens) {
    if (node == nullptr || !node->is_object()) {
      return nullptr;
    }
    definition->clear();
    const Json* next = nullptr;
    if (auto props = node->find("properties"); props != node->end() && props->contains(token)) {
      next = &(*props)[token];
    } else if (auto items = node->find("items"); items != node->end() && items->is_object()) {
      next = &*items;
    } else if (auto extra = node->find("additionalProperties");
               extra != node->end() && extra->is_object()) {
      next = &*extra;
    }
    node = resolveRef(root, next, definition);
  }
  return node;
}

std::string typeWord(const std::string& type) {
  if (type == "integer" || type == "object" || type == "array") {
    return "an " + type;
  }
  if (type == "null") {
    return "null";
  }
  return "a " + type;
}

// "a, b or c".
std::string joinWords(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) {
      out += i + 1 == words.size() ? " or " : ", ";
    }
    out += words[i];
  }
  return out;
}

// The text between the first pair of single quotes in a valijson message (a property name).
std::string quotedName(const std::string& description) {
  const size_t open = description.find('\'');
  const size_t close = open == std::string::npos ? open : description.find('\'', open + 1);
  if (close == std::string::npos) {
    return {};
  }
  return description.substr(open + 1, close - open - 1);
}

std::string escapeToken(const std::string& token) {
  std::string out;
  for (char c : token) {
    out += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
  }
  return out;
}

bool startsWith(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

// "<pointer>: <reason>" for valijson's first (deepest) error, in the words of docs/events.md.
std::string describeSchemaError(const Json& schemaDoc,
                                const valijson::ValidationResults::Error& error) {
  std::string pointer = pointerFromContext(error.context);
  const std::vector<std::string> tokens = tokensFromContext(error.context);
  std::string definition;
  const Json* sub = subschemaAt(schemaDoc, tokens, &definition);
  const std::string& what = error.description;
  std::string reason;

  if (startsWith(what, "Missing required property")) {
    pointer += "/" + escapeToken(quotedName(what));
    reason = "is required";
  } else if (startsWith(what, "Object contains a property that could not be validated")) {
    // The name is the last quoted part of this message.
    const size_t close = what.rfind('\'');
    const size_t open =
        close == std::string::npos || close == 0 ? std::string::npos : what.rfind('\'', close - 1);
    if (open != std::string::npos) {
      pointer += "/" + escapeToken(what.substr(open + 1, close - open - 1));
    }
    reason = "is not a field of the canonical event schema here";
  } else if (startsWith(what, "Value type not permitted")) {
    std::vector<std::string> words;
    if (sub != nullptr && sub->contains("type")) {
      const Json& type = (*sub)["type"];
      if (type.is_string()) {
        words.push_back(typeWord(type.get<std::string>()));
      } else if (type.is_array()) {
        for (const Json& t : type) {
          if (t.is_string()) {
            words.push_back(typeWord(t.get<std::string>()));
          }
        }
      }
    }
    reason = words.empty() ? "has the wrong type" : "must be " + joinWords(words);
  } else if (startsWith(what, "Failed to match regex")) {
    if (definition == "datetime") {
      reason = "must be an RFC 3339 date-time with an offset, e.g. 2026-01-01T00:00:00Z";
    } else if (definition == "date") {
      reason = "must be a date (YYYY-MM-DD) or an RFC 3339 date-time with an offset";
    } else if (definition == "decimal") {
      reason = "must be a decimal number written as a string, e.g. \"1.0825\"";
    } else if (!tokens.empty() && tokens.back() == "currency") {
      reason = "must be an ISO 4217 currency code: three upper-case letters";
    } else if (sub != nullptr && sub->contains("pattern")) {
      reason = "must match the pattern " + (*sub)["pattern"].get<std::string>();
    } else {
      reason = "does not match its pattern";
    }
  } else if (startsWith(what, "Failed to match against any enum values")) {
    std::vector<std::string> words;
    if (sub != nullptr && sub->contains("enum")) {
      for (const Json& value : (*sub)["enum"]) {
        words.push_back(value.is_string() ? value.get<std::string>() : value.dump());
      }
    }
    reason = words.empty() ? "is not an allowed value" : "must be one of " + joinWords(words);
  } else if (startsWith(what, "String should be no more than") && sub != nullptr &&
             sub->contains("maxLength")) {
    reason = "must be at most " + (*sub)["maxLength"].dump() + " characters long";
  } else if (startsWith(what, "String should be no fewer than") && sub != nullptr &&
             sub->contains("minLength")) {
    const Json& min = (*sub)["minLength"];
    reason = min == 1 ? "must not be empty" : "must be at least " + min.dump() + " characters long";
  } else if (startsWith(what, "Expected number greater than or equal to") && sub != nullptr &&
             sub->contains("minimum")) {
    reason = "must be at least " + (*sub)["minimum"].dump();
  } else {
    reason = what;  // valijson's own words for a constraint the schema does not use today
  }
  return (pointer.empty() ? std::string("(root)") : pointer) + ": " + reason;
}

// ---------------------------------------------------------------------------------------------
// Semantic checks

// Types whose money fields are magnitudes (docs/events.md "Signs").
bool isMagnitudeType(EventType type) {
  switch (type) {
    case EventType::Payment:
    case EventType::Refund:
    case EventType::Fee:
    case EventType::Payout:
    case EventType::Dispute:
    case EventType::Invoice:
    case EventType::CreditNote:
      return true;
    case EventType::Adjustment:
    case EventType::Customer:
    case EventType::BankTransaction:
      return false;
  }
  return false;
}

// Reads the money object at `pointer` (already schema-valid in shape). Errors carry the pointer of
// the bad member: moneyFromJson's messages start with "/minor" or "/currency".
lh::Result<Money> readMoney(const Json& money, const std::string& pointer) {
  lh::Result<Money> parsed = moneyFromJson(money);
  if (!parsed.isOk()) {
    const lh::Status status = parsed.status();  // status() returns a copy: keep it alive
    const std::string& message = status.message();
    return lh::invalidArgument(message.empty() || message.front() != '/' ? pointer + ": " + message
                                                                         : pointer + message);
  }
  return parsed;
}

const Json* member(const Json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

class SemanticChecker {
 public:
  SemanticChecker(const Json& body, EventType type) : body_(body), type_(type) {}

  lh::Status check() {
    const std::string& occurred = member(body_, "occurred_at")->get_ref<const std::string&>();
    if (!parseDateTimeMs(occurred).isOk()) {
      return lh::invalidArgument("/occurred_at: is not a real date and time (RFC 3339)");
    }
    const bool magnitudes = isMagnitudeType(type_);
    std::optional<Money> fee;
    for (const char* key : {"amount", "fee", "net", "tax"}) {
      if (const Json* m = member(body_, key)) {
        LH_ASSIGN_OR_RETURN(Money money, readMoney(*m, std::string("/") + key));
        LH_RETURN_IF_ERROR(checkSign(money, std::string("/") + key, magnitudes));
        if (std::string_view(key) == "fee") {
          fee = money;
        }
      }
    }
    if (const Json* settlement = member(body_, "settlement")) {
      for (const char* key : {"amount", "fee", "net"}) {
        if (const Json* m = member(*settlement, key)) {
          const std::string pointer = std::string("/settlement/") + key;
          LH_ASSIGN_OR_RETURN(Money money, readMoney(*m, pointer));
          LH_RETURN_IF_ERROR(checkSign(money, pointer, magnitudes));
        }
      }
    }
    if (const Json* fees = member(body_, "fees")) {
      LH_RETURN_IF_ERROR(checkFees(*fees, fee));
    }
    if (const Json* lines = member(body_, "lines")) {
      for (size_t i = 0; i < lines->size(); ++i) {
        const Json& line = (*lines)[i];
        const std::string pointer = "/lines/" + std::to_string(i);
        LH_RETURN_IF_ERROR(readMoney(*member(line, "amount"), pointer + "/amount").status());
        for (const char* key : {"period_start", "period_end"}) {
          LH_RETURN_IF_ERROR(checkDate(line, key, pointer));
        }
      }
    }
    if (const Json* dates = member(body_, "dates")) {
      for (const auto& [key, value] : dates->items()) {
        if (!isRealDateOrDateTime(value.get_ref<const std::string&>())) {
          return lh::invalidArgument("/dates/" + escapeToken(key) +
                                     ": is not a real calendar date or date-time");
        }
      }
    }
    return lh::Status::ok();
  }

 private:
  lh::Status checkSign(const Money& money, const std::string& pointer, bool magnitudes) const {
    if (magnitudes && money.isNegative()) {
      return lh::invalidArgument(pointer + "/minor: must not be negative for a " +
                                 std::string(eventTypeName(type_)) +
                                 " event (its money fields are magnitudes; the type says which "
                                 "way the money moved)");
    }
    return lh::Status::ok();
  }

  lh::Status checkFees(const Json& fees, const std::optional<Money>& fee) const {
    std::vector<Money> amounts;
    amounts.reserve(fees.size());
    for (size_t i = 0; i < fees.size(); ++i) {
      const std::string pointer = "/fees/" + std::to_string(i) + "/amount";
      LH_ASSIGN_OR_RETURN(Money money, readMoney(*member(fees[i], "amount"), pointer));
      if (fee.has_value() && money.currency != fee->currency) {
        return lh::invalidArgument(pointer + "/currency: must be " +
                                   std::string(fee->currency.code()) + ", the currency of /fee");
      }
      amounts.push_back(money);
    }
    if (!fee.has_value()) {
      return lh::Status::ok();
    }
    lh::Result<Money> total = sum(amounts, fee->currency);
    if (!total.isOk()) {
      return lh::invalidArgument("/fees: " + total.status().message());
    }
    if (*total != *fee) {
      return lh::invalidArgument("/fees: the amounts sum to " + formatWithCode(*total) +
                                 " but /fee is " + formatWithCode(*fee));
    }
    return lh::Status::ok();
  }

  static lh::Status checkDate(const Json& object, const char* key, const std::string& pointer) {
    if (const Json* value = member(object, key)) {
      if (!isRealDateOrDateTime(value->get_ref<const std::string&>())) {
        return lh::invalidArgument(pointer + "/" + key +
                                   ": is not a real calendar date or date-time");
      }
    }
    return lh::Status::ok();
  }

  const Json& body_;
  EventType type_;
};

}  // namespace

// ---------------------------------------------------------------------------------------------

lh::Result<std::string> canonicalEventJson(const nlohmann::json& body) {
  try {
    return body.dump(-1, ' ', false, Json::error_handler_t::strict);
  } catch (const Json::exception&) {
    return lh::invalidArgument("(root): cannot serialise the event: a string is not valid UTF-8");
  }
}

lh::Result<std::string> eventChecksum(const nlohmann::json& body) {
  LH_ASSIGN_OR_RETURN(std::string canonical, canonicalEventJson(body));
  return sha256HexOf(canonical);
}

std::string payloadSha256(std::string_view bytes) { return sha256HexOf(bytes); }

lh::Result<int64_t> parseDateTimeMs(std::string_view text) {
  auto invalid = [] {
    return lh::invalidArgument(
        "not an RFC 3339 date-time with an offset (YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM))");
  };
  const std::optional<int64_t> days = parseDatePart(text);
  if (!days || text.size() < 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':') {
    return invalid();
  }
  const auto hour = digitsAt(text, 11, 2);
  const auto minute = digitsAt(text, 14, 2);
  const auto second = digitsAt(text, 17, 2);
  if (!hour || !minute || !second || *hour > 23 || *minute > 59 || *second > 60) {
    return invalid();
  }
  size_t pos = 19;
  int64_t millis = 0;
  if (text[pos] == '.') {
    ++pos;
    const size_t start = pos;
    while (pos < text.size() && isDigit(text[pos])) {
      if (pos - start < 3) {
        millis = millis * 10 + (text[pos] - '0');
      }
      ++pos;
    }
    const size_t count = pos - start;
    if (count == 0 || count > 9) {
      return invalid();
    }
    for (size_t i = count; i < 3; ++i) {
      millis *= 10;
    }
  }
  int64_t offsetMinutes = 0;
  if (pos < text.size() && text[pos] == 'Z' && pos + 1 == text.size()) {
    offsetMinutes = 0;
  } else if (pos + 6 == text.size() && (text[pos] == '+' || text[pos] == '-') &&
             text[pos + 3] == ':') {
    const auto oh = digitsAt(text, pos + 1, 2);
    const auto om = digitsAt(text, pos + 4, 2);
    if (!oh || !om || *oh > 23 || *om > 59) {
      return invalid();
    }
    offsetMinutes = (text[pos] == '-' ? -1 : 1) * (*oh * 60 + *om);
  } else {
    return invalid();
  }
  const int64_t seconds =
      *days * 86400 + *hour * 3600 + *minute * 60 + *second - offsetMinutes * 60;
  return seconds * 1000 + millis;
}

struct EventValidator::Impl {
  Json schemaDoc;  // kept for the words of error messages
  valijson::Schema schema;
};

EventValidator::EventValidator() {
  auto impl = std::make_unique<Impl>();
  try {
    impl->schemaDoc = Json::parse(canonicalEventSchemaText());
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(impl->schemaDoc);
    parser.populateSchema(adapter, impl->schema);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "the embedded canonical event schema does not compile: %s\n", e.what());
    LH_CHECK(false && "embedded canonical event schema");
  }
  impl_ = std::move(impl);
}

EventValidator::~EventValidator() = default;

lh::Result<Event> EventValidator::validate(std::string_view eventJson) const {
  Json body;
  try {
    body = Json::parse(eventJson);
  } catch (const Json::parse_error& e) {
    // The byte position only: nlohmann's message quotes the text near the error, which may be
    // personal data.
    return lh::invalidArgument("(root): not valid JSON (at byte " + std::to_string(e.byte) + ")");
  }
  return validateJson(std::move(body));
}

lh::Result<Event> EventValidator::validateJson(nlohmann::json body) const {
  // valijson::Validator caches compiled regexes in itself, so it is not safe to share between
  // threads; one per thread keeps validate() concurrent and compiles each pattern once per thread.
  thread_local valijson::Validator validator(valijson::Validator::kStrongTypes);
  {
    valijson::adapters::NlohmannJsonAdapter target(body);
    // First without results: valijson stops at the first failure and builds no messages.
    if (!validator.validate(impl_->schema, target, nullptr)) {
      valijson::ValidationResults results;
      (void)validator.validate(impl_->schema, target, &results);
      valijson::ValidationResults::Error first;
      if (!results.popError(first)) {
        return lh::invalidArgument("(root): does not match the canonical event schema");
      }
      return lh::invalidArgument(describeSchemaError(impl_->schemaDoc, first));
    }
  }

  // The schema guarantees these members and their JSON types.
  LH_ASSIGN_OR_RETURN(EventType type,
                      parseEventType(member(body, "type")->get_ref<const std::string&>()));
  LH_RETURN_IF_ERROR(SemanticChecker(body, type).check());

  Event event;
  event.type = type;
  event.external_id = member(body, "external_id")->get_ref<const std::string&>();
  event.occurred_at = member(body, "occurred_at")->get_ref<const std::string&>();
  // `revision` orders states of the source object; it stays out of the checksum so the same state
  // read again at a later revision is recognised as unchanged. Taken out and put back rather than
  // copying a body that holds the whole raw object.
  if (auto it = body.find("revision"); it != body.end()) {
    if (it->is_number_unsigned() &&
        it->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return lh::invalidArgument("/revision: must be at most 9223372036854775807");
    }
    event.revision = it->get<int64_t>();
    body.erase(it);
  }
  lh::Result<std::string> checksum = eventChecksum(body);
  if (event.revision) {
    body["revision"] = *event.revision;
  }
  LH_ASSIGN_OR_RETURN(event.checksum, std::move(checksum));
  event.body = std::move(body);
  return event;
}

}  // namespace lh::core
