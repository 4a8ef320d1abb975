#include "qbo_auth.h"

#include <map>
#include <memory>
#include <mutex>

#include "qbo_util.h"

namespace lh::qbo {
namespace {

// One mutex per realm for the whole library (a plugin static, alive until unload).
std::mutex& realmMutex(const std::string& realm) {
  static std::mutex registryMu;
  static std::map<std::string, std::unique_ptr<std::mutex>> registry;
  std::lock_guard lock(registryMu);
  auto& slot = registry[realm];
  if (!slot) {
    slot = std::make_unique<std::mutex>();
  }
  return *slot;
}

[[noreturn]] void authRequired(const std::string& why) {
  throw ledgerhost::Error(LH_E_AUTH_REQUIRED, "qbo: " + why + "; " + reconnectHint());
}

}  // namespace

std::string reconnectHint() {
  return "the connection needs re-authorisation: run `ledgerhost connect <connection>`";
}

QboAuth::QboAuth(ledgerhost::Host host, const QboConfig& config) : host_(host), config_(config) {}

std::string QboAuth::authorizationUrl(std::string_view state, std::string_view redirectUri) const {
  const std::string redirect = redirectUri.empty() ? config_.redirectUri : std::string(redirectUri);
  if (redirect.empty()) {
    throw ledgerhost::Error(LH_E_INVALID_CONFIG,
                            "qbo: no redirect URI: set config.redirect_uri (the one registered on "
                            "the Intuit app)");
  }
  const char sep = config_.authUrl.find('?') == std::string::npos ? '?' : '&';
  return config_.authUrl + sep + "client_id=" + urlEncode(config_.clientId) +
         "&response_type=code&scope=" + urlEncode(kScope) + "&redirect_uri=" + urlEncode(redirect) +
         "&state=" + urlEncode(state);
}

std::string QboAuth::completeAuthorization(std::string_view callbackQuery,
                                           std::string_view redirectUri) {
  const auto params = parseQueryString(callbackQuery);
  if (auto err = params.find("error"); err != params.end()) {
    auto desc = params.find("error_description");
    authRequired("Intuit refused the consent (" + err->second +
                 (desc != params.end() ? ": " + desc->second : std::string()) + ")");
  }
  auto code = params.find("code");
  if (code == params.end() || code->second.empty()) {
    authRequired("the redirect carries no authorization code");
  }
  auto realm = params.find("realmId");
  const std::string realmId = realm == params.end() ? config_.realmId : realm->second;
  if (realmId != config_.realmId) {
    throw ledgerhost::Error(LH_E_INVALID_CONFIG,
                            "qbo: the company connected (realm " + realmId +
                                ") is not config.realm_id (" + config_.realmId +
                                "): pick that company in the consent screen or fix the config");
  }
  const std::string redirect = redirectUri.empty() ? config_.redirectUri : std::string(redirectUri);
  const Json response =
      tokenRequest("grant_type=authorization_code&code=" + urlEncode(code->second) +
                       "&redirect_uri=" + urlEncode(redirect),
                   /*refreshing=*/false);
  store(response, std::string(), realmId);
  host_.log(LH_LOG_INFO, "qbo: connected realm " + realmId);
  return realmId;
}

Json QboAuth::loadTokens() const {
  const auto [found, text] = host_.stateGet(kTokensKey);
  if (!found) {
    authRequired("no OAuth tokens are stored for this connection");
  }
  auto tokens = parseExact(text);
  if (!tokens || !tokens->is_object() || !tokens->contains("refresh_token")) {
    authRequired("the stored OAuth tokens are unreadable");
  }
  return *tokens;
}

std::string QboAuth::accessToken() {
  const Json tokens = loadTokens();
  const int64_t now = host_.nowMs();
  if (tokens.value("expires_at_ms", int64_t{0}) - config_.refreshMarginSeconds * 1000 > now &&
      !tokens.value("access_token", std::string()).empty()) {
    return tokens["access_token"].get<std::string>();
  }
  return refresh(tokens.value("access_token", std::string()), /*force=*/false);
}

std::string QboAuth::refreshAfterUnauthorized(const std::string& rejected) {
  return refresh(rejected, /*force=*/true);
}

std::string QboAuth::refresh(const std::string& stale, bool force) {
  std::lock_guard lock(realmMutex(config_.realmId));
  // Another instance may have refreshed while we waited: its tokens are in the state now.
  const Json tokens = loadTokens();
  const int64_t now = host_.nowMs();
  const std::string current = tokens.value("access_token", std::string());
  const bool fresh =
      tokens.value("expires_at_ms", int64_t{0}) - config_.refreshMarginSeconds * 1000 > now;
  if (fresh && !current.empty() && (!force || current != stale)) {
    return current;
  }
  const int64_t refreshExpiry = tokens.value("refresh_expires_at_ms", int64_t{0});
  if (refreshExpiry != 0 && refreshExpiry <= now) {
    authRequired("the refresh token expired (Intuit keeps one for about 100 days of disuse)");
  }
  const std::string refreshToken = tokens["refresh_token"].get<std::string>();
  const Json response = tokenRequest(
      "grant_type=refresh_token&refresh_token=" + urlEncode(refreshToken), /*refreshing=*/true);
  const Json stored = store(response, refreshToken, tokens.value("realm_id", config_.realmId));
  if (stored["refresh_token"] != refreshToken) {
    host_.log(LH_LOG_INFO, "qbo: access token refreshed; Intuit rotated the refresh token");
  } else {
    host_.log(LH_LOG_INFO, "qbo: access token refreshed");
  }
  return stored["access_token"].get<std::string>();
}

Json QboAuth::tokenRequest(const std::string& form, bool refreshing) {
  const std::vector<ledgerhost::Header> headers = {
      {"Authorization", "Basic " + base64Encode(config_.clientId + ":" + config_.clientSecret)},
      {"Accept", "application/json"},
      {"Content-Type", "application/x-www-form-urlencoded"},
  };
  ledgerhost::Response response;
  try {
    response = host_.http("POST", config_.tokenUrl, headers, form);
  } catch (const ledgerhost::Error& e) {
    throw ledgerhost::Error(
        e.code() == LH_E_RATE_LIMITED ? LH_E_RATE_LIMITED : LH_E_TRANSIENT,
        std::string("qbo: the token endpoint did not answer (") + e.what() + ")");
  }
  auto body = parseExact(response.body);
  const std::string error =
      body && body->is_object() ? body->value("error", std::string()) : std::string();
  if (response.status == 200 && body && body->contains("access_token")) {
    return *body;
  }
  if (error == "invalid_grant") {
    const std::string desc = body->value("error_description", std::string());
    authRequired(refreshing
                     ? "Intuit refused the refresh token (invalid_grant: " + desc +
                           "): it was revoked, expired or already rotated"
                     : "Intuit refused the authorization code (invalid_grant: " + desc + ")");
  }
  if (error == "invalid_client" || response.status == 401) {
    throw ledgerhost::Error(LH_E_INVALID_CONFIG,
                            "qbo: Intuit refused the client credentials (invalid_client): check "
                            "config.client_id and config.client_secret");
  }
  if (response.status == 429) {
    throw ledgerhost::Error(LH_E_RATE_LIMITED, "qbo: the token endpoint throttled us (429)");
  }
  if (response.status >= 500) {
    throw ledgerhost::Error(LH_E_TRANSIENT, "qbo: the token endpoint failed (HTTP " +
                                                std::to_string(response.status) + ")");
  }
  throw ledgerhost::Error(LH_E_PERMANENT, "qbo: the token endpoint answered HTTP " +
                                              std::to_string(response.status) +
                                              (error.empty() ? std::string() : " (" + error + ")"));
}

Json QboAuth::store(const Json& response, const std::string& previousRefresh,
                    const std::string& realm) {
  const int64_t now = host_.nowMs();
  Json tokens = Json::object();
  tokens["access_token"] = response.value("access_token", std::string());
  tokens["refresh_token"] = response.value("refresh_token", previousRefresh);
  tokens["token_type"] = response.value("token_type", std::string("bearer"));
  tokens["expires_at_ms"] = now + response.value("expires_in", int64_t{3600}) * 1000;
  if (response.contains("x_refresh_token_expires_in") &&
      response["x_refresh_token_expires_in"].is_number_integer()) {
    tokens["refresh_expires_at_ms"] =
        now + response["x_refresh_token_expires_in"].get<int64_t>() * 1000;
  }
  tokens["realm_id"] = realm;
  tokens["obtained_at_ms"] = now;
  if (tokens["refresh_token"].get<std::string>().empty()) {
    authRequired("Intuit's token response carries no refresh token");
  }
  // Durable before the new access token is used: the old refresh token may already be dead.
  host_.statePut(kTokensKey, tokens.dump());
  return tokens;
}

}  // namespace lh::qbo
