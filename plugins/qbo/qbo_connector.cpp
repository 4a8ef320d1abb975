#include "qbo_connector.h"

#include "common/connector_config.h"

namespace lh::qbo {

const char* const kStreams[] = {"cdc", nullptr};

const char* const kCommands[] = {
    "create_customer",    "create_invoice", "create_payment",       "create_refund_receipt",
    "create_credit_memo", "create_deposit", "create_journal_entry", nullptr,
};

namespace {
constexpr std::string_view kPlugin = "qbo";
}  // namespace

QboConnector::QboConnector(ledgerhost::Host host, std::string_view config_json)
    : Connector(host),
      config_(plugin_common::parseConfig(kPlugin, config_json,
                                         {"client_id", "client_secret", "realm_id"})) {}

void QboConnector::read(std::string_view stream, std::string_view cursor_json) {
  (void)cursor_json;
  plugin_common::requireStream(kPlugin, kStreams, stream);
  throw ledgerhost::Error(LH_E_NOT_SUPPORTED, "qbo: read is not implemented yet");
}

void QboConnector::execute(std::string_view commands_json) {
  (void)commands_json;
  throw ledgerhost::Error(LH_E_NOT_SUPPORTED, "qbo: execute is not implemented yet");
}

void QboConnector::verifyWebhook(const std::vector<ledgerhost::Header>& headers,
                                 std::string_view body) {
  (void)headers;
  (void)body;
  throw ledgerhost::Error(LH_E_NOT_SUPPORTED, "qbo: webhook verification is not implemented yet");
}

void QboConnector::handleWebhook(const std::vector<ledgerhost::Header>& headers,
                                 std::string_view body) {
  (void)headers;
  (void)body;
  throw ledgerhost::Error(LH_E_NOT_SUPPORTED, "qbo: webhook handling is not implemented yet");
}

}  // namespace lh::qbo
