// CircuitBreakerClient: asks the connection's CircuitBreaker before each attempt and reports the
// outcome: a Transient Error or a 5xx is a failure; any other response (2xx-4xx, 429 included)
// shows the vendor is up and is a success; a non-Transient Error (a malformed request, our own
// limiter refusing) says nothing about the vendor and is not counted.
//
// A refusal is an Error of kind CircuitOpen, code RateLimited, requestMaybeSent false, with
// retryAfter = the rest of the cool-down.
//
// Thread safety: thread-safe when the inner client is.
#pragma once

#include "net/circuit_breaker.h"
#include "net/http_client.h"

namespace lh::net {

class CircuitBreakerClient final : public HttpClient {
 public:
  // Both borrowed; they must outlive this.
  CircuitBreakerClient(HttpClient& inner, CircuitBreaker& breaker);

  SendResult send(const Request& request) override;

 private:
  HttpClient& inner_;
  CircuitBreaker& breaker_;
};

}  // namespace lh::net
