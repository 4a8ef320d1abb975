// `ledgerhost replay` through the real binary: new rules apply to stored events once; a second
// replay changes nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "unit/cli/cli_runner.h"
#include "unit/pipeline/engine_test_support.h"

namespace lh::cli {
namespace {

using ::testing::HasSubstr;
using testsupport::EngineConfigOptions;
using testsupport::EngineTempDir;
using testsupport::runCli;
using testsupport::writeEngineConfig;

TEST(ReplayCommandTest, AppliesNewRulesOnceThenChangesNothing) {
  EngineTempDir dir;
  EngineConfigOptions before;
  before.postFees = false;
  before.deliverPayments = false;
  const auto oldConfig = writeEngineConfig(dir.path(), before, "old.yaml");
  const auto newConfig = writeEngineConfig(dir.path(), {}, "new.yaml");  // same database
  auto synced = runCli({"sync", "--config", oldConfig.string(), "--connection", "src",
                        "--plugin-dir", LH_ENGINE_PLUGIN_DIR},
                       LH_ENGINE_PLUGIN_DIR);
  ASSERT_EQ(synced.exitCode, 0) << synced.err;

  // Replay needs no plugin: run it with an empty plugin directory.
  EngineTempDir noPlugins;
  auto first =
      runCli({"replay", "--config", newConfig.string(), "--format", "json", "--batch", "7"},
             noPlugins.path().string());
  ASSERT_EQ(first.exitCode, 0) << first.err;
  nlohmann::json r = nlohmann::json::parse(first.out);
  EXPECT_EQ(r["events"], 50);
  EXPECT_EQ(r["units"], 8);  // ceil(50 / 7)
  EXPECT_EQ(r["entries_posted"], 25);
  EXPECT_EQ(r["commands_queued"], 25);

  auto second = runCli({"replay", "--config", newConfig.string()}, noPlugins.path().string());
  ASSERT_EQ(second.exitCode, 0) << second.err;
  EXPECT_EQ(second.out,
            "replayed 50 events in 1 units: 0 entries posted, 0 reversals, 0 commands queued, "
            "0 updated, 25 unchanged\n");
}

TEST(ReplayCommandTest, FiltersAndErrors) {
  EngineTempDir dir;
  const auto config = writeEngineConfig(dir.path());
  ASSERT_EQ(runCli({"sync", "--config", config.string(), "--plugin-dir", LH_ENGINE_PLUGIN_DIR},
                   LH_ENGINE_PLUGIN_DIR)
                .exitCode,
            0);
  auto from = runCli({"replay", "--config", config.string(), "--connection", "src", "--from",
                      "2026-01-05", "--format", "json"});
  ASSERT_EQ(from.exitCode, 0) << from.err;
  EXPECT_EQ(nlohmann::json::parse(from.out)["events"], 18);
  auto badDate = runCli({"replay", "--config", config.string(), "--from", "yesterday"});
  EXPECT_EQ(badDate.exitCode, 2);
  EXPECT_THAT(badDate.err, HasSubstr("YYYY-MM-DD"));
  auto unknown = runCli({"replay", "--config", config.string(), "--connection", "nope"});
  EXPECT_EQ(unknown.exitCode, 2);
  EXPECT_THAT(unknown.err, HasSubstr("no connection 'nope'"));
}

}  // namespace
}  // namespace lh::cli
