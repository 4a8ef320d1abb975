#include "qbo_connector.h"

#include <algorithm>
#include <set>

#include "common/connector_config.h"
#include "qbo_events.h"
#include "qbo_util.h"
#include "qbo_webhook.h"

namespace lh::qbo {

const char* const kStreams[] = {"cdc", nullptr};

const char* const kCommands[] = {
    "create_customer",    "create_invoice", "create_payment",       "create_refund_receipt",
    "create_credit_memo", "create_deposit", "create_journal_entry", nullptr,
};

namespace {

constexpr std::string_view kPlugin = "qbo";
// CDC looks back at most 30 days; a minute less keeps a slow request inside the window.
constexpr int64_t kCdcWindowMs = 30LL * 86'400'000 - 60'000;
constexpr size_t kCdcCap = 1000;

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) {
    out += (out.empty() ? "" : ",") + i;
  }
  return out;
}

}  // namespace

QboConnector::QboConnector(ledgerhost::Host host, std::string_view config_json)
    : Connector(host),
      config_(parseQboConfig(config_json)),
      auth_(host, config_),
      api_(host, config_, auth_),
      delivery_(host, config_, api_) {}

QboConnector::CdcPage QboConnector::emitCdc(const Json& response,
                                            const std::vector<std::string>* only) {
  CdcPage page;
  for (const auto& cdc : response.value("CDCResponse", Json::array())) {
    for (const auto& qr : cdc.value("QueryResponse", Json::array())) {
      if (!qr.is_object()) {
        continue;
      }
      for (const auto& [entity, list] : qr.items()) {
        if (!list.is_array()) {
          continue;
        }
        page.capped = page.capped || list.size() >= kCdcCap;
        for (const auto& o : list) {
          const Json& meta = o.value("MetaData", Json::object());
          if (auto t = parseTimeMs(meta.value("LastUpdatedTime", std::string()))) {
            page.latestMs = std::max(page.latestMs, *t);
          }
          if (only != nullptr &&
              std::find(only->begin(), only->end(), entity + "|" + o.value("Id", std::string())) ==
                  only->end()) {
            continue;
          }
          auto event = eventOf(entity, o, config_);
          if (!event) {
            continue;
          }
          if (host().emit(dumpExact(*event)) != LH_OK) {
            host().log(LH_LOG_WARN, "qbo: the host refused the event for " + entity + " " +
                                        o.value("Id", std::string()));
            continue;
          }
          ++page.emitted;
        }
      }
    }
  }
  return page;
}

void QboConnector::read(std::string_view stream, std::string_view cursor_json) {
  plugin_common::requireStream(kPlugin, kStreams, stream);
  const int64_t now = host().nowMs();
  int64_t since = now - kCdcWindowMs;
  if (!cursor_json.empty()) {
    auto cursor = parseExact(cursor_json);
    if (!cursor || !cursor->is_object() || !cursor->contains("changed_since_ms") ||
        !(*cursor)["changed_since_ms"].is_number_integer()) {
      throw ledgerhost::Error(LH_E_INVALID_ARGUMENT,
                              "qbo: the cdc cursor must be {\"changed_since_ms\": N}");
    }
    since = (*cursor)["changed_since_ms"].get<int64_t>();
    if (since < now - kCdcWindowMs) {
      host().log(LH_LOG_WARN, "qbo: the cdc cursor is older than CDC's 30 days; changes before " +
                                  utcTime(now - kCdcWindowMs) + " are not read again");
      since = now - kCdcWindowMs;
    }
  }
  const Json response = api_.get(
      "cdc", {{"entities", joined(config_.cdcEntities)}, {"changedSince", utcTime(since)}});
  const CdcPage page = emitCdc(response, nullptr);
  int64_t next = parseTimeMs(response.value("time", std::string())).value_or(now);
  bool more = false;
  if (page.capped && page.latestMs > since) {
    // Some entity was cut at 1000: continue from the newest change seen (objects changed in that
    // same millisecond come again; the host drops unchanged re-reads).
    next = page.latestMs;
    more = true;
  }
  host().checkpoint(Json{{"changed_since_ms", next}}.dump(), more);
}

void QboConnector::execute(std::string_view commands_json) { delivery_.execute(commands_json); }

void QboConnector::verifyWebhook(const std::vector<ledgerhost::Header>& headers,
                                 std::string_view body) {
  if (config_.webhookVerifierToken.empty()) {
    throw ledgerhost::Error(LH_E_INVALID_CONFIG,
                            "qbo: config.webhook_verifier_token is not set; webhooks are refused");
  }
  const std::string* signature = nullptr;
  for (const auto& h : headers) {
    std::string name = h.name;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (name == "intuit-signature") {
      signature = &h.value;
      break;
    }
  }
  if (signature == nullptr || signature->empty()) {
    throw ledgerhost::Error(LH_E_INVALID_ARGUMENT, "qbo: the delivery has no intuit-signature");
  }
  if (!verifyIntuitSignature(config_.webhookVerifierToken, body, *signature)) {
    throw ledgerhost::Error(LH_E_INVALID_ARGUMENT, "qbo: intuit-signature does not match the body");
  }
}

void QboConnector::handleWebhook(const std::vector<ledgerhost::Header>& headers,
                                 std::string_view body) {
  (void)headers;
  const auto notification = parseNotification(body);
  if (!notification) {
    throw ledgerhost::Error(LH_E_INVALID_ARGUMENT, "qbo: the webhook body is not a notification");
  }
  std::set<std::string> names;
  std::vector<std::string> wanted;
  int64_t since = 0;
  const int64_t now = host().nowMs();
  for (const auto& e : notification->entities) {
    if (e.realmId != config_.realmId ||
        std::find(config_.cdcEntities.begin(), config_.cdcEntities.end(), e.name) ==
            config_.cdcEntities.end()) {
      continue;
    }
    names.insert(e.name);
    wanted.push_back(e.name + "|" + e.id);
    // A minute before the change (clock skew), never beyond CDC's window.
    const int64_t at = e.lastUpdatedMs > 0 ? e.lastUpdatedMs - 60'000 : now - 3'600'000;
    since = since == 0 ? at : std::min(since, at);
  }
  if (!wanted.empty()) {
    since = std::max(since, now - kCdcWindowMs);
    const Json response =
        api_.get("cdc", {{"entities", joined(std::vector<std::string>(names.begin(), names.end()))},
                         {"changedSince", utcTime(since)}});
    emitCdc(response, &wanted);
  }
  host().respond(
      Json{{"event_id", notification->eventId}, {"event_type", "dataChangeEvent"}}.dump());
}

void QboConnector::authorizationUrl(std::string_view state, std::string_view redirect_uri) {
  host().respond(Json{{"url", auth_.authorizationUrl(state, redirect_uri)}}.dump());
}

void QboConnector::completeAuthorization(std::string_view callback_query,
                                         std::string_view redirect_uri) {
  const std::string realm = auth_.completeAuthorization(callback_query, redirect_uri);
  host().respond(Json{{"account", realm}}.dump());
}

}  // namespace lh::qbo
