// redactUrl: a URL as it may appear in a log line or an error message.
//
// Query strings carry secrets (`?api_key=...`, OAuth `code=` and `access_token=`), and URLs can
// carry credentials (`https://user:pass@host`). Everything lh::net logs or puts into an Error
// message goes through this first, on top of the redaction every log sink applies anyway
// (core/redact.h), so a URL is safe even in a message that leaves the host another way.
//
// Thread safety: pure function.
#pragma once

#include <string>
#include <string_view>

namespace lh::net {

// Returns `url` with:
//  - userinfo (`user:pass@`) replaced by `[REDACTED:userinfo]@`;
//  - the fragment dropped;
//  - the value of each query parameter whose name (ignoring case, `_` and `-`) contains token,
//    secret, password, passwd, key, signature, sig, auth, code, session, credential or assertion
//    replaced by `[REDACTED]`;
//  - everything lh::redact finds in the path and the other parameters (emails, card numbers,
//    JWTs, ...) replaced by its marker.
std::string redactUrl(std::string_view url);

}  // namespace lh::net
