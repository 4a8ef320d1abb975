#include "qbo_config.h"

#include "common/connector_config.h"

namespace lh::qbo {
namespace {

constexpr std::string_view kPlugin = "qbo";

std::string text(const nlohmann::json& config, const char* key, std::string_view fallback) {
  auto it = config.find(key);
  if (it == config.end() || it->is_null()) {
    return std::string(fallback);
  }
  if (!it->is_string()) {
    throw ledgerhost::Error(LH_E_INVALID_CONFIG,
                            std::string("qbo: config.") + key + " must be a string");
  }
  return it->get<std::string>().empty() ? std::string(fallback) : it->get<std::string>();
}

int64_t integer(const nlohmann::json& config, const char* key, int64_t fallback, int64_t min,
                int64_t max) {
  auto it = config.find(key);
  if (it == config.end() || it->is_null()) {
    return fallback;
  }
  if (!it->is_number_integer() || it->get<int64_t>() < min || it->get<int64_t>() > max) {
    throw ledgerhost::Error(LH_E_INVALID_CONFIG,
                            std::string("qbo: config.") + key + " must be an integer from " +
                                std::to_string(min) + " to " + std::to_string(max));
  }
  return it->get<int64_t>();
}

}  // namespace

QboConfig parseQboConfig(std::string_view configJson) {
  const nlohmann::json config =
      plugin_common::parseConfig(kPlugin, configJson, {"client_id", "client_secret", "realm_id"});
  QboConfig c;
  c.clientId = config["client_id"].get<std::string>();
  c.clientSecret = config["client_secret"].get<std::string>();
  c.realmId = config["realm_id"].get<std::string>();
  const std::string environment = text(config, "environment", "sandbox");
  if (environment != "sandbox" && environment != "production") {
    throw ledgerhost::Error(LH_E_INVALID_CONFIG,
                            "qbo: config.environment must be sandbox or production");
  }
  c.production = environment == "production";
  c.apiBase = text(config, "base_url", c.production ? kProductionBase : kSandboxBase);
  while (!c.apiBase.empty() && c.apiBase.back() == '/') {
    c.apiBase.pop_back();
  }
  c.authUrl = text(config, "auth_url", kAuthUrl);
  c.tokenUrl = text(config, "token_url", kTokenUrl);
  c.redirectUri = text(config, "redirect_uri", "");
  c.minorVersion = static_cast<int>(integer(config, "minorversion", 75, 75, 999));
  c.batchSize = static_cast<int>(integer(config, "batch_size", 10, 1, 30));
  c.webhookVerifierToken = text(config, "webhook_verifier_token", "");
  c.homeCurrency = text(config, "home_currency", "USD");
  c.refreshMarginSeconds = integer(config, "refresh_margin_seconds", 300, 0, 3000);
  auto entities = config.find("cdc_entities");
  if (entities != config.end() && entities->is_array() && !entities->empty()) {
    for (const auto& e : *entities) {
      if (!e.is_string()) {
        throw ledgerhost::Error(LH_E_INVALID_CONFIG, "qbo: config.cdc_entities must be strings");
      }
      c.cdcEntities.push_back(e.get<std::string>());
    }
  } else {
    c.cdcEntities = {"Customer",   "Invoice", "Payment",     "RefundReceipt",
                     "CreditMemo", "Deposit", "JournalEntry"};
  }
  return c;
}

}  // namespace lh::qbo
