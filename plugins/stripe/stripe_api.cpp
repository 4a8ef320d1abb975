#include "stripe_api.h"

#include "exact_json.h"

namespace lh::stripe {

StripeApi::StripeApi(ledgerhost::Host host, Settings settings)
    : host_(host), settings_(std::move(settings)) {}

std::string StripeApi::encode(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string StripeApi::url(std::string_view path, const QueryParams& query) const {
  std::string out = settings_.baseUrl;
  out.append(path);
  char sep = '?';
  for (const auto& [name, value] : query) {
    out.push_back(sep);
    sep = '&';
    out += encode(name);
    out.push_back('=');
    out += encode(value);
  }
  return out;
}

std::string StripeApi::scrub(std::string text) const {
  if (!settings_.apiKey.empty()) {
    for (size_t at = text.find(settings_.apiKey); at != std::string::npos;
         at = text.find(settings_.apiKey, at)) {
      text.replace(at, settings_.apiKey.size(), "[redacted]");
    }
  }
  return text;
}

nlohmann::json StripeApi::get(std::string_view path, const QueryParams& query) const {
  std::vector<ledgerhost::Header> headers = {
      {"Authorization", "Bearer " + settings_.apiKey},
      {"Accept", "application/json"},
      {"Stripe-Version", settings_.apiVersion},
      {"User-Agent", "ledgerhost-stripe/0.2.0"},
  };
  if (!settings_.stripeAccount.empty()) {
    headers.push_back({"Stripe-Account", settings_.stripeAccount});
  }
  const std::string what = "stripe: GET " + std::string(path);
  ledgerhost::Response response;
  try {
    response = host_.http("GET", url(path, query), headers);
  } catch (const ledgerhost::Error& e) {
    // The host's own detail (network, limiter) is already recorded through its error; say which
    // request it was.
    throw ledgerhost::Error(e.code(), what + ": no response (" + e.what() + ")");
  }

  // Exact numbers: an exchange_rate keeps every digit Stripe wrote (exact_json.h).
  nlohmann::json body = parseExact(response.body);
  if (response.status >= 200 && response.status < 300) {
    if (body.is_discarded() || !body.is_object()) {
      throw ledgerhost::Error(LH_E_TRANSIENT, what + ": malformed or truncated response body (" +
                                                  std::to_string(response.body.size()) +
                                                  " bytes); nothing from it was used");
    }
    return body;
  }

  std::string type;
  std::string code;
  std::string message;
  if (!body.is_discarded() && body.is_object() && body.contains("error") &&
      body["error"].is_object()) {
    const auto& error = body["error"];
    type = error.value("type", "");
    code = error.value("code", "");
    message = error.value("message", "");
  }
  const std::string status = std::to_string(response.status);
  const std::string* requestId = response.header("Request-Id");
  const std::string rid = requestId != nullptr ? " [" + *requestId + "]" : "";
  if (response.status == 401) {
    // Stripe's text echoes the (masked) key: never pass it on.
    throw ledgerhost::Error(LH_E_AUTH_REQUIRED,
                            what +
                                ": 401: Stripe refused the API key; the connection needs a "
                                "valid key (re-authorisation)" +
                                rid);
  }
  if (response.status == 403) {
    throw ledgerhost::Error(LH_E_AUTH_REQUIRED,
                            what + ": 403 " + type + ": " + scrub(message) +
                                " (a restricted key needs read access to this resource)" + rid);
  }
  if (response.status == 429 || code == "rate_limit") {
    throw ledgerhost::Error(LH_E_RATE_LIMITED,
                            what + ": " + status + ": rate limited by Stripe" + rid);
  }
  if (response.status == 409 || response.status >= 500) {
    throw ledgerhost::Error(LH_E_TRANSIENT,
                            what + ": " + status + (type.empty() ? "" : " " + type) +
                                (message.empty() ? "" : ": " + scrub(message)) + rid);
  }
  throw ledgerhost::Error(LH_E_PERMANENT,
                          what + ": " + status + (type.empty() ? "" : " " + type) +
                              (code.empty() ? "" : " (" + code + ")") + ": " +
                              (message.empty() ? "no error message" : scrub(message)) + rid);
}

}  // namespace lh::stripe
