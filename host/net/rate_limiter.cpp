#include "net/rate_limiter.h"

#include <algorithm>
#include <utility>

#include "core/check.h"

namespace lh::net {

struct RateLimiter::Window {
  WindowLimit limit;
  std::deque<SteadyTime> grants;  // oldest first; never more than limit.maxRequests

  // How long from `now` until one more grant fits.
  std::chrono::milliseconds wait(SteadyTime now) {
    while (!grants.empty() && grants.front() + limit.window <= now) {
      grants.pop_front();
    }
    if (static_cast<int64_t>(grants.size()) < limit.maxRequests) {
      return std::chrono::milliseconds(0);
    }
    // Round up: waking a microsecond early would find the window still full.
    return std::chrono::ceil<std::chrono::milliseconds>(grants.front() + limit.window - now);
  }

  void record(SteadyTime now) { grants.push_back(now); }
};

struct RateLimiter::KeyState {
  std::optional<Window> requests;
  std::map<std::string, Window, std::less<>> classes;
  int inFlight = 0;
  SteadyTime pausedUntil{};
  std::condition_variable slotFreed;
};

Status RateLimiter::validate(const Options& options) {
  auto check = [](const WindowLimit& limit, const std::string& what) -> Status {
    if (limit.maxRequests < 1) {
      return invalidConfig(what + ": maxRequests must be at least 1");
    }
    if (limit.window.count() < 1) {
      return invalidConfig(what + ": window must be at least 1 ms");
    }
    return Status::ok();
  };
  if (options.requests) {
    LH_RETURN_IF_ERROR(check(*options.requests, "rate limit"));
  }
  for (const auto& [name, limit] : options.classes) {
    LH_RETURN_IF_ERROR(check(limit, "rate limit of class '" + name + "'"));
  }
  if (options.maxInFlight < 0) {
    return invalidConfig("maxInFlight must not be negative");
  }
  return Status::ok();
}

RateLimiter::Permit::Permit(Permit&& other) noexcept
    : limiter_(std::exchange(other.limiter_, nullptr)),
      state_(std::exchange(other.state_, nullptr)) {}

RateLimiter::Permit& RateLimiter::Permit::operator=(Permit&& other) noexcept {
  if (this != &other) {
    release();
    limiter_ = std::exchange(other.limiter_, nullptr);
    state_ = std::exchange(other.state_, nullptr);
  }
  return *this;
}

RateLimiter::Permit::~Permit() { release(); }

void RateLimiter::Permit::release() {
  if (limiter_ != nullptr && state_ != nullptr) {
    limiter_->releaseSlot(state_);
  }
  state_ = nullptr;
}

RateLimiter::RateLimiter(Options options, const Clock& clock, Sleeper& sleeper)
    : options_(std::move(options)), clock_(clock), sleeper_(sleeper) {
  LH_CHECK(validate(options_).isOk());
}

RateLimiter::~RateLimiter() = default;

RateLimiter::KeyState& RateLimiter::stateFor(std::string_view key) {
  auto it = keys_.find(key);
  if (it == keys_.end()) {
    auto state = std::make_unique<KeyState>();
    if (options_.requests) {
      state->requests = Window{*options_.requests, {}};
    }
    for (const auto& [name, limit] : options_.classes) {
      state->classes.emplace(name, Window{limit, {}});
    }
    it = keys_.emplace(std::string(key), std::move(state)).first;
  }
  return *it->second;
}

std::chrono::milliseconds RateLimiter::waitLocked(KeyState& state, std::string_view requestClass,
                                                  SteadyTime now) {
  std::chrono::milliseconds wait{0};
  if (state.pausedUntil > now) {
    wait = std::chrono::ceil<std::chrono::milliseconds>(state.pausedUntil - now);
  }
  if (state.requests) {
    wait = std::max(wait, state.requests->wait(now));
  }
  if (!requestClass.empty()) {
    if (auto it = state.classes.find(requestClass); it != state.classes.end()) {
      wait = std::max(wait, it->second.wait(now));
    }
  }
  return wait;
}

std::string RateLimiter::describe(std::string_view key, std::string_view requestClass) const {
  std::string text = "rate limit of '" + std::string(key) + "'";
  if (!requestClass.empty()) {
    text += " (class '" + std::string(requestClass) + "')";
  }
  return text;
}

Result<RateLimiter::Permit> RateLimiter::acquire(std::string_view key,
                                                 std::string_view requestClass,
                                                 std::optional<std::chrono::milliseconds> maxWait) {
  std::unique_lock lock(mu_);
  KeyState& state = stateFor(key);
  const bool noWaiting = maxWait && maxWait->count() <= 0;

  bool holdsSlot = false;
  if (options_.maxInFlight > 0) {
    if (state.inFlight >= options_.maxInFlight) {
      if (noWaiting) {
        return rateLimited(describe(key, requestClass) + ": " +
                           std::to_string(options_.maxInFlight) + " requests already in flight");
      }
      state.slotFreed.wait(lock, [&] { return state.inFlight < options_.maxInFlight; });
    }
    ++state.inFlight;
    holdsSlot = true;
  }
  // From here on, leaving without a permit must give the slot back.
  Permit permit(this, holdsSlot ? &state : nullptr);

  const SteadyTime start = clock_.steadyNow();
  for (;;) {
    const SteadyTime now = clock_.steadyNow();
    const std::chrono::milliseconds wait = waitLocked(state, requestClass, now);
    if (wait.count() <= 0) {
      if (state.requests) {
        state.requests->record(now);
      }
      if (!requestClass.empty()) {
        if (auto it = state.classes.find(requestClass); it != state.classes.end()) {
          it->second.record(now);
        }
      }
      return permit;
    }
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(now - start);
    if (maxWait && waited + wait > *maxWait) {
      lock.unlock();  // the permit's destructor takes mu_ to give the slot back
      permit.release();
      return rateLimited(describe(key, requestClass) + ": next request allowed in " +
                         std::to_string(wait.count()) + " ms");
    }
    lock.unlock();
    sleeper_.sleepFor(wait);
    lock.lock();
  }
}

void RateLimiter::pauseUntil(std::string_view key, SteadyTime until) {
  std::lock_guard lock(mu_);
  KeyState& state = stateFor(key);
  state.pausedUntil = std::max(state.pausedUntil, until);
}

std::chrono::milliseconds RateLimiter::waitTime(std::string_view key,
                                                std::string_view requestClass) {
  std::lock_guard lock(mu_);
  return waitLocked(stateFor(key), requestClass, clock_.steadyNow());
}

int RateLimiter::inFlight(std::string_view key) const {
  std::lock_guard lock(mu_);
  auto it = keys_.find(key);
  return it == keys_.end() ? 0 : it->second->inFlight;
}

void RateLimiter::releaseSlot(void* opaque) {
  auto* state = static_cast<KeyState*>(opaque);
  {
    std::lock_guard lock(mu_);
    --state->inFlight;
  }
  state->slotFreed.notify_one();
}

}  // namespace lh::net
