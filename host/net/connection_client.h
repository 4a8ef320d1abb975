// ConnectionClient: the outbound HTTP stack of one connection, assembled from options:
//
//   RetryingClient (RetryPolicy, jitter, Sleeper; RequestLogger + an optional extra observer)
//     -> CircuitBreakerClient (one CircuitBreaker per connection; optional)
//       -> RateLimitedClient (one RateLimiter per connection, keyed by pathClassifier; optional)
//         -> PooledClient -> CurlClient (one per concurrent sender, keep-alive)
//
// Each attempt passes the breaker and the limiter afresh, so a retry storm is still throttled and
// still trips the breaker. This is what the cli and daemon hand to plugins (through
// PluginHttpTransport) and what host-side callers (OAuth token exchange, outbound webhooks) use.
//
// Thread safety: thread-safe; one ConnectionClient may serve every worker of its connection.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "net/attempt_observer.h"
#include "net/circuit_breaker.h"
#include "net/circuit_breaker_client.h"
#include "net/clock.h"
#include "net/curl_client.h"
#include "net/http_client.h"
#include "net/pooled_client.h"
#include "net/rate_limited_client.h"
#include "net/rate_limiter.h"
#include "net/request_logger.h"
#include "net/retrying_client.h"

namespace lh::net {

struct ConnectionClientOptions {
  // The connection's name: log label, default rate-limit key, breaker name.
  std::string name;
  CurlClient::Options transport;
  RetryPolicy retry;
  // nullopt: no host-side rate limit.
  std::optional<RateLimiter::Options> rateLimits;
  // How requests map to limit keys and classes; an empty defaultKey becomes `name`.
  PathClassifierOptions classify;
  // Longest a sender waits for the rate limiter before getting RateLimited; nullopt: no bound.
  std::optional<std::chrono::milliseconds> maxRateLimitWait;
  // nullopt: no breaker.
  std::optional<CircuitBreaker::Options> breaker = CircuitBreaker::Options{};
  // Idle keep-alive connections kept.
  size_t maxIdleConnections = 8;
  // Log successful requests at debug instead of info.
  bool quietSuccessLogs = false;
};

class ConnectionClient final : public HttpClient {
 public:
  using TransportFactory = PooledClient::Factory;

  // Validates the options (InvalidConfig naming the bad one) and builds the stack. `clock` and
  // `sleeper` are borrowed and must outlive the client; `extraObserver` (metrics, recording) too,
  // if given. `transport` null: CurlClient with `options.transport` (tests inject scripted ones).
  // `jitter` null: random.
  static Result<std::unique_ptr<ConnectionClient>> create(
      ConnectionClientOptions options, const Clock& clock, Sleeper& sleeper,
      AttemptObserver* extraObserver = nullptr, TransportFactory transport = nullptr,
      RetryingClient::JitterSource jitter = nullptr);

  ~ConnectionClient() override;
  ConnectionClient(const ConnectionClient&) = delete;
  ConnectionClient& operator=(const ConnectionClient&) = delete;

  SendResult send(const Request& request) override;

  const ConnectionClientOptions& options() const { return options_; }
  // Null when disabled by the options.
  const CircuitBreaker* breaker() const { return breaker_.get(); }
  RateLimiter* rateLimiter() { return limiter_.get(); }

 private:
  class Observers;
  ConnectionClient(ConnectionClientOptions options, const Clock& clock, Sleeper& sleeper,
                   AttemptObserver* extraObserver, TransportFactory transport,
                   RetryingClient::JitterSource jitter);

  ConnectionClientOptions options_;
  std::unique_ptr<PooledClient> pool_;
  std::unique_ptr<RateLimiter> limiter_;
  std::unique_ptr<RateLimitedClient> limited_;
  std::unique_ptr<CircuitBreaker> breaker_;
  std::unique_ptr<CircuitBreakerClient> guarded_;
  std::unique_ptr<RequestLogger> logger_;
  std::unique_ptr<Observers> observers_;
  std::unique_ptr<RetryingClient> retrying_;
};

}  // namespace lh::net
