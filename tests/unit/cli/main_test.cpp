// The ledgerhost binary's top level: help, version, exit codes for unknown and unbuilt commands.
#include <ledgerhost/sdk.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/cli/cli_runner.h"

namespace lh::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testsupport::runCli;

TEST(CliMainTest, HelpListsEveryCommand) {
  auto r = runCli({"--help"});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  for (const char* command :
       {"plugins list", "plugins check", "config", "sync", "run", "replay", "ledger", "reconcile",
        "connect", "cursors", "demo", "--log-format", "--log-level", "--version"}) {
    EXPECT_THAT(r.out, HasSubstr(command)) << command;
  }
  EXPECT_THAT(r.err, IsEmpty());
}

TEST(CliMainTest, VersionPrintsTheProjectVersionAndAbi) {
  auto r = runCli({"--version"});
  EXPECT_EQ(r.exitCode, 0);
  EXPECT_EQ(r.out, "ledgerhost " LH_VERSION " (plugin ABI " + std::to_string(LH_ABI_MAJOR) + "." +
                       std::to_string(LH_ABI_MINOR) + ")\n");
}

TEST(CliMainTest, UnknownCommandIsAUsageError) {
  auto r = runCli({"frobnicate"});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown command 'frobnicate'"));
  EXPECT_THAT(r.out, IsEmpty());
}

TEST(CliMainTest, NoCommandIsAUsageError) {
  auto r = runCli({});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_THAT(r.err, HasSubstr("which command?"));
}

TEST(CliMainTest, UnknownGlobalOptionIsAUsageError) {
  auto r = runCli({"--colour", "plugins", "list"});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_THAT(r.err, HasSubstr("--colour"));
}

TEST(CliMainTest, CommandsNotBuiltYetSaySoAndExit2) {
  for (const char* command : {"run", "reconcile", "demo"}) {
    auto r = runCli({command, "--whatever"});
    EXPECT_EQ(r.exitCode, 2) << command;
    EXPECT_EQ(r.err, std::string("ledgerhost ") + command + ": not built yet\n");
    EXPECT_THAT(r.out, IsEmpty()) << command;  // no fake output
  }
}

TEST(CliMainTest, BadLogOptionsAreUsageErrors) {
  auto level = runCli({"--log-level", "loud", "plugins", "list"});
  EXPECT_EQ(level.exitCode, 2);
  EXPECT_THAT(level.err, HasSubstr("--log-level"));
  auto format = runCli({"plugins", "list", "--log-format", "xml"});
  EXPECT_EQ(format.exitCode, 2);
  EXPECT_THAT(format.err, HasSubstr("--log-format"));
}

}  // namespace
}  // namespace lh::cli
