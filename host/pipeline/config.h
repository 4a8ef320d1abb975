// Config: the whole ledgerhost configuration, as loaded and validated from YAML (config_loader.h).
//
// What an operator declares (DESIGN.md "Configuration (YAML)"): where the store is, the tenants
// with their charts of accounts, the connections (plugin, tenant, config, schedule), the
// pipelines (posting and delivery rules, compiled into core::PostingRule / core::DeliveryRule),
// and the reconciliations. A Config that loadConfig() returned has passed every check: every
// name it refers to exists, every rule balances, every connection config satisfies its plugin's
// schema. The YAML shape is documented in config/ledgerhost.schema.json and config/example.yaml.
//
// Secrets: Connection::config holds substituted values (API keys). Never log a Config or its
// connection configs; hand a connection's config only to its plugin.
//
// Values; thread-compatible (const access from several threads is safe).
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/chart.h"
#include "core/money.h"
#include "core/rules.h"
#include "pipeline/schedule.h"

namespace lh::pipeline {

// `store:` — the SQLite file and the master key that encrypts plugin state (docs/secrets.md).
struct StoreConfig {
  std::filesystem::path path;              // absolute or relative to the process' cwd: a relative
                                           // `path:` is resolved against the config file's dir
  std::optional<int64_t> busy_timeout_ms;  // `busy_timeout_ms:`; unset: the store's default
  // `master_key:` (from ${env:VAR} or ${file:path}) or `master_key_file:`, decoded to exactly 32
  // raw bytes. SECRET: never log it, never put it in a message. Unset: no key configured (plugins
  // cannot store state; see store/sqlite_state_store.h). Also unset when secrets are not resolved.
  std::optional<std::string> master_key;
  int32_t master_key_id = 1;  // `master_key_id:` 1..255, recorded in every sealed value
};

// `connections.<name>.limits:` — the host's own throttle of the connection's HTTP requests
// (net/rate_limiter.h), so the plugin never meets the vendor's limits (QBO: 500 requests and 40
// batch requests a minute, 10 in flight, per realm). One limit key per connection (its name), or
// per URL segment after `key_after_segment` (QBO: "company" -> one key per realm id).
struct ConnectionLimits {
  // A class of requests with a window of its own besides the general one (QBO's batch calls).
  struct RequestClass {
    std::string name;             // the key under `classes:`
    std::string path_suffix;      // `path:` — requests whose URL path ends with it
    int64_t requests_per_minute;  // `requests_per_minute:`
  };
  std::optional<int64_t> requests_per_minute;  // unset: no general window
  int32_t in_flight = 0;                       // `in_flight:`; 0: no cap
  std::optional<std::string> key_after_segment;
  std::optional<int64_t> max_wait_ms;  // longest wait for a slot before RateLimited; unset: none
  std::vector<RequestClass> classes;
};

// `connections.<name>.retry:` — the host's retries of the connection's requests
// (net/retry_policy.h); unset members keep the defaults.
struct ConnectionRetry {
  std::optional<int32_t> max_attempts;
  // 4xx bodies that mean "throttled" (retried with backoff like a 429), e.g. "ThrottleExceeded".
  std::vector<std::string> throttle_bodies;
  // A response header in which the vendor says whether a retry is safe ("true"/"false"), e.g.
  // Stripe-Should-Retry (net/retry_policy.h rule 4).
  std::optional<std::string> should_retry_header;
};

// `connections.<name>:` — one account at one vendor, read (or written) by one plugin.
struct Connection {
  std::string name;
  std::string plugin;
  std::string tenant;
  nlohmann::json config = nlohmann::json::object();  // secrets substituted; see the file comment
  std::optional<Schedule> schedule;                  // unset: synced only on demand
  bool enabled = true;
  std::optional<ConnectionLimits> limits;  // unset: no host-side rate limit
  ConnectionRetry retry;
};

// `pipelines.<name>:` — which connections' events post how and deliver where.
struct Pipeline {
  std::string name;
  std::string tenant;
  std::vector<std::string> from;        // connection names; empty: every connection of the tenant
  std::vector<core::PostingRule> post;  // ids "<pipeline>.post[<n>]" unless given
  std::vector<core::DeliveryRule> deliver;  // ids "<pipeline>.deliver[<n>]" unless given
};

// `reconciliations.<name>:` — declared now, run by a later reconciliation engine.
struct Reconciliation {
  enum class Type { PayoutToBank, BatchToBank, LedgerToAccounting, PayoutComposition };
  std::string name;
  Type type = Type::PayoutToBank;
  std::string tenant;                    // the tenant of its connections
  std::string source;                    // processor connection (payout_to_bank, batch_to_bank,
                                         // payout_composition; optional for ledger_to_accounting)
  std::string bank;                      // bank connection (payout_to_bank, batch_to_bank)
  std::string accounting;                // accounting connection (ledger_to_accounting)
  int32_t window_days = 3;               // date window for matching
  std::optional<core::Money> tolerance;  // largest difference still a match; unset: exact
};

// "payout_to_bank", "batch_to_bank", "ledger_to_accounting", "payout_composition".
std::string_view reconciliationTypeName(Reconciliation::Type type);

struct Config {
  std::filesystem::path file;  // the root config file, as given
  StoreConfig store;
  std::vector<core::Tenant> tenants;
  std::vector<Connection> connections;
  std::vector<Pipeline> pipelines;
  std::vector<Reconciliation> reconciliations;

  // Lookups by name; nullptr when absent. Pointers are valid while the Config is not modified.
  const core::Tenant* findTenant(std::string_view id) const;
  const Connection* findConnection(std::string_view name) const;
  const Pipeline* findPipeline(std::string_view name) const;

  // Every posting / delivery rule of every pipeline, in config order.
  std::vector<core::PostingRule> postingRules() const;
  std::vector<core::DeliveryRule> deliveryRules() const;

  // Number of posting plus delivery rules.
  size_t ruleCount() const;
};

}  // namespace lh::pipeline
