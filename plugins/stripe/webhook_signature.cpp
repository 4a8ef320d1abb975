#include "webhook_signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace lh::stripe {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

bool parseTimestamp(std::string_view text, int64_t* out) {
  if (text.empty() || text.size() > 15) {
    return false;
  }
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

}  // namespace

std::string stripeSignatureV1(std::string_view secret, int64_t timestamp, std::string_view body) {
  std::string message = std::to_string(timestamp);
  message.push_back('.');
  message.append(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int macLen = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &macLen);
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(macLen * 2);
  for (unsigned int i = 0; i < macLen; ++i) {
    hex.push_back(kHex[mac[i] >> 4]);
    hex.push_back(kHex[mac[i] & 0xF]);
  }
  return hex;
}

SignatureCheck verifyStripeSignature(std::string_view header, std::string_view body,
                                     const std::vector<std::string>& secrets, int64_t nowSeconds,
                                     int64_t toleranceSeconds) {
  if (secrets.empty()) {
    return {false, "no webhook_secrets are configured for this connection"};
  }
  int64_t timestamp = -1;
  bool sawTimestamp = false;
  std::vector<std::string_view> v1;
  while (!header.empty()) {
    const size_t comma = header.find(',');
    const std::string_view item = trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      continue;
    }
    const std::string_view key = trim(item.substr(0, eq));
    const std::string_view value = trim(item.substr(eq + 1));
    if (key == "t") {
      if (sawTimestamp || !parseTimestamp(value, &timestamp)) {
        return {false, "Stripe-Signature has a malformed or repeated timestamp"};
      }
      sawTimestamp = true;
    } else if (key == "v1") {
      v1.push_back(value);
    }
  }
  if (!sawTimestamp) {
    return {false, "Stripe-Signature has no timestamp (t=)"};
  }
  if (v1.empty()) {
    return {false, "Stripe-Signature has no v1 signature"};
  }
  bool match = false;
  for (const auto& secret : secrets) {
    const std::string expected = stripeSignatureV1(secret, timestamp, body);
    for (const auto& candidate : v1) {
      // Every pair is compared in full (no early exit on a match either), so timing says nothing
      // about which secret or which byte matched.
      if (candidate.size() == expected.size() &&
          CRYPTO_memcmp(candidate.data(), expected.data(), expected.size()) == 0) {
        match = true;
      }
    }
  }
  if (!match) {
    return {false, "no v1 signature matches any configured webhook secret"};
  }
  if (toleranceSeconds > 0 && timestamp < nowSeconds - toleranceSeconds) {
    return {false, "the signed timestamp is outside the tolerance of " +
                       std::to_string(toleranceSeconds) + " s (possible replay)"};
  }
  return {true, {}};
}

}  // namespace lh::stripe
