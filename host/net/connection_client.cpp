#include "net/connection_client.h"

#include <utility>

namespace lh::net {

// Fans one attempt out to the request log and the caller's observer.
class ConnectionClient::Observers final : public AttemptObserver {
 public:
  Observers(AttemptObserver& first, AttemptObserver* second) : first_(first), second_(second) {}
  void onAttempt(const AttemptRecord& record) override {
    first_.onAttempt(record);
    if (second_ != nullptr) {
      second_->onAttempt(record);
    }
  }

 private:
  AttemptObserver& first_;
  AttemptObserver* second_;
};

Result<std::unique_ptr<ConnectionClient>> ConnectionClient::create(
    ConnectionClientOptions options, const Clock& clock, Sleeper& sleeper,
    AttemptObserver* extraObserver, TransportFactory transport,
    RetryingClient::JitterSource jitter) {
  const std::string where = "connection '" + options.name + "': ";
  if (options.retry.maxAttempts < 1) {
    return invalidConfig(where + "retry maxAttempts must be at least 1");
  }
  if (options.retry.baseDelay.count() < 0 || options.retry.maxDelay.count() < 0 ||
      options.retry.maxRetryAfter.count() < 0) {
    return invalidConfig(where + "retry delays must not be negative");
  }
  if (options.rateLimits) {
    if (Status s = RateLimiter::validate(*options.rateLimits); !s.isOk()) {
      return s.withContext("connection '" + options.name + "'");
    }
  }
  if (options.breaker) {
    if (options.breaker->failureThreshold < 1) {
      return invalidConfig(where + "breaker failureThreshold must be at least 1");
    }
    if (options.breaker->openFor.count() < 1) {
      return invalidConfig(where + "breaker openFor must be at least 1 ms");
    }
  }
  if (options.transport.connectTimeout.count() < 1 ||
      options.transport.requestTimeout.count() < 1) {
    return invalidConfig(where + "timeouts must be at least 1 ms");
  }
  return std::unique_ptr<ConnectionClient>(new ConnectionClient(
      std::move(options), clock, sleeper, extraObserver, std::move(transport), std::move(jitter)));
}

ConnectionClient::ConnectionClient(ConnectionClientOptions options, const Clock& clock,
                                   Sleeper& sleeper, AttemptObserver* extraObserver,
                                   TransportFactory transport, RetryingClient::JitterSource jitter)
    : options_(std::move(options)) {
  if (!transport) {
    transport = [curl = options_.transport]() -> std::unique_ptr<HttpClient> {
      return std::make_unique<CurlClient>(curl);
    };
  }
  pool_ = std::make_unique<PooledClient>(std::move(transport), options_.maxIdleConnections);
  HttpClient* next = pool_.get();

  if (options_.rateLimits) {
    if (options_.classify.defaultKey.empty()) {
      options_.classify.defaultKey = options_.name;
    }
    limiter_ = std::make_unique<RateLimiter>(*options_.rateLimits, clock, sleeper);
    limited_ = std::make_unique<RateLimitedClient>(
        *next, *limiter_, pathClassifier(options_.classify), clock, options_.maxRateLimitWait);
    next = limited_.get();
  }
  if (options_.breaker) {
    CircuitBreaker::Options breakerOptions = *options_.breaker;
    if (breakerOptions.name.empty()) {
      breakerOptions.name = options_.name;
    }
    breaker_ = std::make_unique<CircuitBreaker>(breakerOptions, clock);
    guarded_ = std::make_unique<CircuitBreakerClient>(*next, *breaker_);
    next = guarded_.get();
  }
  logger_ = std::make_unique<RequestLogger>(options_.name, nullptr, options_.quietSuccessLogs);
  observers_ = std::make_unique<Observers>(*logger_, extraObserver);
  retrying_ = std::make_unique<RetryingClient>(*next, options_.retry, clock, sleeper,
                                               observers_.get(), std::move(jitter));
}

ConnectionClient::~ConnectionClient() = default;

SendResult ConnectionClient::send(const Request& request) { return retrying_->send(request); }

}  // namespace lh::net
