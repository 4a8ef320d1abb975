// QboAuth: Intuit OAuth 2.0 for one QBO connection: the consent URL, the code exchange, and an
// access token that is always fresh when asked for.
//
// Tokens live in the connection's state under kTokensKey (the host encrypts state at rest) as
//   {"access_token", "refresh_token", "token_type", "expires_at_ms", "refresh_expires_at_ms",
//    "realm_id", "obtained_at_ms"}.
// Rules it keeps:
//  - An access token with less than `refresh_margin_seconds` left is refreshed before use, and a
//    401 from the API refreshes once (refreshAfterUnauthorized); a second 401 is auth-required.
//  - Intuit may rotate the refresh token on every refresh and retires the old one: the response is
//    persisted with statePut *before* the new access token is handed out, so a crash right after a
//    refresh never leaves the connection holding a dead refresh token.
//  - One refresh at a time per realm in this process (a mutex per realm id, shared by every
//    instance the library serves): the second caller re-reads the state after the first finished
//    and uses its tokens instead of spending the (already rotated) refresh token again.
//  - invalid_grant (revoked, expired or already rotated refresh token), or no tokens at all, is
//    LH_E_AUTH_REQUIRED with "run `ledgerhost connect <connection>`".
//
// Thread safety: [instance-serial] like the instance that owns it; the per-realm mutex makes
// concurrent refreshes by several instances safe.
#pragma once

#include <cstdint>
#include <ledgerhost/plugin.hpp>
#include <string>
#include <string_view>

#include "qbo_config.h"
#include "qbo_json.h"

namespace lh::qbo {

inline constexpr std::string_view kTokensKey = "oauth.tokens";
inline constexpr std::string_view kScope = "com.intuit.quickbooks.accounting";

class QboAuth {
 public:
  QboAuth(ledgerhost::Host host, const QboConfig& config);

  // Intuit's authorize URL for `state` and `redirectUri` (config.redirect_uri when empty).
  // LH_E_INVALID_CONFIG without a redirect URI.
  std::string authorizationUrl(std::string_view state, std::string_view redirectUri) const;

  // Exchanges the code of the redirect's query, stores the tokens and returns the realm id it
  // connected. LH_E_AUTH_REQUIRED when the redirect carries an error or Intuit refuses the code;
  // LH_E_INVALID_CONFIG when the realm connected is not config.realm_id.
  std::string completeAuthorization(std::string_view callbackQuery, std::string_view redirectUri);

  // A usable access token (refreshed first when close to expiry).
  std::string accessToken();

  // After the API refused `rejected` with 401: a new access token (refreshed unless another
  // instance already replaced `rejected`).
  std::string refreshAfterUnauthorized(const std::string& rejected);

 private:
  // Stored tokens, or throws LH_E_AUTH_REQUIRED when there are none.
  Json loadTokens() const;
  // Refreshes under the realm lock unless the stored token is already newer than `stale` and still
  // fresh; returns the access token to use.
  std::string refresh(const std::string& stale, bool force);
  // POSTs a form to the token endpoint; returns the parsed 200 body, throws on anything else.
  Json tokenRequest(const std::string& form, bool refreshing);
  // Stores a token response (keeping the old refresh token when none is returned).
  Json store(const Json& response, const std::string& previousRefresh, const std::string& realm);

  ledgerhost::Host host_;
  const QboConfig& config_;
};

// "... run `ledgerhost connect <connection>`": the text every auth-required error ends with.
std::string reconnectHint();

}  // namespace lh::qbo
