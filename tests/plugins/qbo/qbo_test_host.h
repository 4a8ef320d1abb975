// The host side the QBO connector tests run the REAL qbo.so in: PluginLibrary + PluginInstance +
// HostContext with the real outbound stack of host/net (ConnectionClient: retries on a ManualClock
// so backoff takes no wall time, breaker off; PluginHttpTransport), an in-memory state store the
// tests read (OAuth tokens, in-flight record), a validating event sink and a settable clock
// (shared with the Stripe connector tests: stripe_test_host.h).
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "fakes/qbo/fake_qbo.h"
#include "plugins/stripe/stripe_test_host.h"

namespace lh::qbo_test {

using nlohmann::json;
using stripe_test::FixedClock;
using stripe_test::ValidatingSink;

// What one execute() call answered.
struct Answers {
  Status status;
  std::vector<json> responses;       // in respond order
  std::map<std::string, json> byId;  // by command id

  int32_t statusOf(const std::string& id) const {
    auto it = byId.find(id);
    return it == byId.end() ? -1 : it->second.value("status", -1);
  }
  std::string targetOf(const std::string& id) const {
    auto it = byId.find(id);
    return it == byId.end() ? std::string() : it->second.value("target_id", std::string());
  }
  std::string messageOf(const std::string& id) const {
    auto it = byId.find(id);
    return it == byId.end() ? std::string() : it->second.value("message", std::string());
  }
};

class QboHost {
 public:
  static std::shared_ptr<plugins::PluginLibrary> library() {
    static std::shared_ptr<plugins::PluginLibrary> lib = [] {
      auto loaded = plugins::PluginLibrary::load(std::string(LH_PLUGIN_DIR) + "/qbo.so");
      EXPECT_TRUE(loaded.isOk()) << loaded.status().message();
      return loaded.isOk() ? *loaded : nullptr;
    }();
    return lib;
  }

  explicit QboHost(int64_t nowMs, int maxAttempts = 3) : clock_(nowMs) {
    net::ConnectionClientOptions options;
    options.name = "qbo-test";
    options.retry.maxAttempts = maxAttempts;
    options.breaker = std::nullopt;
    auto client = net::ConnectionClient::create(options, netClock_, netClock_);
    EXPECT_TRUE(client.isOk()) << client.status().message();
    client_ = std::move(*client);
    transport_ = std::make_unique<net::PluginHttpTransport>(*client_);
  }

  plugins::HostServices services() { return {&sink_, &state_, &clock_, transport_.get()}; }

  // A new instance with `config`; the previous one is destroyed first.
  Status create(const json& config) {
    instance_.reset();
    config_ = config;
    auto context = std::make_unique<plugins::HostContext>(services(), "books");
    auto made = plugins::PluginInstance::create(library(), std::move(context), config.dump());
    if (!made.isOk()) {
      return made.status();
    }
    instance_ = std::move(*made);
    return Status::ok();
  }

  Answers execute(const json& commands) {
    Answers run;
    std::vector<std::string> raw;
    run.status = instance_->execute(commands.dump(), &raw);
    for (const auto& r : raw) {
      json j = json::parse(r);
      run.byId[j.value("id", std::string())] = j;
      run.responses.push_back(std::move(j));
    }
    return run;
  }

  // Calls lh.oauth2/1 on a second instance of the same connection (same state store), as
  // `ledgerhost connect` would: `complete` false → authorization_url(first = state), true →
  // complete(first = callback query). Returns the respond() object, or the error.
  Result<json> oauth(bool complete, const std::string& first, const std::string& redirect) {
    plugins::HostContext context(services(), "books-connect");
    const lh_plugin_descriptor& d = library()->descriptor();
    lh_instance* instance = nullptr;
    const std::string config = config_.dump();
    context.beginCall(plugins::HostContext::Call::Create);
    lh_status s = d.create(context.api(), context.ctx(), config.data(), config.size(), &instance);
    context.endCall();
    if (s != LH_OK) {
      return Status(static_cast<Code>(s), "create failed");
    }
    const auto* ext = static_cast<const lh_oauth2_ext*>(d.get_extension(instance, LH_EXT_OAUTH2));
    // Execute allows http, state and respond on every host version these tests build against.
    context.beginCall(plugins::HostContext::Call::Execute);
    s = complete
            ? ext->complete(instance, first.data(), first.size(), redirect.data(), redirect.size())
            : ext->authorization_url(instance, first.data(), first.size(), redirect.data(),
                                     redirect.size());
    const auto record = context.endCall();
    d.destroy(instance);
    if (s != LH_OK) {
      return Status(static_cast<Code>(s), record.errorMessage);
    }
    if (record.responses.empty()) {
      return Status(Code::Internal, "no respond()");
    }
    return json::parse(record.responses.back());
  }

  // Reads the `cdc` stream from `cursor` until the plugin says no more pages follow; returns the
  // cursors committed, in order.
  std::vector<std::string> syncAllCdc(Status* status, std::string cursor = {}) {
    std::vector<std::string> cursors;
    for (int i = 0; i < 100; ++i) {
      *status = instance_->read("cdc", cursor);
      if (!status->isOk()) {
        break;
      }
      const auto batches = sink_.batches();
      cursor = batches.back().cursor.value_or("");
      cursors.push_back(cursor);
      if (!batches.back().hasMore) {
        break;
      }
    }
    return cursors;
  }

  std::optional<json> stateJson(const std::string& key) {
    auto v = state_.get(key);
    if (!v.isOk() || !v->has_value()) {
      return std::nullopt;
    }
    return json::parse(**v);
  }
  void putState(const std::string& key, const json& value) {
    EXPECT_TRUE(state_.put(key, value.dump()).isOk());
  }

  // Stores a token pair as `ledgerhost connect` would have, expiring `ttlMs` from now.
  void connect(const fakes::FakeQbo::Tokens& t, const std::string& realm,
               int64_t ttlMs = 3'600'000) {
    putState("oauth.tokens", json{{"access_token", t.accessToken},
                                  {"refresh_token", t.refreshToken},
                                  {"token_type", "bearer"},
                                  {"expires_at_ms", clock_.nowMs() + ttlMs},
                                  {"refresh_expires_at_ms", clock_.nowMs() + 8'726'400'000LL},
                                  {"realm_id", realm}});
  }

  plugins::PluginInstance& instance() { return *instance_; }
  ValidatingSink& sink() { return sink_; }
  FixedClock& clock() { return clock_; }
  plugins::MemoryStateStore& state() { return state_; }

 private:
  net::ManualClock netClock_;
  std::unique_ptr<net::ConnectionClient> client_;
  std::unique_ptr<net::PluginHttpTransport> transport_;
  ValidatingSink sink_;
  plugins::MemoryStateStore state_;
  FixedClock clock_;
  json config_;
  std::unique_ptr<plugins::PluginInstance> instance_;
};

// A started FakeQbo whose clock stands still at `nowMs` (tests move it with advance()).
inline std::unique_ptr<fakes::FakeQbo> startFake(int64_t nowMs,
                                                 fakes::FakeQbo::Options options = {}) {
  options.timeScale = 0;
  options.startMs = nowMs;
  auto fake = std::make_unique<fakes::FakeQbo>(options);
  EXPECT_TRUE(fake->start().isOk());
  return fake;
}

// The config of a connection to `fake`.
inline json configFor(const fakes::FakeQbo& fake, json extra = json::object()) {
  json c = {{"client_id", fake.options().clientId},
            {"client_secret", fake.options().clientSecret},
            {"realm_id", fake.realmId()},
            {"base_url", fake.baseUrl()},
            {"token_url", fake.tokenUrl()},
            {"auth_url", fake.authUrl()},
            {"redirect_uri", "http://127.0.0.1:8765/callback"},
            {"webhook_verifier_token", "00faeec4-08d0-4996-bb37-698ae19f0149"}};
  for (auto& [k, v] : extra.items()) {
    c[k] = v;
  }
  return c;
}

// A 32-hex idempotency key numbered `n` (as the executor makes them: stable per command).
inline std::string keyOf(int n) {
  char buf[33];
  std::snprintf(buf, sizeof buf, "%032x", n);
  return buf;
}

// One command as the executor sends it.
inline json command(const std::string& id, const std::string& type, const json& event,
                    const json& options = json::object(), const json& targets = json::object(),
                    int keyNumber = -1) {
  json payload = {{"event", event},
                  {"options", options},
                  {"source",
                   {{"connection", "stripe"},
                    {"type", event.value("type", "")},
                    {"external_id", event.value("external_id", "")},
                    {"version", 1}}},
                  {"targets", targets}};
  return {{"id", id},
          {"type", type},
          {"idempotency_key", keyOf(keyNumber >= 0 ? keyNumber : std::stoi(id))},
          {"payload", payload}};
}

inline json usd(int64_t minor) { return {{"minor", minor}, {"currency", "USD"}}; }

}  // namespace lh::qbo_test
