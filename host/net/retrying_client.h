// RetryingClient: repeats requests by RetryPolicy (retry_policy.h), sleeping through an injected
// Sleeper, so the delays are real in production and recorded, instant ones in tests.
//
// It returns the last attempt's outcome (see RetryPolicy for why the final 5xx comes back as a
// Response and a network failure as a Transient Error) and tells the observer about every
// attempt, the delay before the next one and why.
//
// Thread safety: thread-safe if the inner client, the observer and the jitter source are (the
// default jitter source is). Several threads may send through one RetryingClient.
#pragma once

#include <functional>

#include "net/attempt_observer.h"
#include "net/clock.h"
#include "net/http_client.h"
#include "net/retry_policy.h"

namespace lh::net {

class RetryingClient final : public HttpClient {
 public:
  // A sample from [0, 1) for full jitter.
  using JitterSource = std::function<double()>;

  // All references are borrowed and must outlive this client. `observer` may be null. A null
  // `jitter` uses a mutex-guarded std::mt19937_64 seeded from std::random_device.
  RetryingClient(HttpClient& inner, RetryPolicy policy, const Clock& clock, Sleeper& sleeper,
                 AttemptObserver* observer = nullptr, JitterSource jitter = nullptr);

  SendResult send(const Request& request) override;

  const RetryPolicy& policy() const { return policy_; }

 private:
  HttpClient& inner_;
  RetryPolicy policy_;
  const Clock& clock_;
  Sleeper& sleeper_;
  AttemptObserver* observer_;
  JitterSource jitter_;
};

}  // namespace lh::net
