// Test plugins for `ledgerhost connect` (tests/unit/cli/connect_command_test.cpp).
//
// Built twice from this file (tests/unit/cli/CMakeLists.txt):
//   oauthy  (OAUTHY): an accounting plugin with LH_PLUGIN_FLAG_OAUTH2 that implements lh.oauth2/1
//           like a real vendor connector, through the host only:
//             authorizationUrl: respond {"url": auth_url?response_type=code&client_id=..&scope=..
//                               &redirect_uri=<encoded>&state=<state>}
//             complete: parses code and realmId from the raw query, POSTs the authorization_code
//                       grant to token_url (Basic client_id:client_secret, form body), and on 200
//                       stores {"access_token","refresh_token","realm"} with statePut under
//                       "oauth.tokens"; respond {"account": realmId}. A non-200 is AUTH_REQUIRED
//                       with the endpoint's `error`.
//             read("items"): no tokens -> AUTH_REQUIRED; GET api_url/items with the bearer token;
//                       401 -> AUTH_REQUIRED; else checkpoint {"done": true} (no events).
//           Config: {auth_url, token_url, api_url, client_id, client_secret}.
//   plainy  (PLAINY): the same connector without the flag: `connect` must refuse it.
#include <ledgerhost/plugin.hpp>
#include <nlohmann/json.hpp>
#include <string>

namespace {

using ledgerhost::Error;
using nlohmann::json;

std::string urlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(in[i]) << 16 |
                       static_cast<unsigned char>(in[i + 1]) << 8 |
                       static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += kAlphabet[v >> 6 & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == in.size()) {
    const unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    const unsigned v =
        static_cast<unsigned char>(in[i]) << 16 | static_cast<unsigned char>(in[i + 1]) << 8;
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += kAlphabet[v >> 6 & 63];
    out += '=';
  }
  return out;
}

// The first value of `name` in a raw query (no percent-decoding needed for the test's values).
std::string param(std::string_view query, std::string_view name) {
  size_t at = 0;
  while (at <= query.size()) {
    const size_t amp = query.find('&', at);
    const std::string_view pair =
        query.substr(at, amp == std::string_view::npos ? std::string_view::npos : amp - at);
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      return std::string(pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) {
      break;
    }
    at = amp + 1;
  }
  return {};
}

class OAuthy : public ledgerhost::Connector {
 public:
  OAuthy(ledgerhost::Host host, std::string_view configJson) : Connector(host) {
    config_ = json::parse(configJson, nullptr, false);
    if (!config_.is_object()) {
      throw Error(LH_E_INVALID_CONFIG, "config is not an object");
    }
  }

  void authorizationUrl(std::string_view state, std::string_view redirectUri) override {
    const std::string clientId = config_.value("client_id", "");
    if (clientId.empty()) {
      throw Error(LH_E_INVALID_CONFIG, "client_id is required for the consent");
    }
    const std::string url = config_.value("auth_url", "") +
                            "?response_type=code&client_id=" + urlEncode(clientId) +
                            "&scope=com.intuit.quickbooks.accounting&redirect_uri=" +
                            urlEncode(redirectUri) + "&state=" + urlEncode(state);
    host().respond(json{{"url", url}}.dump());
  }

  void completeAuthorization(std::string_view query, std::string_view redirectUri) override {
    const std::string code = param(query, "code");
    const std::string realm = param(query, "realmId");
    if (code.empty()) {
      throw Error(LH_E_AUTH_REQUIRED, "the redirect carries no code");
    }
    const std::string body = "grant_type=authorization_code&code=" + urlEncode(code) +
                             "&redirect_uri=" + urlEncode(redirectUri);
    const std::string basic = base64(config_.value("client_id", "") + ":" +
                                     config_.value("client_secret", ""));
    ledgerhost::Response r = host().http(
        "POST", config_.value("token_url", ""),
        {{"Authorization", "Basic " + basic},
         {"Content-Type", "application/x-www-form-urlencoded"},
         {"Accept", "application/json"}},
        body, LH_HTTP_NO_RETRY);
    const json answer = json::parse(r.body, nullptr, false);
    if (r.status != 200 || !answer.is_object() || !answer.contains("access_token")) {
      const std::string error = answer.is_object() ? answer.value("error", "") : "";
      throw Error(LH_E_AUTH_REQUIRED, "the token endpoint refused the code (HTTP " +
                                          std::to_string(r.status) + " " + error + ")");
    }
    host().statePut("oauth.tokens", json{{"access_token", answer.value("access_token", "")},
                                         {"refresh_token", answer.value("refresh_token", "")},
                                         {"realm", realm}}
                                        .dump());
    host().respond(json{{"account", realm}}.dump());
  }

  void read(std::string_view, std::string_view) override {
    auto [found, text] = host().stateGet("oauth.tokens");
    if (!found) {
      throw Error(LH_E_AUTH_REQUIRED, "not connected yet");
    }
    const json tokens = json::parse(text, nullptr, false);
    ledgerhost::Response r = host().http(
        "GET", config_.value("api_url", "") + "/items",
        {{"Authorization", "Bearer " + tokens.value("access_token", "")}}, {}, LH_HTTP_NO_RETRY);
    if (r.status == 401) {
      throw Error(LH_E_AUTH_REQUIRED, "the access token was refused (revoked)");
    }
    host().checkpoint(R"({"done":true})", false);
  }

 private:
  json config_;
};

constexpr const char* kStreams[] = {"items", nullptr};
constexpr const char* kCommands[] = {"create_thing", nullptr};
constexpr const char* kSchema = R"({"$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object"})";

}  // namespace

#if defined(OAUTHY)
LH_CONNECTOR(OAuthy, (ledgerhost::PluginInfo{"oauthy", "1.0.0", "test OAuth2 connector",
                                             LH_KIND_ACCOUNTING, LH_PLUGIN_FLAG_OAUTH2, kSchema,
                                             kStreams, kCommands}))
#elif defined(PLAINY)
LH_CONNECTOR(OAuthy, (ledgerhost::PluginInfo{"plainy", "1.0.0", "test connector without OAuth2",
                                             LH_KIND_ACCOUNTING, 0, kSchema, kStreams, kCommands}))
#else
#error "define OAUTHY or PLAINY"
#endif
