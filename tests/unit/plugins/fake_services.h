// Test doubles for the host services: a settable clock and a scripted HTTP transport.
#pragma once

#include <atomic>
#include <optional>
#include <utility>
#include <vector>

#include "plugins/host_services.h"

namespace lh::testsupport {

// A clock that reads whatever the test set.
class FakeClock : public plugins::Clock {
 public:
  explicit FakeClock(int64_t nowMs) : nowMs_(nowMs) {}
  int64_t nowMs() const override { return nowMs_.load(); }
  void set(int64_t nowMs) { nowMs_.store(nowMs); }

 private:
  std::atomic<int64_t> nowMs_;
};

// Answers every request with the scripted result and records the requests it was given.
class ScriptedTransport : public plugins::HttpTransport {
 public:
  explicit ScriptedTransport(Result<plugins::HttpResponse> answer) : answer_(std::move(answer)) {}

  Result<plugins::HttpResponse> send(const plugins::HttpRequest& request) override {
    requests_.push_back(request);
    return answer_;
  }

  const std::vector<plugins::HttpRequest>& requests() const { return requests_; }

 private:
  Result<plugins::HttpResponse> answer_;
  std::vector<plugins::HttpRequest> requests_;
};

}  // namespace lh::testsupport
