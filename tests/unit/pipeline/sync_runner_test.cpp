// SyncRunner and ReplayRunner with the real `pager`/`books` test plugins (.so files built by
// lh_add_plugin) over a temporary SQLite file, assembled by Runtime from a YAML config.
#include "pipeline/sync_runner.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/config_loader.h"
#include "pipeline/replay_runner.h"
#include "pipeline/runtime.h"
#include "unit/core/ledger_test_support.h"
#include "unit/pipeline/engine_test_support.h"

namespace lh::pipeline {
namespace {

using core::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testsupport::EngineConfigOptions;
using testsupport::EngineTempDir;

constexpr int64_t kNowMs = 1767225600000;  // 2026-01-01

// Opens a Runtime on `dir` for the config `o` with the engine test plugins.
std::unique_ptr<Runtime> openRuntime(const std::filesystem::path& dir,
                                     const EngineConfigOptions& o = {}) {
  auto registry = loadPlugins({LH_ENGINE_PLUGIN_DIR}, false);
  EXPECT_TRUE(registry.isOk()) << registry.status();
  if (!registry.isOk()) {
    return nullptr;
  }
  EXPECT_TRUE((*registry)->errors().empty());
  const PluginCatalog catalog = catalogOf(**registry);
  LoadOptions load;
  load.plugins = &catalog;
  LoadResult loaded = loadConfig(testsupport::writeEngineConfig(dir, o), load);
  EXPECT_TRUE(loaded.ok()) << formatDiagnostics(loaded.diagnostics);
  if (!loaded.ok()) {
    return nullptr;
  }
  RuntimeOptions options;
  options.clock = [] { return kNowMs; };
  auto runtime = Runtime::open(std::move(*loaded.config), *registry, std::move(options));
  EXPECT_TRUE(runtime.isOk()) << runtime.status();
  return runtime.isOk() ? std::move(runtime).value() : nullptr;
}

// Everything the engine wrote, without row ids, hashes or times (which depend on the order of
// pages), sorted: equal for two stores that hold the same books.
std::vector<std::string> endState(Runtime& runtime) {
  SQLite::Database& db = runtime.database().native();
  std::vector<std::string> rows;
  const auto dump = [&](const std::string& table, const std::string& sql) {
    SQLite::Statement q(db, sql);
    while (q.executeStep()) {
      std::string row = table;
      for (int i = 0; i < q.getColumnCount(); ++i) {
        row += "|" + q.getColumn(i).getString();
      }
      rows.push_back(row);
    }
  };
  dump("event", "SELECT connection, type, external_id, version, is_current, checksum FROM events");
  dump("entry",
       "SELECT e.rule_id, e.event_external_id, e.event_version, e.kind, e.effective_date, "
       "l.account, l.currency, l.debit_minor, l.credit_minor FROM ledger_entries e JOIN "
       "ledger_lines l ON l.entry_id = e.id");
  dump("command",
       "SELECT rule_id, source_external_id, event_version, target_connection, command_type, "
       "idempotency_key, payload_json, status FROM commands");
  dump("cursor", "SELECT connection, stream, cursor_json FROM cursors");
  std::sort(rows.begin(), rows.end());
  return rows;
}

int64_t count(Runtime& runtime, const std::string& table) {
  return runtime.database().native().execAndGet("SELECT COUNT(*) FROM " + table).getInt64();
}

class RecordingProgress final : public SyncProgress {
 public:
  void streamStarted(const std::string&, const std::string& stream,
                     const std::optional<std::string>&) override {
    log.push_back("start " + stream);
  }
  void pageDone(const std::string&, const StreamResult& r) override {
    log.push_back("page " + r.stream + " " + std::to_string(r.pages) + " " +
                  std::to_string(r.events));
  }
  void streamFinished(const std::string&, const StreamResult& r) override {
    log.push_back("end " + r.stream + (r.status.isOk() ? " ok" : " failed"));
  }
  std::vector<std::string> log;
};

TEST(SyncRunnerTest, FullSyncStoresPostsAndQueuesEverything) {
  EngineTempDir dir;
  auto runtime = openRuntime(dir.path());
  ASSERT_NE(runtime, nullptr);
  RecordingProgress progress;
  SyncRunner runner(*runtime, &progress);
  auto result = runner.sync("src", {});
  ASSERT_TRUE(result.isOk()) << result.status();
  ASSERT_TRUE(result->ok());
  EXPECT_EQ(result->correlation_id.size(), 16u);
  ASSERT_EQ(result->streams.size(), 2u);
  const StreamResult& payments = result->streams[0];
  EXPECT_EQ(payments.stream, "payments");
  EXPECT_EQ(payments.pages, 3);  // 10 + 10 + 5
  EXPECT_EQ(payments.inserted, 25);
  EXPECT_EQ(payments.entries_posted, 25);
  EXPECT_EQ(payments.commands_queued, 25);
  EXPECT_EQ(payments.cursor, R"({"offset":25})");
  const StreamResult& fees = result->streams[1];
  EXPECT_EQ(fees.inserted, 25);
  EXPECT_EQ(fees.entries_posted, 25);
  EXPECT_EQ(fees.commands_queued, 0);
  EXPECT_EQ(result->totals().inserted, 50);

  EXPECT_EQ(count(*runtime, "events"), 50);
  EXPECT_EQ(count(*runtime, "ledger_entries"), 50);
  EXPECT_EQ(count(*runtime, "commands"), 25);
  auto pending = runtime->commands().pendingFor("books", 100);
  ASSERT_TRUE(pending.isOk()) << pending.status();
  EXPECT_EQ(pending->size(), 25u);
  EXPECT_THAT(progress.log,
              ElementsAre("start payments", "page payments 1 10", "page payments 2 20",
                          "page payments 3 25", "end payments ok", "start fees", "page fees 1 10",
                          "page fees 2 20", "page fees 3 25", "end fees ok"));
}

TEST(SyncRunnerTest, SecondSyncAddsNothing) {
  EngineTempDir dir;
  auto runtime = openRuntime(dir.path());
  ASSERT_NE(runtime, nullptr);
  SyncRunner runner(*runtime);
  ASSERT_TRUE(runner.sync("src", {}).isOk());
  const std::vector<std::string> before = endState(*runtime);

  auto again = runner.sync("src", {});
  ASSERT_TRUE(again.isOk()) << again.status();
  ASSERT_TRUE(again->ok());
  const StreamResult total = again->totals();
  EXPECT_EQ(total.inserted, 0);
  EXPECT_EQ(total.entries_posted, 0);
  EXPECT_EQ(total.commands_queued, 0);
  EXPECT_EQ(endState(*runtime), before);

  // --full reads everything again: all unchanged, still nothing new.
  SyncOptions full;
  full.full = true;
  auto reread = runner.sync("src", full);
  ASSERT_TRUE(reread.isOk()) << reread.status();
  EXPECT_EQ(reread->totals().unchanged, 50);
  EXPECT_EQ(reread->totals().inserted, 0);
  EXPECT_EQ(endState(*runtime), before);
}

TEST(SyncRunnerTest, FailureMidwayThenResumeEndsLikeACleanRun) {
  EngineTempDir clean;
  auto reference = openRuntime(clean.path());
  ASSERT_NE(reference, nullptr);
  ASSERT_TRUE(SyncRunner(*reference).sync("src", {})->ok());

  EngineTempDir dir;
  {
    EngineConfigOptions failing;
    failing.pagerConfig = "{count: 25, page_size: 10, fail_at_page: 1}";
    auto runtime = openRuntime(dir.path(), failing);
    ASSERT_NE(runtime, nullptr);
    auto result = SyncRunner(*runtime).sync("src", {});
    ASSERT_TRUE(result.isOk()) << result.status();
    EXPECT_FALSE(result->ok());
    ASSERT_EQ(result->streams.size(), 2u);
    for (const StreamResult& s : result->streams) {
      EXPECT_THAT(s.status, StatusIs(lh::Code::Transient, HasSubstr("scripted failure at page 1")));
      EXPECT_EQ(s.pages, 1);
      EXPECT_EQ(s.inserted, 10);
    }
    EXPECT_EQ(count(*runtime, "events"), 20);  // the first page of each stream, nothing more
    EXPECT_EQ(count(*runtime, "ledger_entries"), 20);
    EXPECT_EQ(count(*runtime, "commands"), 10);
  }
  auto resumed = openRuntime(dir.path());
  ASSERT_NE(resumed, nullptr);
  auto result = SyncRunner(*resumed).sync("src", {});
  ASSERT_TRUE(result.isOk()) << result.status();
  ASSERT_TRUE(result->ok());
  EXPECT_EQ(result->totals().inserted, 30);  // resumed at the cursor: no page read twice
  EXPECT_EQ(endState(*resumed), endState(*reference));
}

TEST(SyncRunnerTest, AuthFailureNamesTheFixAndSkipsTheOtherStreams) {
  EngineTempDir dir;
  EngineConfigOptions o;
  o.pagerConfig = "{count: 25, fail_at_page: 0, fail_code: auth}";
  auto runtime = openRuntime(dir.path(), o);
  ASSERT_NE(runtime, nullptr);
  auto result = SyncRunner(*runtime).sync("src", {});
  ASSERT_TRUE(result.isOk()) << result.status();
  ASSERT_EQ(result->streams.size(), 2u);
  EXPECT_THAT(
      result->streams[0].status,
      StatusIs(lh::Code::AuthRequired,
               HasSubstr("connection needs re-authorisation: run `ledgerhost connect src`")));
  EXPECT_TRUE(result->streams[1].skipped);
  EXPECT_FALSE(result->ok());
  EXPECT_EQ(count(*runtime, "events"), 0);
}

TEST(SyncRunnerTest, StreamsSinceAndOptionErrors) {
  EngineTempDir dir;
  auto runtime = openRuntime(dir.path());
  ASSERT_NE(runtime, nullptr);
  SyncRunner runner(*runtime);
  SyncOptions since;
  since.streams = {"payments"};
  since.since = "2026-01-05";  // payments 16..24 occur from Jan 5 on
  auto result = runner.sync("src", since);
  ASSERT_TRUE(result.isOk()) << result.status();
  ASSERT_EQ(result->streams.size(), 1u);
  EXPECT_EQ(result->streams[0].inserted, 9);
  EXPECT_EQ(count(*runtime, "events"), 9);

  SyncOptions unknownStream;
  unknownStream.streams = {"payouts"};
  EXPECT_THAT(runner.sync("src", unknownStream),
              StatusIs(lh::Code::InvalidArgument, HasSubstr("no stream 'payouts'")));
  EXPECT_THAT(runner.sync("nope", {}),
              StatusIs(lh::Code::InvalidConfig, HasSubstr("no connection 'nope'")));
  SyncOptions both;
  both.full = true;
  both.since = "2026-01-01";
  EXPECT_THAT(runner.sync("src", both), StatusIs(lh::Code::InvalidArgument, HasSubstr("exclude")));
  SyncOptions badDate;
  badDate.since = "2026-02-30";
  EXPECT_THAT(runner.sync("src", badDate),
              StatusIs(lh::Code::InvalidArgument, HasSubstr("YYYY-MM-DD")));
}

TEST(SyncRunnerTest, NewVersionsReverseRepostAndUpdateCommands) {
  EngineTempDir dir;
  {
    auto runtime = openRuntime(dir.path());
    ASSERT_NE(runtime, nullptr);
    ASSERT_TRUE(SyncRunner(*runtime).sync("src", {})->ok());
  }
  EngineConfigOptions bumped;
  bumped.pagerConfig = "{count: 25, page_size: 10, amount_bump: 7}";
  auto runtime = openRuntime(dir.path(), bumped);
  ASSERT_NE(runtime, nullptr);
  SyncOptions full;
  full.full = true;
  full.streams = {"payments"};
  auto result = SyncRunner(*runtime).sync("src", full);
  ASSERT_TRUE(result.isOk()) << result.status();
  const StreamResult& payments = result->streams.at(0);
  EXPECT_EQ(payments.new_versions, 25);
  EXPECT_EQ(payments.reversals, 25);
  EXPECT_EQ(payments.entries_posted, 25);
  EXPECT_EQ(payments.commands_queued, 0);
  EXPECT_EQ(payments.commands_updated, 25);
  EXPECT_EQ(count(*runtime, "commands"), 25);
  auto cmd = runtime->commands().find("acme", "deliver.receipt",
                                      {"src", core::EventType::Payment, "pay_3"});
  ASSERT_TRUE(cmd.isOk() && cmd->has_value()) << cmd.status();
  EXPECT_EQ((*cmd)->request.event_version, 2);
  EXPECT_EQ(nlohmann::json::parse((*cmd)->request.payload_json)["event"]["amount"]["minor"],
            1000 + 3 + 7);
}

TEST(SyncRunnerTest, InvalidEventsAreRejectedAndThePageGoesOn) {
  EngineTempDir dir;
  EngineConfigOptions o;
  o.pagerConfig = "{count: 5, reject_index: 2}";
  auto runtime = openRuntime(dir.path(), o);
  ASSERT_NE(runtime, nullptr);
  SyncOptions payments;
  payments.streams = {"payments"};
  auto result = SyncRunner(*runtime).sync("src", payments);
  ASSERT_TRUE(result.isOk()) << result.status();
  EXPECT_TRUE(result->ok());
  EXPECT_EQ(result->streams[0].inserted, 4);
  EXPECT_EQ(result->streams[0].rejected, 1);
  EXPECT_EQ(count(*runtime, "events"), 4);
}

TEST(ReplayRunnerTest, ReplayAppliesNewRulesOnceAndTwiceChangesNothing) {
  EngineTempDir dir;
  {
    EngineConfigOptions noRules;
    noRules.postFees = false;
    noRules.deliverPayments = false;
    auto runtime = openRuntime(dir.path(), noRules);
    ASSERT_NE(runtime, nullptr);
    ASSERT_TRUE(SyncRunner(*runtime).sync("src", {})->ok());
    EXPECT_EQ(count(*runtime, "ledger_entries"), 25);  // payments only
    EXPECT_EQ(count(*runtime, "commands"), 0);
  }
  EngineTempDir clean;
  auto reference = openRuntime(clean.path());
  ASSERT_NE(reference, nullptr);
  ASSERT_TRUE(SyncRunner(*reference).sync("src", {})->ok());

  auto runtime = openRuntime(dir.path());  // the fee posting and the delivery rule now exist
  ASSERT_NE(runtime, nullptr);
  std::vector<int64_t> units;
  ReplayRunner replayer(*runtime, [&](const ReplayResult& r) { units.push_back(r.events); });
  ReplayOptions options;
  options.batch_size = 20;
  auto first = replayer.replay(options);
  ASSERT_TRUE(first.isOk()) << first.status();
  EXPECT_EQ(first->events, 50);
  EXPECT_EQ(first->units, 3);
  EXPECT_THAT(units, ElementsAre(20, 40, 50));
  EXPECT_EQ(first->entries_posted, 25);  // the fees
  EXPECT_EQ(first->commands_queued, 25);
  // Same books as if the rules had existed from the start (cursors included).
  EXPECT_EQ(endState(*runtime), endState(*reference));

  const std::vector<std::string> before = endState(*runtime);
  auto second = replayer.replay(options);
  ASSERT_TRUE(second.isOk()) << second.status();
  EXPECT_EQ(second->events, 50);
  EXPECT_EQ(second->entries_posted, 0);
  EXPECT_EQ(second->reversals, 0);
  EXPECT_EQ(second->commands_queued, 0);
  EXPECT_EQ(second->commands_updated, 0);
  EXPECT_EQ(second->commands_unchanged, 25);
  EXPECT_EQ(endState(*runtime), before);
}

TEST(ReplayRunnerTest, FiltersByConnectionAndDate) {
  EngineTempDir dir;
  auto runtime = openRuntime(dir.path());
  ASSERT_NE(runtime, nullptr);
  ASSERT_TRUE(SyncRunner(*runtime).sync("src", {})->ok());
  ReplayRunner replayer(*runtime);
  ReplayOptions fromJan5;
  fromJan5.from = "2026-01-05";
  auto result = replayer.replay(fromJan5);
  ASSERT_TRUE(result.isOk()) << result.status();
  EXPECT_EQ(result->events, 18);  // 9 payments + 9 fees from Jan 5 on
  ReplayOptions books;
  books.connection = "books";
  EXPECT_EQ(replayer.replay(books)->events, 0);
  ReplayOptions unknown;
  unknown.connection = "nope";
  EXPECT_THAT(replayer.replay(unknown),
              StatusIs(lh::Code::InvalidArgument, HasSubstr("no connection 'nope'")));
}

}  // namespace
}  // namespace lh::pipeline
