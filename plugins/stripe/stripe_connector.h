// StripeConnector: reads a Stripe account (payouts and the balance transactions that make them
// up, charges, refunds, disputes, invoices, credit notes, customers) and verifies Stripe webhooks.
//
// Status (issue 3): the descriptor, config schema, stream table and config intake are real; reading
// and webhook handling are not written yet and answer LH_E_NOT_SUPPORTED, never made-up data.
#pragma once

#include <ledgerhost/plugin.hpp>

#include <nlohmann/json.hpp>

#include <string_view>
#include <vector>

namespace lh::stripe {

// The streams `read` accepts, in descriptor order; NULL-terminated. A plugin static.
extern const char* const kStreams[];

// One instance per connection. [instance-serial] like every plugin entry point; keeps no global
// state, so two hosts in one process may each hold instances.
class StripeConnector : public ledgerhost::Connector {
 public:
  // Takes in the connection's config (see config.schema.json). Throws
  // ledgerhost::Error(LH_E_INVALID_CONFIG) when it is not an object or lacks `api_key`. Does no I/O.
  StripeConnector(ledgerhost::Host host, std::string_view config_json);

  // LH_E_INVALID_ARGUMENT for a stream not in kStreams; LH_E_NOT_SUPPORTED for the others until
  // the Stripe reader lands.
  void read(std::string_view stream, std::string_view cursor_json) override;

  // Stripe-Signature verification: LH_E_NOT_SUPPORTED until it lands.
  void verifyWebhook(const std::vector<ledgerhost::Header>& headers,
                     std::string_view body) override;

  // Webhook event handling: LH_E_NOT_SUPPORTED until it lands.
  void handleWebhook(const std::vector<ledgerhost::Header>& headers,
                     std::string_view body) override;

 private:
  nlohmann::json config_;
};

}  // namespace lh::stripe
