// A C++17 plugin written the intended way: one Connector class plus LH_CONNECTOR (plugin.hpp).
//
// Streams: "invoices" emits one event and checkpoints; "limited" throws ledgerhost::Error
// (rate limited); "boom" throws std::runtime_error; "http" fetches a URL through the host and emits
// what it got. execute() responds once per call. Webhooks: the "X-Test-Signature" header must be
// "valid"; handle() emits one event and responds with the delivery id.
#include <ledgerhost/plugin.hpp>

#include <stdexcept>
#include <string>

namespace {

const char* const kStreams[] = {"invoices", "limited", "boom", "http", nullptr};
const char* const kCommands[] = {"create_invoice", nullptr};

class GoodConnector : public ledgerhost::Connector {
 public:
  GoodConnector(ledgerhost::Host host, std::string_view config_json) : Connector(host) {
    if (config_json.find("\"reject\"") != std::string_view::npos) {
      throw ledgerhost::Error(LH_E_INVALID_CONFIG, "config key 'reject' is not allowed");
    }
  }

  void read(std::string_view stream, std::string_view cursor_json) override {
    (void)cursor_json;
    if (stream == "limited") {
      throw ledgerhost::Error(LH_E_RATE_LIMITED, "upstream said 429, retry after 30s");
    }
    if (stream == "boom") {
      throw std::runtime_error("parser exploded on page 3");
    }
    if (stream == "http") {
      ledgerhost::Response response = host().http("GET", "https://api.example.test/v1/invoices",
                                                  {{"Accept", "application/json"}});
      const std::string* requestId = response.header("request-id");
      host().emit("{\"type\":\"invoice\",\"external_id\":\"in_http\",\"http_status\":" +
                  std::to_string(response.status) +
                  ",\"body_bytes\":" + std::to_string(response.body.size()) + ",\"request_id\":\"" +
                  (requestId != nullptr ? *requestId : std::string()) + "\"}");
      host().checkpoint("null", false);
      return;
    }
    if (host().emit("{\"type\":\"invoice\",\"external_id\":\"in_1\"}") != LH_OK) {
      throw ledgerhost::Error(LH_E_INTERNAL, "the host refused an event");
    }
    host().checkpoint("{\"after\":\"in_1\"}", false);
  }

  void execute(std::string_view commands_json) override {
    (void)commands_json;
    host().respond("{\"id\":\"cmd_1\",\"status\":0,\"target_id\":\"qbo_7\"}");
  }

  void verifyWebhook(const std::vector<ledgerhost::Header>& headers,
                     std::string_view body) override {
    (void)body;
    for (const auto& h : headers) {
      if (h.name == "X-Test-Signature" && h.value == "valid") {
        return;
      }
    }
    throw ledgerhost::Error(LH_E_INVALID_ARGUMENT, "signature mismatch");
  }

  void handleWebhook(const std::vector<ledgerhost::Header>& headers,
                     std::string_view body) override {
    (void)headers;
    (void)body;
    host().emit("{\"type\":\"invoice\",\"external_id\":\"in_hook\"}");
    host().respond("{\"event_id\":\"evt_1\",\"event_type\":\"invoice.paid\"}");
  }
};

}  // namespace

LH_CONNECTOR(GoodConnector,
             (ledgerhost::PluginInfo{"good_cpp", "2.1.0", "test plugin written with plugin.hpp",
                                     LH_KIND_ACCOUNTING, LH_PLUGIN_FLAG_WEBHOOKS,
                                     "{\"type\": \"object\"}", kStreams, kCommands}))
