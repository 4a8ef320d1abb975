// QboConnector: delivers accounting commands to a QuickBooks Online company (customers, invoices,
// payments, refund receipts, credit memos, deposits, journal entries), reads its changes back
// through change data capture, verifies and handles Intuit webhooks, and runs Intuit's OAuth 2.0
// consent (lh.oauth2/1).
//
// The pieces: QboConfig (config intake), QboAuth (tokens in state "oauth.tokens", refresh),
// QboApi (requests, fault sorting), QboDelivery (execute), qbo_events (read-back → events),
// qbo_webhook (intuit-signature). plugins/qbo/README.md documents commands, options, state keys
// and errors.
#pragma once

#include <ledgerhost/plugin.hpp>
#include <string_view>
#include <vector>

#include "qbo_api.h"
#include "qbo_auth.h"
#include "qbo_config.h"
#include "qbo_delivery.h"

namespace lh::qbo {

// The streams `read` accepts, in descriptor order; NULL-terminated. A plugin static.
extern const char* const kStreams[];
// The command types `execute` accepts, in descriptor order; NULL-terminated. A plugin static.
extern const char* const kCommands[];

// One instance per connection. [instance-serial] like every plugin entry point; keeps no global
// state but the per-realm refresh mutex (qbo_auth.h), so two hosts in one process may each hold
// instances.
class QboConnector : public ledgerhost::Connector {
 public:
  // Takes in the connection's config (see config.schema.json). Throws
  // ledgerhost::Error(LH_E_INVALID_CONFIG) when it is not an object or lacks `client_id`,
  // `client_secret` or `realm_id`. Does no I/O.
  QboConnector(ledgerhost::Host host, std::string_view config_json);

  // Stream `cdc`: one CDC request per page for config.cdc_entities changed since the cursor
  // ({"changed_since_ms": N}; first read: 30 days back, CDC's limit), emitting the objects as
  // canonical events (qbo_events.h). The next cursor is QBO's own response time; when an entity hit
  // CDC's 1000-object cap the cursor is the latest LastUpdatedTime seen and has_more is set.
  void read(std::string_view stream, std::string_view cursor_json) override;

  // See qbo_delivery.h.
  void execute(std::string_view commands_json) override;

  // intuit-signature: base64 HMAC-SHA256 of the raw body with config.webhook_verifier_token.
  void verifyWebhook(const std::vector<ledgerhost::Header>& headers,
                     std::string_view body) override;

  // Fetches the entities a notification names (this realm only) through one CDC request and emits
  // those objects as events; responds {"event_id", "event_type": "dataChangeEvent"}.
  void handleWebhook(const std::vector<ledgerhost::Header>& headers,
                     std::string_view body) override;

  void authorizationUrl(std::string_view state, std::string_view redirect_uri) override;
  void completeAuthorization(std::string_view callback_query,
                             std::string_view redirect_uri) override;

 private:
  // Emits every object of a CDC response (only those in `only` when given: "Entity|Id");
  // returns the latest LastUpdatedTime seen and whether an entity hit the 1000 cap.
  struct CdcPage {
    int64_t latestMs = 0;
    bool capped = false;
    size_t emitted = 0;
  };
  CdcPage emitCdc(const Json& response, const std::vector<std::string>* only);

  QboConfig config_;
  QboAuth auth_;
  QboApi api_;
  QboDelivery delivery_;
};

}  // namespace lh::qbo
