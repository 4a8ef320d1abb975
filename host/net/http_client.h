// HttpClient: the one interface every layer of lh::net's outbound HTTP stack implements.
//
// The stack is built from decorators around a transport (CurlClient or PooledClient):
//   RetryingClient -> CircuitBreakerClient -> RateLimitedClient -> PooledClient -> CurlClient
// so each concern (retries, breaker, limits, connections) is one small class that tests swap or
// script. ConnectionClient (connection_client.h) assembles the usual stack for one connection.
#pragma once

#include "net/http_types.h"

namespace lh::net {

// Sends one request and returns the complete response (any status code) or an Error.
//
// Thread safety: each implementation states its own. CurlClient is thread-compatible (one thread
// at a time); PooledClient and the decorators are thread-safe when their inner client is.
class HttpClient {
 public:
  virtual ~HttpClient() = default;

  // `request` is borrowed for the call.
  virtual SendResult send(const Request& request) = 0;
};

}  // namespace lh::net
