// QboConnector: delivers accounting commands to a QuickBooks Online company (customers,
// invoices, payments, refund receipts, credit memos, deposits, journal entries), reads its changes
// back through change data capture, and verifies Intuit webhooks.
//
// Status (issue 3): the descriptor, config schema, stream and command tables and config intake are
// real; reading, executing and webhook handling are not written yet and answer LH_E_NOT_SUPPORTED,
// never made-up data.
#pragma once

#include <ledgerhost/plugin.hpp>

#include <nlohmann/json.hpp>

#include <string_view>
#include <vector>

namespace lh::qbo {

// The streams `read` accepts, in descriptor order; NULL-terminated. A plugin static.
extern const char* const kStreams[];
// The command types `execute` accepts, in descriptor order; NULL-terminated. A plugin static.
extern const char* const kCommands[];

// One instance per connection. [instance-serial] like every plugin entry point; keeps no global
// state, so two hosts in one process may each hold instances.
class QboConnector : public ledgerhost::Connector {
 public:
  // Takes in the connection's config (see config.schema.json). Throws
  // ledgerhost::Error(LH_E_INVALID_CONFIG) when it is not an object or lacks `client_id`,
  // `client_secret` or `realm_id`. Does no I/O.
  QboConnector(ledgerhost::Host host, std::string_view config_json);

  // LH_E_INVALID_ARGUMENT for a stream not in kStreams; LH_E_NOT_SUPPORTED for `cdc` until the
  // reader lands.
  void read(std::string_view stream, std::string_view cursor_json) override;

  // LH_E_NOT_SUPPORTED until delivery lands.
  void execute(std::string_view commands_json) override;

  // intuit-signature verification: LH_E_NOT_SUPPORTED until it lands.
  void verifyWebhook(const std::vector<ledgerhost::Header>& headers,
                     std::string_view body) override;

  // Webhook notification handling: LH_E_NOT_SUPPORTED until it lands.
  void handleWebhook(const std::vector<ledgerhost::Header>& headers,
                     std::string_view body) override;

 private:
  nlohmann::json config_;
};

}  // namespace lh::qbo
