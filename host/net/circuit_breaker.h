// CircuitBreaker: stops a connection from hammering a vendor that is down.
//
//   Closed ──(failureThreshold consecutive failures)──▶ Open
//   Open ──(openFor has passed; the next allow() becomes the one probe)──▶ HalfOpen
//   HalfOpen ──probe succeeds──▶ Closed        HalfOpen ──probe fails──▶ Open (a new cool-down)
//
// While Open, and while the HalfOpen probe is out, allow() refuses with RateLimited ("circuit
// open until <UTC time>"), which the SDK defines as "retry the same call later": nothing is sent,
// so the vendor gets the quiet it needs and the caller reschedules. What counts as a failure is
// the caller's choice (CircuitBreakerClient: Transient errors and 5xx; a 4xx or 429 proves the
// vendor is up). The daemon's scheduler can use the same class per connection for whole syncs.
//
// Thread safety: thread-safe; one mutex.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "net/clock.h"

namespace lh::net {

class CircuitBreaker {
 public:
  struct Options {
    int failureThreshold = 5;                   // consecutive failures that open the circuit (>= 1)
    std::chrono::milliseconds openFor{30'000};  // cool-down before the half-open probe
    std::string name;                           // named in refusals, e.g. the connection
  };

  enum class State { Closed, Open, HalfOpen };

  // The right to make one attempt; report how it went. A ticket dropped without a report (the
  // attempt never happened, or its outcome says nothing about the vendor's health) changes no
  // count and frees the half-open probe slot. Move-only; must not outlive the breaker.
  class Ticket {
   public:
    Ticket(Ticket&& other) noexcept;
    Ticket& operator=(Ticket&& other) noexcept;
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    ~Ticket();

    void recordSuccess();
    void recordFailure();

   private:
    friend class CircuitBreaker;
    Ticket(CircuitBreaker* breaker, bool probe, uint64_t generation)
        : breaker_(breaker), probe_(probe), generation_(generation) {}
    void finish(std::optional<bool> success);
    CircuitBreaker* breaker_ = nullptr;
    bool probe_ = false;
    uint64_t generation_ = 0;
  };

  // `clock` is borrowed and must outlive the breaker. failureThreshold < 1 reads as 1.
  CircuitBreaker(Options options, const Clock& clock);

  CircuitBreaker(const CircuitBreaker&) = delete;
  CircuitBreaker& operator=(const CircuitBreaker&) = delete;

  // A ticket, or RateLimited "circuit <name> open until 2026-01-01T00:00:30Z after 5 consecutive
  // failures" (or "half-open, a probe request is in flight").
  Result<Ticket> allow();

  // The state now: Open turns into HalfOpen once its cool-down has passed.
  State state() const;
  int consecutiveFailures() const;
  // While Open: how long until the probe is allowed; otherwise zero.
  std::chrono::milliseconds retryAfter() const;

 private:
  void finish(bool probe, uint64_t generation, std::optional<bool> success);
  void openLocked(SteadyTime now);

  Options options_;
  const Clock& clock_;
  mutable std::mutex mu_;
  State state_ = State::Closed;  // guarded by mu_ (Open may be stale: see state())
  int failures_ = 0;             // guarded by mu_
  SteadyTime openUntil_{};       // guarded by mu_
  bool probeOut_ = false;        // guarded by mu_
  // Bumped on every state change, so a ticket issued before it cannot count after it.
  uint64_t generation_ = 0;  // guarded by mu_
};

// "closed", "open", "half_open".
std::string_view circuitStateName(CircuitBreaker::State state);

}  // namespace lh::net
