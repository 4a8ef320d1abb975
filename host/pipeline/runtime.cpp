#include "pipeline/runtime.h"

#include <chrono>
#include <system_error>
#include <utility>

#include "core/ledger_posting_hook.h"
#include "net/connection_client.h"
#include "net/plugin_http_transport.h"
#include "net/system_clock.h"
#include "pipeline/connection_http.h"
#include "plugins/host_context.h"
#include "plugins/plugin_dir.h"
#include "store/sqlite_command_store.h"
#include "store/sqlite_event_store.h"
#include "store/sqlite_ledger_store.h"
#include "store/sqlite_state_store.h"
#include "store/sqlite_unit_of_work.h"

namespace lh::pipeline {
namespace {

int64_t systemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The net stack of one connection behind the plugin-facing HttpTransport; owns both.
class NetTransport final : public plugins::HttpTransport {
 public:
  explicit NetTransport(std::unique_ptr<net::ConnectionClient> client)
      : client_(std::move(client)), adapter_(*client_) {}

  lh::Result<plugins::HttpResponse> send(const plugins::HttpRequest& request) override {
    return adapter_.send(request);
  }

 private:
  std::unique_ptr<net::ConnectionClient> client_;
  net::PluginHttpTransport adapter_;
};

lh::Result<std::unique_ptr<plugins::HttpTransport>> netTransport(const Connection& connection) {
  // The connection's YAML `limits:` and `retry:` (pipeline/connection_http.h).
  net::ConnectionClientOptions options = connectionClientOptions(connection);
  net::SystemClock& clock = net::SystemClock::instance();
  LH_ASSIGN_OR_RETURN(std::unique_ptr<net::ConnectionClient> client,
                      net::ConnectionClient::create(std::move(options), clock, clock));
  return std::unique_ptr<plugins::HttpTransport>(std::make_unique<NetTransport>(std::move(client)));
}

}  // namespace

lh::Result<std::shared_ptr<plugins::Registry>> loadPlugins(
    const std::vector<std::filesystem::path>& dirs, bool includeDefault) {
  auto registry = std::make_shared<plugins::Registry>();
  for (const std::filesystem::path& dir : dirs) {
    if (lh::Status status = registry->addDirectory(dir); !status.isOk()) {
      return lh::invalidConfig("plugin directory " + dir.string() + ": " + status.message());
    }
  }
  if (includeDefault) {
    lh::Result<std::filesystem::path> dir = plugins::defaultPluginDir();
    std::error_code ec;
    if (dir.isOk() && std::filesystem::is_directory(*dir, ec)) {
      // A plugin of the same name already loaded from `dirs` wins: Registry::find returns the
      // first, so an explicit directory overrides the installed plugins.
      (void)registry->addDirectory(*dir);
    }
  }
  return registry;
}

PluginCatalog catalogOf(const plugins::Registry& registry) {
  PluginCatalog catalog;
  // Registry order is load order; the catalog replaces by name, so add in reverse to let the
  // first-loaded plugin of a name win, as Registry::find does.
  const auto& loaded = registry.plugins();
  for (auto it = loaded.rbegin(); it != loaded.rend(); ++it) {
    const plugins::PluginLibrary& p = **it;
    PluginInfo info;
    info.name = p.name();
    info.kind = std::string(plugins::kindName(p.kind()));
    info.config_schema = p.configSchema();
    info.commands = p.commands();
    info.streams = p.streams();
    catalog.add(std::move(info));
  }
  return catalog;
}

// Counts the entries the Ledger appends; everything else passes straight through.
class Runtime::CountingLedgerStore final : public core::LedgerStore {
 public:
  explicit CountingLedgerStore(core::LedgerStore& inner) : inner_(inner) {}

  lh::Result<core::LedgerEntry> appendEntry(const core::LedgerEntry& entry) override {
    lh::Result<core::LedgerEntry> stored = inner_.appendEntry(entry);
    if (stored.isOk()) {
      ++(entry.kind == core::EntryKind::Reversal ? reversals : posted);
    }
    return stored;
  }
  lh::Result<core::EventPostings> postingsForEvent(const std::string& tenant,
                                                   const core::EventKey& key) override {
    return inner_.postingsForEvent(tenant, key);
  }
  lh::Status recordRate(const std::string& tenant, const core::RecordedRate& rate) override {
    return inner_.recordRate(tenant, rate);
  }
  lh::Result<std::optional<core::RecordedRate>> latestRecordedRate(
      const std::string& tenant, const std::string& from, const std::string& to,
      const std::string& onOrBefore) override {
    return inner_.latestRecordedRate(tenant, from, to, onOrBefore);
  }
  lh::Status forEachEntry(
      const core::EntryQuery& query,
      const std::function<lh::Status(const core::LedgerEntry&)>& visit) override {
    return inner_.forEachEntry(query, visit);
  }
  lh::Result<std::vector<core::AccountTotal>> accountTotals(
      const std::string& tenant, const std::optional<std::string>& from,
      const std::optional<std::string>& to) override {
    return inner_.accountTotals(tenant, from, to);
  }
  lh::Result<std::vector<core::DailyTotal>> dailyTotals(
      const std::string& tenant, const std::vector<std::string>& accounts,
      const std::optional<std::string>& from, const std::optional<std::string>& to) override {
    return inner_.dailyTotals(tenant, accounts, from, to);
  }

  int64_t posted = 0;
  int64_t reversals = 0;

 private:
  core::LedgerStore& inner_;
};

class Runtime::FunctionClock final : public plugins::Clock {
 public:
  explicit FunctionClock(std::function<int64_t()> clock) : clock_(std::move(clock)) {}
  int64_t nowMs() const override { return clock_(); }

 private:
  std::function<int64_t()> clock_;
};

// Collects the batch of the last successful read; validates events as they are emitted.
class ConnectionSession::PageSink final : public plugins::EventSink {
 public:
  explicit PageSink(const core::EventValidator& validator) : validator_(validator) {}

  lh::Status validate(std::string_view eventJson) override {
    lh::Result<core::Event> event = validator_.validate(eventJson);
    if (event.isOk()) {
      // Kept for IngestPage::validated, so the ingestor does not parse and validate it again.
      validated_.push_back(std::move(event).value());
      return lh::Status::ok();
    }
    // The external id helps find the object at the vendor; it is an id, not personal data.
    std::string reject = event.status().message();
    try {
      const nlohmann::json parsed = nlohmann::json::parse(eventJson);
      if (auto id = parsed.find("external_id"); id != parsed.end() && id->is_string()) {
        reject += " (external_id " + id->get<std::string>() + ")";
      }
    } catch (const nlohmann::json::exception&) {
      // Not JSON at all: the message already says so.
    }
    rejects_.push_back(std::move(reject));
    return event.status();
  }

  lh::Status commit(plugins::EventBatch batch) override {
    batch_ = std::move(batch);
    return lh::Status::ok();
  }

  void clear() {
    batch_.reset();
    rejects_.clear();
    validated_.clear();
  }
  std::optional<plugins::EventBatch>& batch() { return batch_; }
  std::vector<std::string>& rejects() { return rejects_; }
  std::vector<core::Event>& validated() { return validated_; }

 private:
  const core::EventValidator& validator_;
  std::optional<plugins::EventBatch> batch_;
  std::vector<std::string> rejects_;
  std::vector<core::Event> validated_;  // one per event the HostContext kept, in emit order
};

// The connection's SqliteStateStore as the plugin-facing StateStore.
class ConnectionSession::StateAdapter final : public plugins::StateStore {
 public:
  StateAdapter(store::Database& db, std::string connection, const store::StateCipher* cipher)
      : store_(db, std::move(connection), cipher) {}

  lh::Result<std::optional<std::string>> get(std::string_view key) override {
    return store_.get(key);
  }
  lh::Status put(std::string_view key, std::optional<std::string_view> value) override {
    return store_.put(key, value);
  }

 private:
  store::SqliteStateStore store_;
};

ConnectionSession::~ConnectionSession() = default;

const std::vector<std::string>& ConnectionSession::streams() const {
  return instance_->library().streams();
}

lh::Result<ReadPage> ConnectionSession::readPage(const std::string& stream,
                                                 const std::string& cursorJson) {
  sink_->clear();
  LH_RETURN_IF_ERROR(instance_->read(stream, cursorJson));
  std::optional<plugins::EventBatch>& batch = sink_->batch();
  if (!batch) {
    return lh::internalError("read of '" + stream + "' succeeded but committed no batch");
  }
  ReadPage read;
  read.page.tenant = connection_.tenant;
  read.page.connection = connection_.name;
  read.page.stream = stream;
  read.page.events = std::move(batch->events);
  read.page.cursor = std::move(batch->cursor);
  read.page.has_more = batch->hasMore;
  // The HostContext keeps exactly the events validate() accepted, in order; should that ever not
  // hold (an event dropped after validation), the ingestor validates the texts itself.
  if (sink_->validated().size() == read.page.events.size()) {
    read.page.validated = std::move(sink_->validated());
  }
  read.rejects = std::move(sink_->rejects());
  sink_->clear();
  return read;
}

Runtime::~Runtime() = default;

lh::Result<std::unique_ptr<Runtime>> Runtime::open(Config config,
                                                   std::shared_ptr<plugins::Registry> registry,
                                                   RuntimeOptions options) {
  std::unique_ptr<Runtime> rt(new Runtime());
  rt->config_ = std::move(config);
  rt->registry_ = std::move(registry);
  rt->options_ = std::move(options);
  rt->clock_ = rt->options_.clock ? rt->options_.clock : std::function<int64_t()>(systemNowMs);
  rt->pluginClock_ = std::make_unique<FunctionClock>(rt->clock_);

  store::OpenOptions open = rt->options_.open.value_or(store::OpenOptions{});
  if (!rt->options_.open && rt->config_.store.busy_timeout_ms) {
    open.busyTimeout = std::chrono::milliseconds(*rt->config_.store.busy_timeout_ms);
  }
  if (rt->config_.store.master_key) {
    // Plugin state is sealed with it (docs/secrets.md); without one, state_put fails clearly.
    const auto keyId = static_cast<uint8_t>(rt->config_.store.master_key_id);
    LH_ASSIGN_OR_RETURN(rt->cipher_,
                        store::StateCipher::create(*rt->config_.store.master_key, keyId));
  }
  LH_ASSIGN_OR_RETURN(rt->db_, store::Database::open(rt->config_.store.path, open));

  rt->events_ = std::make_unique<store::SqliteEventStore>(*rt->db_);
  rt->ledgerStore_ = std::make_unique<store::SqliteLedgerStore>(*rt->db_);
  rt->countingLedger_ = std::make_unique<CountingLedgerStore>(*rt->ledgerStore_);
  rt->commands_ = std::make_unique<store::SqliteCommandStore>(*rt->db_);
  rt->unit_ = std::make_unique<store::SqliteUnitOfWork>(*rt->db_);
  rt->ledger_ = std::make_unique<core::Ledger>(*rt->countingLedger_);
  rt->hook_ = core::combineHooks(
      {core::makePostingHook(*rt->ledger_, rt->config_.tenants, rt->config_.postingRules(),
                             rt->clock_),
       core::makeDeliveryHook(*rt->commands_, rt->config_.deliveryRules(), &rt->delivered_)});
  rt->ingestor_ =
      std::make_unique<core::Ingestor>(rt->validator_, *rt->events_, *rt->unit_, rt->clock_);
  rt->ingestor_->setOnChanged(rt->hook_);
  return rt;
}

core::EventStore& Runtime::events() { return *events_; }
core::LedgerStore& Runtime::ledgerStore() { return *countingLedger_; }
core::CommandStore& Runtime::commands() { return *commands_; }
core::UnitOfWork& Runtime::unit() { return *unit_; }

EngineCounters Runtime::counters() const {
  return EngineCounters{countingLedger_->posted, countingLedger_->reversals, delivered_};
}

void Runtime::restoreCounters(const EngineCounters& snapshot) {
  countingLedger_->posted = snapshot.entries_posted;
  countingLedger_->reversals = snapshot.reversals;
  delivered_ = snapshot.commands;
}

lh::Result<std::unique_ptr<ConnectionSession>> Runtime::connect(const std::string& name) {
  const Connection* connection = config_.findConnection(name);
  if (connection == nullptr) {
    std::string known;
    for (const Connection& c : config_.connections) {
      known += (known.empty() ? "" : ", ") + c.name;
    }
    return lh::invalidConfig("no connection '" + name + "' in " + config_.file.string() +
                             " (connections: " + (known.empty() ? "none" : known) + ")");
  }
  std::shared_ptr<plugins::PluginLibrary> library =
      registry_ ? registry_->find(connection->plugin) : nullptr;
  if (!library) {
    return lh::invalidConfig("connection '" + name + "': plugin '" + connection->plugin +
                             "' is not in the plugin directory (see `ledgerhost plugins list`)");
  }
  std::unique_ptr<ConnectionSession> session(new ConnectionSession());
  session->connection_ = *connection;
  session->sink_ = std::make_unique<ConnectionSession::PageSink>(validator_);
  session->state_ =
      std::make_unique<ConnectionSession::StateAdapter>(*db_, connection->name, cipher_.get());
  if (options_.http) {
    LH_ASSIGN_OR_RETURN(session->http_, options_.http(*connection));
  } else {
    LH_ASSIGN_OR_RETURN(session->http_, netTransport(*connection));
  }
  plugins::HostServices services;
  services.events = session->sink_.get();
  services.state = session->state_.get();
  services.clock = pluginClock_.get();
  services.http = session->http_.get();
  auto context = std::make_unique<plugins::HostContext>(services, connection->name);
  std::string configJson;
  try {
    configJson = connection->config.dump();
  } catch (const nlohmann::json::exception&) {
    // Only invalid UTF-8 makes dump() throw; the message must not quote the (secret) value.
    return lh::invalidConfig("connection '" + name + "': config holds a string that is not UTF-8");
  }
  LH_ASSIGN_OR_RETURN(session->instance_,
                      plugins::PluginInstance::create(library, std::move(context), configJson));
  return session;
}

}  // namespace lh::pipeline
