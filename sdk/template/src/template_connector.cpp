// template: a minimal ledgerhost connector to copy when starting a new one.
//
// It reads one stream, `payments`, from a JSON API shaped like most payment APIs:
//
//   GET {base_url}/v1/payments?limit=50&starting_after=pay_123
//   Authorization: Bearer <api_key>
//   200 {"data": [{"id": "pay_124", "amount": 1230, "currency": "USD",
//                  "created_at": "2025-01-31T12:00:00Z", "status": "succeeded"}, ...],
//        "has_more": true}
//
// and turns each item into a canonical `payment` event (share/ledgerhost/schema/
// canonical-event.schema.json). What to keep when you adapt it:
//  - Do no I/O yourself: every request goes through host().http(), which applies the
//    connection's rate limits, retries, circuit breaker, redaction and recording. That is also
//    what lets tests and the conformance kit run the connector against fakes.
//  - One read() call = one page: emit its events, then checkpoint() the cursor to resume from.
//    The host commits the events and the cursor in one transaction, so a crash never loses or
//    doubles anything; if read() throws, nothing it emitted is kept.
//  - Money is integer minor units with a currency, never floating point.
//  - Fail with ledgerhost::Error and the code whose retry meaning fits (sdk.h): the host decides
//    whether to retry. Never put a secret in an error or log message.
#include <ledgerhost/plugin.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace {

using nlohmann::json;

// The connection's config, as JSON Schema draft-07. The host validates a connection's config
// against it before create(), and `ledgerhost plugins check` shows it.
constexpr const char kConfigSchema[] = R"json({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "Template connection",
  "type": "object",
  "additionalProperties": false,
  "required": ["api_key"],
  "properties": {
    "api_key": {
      "type": "string",
      "description": "API key sent as a Bearer token. Use ${env:VAR}; never inline it.",
      "minLength": 1,
      "writeOnly": true
    },
    "base_url": {
      "type": "string",
      "description": "API root, without a trailing slash.",
      "pattern": "^https?://[^/]+(/.*[^/])?$",
      "default": "https://api.example.com"
    },
    "page_size": {
      "type": "integer",
      "description": "Items per page: one page per read() call.",
      "minimum": 1,
      "maximum": 100,
      "default": 50
    }
  }
})json";

// NULL-terminated tables for the descriptor: what read() and execute() accept.
const char* const kStreams[] = {"payments", nullptr};
const char* const kCommands[] = {nullptr};

// Percent-encodes a query parameter value (RFC 3986 unreserved characters pass through).
std::string urlEncode(std::string_view value) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

// Maps a non-2xx response to the SDK code with the right retry meaning.
[[noreturn]] void throwForStatus(int32_t status) {
  const std::string message = "template: API answered HTTP " + std::to_string(status);
  if (status == 401 || status == 403) {
    throw ledgerhost::Error(LH_E_AUTH_REQUIRED, message);  // re-authorise; retrying won't help
  }
  if (status == 429) {
    throw ledgerhost::Error(LH_E_RATE_LIMITED, message);
  }
  if (status >= 500) {
    throw ledgerhost::Error(LH_E_TRANSIENT, message);
  }
  throw ledgerhost::Error(LH_E_PERMANENT, message);
}

class TemplateConnector : public ledgerhost::Connector {
 public:
  // Called by the host's create(): parse and keep the config. No I/O here.
  TemplateConnector(ledgerhost::Host host, std::string_view config_json) : Connector(host) {
    json config = json::parse(config_json.begin(), config_json.end(), nullptr, false);
    if (config.is_discarded() || !config.is_object() || !config.contains("api_key") ||
        !config["api_key"].is_string()) {
      throw ledgerhost::Error(LH_E_INVALID_CONFIG, "template: config needs a string api_key");
    }
    api_key_ = config["api_key"].get<std::string>();
    base_url_ = config.value("base_url", std::string("https://api.example.com"));
    page_size_ = config.value("page_size", 50);
  }

  // Reads one page of `payments` after the cursor ({"starting_after": "<id>"}, or empty for the
  // first page), emits a `payment` event per item, and checkpoints the last id.
  void read(std::string_view stream, std::string_view cursor_json) override {
    if (stream != "payments") {
      throw ledgerhost::Error(LH_E_INVALID_ARGUMENT,
                              "template: unknown stream '" + std::string(stream) + "'");
    }
    std::string after;
    if (!cursor_json.empty()) {
      json cursor = json::parse(cursor_json.begin(), cursor_json.end(), nullptr, false);
      if (cursor.is_discarded() || !cursor.is_object()) {
        throw ledgerhost::Error(LH_E_INVALID_ARGUMENT, "template: cursor is not a JSON object");
      }
      after = cursor.value("starting_after", std::string());
    }

    std::string url = base_url_ + "/v1/payments?limit=" + std::to_string(page_size_);
    if (!after.empty()) {
      url += "&starting_after=" + urlEncode(after);
    }
    const ledgerhost::Response response = host().http(
        "GET", url, {{"Authorization", "Bearer " + api_key_}, {"Accept", "application/json"}});
    if (response.status < 200 || response.status > 299) {
      throwForStatus(response.status);
    }

    json page = json::parse(response.body, nullptr, false);
    if (page.is_discarded() || !page.is_object() || !page.contains("data") ||
        !page["data"].is_array()) {
      // A cut-off body looks like this too; the host may retry the same call.
      throw ledgerhost::Error(LH_E_TRANSIENT, "template: response is not a page of payments");
    }
    for (const json& item : page["data"]) {
      const json event = toEvent(item);
      after = item["id"].get<std::string>();
      // The host refuses an event that does not validate (the detail is in its log); go on.
      if (host().emit(event.dump()) != LH_OK) {
        host().log(LH_LOG_WARN, "template: payment " + after + " was refused by the host");
      }
    }
    const bool has_more = page.value("has_more", false) && !page["data"].empty();
    host().checkpoint(json{{"starting_after", after}}.dump(), has_more);
  }

 private:
  // One API item -> one canonical `payment` event. Throws LH_E_PERMANENT when the item does not
  // have the documented shape (retrying would get the same bytes).
  static json toEvent(const json& item) {
    const bool ok = item.is_object() && item.contains("id") && item["id"].is_string() &&
                    item.contains("amount") && item["amount"].is_number_integer() &&
                    item.contains("currency") && item["currency"].is_string() &&
                    item.contains("created_at") && item["created_at"].is_string();
    if (!ok) {
      throw ledgerhost::Error(LH_E_PERMANENT, "template: payment item is malformed");
    }
    std::string currency = item["currency"].get<std::string>();
    for (char& c : currency) {
      c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    }
    json event = {
        {"type", "payment"},
        {"external_id", item["id"]},
        {"occurred_at", item["created_at"]},
        {"amount", {{"minor", item["amount"].get<int64_t>()}, {"currency", currency}}},
        {"raw", item},
    };
    if (item.contains("status") && item["status"].is_string()) {
      event["status"] = item["status"];
    }
    return event;
  }

  std::string api_key_;
  std::string base_url_;
  int page_size_ = 50;
};

}  // namespace

// The plugin's one exported symbol. Rename "template" to your connector's name ([a-z0-9_-]+),
// which connections use as `plugin: <name>` and which should match the .so file name.
LH_CONNECTOR(TemplateConnector, (ledgerhost::PluginInfo{
                                    "template",
                                    "0.1.0",
                                    "Template connector: pages through GET /v1/payments",
                                    LH_KIND_PROCESSOR,
                                    0,
                                    kConfigSchema,
                                    kStreams,
                                    kCommands,
                                }))
