#include "net/http_types.h"

#include <array>

namespace lh::net {

std::string_view errorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::InvalidRequest:
      return "invalid_request";
    case ErrorKind::ConnectFailed:
      return "connect_failed";
    case ErrorKind::TlsHandshake:
      return "tls_handshake";
    case ErrorKind::TlsVerification:
      return "tls_verification";
    case ErrorKind::TlsConfig:
      return "tls_config";
    case ErrorKind::Timeout:
      return "timeout";
    case ErrorKind::ConnectionLost:
      return "connection_lost";
    case ErrorKind::Truncated:
      return "truncated";
    case ErrorKind::Protocol:
      return "protocol";
    case ErrorKind::TooLarge:
      return "too_large";
    case ErrorKind::RateLimited:
      return "rate_limited";
    case ErrorKind::CircuitOpen:
      return "circuit_open";
    case ErrorKind::Internal:
      return "internal";
  }
  return "internal";
}

Status Error::status() const {
  // An Error always means failure; an Ok code here would be a bug in whoever built it.
  const Code effective = code == Code::Ok ? Code::Internal : code;
  return Status(effective, std::string(errorKindName(kind)) + ": " + message);
}

namespace {

char lowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (lowerAscii(a[i]) != lowerAscii(b[i])) {
      return false;
    }
  }
  return true;
}

std::optional<std::string_view> findHeader(const std::vector<Header>& headers,
                                           std::string_view name) {
  for (const Header& h : headers) {
    if (equalsIgnoreCase(h.name, name)) {
      return std::string_view(h.value);
    }
  }
  return std::nullopt;
}

bool isIdempotentMethod(std::string_view method) {
  static constexpr std::array<std::string_view, 6> kIdempotent = {"GET",   "HEAD", "OPTIONS",
                                                                  "TRACE", "PUT",  "DELETE"};
  for (std::string_view m : kIdempotent) {
    if (method == m) {
      return true;
    }
  }
  return false;
}

}  // namespace lh::net
