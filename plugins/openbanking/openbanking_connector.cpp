#include "openbanking_connector.h"

#include "common/connector_config.h"

namespace lh::openbanking {

const char* const kStreams[] = {"accounts", "balances", "transactions", nullptr};

namespace {
constexpr std::string_view kPlugin = "openbanking";
}  // namespace

OpenBankingConnector::OpenBankingConnector(ledgerhost::Host host, std::string_view config_json)
    : Connector(host),
      config_(plugin_common::parseConfig(kPlugin, config_json,
                                         {"base_url", "client_id", "token_url", "auth_url",
                                          "client_cert_path", "client_key_path"})) {}

void OpenBankingConnector::read(std::string_view stream, std::string_view cursor_json) {
  (void)cursor_json;
  plugin_common::requireStream(kPlugin, kStreams, stream);
  throw ledgerhost::Error(LH_E_NOT_SUPPORTED, "openbanking: read is not implemented yet");
}

}  // namespace lh::openbanking
