#include "net/circuit_breaker_client.h"

namespace lh::net {

CircuitBreakerClient::CircuitBreakerClient(HttpClient& inner, CircuitBreaker& breaker)
    : inner_(inner), breaker_(breaker) {}

SendResult CircuitBreakerClient::send(const Request& request) {
  auto ticket = breaker_.allow();
  if (!ticket.isOk()) {
    Error error;
    error.kind = ErrorKind::CircuitOpen;
    error.code = Code::RateLimited;
    error.message = ticket.status().message();
    error.requestMaybeSent = false;
    const auto left = breaker_.retryAfter();
    if (left.count() > 0) {
      error.retryAfter = left;
    }
    return error;
  }
  SendResult outcome = inner_.send(request);
  if (outcome.isOk()) {
    if (outcome.response().status >= 500) {
      ticket->recordFailure();
    } else {
      ticket->recordSuccess();
    }
  } else if (outcome.error().code == Code::Transient) {
    ticket->recordFailure();
  }
  // Otherwise the ticket is dropped unreported.
  return outcome;
}

}  // namespace lh::net
