#include "net/retrying_client.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <random>

namespace lh::net {
namespace {

RetryingClient::JitterSource defaultJitter() {
  struct State {
    std::mutex mu;
    std::mt19937_64 engine{std::random_device{}()};
    std::uniform_real_distribution<double> dist{0.0, 1.0};
  };
  auto state = std::make_shared<State>();
  return [state] {
    std::lock_guard lock(state->mu);
    return state->dist(state->engine);
  };
}

}  // namespace

RetryingClient::RetryingClient(HttpClient& inner, RetryPolicy policy, const Clock& clock,
                               Sleeper& sleeper, AttemptObserver* observer, JitterSource jitter)
    : inner_(inner),
      policy_(std::move(policy)),
      clock_(clock),
      sleeper_(sleeper),
      observer_(observer),
      jitter_(jitter ? std::move(jitter) : defaultJitter()) {
  policy_.maxAttempts = std::max(policy_.maxAttempts, 1);
}

SendResult RetryingClient::send(const Request& request) {
  const int maxAttempts = request.noRetry ? 1 : policy_.maxAttempts;
  for (int attempt = 1;; ++attempt) {
    const SteadyTime start = clock_.steadyNow();
    SendResult outcome = inner_.send(request);
    const auto latency =
        std::chrono::duration_cast<std::chrono::milliseconds>(clock_.steadyNow() - start);
    const RetryDecision decision =
        decideRetry(policy_, request, outcome, attempt, jitter_(), clock_.wallNow());
    if (observer_ != nullptr) {
      AttemptRecord record{
          request,        outcome, attempt,
          maxAttempts,    latency, decision.retry ? std::optional(decision.delay) : std::nullopt,
          decision.reason};
      observer_->onAttempt(record);
    }
    if (!decision.retry) {
      return outcome;
    }
    sleeper_.sleepFor(decision.delay);
  }
}

}  // namespace lh::net
