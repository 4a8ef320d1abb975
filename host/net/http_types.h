// The values lh::net's HTTP clients exchange: Request, Response, and Error, the typed reason an
// attempt produced no response, joined in SendResult.
//
// Error carries more than an lh::Status because the retry layer needs it: whether any byte of the
// request may have reached the server (a non-idempotent request is only retried when it cannot
// have), what kind of failure it was (for logs and metrics) and, for refusals by the host's own
// limiter or breaker, when to try again. `Error::status()` gives the plain lh::Status for callers
// across module boundaries.
//
// Thread safety: plain values (see status.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"

namespace lh::net {

// One header (owned). Names compare case-insensitively (findHeader).
struct Header {
  std::string name;
  std::string value;

  friend bool operator==(const Header&, const Header&) = default;
};

// An outbound HTTP request.
struct Request {
  std::string method = "GET";  // an HTTP token: GET, POST, PUT, PATCH, DELETE, HEAD, ...
  std::string url;             // absolute http:// or https:// URL, query string included
  std::vector<Header> headers;
  std::string body;
  // Whole-request timeout of one attempt (connect + send + receive); zero: the client's default.
  std::chrono::milliseconds timeout{0};
  // One attempt only, whatever happens (LH_HTTP_NO_RETRY).
  bool noRetry = false;
  // The caller vouches that repeating this non-idempotent request is harmless, because it carries
  // an idempotency key the server honours (LH_HTTP_RETRY_UNSAFE).
  bool retryUnsafe = false;
};

// A complete HTTP response, whatever its status code.
struct Response {
  int32_t status = 0;
  std::vector<Header> headers;  // in the order received; the final response's only (no 1xx)
  std::string body;             // complete: never a truncated body (that is an Error)
};

// Why an attempt produced no response.
enum class ErrorKind {
  InvalidRequest,   // malformed URL, method or header; nothing was sent
  ConnectFailed,    // DNS, refused or unreachable; nothing was sent
  TlsHandshake,     // the TLS handshake failed; no request byte was sent
  TlsVerification,  // the server's certificate did not verify against the CA bundle
  TlsConfig,        // our own client certificate, key or CA bundle could not be used
  Timeout,          // the attempt's timeout expired (connect or transfer)
  ConnectionLost,   // the connection failed or closed after the request may have been sent
  Truncated,        // the body ended before its declared length (or its last chunk)
  Protocol,         // the server's reply was not valid HTTP
  TooLarge,         // the body exceeded the client's response size limit
  RateLimited,      // the host's own rate limiter refused to send now
  CircuitOpen,      // the connection's circuit breaker refused to send now
  Internal,         // a bug or resource exhaustion in the client
};

// Lower-case name of a kind, e.g. "connect_failed" (for logs and metrics labels).
std::string_view errorKindName(ErrorKind kind);

// The failure of one send.
struct Error {
  ErrorKind kind = ErrorKind::Internal;
  // The SDK code with its retry meaning: Transient (network, timeout, truncated), RateLimited
  // (limiter, breaker), InvalidArgument (malformed request), InvalidConfig (TLS material),
  // Permanent (certificate verification, oversized body), Internal.
  Code code = Code::Internal;
  // What happened, safe to log: URLs in it are redacted (redactUrl) and no header or body is in it.
  std::string message;
  // False only when no byte of the HTTP request can have reached the server, so even a
  // non-idempotent request may be repeated.
  bool requestMaybeSent = true;
  // For RateLimited: how long until the limiter or breaker would let the request through.
  std::optional<std::chrono::milliseconds> retryAfter;

  // `code` and "<kind>: <message>" as an lh::Status.
  Status status() const;
};

// A Response or an Error.
class [[nodiscard]] SendResult {
 public:
  SendResult(Response response)
      : data_(std::move(response)) {}                   // NOLINT(google-explicit-constructor)
  SendResult(Error error) : data_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool isOk() const { return std::holds_alternative<Response>(data_); }
  explicit operator bool() const { return isOk(); }

  // The response; calling these on an error is a broken invariant (std::get throws).
  const Response& response() const& { return std::get<Response>(data_); }
  Response& response() & { return std::get<Response>(data_); }
  Response&& response() && { return std::get<Response>(std::move(data_)); }

  // The error; calling it on a response is a broken invariant.
  const Error& error() const { return std::get<Error>(data_); }

  // OK for a response (of any status code), else error().status().
  Status status() const { return isOk() ? Status::ok() : error().status(); }

 private:
  std::variant<Response, Error> data_;
};

// The value of the first header named `name` (ASCII case-insensitive), or nullopt.
std::optional<std::string_view> findHeader(const std::vector<Header>& headers,
                                           std::string_view name);

// True for methods whose repetition has the effect of one request (RFC 9110 9.2.2): GET, HEAD,
// OPTIONS, TRACE, PUT, DELETE. Case-sensitive, as methods are.
bool isIdempotentMethod(std::string_view method);

// ASCII case-insensitive equality (header names, "true"/"false" hints).
bool equalsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace lh::net
