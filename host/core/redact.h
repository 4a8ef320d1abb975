// Redaction of secrets and personal data from text bound for a log.
//
// Every line the host logs passes through `redact` (logging.cpp installs it inside the sink, so it
// cannot be bypassed). It is a hand-written single pass over the text: linear in its length, no
// regex, no allocation when nothing matches. Each finding is replaced by a marker
// `[REDACTED:<kind>]` so a reader sees that something was there and what kind it was.
//
// What is removed (kind in brackets):
//   - Stripe secret keys sk_live_/sk_test_/rk_live_/rk_test_ and webhook secrets whsec_, whole
//     (stripe_key). Publishable keys pk_ are public and stay.
//   - The credential after `Bearer` (bearer) or `Basic` (basic), any letter case: the scheme word
//     stays, the token goes. Any word following "basic"/"bearer" is treated as a credential, so
//     prose like "basic auth" loses its second word; we prefer that to leaking a token.
//   - The value of a sensitive key written as JSON `"key": "value"` (also inside an escaped JSON
//     string, `\"key\":\"value\"`), form/query `key=value` or header/YAML `key: value`. Keys are
//     matched ignoring case, `_` and `-` (so access_token, accessToken, Access-Token are one):
//       token:  access_token, refresh_token, id_token, token_secret, session_token, oauth_token
//       secret: client_secret, password, passwd, secret, transaction_key (Authorize.net),
//               api_key, x-api-key, private_key, client_assertion, code_verifier
//       oauth_code: code, authorization_code — except values that read as error codes: at most
//               8 characters (E00007, 400) or lowercase words only (card_declined)
//       authorization: authorization, proxy-authorization, cookie, set-cookie (an unquoted value
//               runs to the end of the line, since a header value holds spaces)
//       name:   first_name, last_name, given_name, family_name, middle_name, full_name,
//               display_name, cardholder_name, name_on_account, bill_to_name (not bare "name":
//               too many non-personal names, e.g. plugins and connections, use it)
//   - JWT-looking strings: `eyJ` plus base64url, with any `.segment`s (jwt).
//   - Email addresses local@domain.tld (email).
//   - Card numbers: 13–19 digits, contiguous or in groups joined by single spaces or dashes,
//     that pass the Luhn check and are not glued to letters, digits, `_` or `.` (card).
//     Amounts, ids like ch_123, 12-digit numbers and non-Luhn digit runs stay.
//
// Thread safety: pure functions, safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace lh {

// Returns `text` with every finding above replaced by its marker.
std::string redact(std::string_view text);

// Redacts `text` in place. Returns true when anything was replaced (and `text` changed).
bool redactInPlace(std::string& text);

}  // namespace lh
