// Stripe webhook signatures (the `Stripe-Signature` header), as Stripe's libraries check them
// (stripe-python `WebhookSignature.verify_header`; docs.stripe.com/webhooks#verify-manually):
//
//   Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...][,v0=<hex>]
//   v1 = lower-hex HMAC-SHA256(key = endpoint secret "whsec_..." as its ASCII bytes,
//                              message = "<t>.<raw body bytes>")
//
// A delivery is authentic when any v1 matches the signature computed with any configured secret
// (two secrets while rotating); v0 (test-mode legacy scheme) and unknown schemes are ignored. The
// comparison is constant-time (CRYPTO_memcmp). After a match, a timestamp older than `tolerance`
// seconds is refused as a possible replay.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lh::stripe {

struct SignatureCheck {
  bool ok = false;
  // Why not, safe to log: never a secret, a signature or the body.
  std::string reason;
};

// Checks `header` (the Stripe-Signature value) against `body` (the raw bytes as received).
SignatureCheck verifyStripeSignature(std::string_view header, std::string_view body,
                                     const std::vector<std::string>& secrets, int64_t nowSeconds,
                                     int64_t toleranceSeconds);

// Lower-hex HMAC-SHA256(secret, "<timestamp>.<body>"): the v1 value Stripe would send.
std::string stripeSignatureV1(std::string_view secret, int64_t timestamp, std::string_view body);

}  // namespace lh::stripe
