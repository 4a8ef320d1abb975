#include "net/url_redaction.h"

#include <array>

#include "core/redact.h"

namespace lh::net {
namespace {

// Lower-cased `name` without '_' and '-', so api_key, apiKey and API-Key compare equal.
std::string normalizeName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    if (c == '_' || c == '-') {
      continue;
    }
    out.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

bool sensitiveParam(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kFragments = {
      "token", "secret", "password", "passwd",  "key",        "signature",
      "sig",   "auth",   "code",     "session", "credential", "assertion"};
  const std::string normalized = normalizeName(name);
  for (std::string_view fragment : kFragments) {
    if (normalized.find(fragment) != std::string::npos) {
      return true;
    }
  }
  return false;
}

std::string redactQuery(std::string_view query) {
  std::string out;
  out.reserve(query.size());
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) {
      end = query.size();
    }
    const std::string_view pair = query.substr(start, end - start);
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && sensitiveParam(pair.substr(0, eq))) {
      out.append(pair.substr(0, eq + 1));
      out.append("[REDACTED]");
    } else {
      out.append(redact(pair));
    }
    if (end == query.size()) {
      break;
    }
    out.push_back('&');
    start = end + 1;
  }
  return out;
}

}  // namespace

std::string redactUrl(std::string_view url) {
  // Drop the fragment: it never reaches the server and may hold OAuth implicit-flow tokens.
  if (const size_t hash = url.find('#'); hash != std::string_view::npos) {
    url = url.substr(0, hash);
  }
  std::string out;
  out.reserve(url.size() + 16);

  // Authority starts after "scheme://" and ends at the first '/', '?' or the end.
  size_t authorityStart = 0;
  if (const size_t scheme = url.find("://"); scheme != std::string_view::npos) {
    authorityStart = scheme + 3;
  }
  size_t authorityEnd = url.find_first_of("/?", authorityStart);
  if (authorityEnd == std::string_view::npos) {
    authorityEnd = url.size();
  }
  const std::string_view authority = url.substr(authorityStart, authorityEnd - authorityStart);
  out.append(url.substr(0, authorityStart));
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    out.append("[REDACTED:userinfo]");
    out.append(authority.substr(at));
  } else {
    out.append(authority);
  }

  // The general redaction runs piecewise, so it never rewrites the markers set above.
  const std::string_view rest = url.substr(authorityEnd);
  if (const size_t q = rest.find('?'); q != std::string_view::npos) {
    out.append(redact(rest.substr(0, q + 1)));
    out.append(redactQuery(rest.substr(q + 1)));
  } else {
    out.append(redact(rest));
  }
  return out;
}

}  // namespace lh::net
