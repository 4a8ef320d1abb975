// OpenBankingConnector: reads accounts, balances and transactions from a UK bank through the Open
// Banking Read/Write API (account information, AISP), as bank_transaction events.
//
// Status (issue 3): the descriptor, config schema, stream table and config intake are real; reading
// is not written yet and answers LH_E_NOT_SUPPORTED, never made-up data. Open Banking has no
// webhooks for account information, so the plugin does not set LH_PLUGIN_FLAG_WEBHOOKS.
#pragma once

#include <ledgerhost/plugin.hpp>

#include <nlohmann/json.hpp>

#include <string_view>

namespace lh::openbanking {

// The streams `read` accepts, in descriptor order; NULL-terminated. A plugin static.
extern const char* const kStreams[];

// One instance per connection. [instance-serial] like every plugin entry point; keeps no global
// state, so two hosts in one process may each hold instances.
class OpenBankingConnector : public ledgerhost::Connector {
 public:
  // Takes in the connection's config (see config.schema.json). Throws
  // ledgerhost::Error(LH_E_INVALID_CONFIG) when it is not an object or lacks one of base_url,
  // client_id, token_url, auth_url, client_cert_path, client_key_path. Does no I/O.
  OpenBankingConnector(ledgerhost::Host host, std::string_view config_json);

  // LH_E_INVALID_ARGUMENT for a stream not in kStreams; LH_E_NOT_SUPPORTED for the others until
  // the reader lands.
  void read(std::string_view stream, std::string_view cursor_json) override;

 private:
  nlohmann::json config_;
};

}  // namespace lh::openbanking
