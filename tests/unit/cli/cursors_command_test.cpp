// `ledgerhost cursors list|show|set|reset` through the real binary, after a real sync.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "unit/cli/cli_runner.h"
#include "unit/pipeline/engine_test_support.h"

namespace lh::cli {
namespace {

using ::testing::HasSubstr;
using testsupport::EngineTempDir;
using testsupport::runCli;
using testsupport::writeEngineConfig;

class CursorsCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = writeEngineConfig(dir_.path()).string();
    auto synced = runCli(
        {"sync", "--config", config_, "--plugin-dir", LH_ENGINE_PLUGIN_DIR, "--format", "json"},
        LH_ENGINE_PLUGIN_DIR);
    ASSERT_EQ(synced.exitCode, 0) << synced.err;
  }

  testsupport::CliResult cursors(std::vector<std::string> args) {
    args.insert(args.begin(), "cursors");
    args.push_back("--config");
    args.push_back(config_);
    return runCli(args, LH_ENGINE_PLUGIN_DIR);
  }

  EngineTempDir dir_;
  std::string config_;
};

TEST_F(CursorsCommandTest, ListAndShow) {
  auto list = cursors({"list", "--format", "json"});
  ASSERT_EQ(list.exitCode, 0) << list.err;
  const nlohmann::json all = nlohmann::json::parse(list.out);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0]["connection"], "src");
  EXPECT_EQ(all[0]["stream"], "fees");
  EXPECT_EQ(all[0]["cursor"], nlohmann::json({{"offset", 25}}));
  EXPECT_FALSE(all[0]["updated_at"].get<std::string>().empty());

  auto table = cursors({"list", "--connection", "src"});
  ASSERT_EQ(table.exitCode, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("payments"));
  EXPECT_THAT(table.out, HasSubstr(R"({"offset":25})"));

  auto show = cursors({"show", "--connection", "src", "--stream", "payments"});
  ASSERT_EQ(show.exitCode, 0) << show.err;
  EXPECT_EQ(show.out, "{\"offset\":25}\n");
}

TEST_F(CursorsCommandTest, SetMovesTheNextSync) {
  auto set = cursors({"set", "--connection", "src", "--stream", "payments", "--value",
                      R"({ "offset" : 5 })", "--plugin-dir", LH_ENGINE_PLUGIN_DIR});
  ASSERT_EQ(set.exitCode, 0) << set.err;
  EXPECT_EQ(cursors({"show", "--connection", "src", "--stream", "payments"}).out,
            "{\"offset\":5}\n");
  auto again = runCli({"sync", "--config", config_, "--connection", "src", "--stream", "payments",
                       "--plugin-dir", LH_ENGINE_PLUGIN_DIR, "--format", "json"},
                      LH_ENGINE_PLUGIN_DIR);
  ASSERT_EQ(again.exitCode, 0) << again.err;
  const nlohmann::json totals = nlohmann::json::parse(again.out)["connections"][0]["totals"];
  EXPECT_EQ(totals["unchanged"], 20);  // read again from offset 5: all known
  EXPECT_EQ(totals["inserted"], 0);

  auto notJson = cursors({"set", "--connection", "src", "--stream", "payments", "--value", "{"});
  EXPECT_EQ(notJson.exitCode, 2);
  EXPECT_THAT(notJson.err, HasSubstr("--value is not JSON"));
  auto badStream = cursors({"set", "--connection", "src", "--stream", "payouts", "--value", "{}",
                            "--plugin-dir", LH_ENGINE_PLUGIN_DIR});
  EXPECT_EQ(badStream.exitCode, 2);
  EXPECT_THAT(badStream.err, HasSubstr("no stream 'payouts'"));
  auto badConnection = cursors({"set", "--connection", "nope", "--stream", "x", "--value", "{}"});
  EXPECT_EQ(badConnection.exitCode, 2);
  EXPECT_THAT(badConnection.err, HasSubstr("no connection 'nope'"));
}

TEST_F(CursorsCommandTest, ResetForgetsOneOrAll) {
  auto one = cursors({"reset", "--connection", "src", "--stream", "payments"});
  ASSERT_EQ(one.exitCode, 0) << one.err;
  EXPECT_THAT(one.out, HasSubstr("src/payments: 1 cursor reset"));
  auto gone = cursors({"show", "--connection", "src", "--stream", "payments"});
  EXPECT_EQ(gone.exitCode, 1);
  EXPECT_THAT(gone.err, HasSubstr("has no cursor"));
  auto all = cursors({"reset", "--connection", "src"});
  ASSERT_EQ(all.exitCode, 0) << all.err;
  EXPECT_THAT(all.out, HasSubstr("src: 1 cursor reset"));
  EXPECT_EQ(cursors({"list"}).out, "no cursors\n");
  EXPECT_EQ(cursors({"frob"}).exitCode, 2);
  EXPECT_EQ(cursors({"show", "--connection", "src"}).exitCode, 2);  // --stream required
}

}  // namespace
}  // namespace lh::cli
