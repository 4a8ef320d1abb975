#include "stripe_connector.h"

#include "common/connector_config.h"

namespace lh::stripe {

const char* const kStreams[] = {
    "payouts",  "balance_transactions", "charges",   "refunds", "disputes",
    "invoices", "credit_notes",         "customers", nullptr,
};

namespace {
constexpr std::string_view kPlugin = "stripe";
}  // namespace

StripeConnector::StripeConnector(ledgerhost::Host host, std::string_view config_json)
    : Connector(host), config_(plugin_common::parseConfig(kPlugin, config_json, {"api_key"})) {}

void StripeConnector::read(std::string_view stream, std::string_view cursor_json) {
  (void)cursor_json;
  plugin_common::requireStream(kPlugin, kStreams, stream);
  throw ledgerhost::Error(LH_E_NOT_SUPPORTED, "stripe: read is not implemented yet");
}

void StripeConnector::verifyWebhook(const std::vector<ledgerhost::Header>& headers,
                                    std::string_view body) {
  (void)headers;
  (void)body;
  throw ledgerhost::Error(LH_E_NOT_SUPPORTED,
                          "stripe: webhook verification is not implemented yet");
}

void StripeConnector::handleWebhook(const std::vector<ledgerhost::Header>& headers,
                                    std::string_view body) {
  (void)headers;
  (void)body;
  throw ledgerhost::Error(LH_E_NOT_SUPPORTED, "stripe: webhook handling is not implemented yet");
}

}  // namespace lh::stripe
