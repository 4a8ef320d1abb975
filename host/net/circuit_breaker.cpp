#include "net/circuit_breaker.h"

#include <algorithm>
#include <ctime>
#include <utility>

namespace lh::net {
namespace {

std::string isoUtc(WallTime when) {
  const std::time_t t = std::chrono::system_clock::to_time_t(
      std::chrono::time_point_cast<std::chrono::seconds>(when));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

std::string_view circuitStateName(CircuitBreaker::State state) {
  switch (state) {
    case CircuitBreaker::State::Closed:
      return "closed";
    case CircuitBreaker::State::Open:
      return "open";
    case CircuitBreaker::State::HalfOpen:
      return "half_open";
  }
  return "closed";
}

CircuitBreaker::Ticket::Ticket(Ticket&& other) noexcept
    : breaker_(std::exchange(other.breaker_, nullptr)),
      probe_(other.probe_),
      generation_(other.generation_) {}

CircuitBreaker::Ticket& CircuitBreaker::Ticket::operator=(Ticket&& other) noexcept {
  if (this != &other) {
    finish(std::nullopt);
    breaker_ = std::exchange(other.breaker_, nullptr);
    probe_ = other.probe_;
    generation_ = other.generation_;
  }
  return *this;
}

CircuitBreaker::Ticket::~Ticket() { finish(std::nullopt); }

void CircuitBreaker::Ticket::recordSuccess() { finish(true); }

void CircuitBreaker::Ticket::recordFailure() { finish(false); }

void CircuitBreaker::Ticket::finish(std::optional<bool> success) {
  if (breaker_ != nullptr) {
    std::exchange(breaker_, nullptr)->finish(probe_, generation_, success);
  }
}

CircuitBreaker::CircuitBreaker(Options options, const Clock& clock)
    : options_(std::move(options)), clock_(clock) {
  options_.failureThreshold = std::max(options_.failureThreshold, 1);
}

void CircuitBreaker::openLocked(SteadyTime now) {
  state_ = State::Open;
  openUntil_ = now + options_.openFor;
  probeOut_ = false;
  ++generation_;
}

Result<CircuitBreaker::Ticket> CircuitBreaker::allow() {
  std::lock_guard lock(mu_);
  const SteadyTime now = clock_.steadyNow();
  const std::string who = options_.name.empty() ? "circuit" : "circuit of " + options_.name;
  if (state_ == State::Open) {
    if (now < openUntil_) {
      const WallTime until = clock_.wallNow() + (openUntil_ - now);
      return rateLimited(who + " open until " + isoUtc(until) + " after " +
                         std::to_string(failures_) + " consecutive failures");
    }
    state_ = State::HalfOpen;
    probeOut_ = false;
    ++generation_;
  }
  if (state_ == State::HalfOpen) {
    if (probeOut_) {
      return rateLimited(who + " half-open: a probe request is in flight");
    }
    probeOut_ = true;
    return Ticket(this, true, generation_);
  }
  return Ticket(this, false, generation_);
}

void CircuitBreaker::finish(bool probe, uint64_t generation, std::optional<bool> success) {
  std::lock_guard lock(mu_);
  if (generation != generation_) {
    return;  // issued under an earlier state; says nothing about this one
  }
  const SteadyTime now = clock_.steadyNow();
  if (probe) {
    probeOut_ = false;
    if (!success) {
      return;  // cancelled: the next allow() probes instead
    }
    if (*success) {
      state_ = State::Closed;
      failures_ = 0;
      ++generation_;
    } else {
      ++failures_;
      openLocked(now);
    }
    return;
  }
  if (!success || state_ != State::Closed) {
    return;
  }
  if (*success) {
    failures_ = 0;
  } else if (++failures_ >= options_.failureThreshold) {
    openLocked(now);
  }
}

CircuitBreaker::State CircuitBreaker::state() const {
  std::lock_guard lock(mu_);
  if (state_ == State::Open && clock_.steadyNow() >= openUntil_) {
    return State::HalfOpen;
  }
  return state_;
}

int CircuitBreaker::consecutiveFailures() const {
  std::lock_guard lock(mu_);
  return failures_;
}

std::chrono::milliseconds CircuitBreaker::retryAfter() const {
  std::lock_guard lock(mu_);
  if (state_ != State::Open) {
    return std::chrono::milliseconds(0);
  }
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(openUntil_ - clock_.steadyNow());
  return std::max(left, std::chrono::milliseconds(0));
}

}  // namespace lh::net
