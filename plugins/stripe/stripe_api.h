// StripeApi: GET requests to the Stripe REST API through the host's `http` service, with Stripe's
// errors turned into the SDK's codes.
//
// Every request carries `Authorization: Bearer <key>`, `Stripe-Version` (so response shapes do not
// change when the account's default version is upgraded) and `Stripe-Account` for Connect. The
// host applies retries (429/5xx with Retry-After; the connection's retry policy should name
// `Stripe-Should-Retry` as its vendor hint), rate limits and the breaker; requests are sent
// without LH_HTTP_NO_RETRY since every one is a GET.
//
// Error mapping of the final response (after the host's retries):
//   401                            → LH_E_AUTH_REQUIRED (the key was refused: re-authorise)
//   403                            → LH_E_AUTH_REQUIRED (a restricted key lacks a permission)
//   429, 400 with code rate_limit  → LH_E_RATE_LIMITED
//   409, 5xx                       → LH_E_TRANSIENT
//   other 4xx                      → LH_E_PERMANENT with Stripe's own error message
//   200 whose body is not one complete JSON object → LH_E_TRANSIENT (retry the page)
// No message ever contains the API key: Stripe's 401 text (which echoes a masked key) is not
// passed on, and any other text is scrubbed of the key before it is used.
//
// Thread safety: [instance-serial], like the Host it wraps.
#pragma once

#include <ledgerhost/plugin.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lh::stripe {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

class StripeApi {
 public:
  struct Settings {
    std::string apiKey;
    std::string baseUrl;  // without a trailing slash
    std::string apiVersion;
    std::string stripeAccount;  // empty: the key's own account
  };

  StripeApi(ledgerhost::Host host, Settings settings);

  // GETs `path` (e.g. "/v1/balance_transactions") with `query` (names as Stripe spells them,
  // e.g. "created[gte]", "expand[]"; values unencoded) and returns the whole parsed body. Throws
  // ledgerhost::Error per the mapping above.
  nlohmann::json get(std::string_view path, const QueryParams& query) const;

  // The URL `get` would request (percent-encoded query).
  std::string url(std::string_view path, const QueryParams& query) const;

  // Percent-encodes everything but RFC 3986 unreserved characters.
  static std::string encode(std::string_view text);

 private:
  std::string scrub(std::string text) const;

  ledgerhost::Host host_;
  Settings settings_;
};

}  // namespace lh::stripe
