// `ledgerhost sync` through the real binary, with the engine test plugins (--plugin-dir) and a
// YAML config and SQLite file in a temporary directory.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "unit/cli/cli_runner.h"
#include "unit/pipeline/engine_test_support.h"

namespace lh::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testsupport::EngineConfigOptions;
using testsupport::EngineTempDir;
using testsupport::runCli;
using testsupport::writeEngineConfig;

// Runs `ledgerhost sync --config <file> --plugin-dir <engine plugins> extra...`; the default plugin
// directory is the same one, so no other plugin is loaded.
testsupport::CliResult sync(const std::filesystem::path& config, std::vector<std::string> extra) {
  std::vector<std::string> args = {"sync", "--config", config.string(), "--plugin-dir",
                                   LH_ENGINE_PLUGIN_DIR};
  args.insert(args.end(), extra.begin(), extra.end());
  return runCli(args, LH_ENGINE_PLUGIN_DIR);
}

nlohmann::json totals(const testsupport::CliResult& r) {
  const nlohmann::json report = nlohmann::json::parse(r.out, nullptr, false);
  if (report.is_discarded() || report["connections"].empty()) {
    ADD_FAILURE() << "not a sync report: " << r.out;
    return nlohmann::json::object();
  }
  return report["connections"][0]["totals"];
}

TEST(SyncCommandTest, SyncsStoresPostsQueuesAndASecondSyncAddsNothing) {
  EngineTempDir dir;
  const auto config = writeEngineConfig(dir.path());
  auto first = sync(config, {"--connection", "src", "--format", "json"});
  ASSERT_EQ(first.exitCode, 0) << first.err;
  nlohmann::json t = totals(first);
  EXPECT_EQ(t["inserted"], 50);
  EXPECT_EQ(t["entries_posted"], 50);
  EXPECT_EQ(t["commands_queued"], 25);
  EXPECT_EQ(t["ok"], true);
  // Not a terminal: plain progress lines on stderr.
  EXPECT_THAT(first.err, HasSubstr("src/payments: page 3 stored (25 events so far)"));
  EXPECT_THAT(first.err, HasSubstr("src/fees: done, 3 pages, 25 events"));

  auto second = sync(config, {"--connection", "src", "--format", "json"});
  ASSERT_EQ(second.exitCode, 0) << second.err;
  t = totals(second);
  EXPECT_EQ(t["inserted"], 0);
  EXPECT_EQ(t["entries_posted"], 0);
  EXPECT_EQ(t["commands_queued"], 0);

  // Text summary; without --connection every connection with streams is synced (books has none).
  auto text = sync(config, {});
  ASSERT_EQ(text.exitCode, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("sync src (correlation id "));
  EXPECT_THAT(text.out, HasSubstr("payments"));
  EXPECT_THAT(text.out, HasSubstr("total"));
  EXPECT_THAT(text.out, Not(HasSubstr("sync books")));
}

TEST(SyncCommandTest, AFailedStreamExits1AndTheNextSyncResumes) {
  EngineTempDir dir;
  EngineConfigOptions failing;
  failing.pagerConfig = "{count: 25, page_size: 10, fail_at_page: 1}";
  auto failed = sync(writeEngineConfig(dir.path(), failing, "failing.yaml"),
                     {"--connection", "src", "--stream", "payments", "--format", "json"});
  EXPECT_EQ(failed.exitCode, 1) << failed.err;
  EXPECT_THAT(failed.err, HasSubstr("scripted failure at page 1"));
  EXPECT_EQ(totals(failed)["inserted"], 10);

  auto resumed = sync(writeEngineConfig(dir.path()),
                      {"--connection", "src", "--stream", "payments", "--format", "json"});
  ASSERT_EQ(resumed.exitCode, 0) << resumed.err;
  EXPECT_EQ(totals(resumed)["inserted"], 15);
}

TEST(SyncCommandTest, AuthFailureTellsTheOperatorWhatToRun) {
  EngineTempDir dir;
  EngineConfigOptions o;
  o.pagerConfig = "{fail_at_page: 0, fail_code: auth}";
  auto r = sync(writeEngineConfig(dir.path(), o), {"--connection", "src"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("connection needs re-authorisation: run `ledgerhost connect src`"));
  EXPECT_THAT(r.out, HasSubstr("skipped"));
}

TEST(SyncCommandTest, SinceAndFull) {
  EngineTempDir dir;
  const auto config = writeEngineConfig(dir.path());
  auto since = sync(config, {"--connection", "src", "--stream", "payments", "--since", "2026-01-05",
                             "--format", "json"});
  ASSERT_EQ(since.exitCode, 0) << since.err;
  EXPECT_EQ(totals(since)["inserted"], 9);
  auto full =
      sync(config, {"--connection", "src", "--stream", "payments", "--full", "--format", "json"});
  ASSERT_EQ(full.exitCode, 0) << full.err;
  EXPECT_EQ(totals(full)["inserted"], 16);
  EXPECT_EQ(totals(full)["unchanged"], 9);
}

TEST(SyncCommandTest, UsageErrorsExit2) {
  EngineTempDir dir;
  const auto config = writeEngineConfig(dir.path());
  EXPECT_EQ(sync(config, {"--since", "2026-13-01"}).exitCode, 2);
  EXPECT_EQ(sync(config, {"--since", "2026-01-01", "--full"}).exitCode, 2);
  EXPECT_EQ(sync(config, {"--stream", "payments"}).exitCode, 2);    // needs --connection
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "ledger.db"));  // nothing was done
  auto unknown = sync(config, {"--connection", "nope"});
  EXPECT_EQ(unknown.exitCode, 2);
  EXPECT_THAT(unknown.err, HasSubstr("no connection 'nope'"));
  auto stream = sync(config, {"--connection", "src", "--stream", "payouts"});
  EXPECT_EQ(stream.exitCode, 2);
  EXPECT_THAT(stream.err, HasSubstr("no stream 'payouts'"));
  auto noConfig = runCli({"sync", "--connection", "src"}, LH_ENGINE_PLUGIN_DIR);
  EXPECT_EQ(noConfig.exitCode, 2);
  EXPECT_THAT(noConfig.err, HasSubstr("--config FILE is required"));
}

}  // namespace
}  // namespace lh::cli
