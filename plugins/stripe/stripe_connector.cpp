#include "stripe_connector.h"

#include <algorithm>

#include "common/connector_config.h"
#include "exact_json.h"
#include "stripe_events.h"
#include "stripe_time.h"
#include "webhook_signature.h"

namespace lh::stripe {

const char* const kStreams[] = {
    "payouts",  "balance_transactions", "charges",   "refunds", "disputes",
    "invoices", "credit_notes",         "customers", nullptr,
};

namespace {

using nlohmann::json;

constexpr std::string_view kPlugin = "stripe";
constexpr int64_t kDay = 86'400;
// Payouts per read: each one pulls all of its balance transactions, so a read stays bounded.
constexpr int64_t kMaxPayoutsPerRead = 10;
constexpr const char* kDefaultApiVersion = "2026-07-29.dahlia";

[[noreturn]] void badConfig(const std::string& what) {
  throw ledgerhost::Error(LH_E_INVALID_CONFIG, "stripe: config." + what);
}

json parse(std::string_view config) {
  return plugin_common::parseConfig(kPlugin, config, {"api_key"});
}

// "test" or "live" from sk_test_/rk_test_/sk_live_/rk_live_; throws for anything else.
std::string modeOf(const std::string& key) {
  for (const char* prefix : {"sk_", "rk_"}) {
    if (key.rfind(std::string(prefix) + "test_", 0) == 0 && key.size() > 8) {
      return "test";
    }
    if (key.rfind(std::string(prefix) + "live_", 0) == 0 && key.size() > 8) {
      return "live";
    }
  }
  badConfig("api_key must be a secret (sk_live_/sk_test_) or restricted (rk_live_/rk_test_) key");
}

StripeApi::Settings settingsOf(const json& config) {
  StripeApi::Settings s;
  s.apiKey = config.at("api_key").get<std::string>();
  s.baseUrl = config.value("base_url", std::string("https://api.stripe.com"));
  while (!s.baseUrl.empty() && s.baseUrl.back() == '/') {
    s.baseUrl.pop_back();
  }
  if (s.baseUrl.rfind("http://", 0) != 0 && s.baseUrl.rfind("https://", 0) != 0) {
    badConfig("base_url must be an http(s) URL");
  }
  s.apiVersion = config.value("api_version", std::string(kDefaultApiVersion));
  if (s.apiVersion.empty()) {
    s.apiVersion = kDefaultApiVersion;
  }
  s.stripeAccount = config.value("stripe_account", std::string());
  return s;
}

template <typename T>
T optional(const json& config, const char* key, T fallback) {
  auto it = config.find(key);
  if (it == config.end() || it->is_null()) {
    return fallback;
  }
  try {
    return it->get<T>();
  } catch (const json::exception&) {
    badConfig(std::string(key) + " has the wrong type");
  }
}

std::string headerValue(const std::vector<ledgerhost::Header>& headers, std::string_view name) {
  for (const auto& h : headers) {
    if (h.name.size() == name.size() &&
        std::equal(h.name.begin(), h.name.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return h.value;
    }
  }
  return {};
}

const json& listData(const json& page, const std::string& what) {
  if (!page.contains("data") || !page["data"].is_array() || !page.contains("has_more") ||
      !page["has_more"].is_boolean()) {
    throw ledgerhost::Error(LH_E_TRANSIENT,
                            "stripe: " + what + ": the response is not a Stripe list envelope");
  }
  return page["data"];
}

}  // namespace

StripeConnector::StripeConnector(ledgerhost::Host host, std::string_view config_json)
    : Connector(host),
      config_(parse(config_json)),
      apiKey_(config_.at("api_key").get<std::string>()),
      mode_(modeOf(apiKey_)),
      api_(host, settingsOf(config_)) {
  pageSize_ = optional<int64_t>(config_, "page_size", 100);
  if (pageSize_ < 1 || pageSize_ > 100) {
    badConfig("page_size must be 1..100");
  }
  const std::string start = optional<std::string>(config_, "start_date", "");
  if (!start.empty()) {
    auto t = parseIsoDate(start);
    if (!t) {
      badConfig("start_date must be a date YYYY-MM-DD");
    }
    startDate_ = *t;
  }
  const int64_t lookback = optional<int64_t>(config_, "lookback_days", 7);
  if (lookback < 0 || lookback > 90) {
    badConfig("lookback_days must be 0..90");
  }
  lookbackSeconds_ = lookback * kDay;
  moneyFrom_ = optional<std::string>(config_, "money_from", "payouts");
  if (moneyFrom_ != "payouts" && moneyFrom_ != "balance_transactions") {
    badConfig("money_from must be payouts or balance_transactions");
  }
  webhookSecrets_ = optional<std::vector<std::string>>(config_, "webhook_secrets", {});
  webhookTolerance_ = optional<int64_t>(config_, "webhook_tolerance_seconds", 300);
  if (webhookTolerance_ < 1) {
    badConfig("webhook_tolerance_seconds must be positive");
  }
  webhookFetch_ = optional<bool>(config_, "webhook_fetch", true);
}

StripeConnector::Window StripeConnector::startWindow(std::string_view cursorJson) const {
  Window w;
  w.lte = host().nowMs() / 1000;
  w.gte = startDate_;
  if (cursorJson.empty()) {
    return w;
  }
  json c = json::parse(cursorJson.begin(), cursorJson.end(), nullptr, false);
  if (c.is_discarded() || !c.is_object()) {
    throw ledgerhost::Error(LH_E_INVALID_ARGUMENT, "stripe: the cursor is not a JSON object");
  }
  try {
    if (c.contains("window")) {
      w.gte = c["window"].at("gte").get<int64_t>();
      w.lte = c["window"].at("lte").get<int64_t>();
      w.startingAfter = c.value("starting_after", std::string());
      return w;
    }
    if (c.contains("since")) {
      auto t = parseIsoDate(c["since"].get<std::string>());
      if (!t) {
        throw ledgerhost::Error(LH_E_INVALID_ARGUMENT, "stripe: cursor.since must be YYYY-MM-DD");
      }
      w.gte = *t;
      return w;
    }
    if (c.contains("synced_upto")) {
      w.gte = std::max(startDate_, c["synced_upto"].get<int64_t>() - lookbackSeconds_);
      return w;
    }
  } catch (const json::exception&) {
    throw ledgerhost::Error(LH_E_INVALID_ARGUMENT, "stripe: the cursor has an unexpected shape");
  }
  return w;  // {"v":1} and other empty cursors: from start_date
}

json StripeConnector::listPage(const std::string& kind, const Window& window,
                               const QueryParams& extra, int64_t limit) const {
  QueryParams q = {{"limit", std::to_string(limit)},
                   {"created[gte]", std::to_string(window.gte)},
                   {"created[lte]", std::to_string(window.lte)}};
  if (!window.startingAfter.empty()) {
    q.emplace_back("starting_after", window.startingAfter);
  }
  q.insert(q.end(), extra.begin(), extra.end());
  json page = api_.get("/v1/" + kind, q);
  (void)listData(page, "GET /v1/" + kind);
  return page;
}

void StripeConnector::moneyEventsOfBalanceTransactions(const json& list,
                                                       std::vector<json>* events) const {
  for (const auto& bt : list) {
    json e = balanceTransactionEvent(bt, "");
    if (!e.is_null()) {
      events->push_back(std::move(e));
    }
  }
}

void StripeConnector::composePayout(const std::string& payoutId, std::vector<json>* events) const {
  std::string startingAfter;
  for (;;) {
    QueryParams q = {{"payout", payoutId}, {"expand[]", "data.source"}, {"limit", "100"}};
    if (!startingAfter.empty()) {
      q.emplace_back("starting_after", startingAfter);
    }
    json page = api_.get("/v1/balance_transactions", q);
    const json& data = listData(page, "GET /v1/balance_transactions?payout=" + payoutId);
    for (const auto& bt : data) {
      json e = balanceTransactionEvent(bt, payoutId);
      if (!e.is_null()) {
        events->push_back(std::move(e));
      }
    }
    if (!page["has_more"].get<bool>() || data.empty()) {
      return;
    }
    startingAfter = expandableId(data.back());
  }
}

void StripeConnector::emitAll(const std::vector<json>& events) const {
  for (const auto& e : events) {
    const lh_status status = host().emit(dumpExact(e));
    if (status != LH_OK) {
      // The host names the bad field in its own log; the event's content (personal data) stays
      // out of ours.
      host().log(LH_LOG_ERROR, "stripe: the host refused the " + e.value("type", "") + " event " +
                                   e.value("external_id", "") + " (status " +
                                   std::to_string(status) + ")");
    }
  }
}

void StripeConnector::read(std::string_view stream, std::string_view cursor_json) {
  plugin_common::requireStream(kPlugin, kStreams, stream);
  if (!announced_) {
    announced_ = true;
    host().log(LH_LOG_INFO, std::string("stripe: ") + mode_ + " mode, " +
                                (apiKey_.rfind("rk_", 0) == 0 ? "restricted" : "secret") + " key");
  }
  const std::string kind(stream);

  if (kind == "balance_transactions" && moneyFrom_ != "balance_transactions") {
    // Money comes through the payouts stream on this connection (money_from: payouts).
    host().checkpoint(R"({"v":1,"skipped":"money_from is payouts"})", false);
    return;
  }

  const Window window = startWindow(cursor_json);
  const int64_t limit = kind == "payouts" ? std::min(pageSize_, kMaxPayoutsPerRead) : pageSize_;
  QueryParams extra;
  if (kind == "balance_transactions") {
    extra.emplace_back("expand[]", "data.source");
  }
  const json page = listPage(kind, window, extra, limit);
  const json& data = page["data"];

  // Build every event of the page (and of its payouts' balance transactions) before emitting any.
  std::vector<json> events;
  for (const auto& object : data) {
    if (kind == "payouts") {
      if (moneyFrom_ == "payouts") {
        composePayout(expandableId(object), &events);
      }
      events.push_back(payoutEvent(object));
    } else if (kind == "balance_transactions") {
      json e = balanceTransactionEvent(object, "");
      if (!e.is_null()) {
        events.push_back(std::move(e));
      }
    } else if (kind == "charges") {
      events.push_back(chargeEvent(object));
    } else if (kind == "refunds") {
      events.push_back(refundEvent(object));
    } else if (kind == "disputes") {
      events.push_back(disputeEvent(object));
    } else if (kind == "invoices") {
      events.push_back(invoiceEvent(object));
    } else if (kind == "credit_notes") {
      events.push_back(creditNoteEvent(object));
    } else {
      events.push_back(customerEvent(object));
    }
  }
  emitAll(events);

  const bool more = page["has_more"].get<bool>() && !data.empty();
  json cursor = json::object();
  cursor["v"] = 1;
  if (more) {
    cursor["window"] = json{{"gte", window.gte}, {"lte", window.lte}};
    cursor["starting_after"] = expandableId(data.back());
  } else {
    cursor["synced_upto"] = window.lte;
  }
  host().checkpoint(cursor.dump(), more);
}

void StripeConnector::verifyWebhook(const std::vector<ledgerhost::Header>& headers,
                                    std::string_view body) {
  const std::string header = headerValue(headers, "Stripe-Signature");
  if (header.empty()) {
    throw ledgerhost::Error(LH_E_INVALID_ARGUMENT, "stripe: no Stripe-Signature header");
  }
  const SignatureCheck check = verifyStripeSignature(header, body, webhookSecrets_,
                                                     host().nowMs() / 1000, webhookTolerance_);
  if (!check.ok) {
    throw ledgerhost::Error(LH_E_INVALID_ARGUMENT, "stripe: webhook refused: " + check.reason);
  }
}

void StripeConnector::handleWebhook(const std::vector<ledgerhost::Header>& headers,
                                    std::string_view body) {
  (void)headers;
  const json event = parseExact(body);
  if (event.is_discarded() || !event.is_object() || !event.contains("id") ||
      !event["id"].is_string() || !event.contains("type") || !event["type"].is_string()) {
    throw ledgerhost::Error(LH_E_INVALID_ARGUMENT,
                            "stripe: the webhook body is not a Stripe event object");
  }
  const std::string id = event["id"].get<std::string>();
  const std::string type = event["type"].get<std::string>();
  const json* object = nullptr;
  if (event.contains("data") && event["data"].is_object() && event["data"].contains("object") &&
      event["data"]["object"].is_object()) {
    object = &event["data"]["object"];
  }

  struct Handled {
    const char* type;
    const char* kind;  // URL segment to re-read from
  };
  static const Handled kHandled[] = {
      {"charge.succeeded", "charges"},
      {"charge.refunded", "charges"},
      {"charge.dispute.created", "disputes"},
      {"charge.dispute.closed", "disputes"},
      {"payout.paid", "payouts"},
      {"payout.failed", "payouts"},
      {"invoice.finalized", "invoices"},
      {"invoice.paid", "invoices"},
      {"invoice.voided", "invoices"},
      {"credit_note.created", "credit_notes"},
      {"customer.created", "customers"},
      {"customer.updated", "customers"},
  };
  const Handled* handled = nullptr;
  for (const auto& h : kHandled) {
    if (type == h.type) {
      handled = &h;
    }
  }

  std::vector<json> events;
  if (handled != nullptr) {
    if (object == nullptr) {
      throw ledgerhost::Error(LH_E_INVALID_ARGUMENT,
                              "stripe: webhook " + id + " has no data.object");
    }
    const std::string kind = handled->kind;
    json current = *object;
    const std::string objectId = expandableId(*object);
    if (webhookFetch_) {
      // The API's answer is current; the payload may be stale or arrive out of order.
      QueryParams q;
      if (kind == "charges") {
        q.emplace_back("expand[]", "balance_transaction");
      }
      current = api_.get("/v1/" + kind + "/" + StripeApi::encode(objectId), q);
    }
    if (kind == "charges") {
      events.push_back(chargeEvent(current));
      if (current.contains("balance_transaction") && current["balance_transaction"].is_object()) {
        // The balance transaction as a per-payout read would see it: source expanded.
        json bt = current["balance_transaction"];
        json source = current;
        source["balance_transaction"] = bt["id"];
        bt["source"] = std::move(source);
        json e = balanceTransactionEvent(bt, "");
        if (!e.is_null()) {
          events.push_back(std::move(e));
        }
      }
      if (type == "charge.refunded" && webhookFetch_) {
        json refunds = api_.get(
            "/v1/refunds",
            {{"charge", objectId}, {"expand[]", "data.balance_transaction"}, {"limit", "100"}});
        for (const auto& refund : listData(refunds, "GET /v1/refunds")) {
          events.push_back(refundEvent(refund));
          if (refund.contains("balance_transaction") && refund["balance_transaction"].is_object()) {
            json bt = refund["balance_transaction"];
            json source = refund;
            source["balance_transaction"] = bt["id"];
            bt["source"] = std::move(source);
            json e = balanceTransactionEvent(bt, "");
            if (!e.is_null()) {
              events.push_back(std::move(e));
            }
          }
        }
      }
    } else if (kind == "disputes") {
      events.push_back(disputeEvent(current));
      if (current.contains("balance_transactions") && current["balance_transactions"].is_array()) {
        for (json bt : current["balance_transactions"]) {
          bt["source"] = current;
          json e = balanceTransactionEvent(bt, "");
          if (!e.is_null()) {
            events.push_back(std::move(e));
          }
        }
      }
    } else if (kind == "payouts") {
      events.push_back(payoutEvent(current));
    } else if (kind == "invoices") {
      events.push_back(invoiceEvent(current));
    } else if (kind == "credit_notes") {
      events.push_back(creditNoteEvent(current));
    } else {
      events.push_back(customerEvent(current));
    }
  }
  emitAll(events);
  host().respond(json{{"event_id", id}, {"event_type", type}}.dump());
}

}  // namespace lh::stripe
