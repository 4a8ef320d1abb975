// Runtime: the engine assembled from a loaded Config (DESIGN.md "Data flow" 1-4 in one process).
//
//   plugins  = loadPlugins({"--plugin-dir"}, /*includeDefault=*/true)   // Registry
//   loaded   = loadConfig(file, {.plugins = &catalog})                   // Config
//   runtime  = Runtime::open(*loaded.config, plugins)                    // stores, ledger, hooks
//   session  = runtime->connect("stripe_main")                           // a PluginInstance
//   SyncRunner(*runtime).sync("stripe_main", {})                          // pages -> ingest
//
// What open() builds, all on ONE SQLite connection (Database at config.store.path), so a page's
// events, their ledger entries, the commands they queue and the cursor commit in one unit of work:
//   - SqliteEventStore, SqliteLedgerStore (seen through a counting wrapper), SqliteCommandStore,
//     SqliteUnitOfWork;
//   - core::Ledger and one Ingestor whose onChanged hook is
//       combineHooks({makePostingHook(ledger, tenants, postingRules, clock),
//                     makeDeliveryHook(commands, deliveryRules, &counters)})
//     (the same hook replay() runs over stored events).
// connect(name) makes the connection's PluginInstance with a HostContext whose services are: a
// page-collecting EventSink (validates each emitted event with the canonical schema, so the plugin
// hears of a bad event at emit time; keeps the batch of the last successful read), the
// connection's SqliteStateStore (sealed with config.store.master_key; docs/secrets.md), the
// runtime's clock, and an HTTP transport (by default the net
// stack: ConnectionClient with the connection's YAML `limits:` and `retry:` applied
// (pipeline/connection_http.h; by default retries, breaker and no host-side rate limit), behind
// PluginHttpTransport).
//
// Thread safety: a Runtime and its sessions are used from one thread at a time (one SQLite
// connection). A second process syncing the same file waits on SQLite's lock (busy timeout).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/command_queue.h"
#include "core/delivery_hook.h"
#include "core/event_store.h"
#include "core/event_validator.h"
#include "core/ingest.h"
#include "core/ledger.h"
#include "core/ledger_store.h"
#include "core/status.h"
#include "core/unit_of_work.h"
#include "pipeline/config.h"
#include "pipeline/plugin_catalog.h"
#include "plugins/host_services.h"
#include "plugins/plugin_instance.h"
#include "plugins/registry.h"
#include "store/database.h"
#include "store/state_cipher.h"

namespace lh::pipeline {

// Loads the plugins of `dirs` (in order: a plugin found first wins a name) and then, when
// `includeDefault`, of plugins::defaultPluginDir(). Files that fail to load are kept in the
// registry's errors() (callers warn about them); a directory given in `dirs` that cannot be read
// is an error (InvalidConfig), a missing default directory is not.
lh::Result<std::shared_ptr<plugins::Registry>> loadPlugins(
    const std::vector<std::filesystem::path>& dirs, bool includeDefault);

// What loadConfig's plugin checks need to know of `registry`'s plugins.
PluginCatalog catalogOf(const plugins::Registry& registry);

// What the engine wrote since the Runtime opened (or since restoreCounters). Counted as the hooks
// run, inside units of work that may still roll back: a runner snapshots before a unit and
// restores the snapshot when the unit fails.
struct EngineCounters {
  int64_t entries_posted = 0;  // normal ledger entries appended
  int64_t reversals = 0;       // reversal entries appended
  core::DeliveryCounters commands;
};

// One page a connector produced, ready for Ingestor::ingest.
struct ReadPage {
  core::IngestPage page;
  // Events the plugin emitted that failed the canonical schema (refused at emit time, so they are
  // not in page.events): "<field>: <reason> (external_id X)". The page goes on without them.
  std::vector<std::string> rejects;
};

class Runtime;

// One connection's live plugin instance and its services. Made by Runtime::connect; must not
// outlive the Runtime. One thread at a time.
class ConnectionSession {
 public:
  ~ConnectionSession();
  ConnectionSession(const ConnectionSession&) = delete;
  ConnectionSession& operator=(const ConnectionSession&) = delete;

  const Connection& connection() const { return connection_; }
  plugins::PluginInstance& instance() { return *instance_; }
  // The streams the plugin declares, in its order.
  const std::vector<std::string>& streams() const;

  // Reads one page of `stream` from `cursorJson` ("" = from the start). On success the page holds
  // the tenant, connection, stream, the valid events, the checkpointed cursor and has_more. On
  // failure (the plugin's typed status, naming the plugin file) nothing of the call is kept.
  lh::Result<ReadPage> readPage(const std::string& stream, const std::string& cursorJson);

 private:
  friend class Runtime;
  class PageSink;
  class StateAdapter;
  ConnectionSession() = default;

  Connection connection_;
  std::unique_ptr<PageSink> sink_;
  std::unique_ptr<StateAdapter> state_;
  std::unique_ptr<plugins::HttpTransport> http_;
  std::unique_ptr<plugins::PluginInstance> instance_;  // declared last: destroyed first
};

struct RuntimeOptions {
  // Builds the HTTP transport a connection's plugin sends through. Null: the net stack (see the
  // file comment). Tests inject scripted transports.
  using HttpFactory =
      std::function<lh::Result<std::unique_ptr<plugins::HttpTransport>>(const Connection&)>;
  HttpFactory http;
  // Unix milliseconds: posted_at of ledger entries, ingested_at of events, the plugins' now_ms.
  // Null: the system clock.
  std::function<int64_t()> clock;
  // SQLite open options; busy timeout defaults to config.store.busy_timeout_ms.
  std::optional<store::OpenOptions> open;
};

class Runtime {
 public:
  // Opens (creating and migrating if needed) the database at config.store.path and assembles the
  // engine. `registry` may be null for work without plugins (replay, cursors); connect() then
  // fails. Errors: those of store::Database::open.
  static lh::Result<std::unique_ptr<Runtime>> open(Config config,
                                                   std::shared_ptr<plugins::Registry> registry,
                                                   RuntimeOptions options = {});

  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  const Config& config() const { return config_; }
  store::Database& database() { return *db_; }
  core::EventStore& events();
  core::LedgerStore& ledgerStore();
  core::CommandStore& commands();
  core::UnitOfWork& unit();
  core::Ingestor& ingestor() { return *ingestor_; }
  // The combined posting + delivery hook the Ingestor runs (replay runs it too).
  const core::Ingestor::ChangedHook& hook() const { return hook_; }
  int64_t nowMs() const { return clock_(); }

  EngineCounters counters() const;
  void restoreCounters(const EngineCounters& snapshot);

  // Creates the plugin instance of connection `name` (see the file comment). Errors: InvalidConfig
  // for an unknown connection or a plugin the registry does not hold (or no registry); the
  // plugin's own error from create (e.g. InvalidConfig naming the bad key); the HTTP factory's.
  lh::Result<std::unique_ptr<ConnectionSession>> connect(const std::string& name);

 private:
  class CountingLedgerStore;
  class FunctionClock;
  Runtime() = default;

  Config config_;
  std::shared_ptr<plugins::Registry> registry_;
  RuntimeOptions options_;
  std::function<int64_t()> clock_;
  std::unique_ptr<FunctionClock> pluginClock_;
  std::unique_ptr<store::StateCipher> cipher_;  // from config.store.master_key; null without one
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<core::EventStore> events_;
  std::unique_ptr<core::LedgerStore> ledgerStore_;
  std::unique_ptr<CountingLedgerStore> countingLedger_;
  std::unique_ptr<core::CommandStore> commands_;
  std::unique_ptr<core::UnitOfWork> unit_;
  std::unique_ptr<core::Ledger> ledger_;
  core::EventValidator validator_;
  core::DeliveryCounters delivered_;
  core::Ingestor::ChangedHook hook_;
  std::unique_ptr<core::Ingestor> ingestor_;
};

}  // namespace lh::pipeline
