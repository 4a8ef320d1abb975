#include "authnet_connector.h"

#include "common/connector_config.h"

namespace lh::authnet {

const char* const kStreams[] = {"settled_batches", "transactions", "unsettled", nullptr};

namespace {
constexpr std::string_view kPlugin = "authnet";
}  // namespace

AuthnetConnector::AuthnetConnector(ledgerhost::Host host, std::string_view config_json)
    : Connector(host),
      config_(plugin_common::parseConfig(kPlugin, config_json,
                                         {"api_login_id", "transaction_key"})) {}

void AuthnetConnector::read(std::string_view stream, std::string_view cursor_json) {
  (void)cursor_json;
  plugin_common::requireStream(kPlugin, kStreams, stream);
  throw ledgerhost::Error(LH_E_NOT_SUPPORTED, "authnet: read is not implemented yet");
}

void AuthnetConnector::verifyWebhook(const std::vector<ledgerhost::Header>& headers,
                                     std::string_view body) {
  (void)headers;
  (void)body;
  throw ledgerhost::Error(LH_E_NOT_SUPPORTED,
                          "authnet: webhook verification is not implemented yet");
}

void AuthnetConnector::handleWebhook(const std::vector<ledgerhost::Header>& headers,
                                     std::string_view body) {
  (void)headers;
  (void)body;
  throw ledgerhost::Error(LH_E_NOT_SUPPORTED, "authnet: webhook handling is not implemented yet");
}

}  // namespace lh::authnet
