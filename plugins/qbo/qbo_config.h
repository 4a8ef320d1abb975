// QboConfig: a QuickBooks Online connection's config (config.schema.json), taken in once.
//
// Thread safety: a value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lh::qbo {

struct QboConfig {
  std::string clientId;
  std::string clientSecret;
  std::string realmId;
  bool production = false;
  std::string apiBase;  // base_url or the environment's, without a trailing slash
  std::string authUrl;
  std::string tokenUrl;
  std::string redirectUri;
  int minorVersion = 75;
  int batchSize = 10;  // 1..30
  std::vector<std::string> cdcEntities;
  std::string webhookVerifierToken;
  std::string homeCurrency = "USD";
  // Refresh the access token when fewer than this many seconds are left.
  int64_t refreshMarginSeconds = 300;
};

// The environments' API roots.
inline constexpr std::string_view kSandboxBase = "https://sandbox-quickbooks.api.intuit.com";
inline constexpr std::string_view kProductionBase = "https://quickbooks.api.intuit.com";
inline constexpr std::string_view kAuthUrl = "https://appcenter.intuit.com/connect/oauth2";
inline constexpr std::string_view kTokenUrl =
    "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer";

// Reads the config object text. Throws ledgerhost::Error(LH_E_INVALID_CONFIG) naming the key (never
// a value: configs hold secrets) when a required key is missing or a value is out of range.
QboConfig parseQboConfig(std::string_view configJson);

}  // namespace lh::qbo
