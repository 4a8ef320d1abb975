// The host side the Stripe connector tests run the REAL stripe.so in: PluginLibrary +
// PluginInstance + HostContext, with the real outbound stack of host/net (ConnectionClient:
// retries honouring Retry-After and Stripe-Should-Retry, breaker off; PluginHttpTransport) on a
// ManualClock so backoff takes no wall time, an EventSink that validates every emitted event with
// core::EventValidator (the host's own check) and records every committed batch, and a fixed,
// settable clock.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/event_validator.h"
#include "net/connection_client.h"
#include "net/manual_clock.h"
#include "net/plugin_http_transport.h"
#include "plugins/host_context.h"
#include "plugins/memory_state_store.h"
#include "plugins/plugin_instance.h"
#include "plugins/plugin_library.h"

namespace lh::stripe_test {

// Validates like the host and keeps every committed batch, and every refusal.
class ValidatingSink : public plugins::EventSink {
 public:
  Status validate(std::string_view eventJson) override {
    auto result = validator_.validate(eventJson);
    if (!result.isOk()) {
      std::lock_guard lock(mu_);
      rejected_.push_back(result.status().message() + " in " +
                          std::string(eventJson.substr(0, 300)));
      return result.status();
    }
    return Status::ok();
  }
  Status commit(plugins::EventBatch batch) override {
    std::lock_guard lock(mu_);
    batches_.push_back(std::move(batch));
    return Status::ok();
  }
  std::vector<plugins::EventBatch> batches() const {
    std::lock_guard lock(mu_);
    return batches_;
  }
  std::vector<std::string> rejected() const {
    std::lock_guard lock(mu_);
    return rejected_;
  }
  // Every committed event, parsed, in commit order.
  std::vector<nlohmann::json> events() const {
    std::vector<nlohmann::json> out;
    for (const auto& b : batches()) {
      for (const auto& e : b.events) {
        out.push_back(nlohmann::json::parse(e));
      }
    }
    return out;
  }
  void clear() {
    std::lock_guard lock(mu_);
    batches_.clear();
  }

 private:
  core::EventValidator validator_;
  mutable std::mutex mu_;
  std::vector<plugins::EventBatch> batches_;
  std::vector<std::string> rejected_;
};

class FixedClock : public plugins::Clock {
 public:
  explicit FixedClock(int64_t ms) : ms_(ms) {}
  int64_t nowMs() const override { return ms_; }
  void set(int64_t ms) { ms_ = ms; }

 private:
  std::atomic<int64_t> ms_;
};

// One connection's worth of host: client stack, services, and the loaded plugin.
class StripeHost {
 public:
  static std::shared_ptr<plugins::PluginLibrary> library() {
    static std::shared_ptr<plugins::PluginLibrary> lib = [] {
      auto loaded = plugins::PluginLibrary::load(std::string(LH_PLUGIN_DIR) + "/stripe.so");
      EXPECT_TRUE(loaded.isOk()) << loaded.status().message();
      return loaded.isOk() ? *loaded : nullptr;
    }();
    return lib;
  }

  explicit StripeHost(int64_t nowSeconds, int maxAttempts = 3) : clock_(nowSeconds * 1000) {
    net::ConnectionClientOptions options;
    options.name = "stripe-test";
    options.retry.maxAttempts = maxAttempts;
    options.retry.shouldRetryHeader = "Stripe-Should-Retry";
    options.breaker = std::nullopt;
    auto client = net::ConnectionClient::create(options, netClock_, netClock_);
    EXPECT_TRUE(client.isOk()) << client.status().message();
    client_ = std::move(*client);
    transport_ = std::make_unique<net::PluginHttpTransport>(*client_);
  }

  // A new instance with `config`; the previous one (if any) is destroyed first.
  Status create(const nlohmann::json& config) {
    instance_.reset();
    plugins::HostServices services{&sink_, &state_, &clock_, transport_.get()};
    auto context = std::make_unique<plugins::HostContext>(services, "stripe-test");
    auto made = plugins::PluginInstance::create(library(), std::move(context), config.dump());
    if (!made.isOk()) {
      return made.status();
    }
    instance_ = std::move(*made);
    return Status::ok();
  }

  plugins::PluginInstance& instance() { return *instance_; }
  ValidatingSink& sink() { return sink_; }
  FixedClock& clock() { return clock_; }
  net::ManualClock& netClock() { return netClock_; }

  // Reads `stream` from `cursor` until the plugin says no more pages follow (at most `maxReads`).
  // Returns the cursors committed after each read, in order; stops at the first error (returned
  // through `status`).
  std::vector<std::string> syncAll(const std::string& stream, std::string cursor = {},
                                   Status* status = nullptr, int maxReads = 1000) {
    std::vector<std::string> cursors;
    for (int i = 0; i < maxReads; ++i) {
      const size_t before = sink_.batches().size();
      Status s = instance_->read(stream, cursor);
      if (!s.isOk()) {
        if (status != nullptr) {
          *status = s;
        } else {
          ADD_FAILURE() << s.message();
        }
        return cursors;
      }
      const auto batches = sink_.batches();
      EXPECT_EQ(batches.size(), before + 1);
      cursor = batches.back().cursor.value_or("");
      cursors.push_back(cursor);
      if (!batches.back().hasMore) {
        break;
      }
    }
    if (status != nullptr) {
      *status = Status::ok();
    }
    return cursors;
  }

 private:
  net::ManualClock netClock_;
  std::unique_ptr<net::ConnectionClient> client_;
  std::unique_ptr<net::PluginHttpTransport> transport_;
  ValidatingSink sink_;
  plugins::MemoryStateStore state_;
  FixedClock clock_;
  std::unique_ptr<plugins::PluginInstance> instance_;
};

}  // namespace lh::stripe_test
