// `ledgerhost plugins list|check`, run as the real binary against the test plugins.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "unit/cli/cli_runner.h"

namespace lh::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;
using testsupport::runCli;
using testsupport::TempDir;
using testsupport::testPlugin;
using testsupport::testPluginDir;

TEST(CliPluginsTest, ListJsonOnAGoodDirectory) {
  TempDir dir;
  dir.copy(testPlugin("good_c"), "good_c.so");
  dir.copy(testPlugin("good_cpp"), "good_cpp.so");
  auto r = runCli({"plugins", "list", "--plugin-dir", dir.path().string(), "--format", "json"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  nlohmann::json list = nlohmann::json::parse(r.out);
  ASSERT_TRUE(list.is_array());
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].at("name"), "good_c");
  EXPECT_EQ(list[0].at("kind"), "processor");
  EXPECT_EQ(list[0].at("version"), "1.0.0");
  EXPECT_EQ(list[0].at("abi"), "1.0");
  EXPECT_EQ(list[0].at("file"), (dir.path() / "good_c.so").string());
  EXPECT_EQ(list[1].at("name"), "good_cpp");
  EXPECT_EQ(list[1].at("kind"), "accounting");
  EXPECT_EQ(list[1].at("webhooks"), true);
}

TEST(CliPluginsTest, ListTableHasTheColumns) {
  TempDir dir;
  dir.copy(testPlugin("frozen_v1_0"), "frozen_v1_0.so");
  auto r = runCli({"plugins", "list", "--plugin-dir", dir.path().string()});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("NAME"));
  for (const char* column : {"KIND", "VERSION", "ABI", "FILE"}) {
    EXPECT_THAT(r.out, HasSubstr(column));
  }
  EXPECT_THAT(r.out, HasSubstr("frozen_v1_0  bank  1.0.0    1.0  " +
                               (dir.path() / "frozen_v1_0.so").string()));
}

TEST(CliPluginsTest, ListReportsEveryBadFileAndExits1) {
  auto r =
      runCli({"plugins", "list", "--plugin-dir", testPluginDir().string(), "--format", "json"});
  EXPECT_EQ(r.exitCode, 1);
  nlohmann::json list = nlohmann::json::parse(r.out);  // the good ones are still listed
  std::vector<std::string> names;
  for (const auto& p : list) {
    names.push_back(p.at("name"));
  }
  EXPECT_THAT(names, ::testing::Contains("good_c"));
  for (const char* bad : {"broken_abi2", "broken_bad_name", "broken_bad_schema", "broken_no_entry",
                          "broken_refuse", "broken_small"}) {
    EXPECT_THAT(r.err, HasSubstr(testPlugin(bad).string() + ": ")) << bad;
  }
}

TEST(CliPluginsTest, ListOfAMissingDirectoryFails) {
  TempDir dir;
  auto r = runCli({"plugins", "list", "--plugin-dir", (dir.path() / "nope").string()});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("does not exist"));
}

TEST(CliPluginsTest, ListUsesTheEnvironmentDirectory) {
  TempDir dir;
  dir.copy(testPlugin("good_c"), "good_c.so");
  auto r = runCli({"plugins", "list", "--format", "json"}, dir.path().string());
  ASSERT_EQ(r.exitCode, 0) << r.err;
  nlohmann::json list = nlohmann::json::parse(r.out);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("file"), (dir.path() / "good_c.so").string());
}

// An install prefix: <prefix>/bin/ledgerhost finds <prefix>/lib/ledgerhost/plugins with no flag
// and no environment variable.
TEST(CliPluginsTest, ListFindsPluginsRelativeToTheBinary) {
  TempDir prefix;
  std::filesystem::create_directories(prefix.path() / "bin");
  std::filesystem::create_directories(prefix.path() / "lib" / "ledgerhost" / "plugins");
  const auto binary = prefix.copy(testsupport::ledgerhostBinary(), "bin/ledgerhost");
  std::filesystem::permissions(binary, std::filesystem::perms::owner_exec,
                               std::filesystem::perm_options::add);
  prefix.copy(testPlugin("good_cpp"), "lib/ledgerhost/plugins/good_cpp.so");

  auto r = runCli({"plugins", "list", "--format", "json"}, "", binary);
  ASSERT_EQ(r.exitCode, 0) << r.err;
  nlohmann::json list = nlohmann::json::parse(r.out);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("name"), "good_cpp");
  EXPECT_EQ(
      list[0].at("file"),
      std::filesystem::canonical(prefix.path() / "lib/ledgerhost/plugins/good_cpp.so").string());
}

TEST(CliPluginsTest, CheckAGoodPlugin) {
  for (const char* good : {"good_c", "good_cpp", "frozen_v1_0"}) {
    auto r = runCli({"plugins", "check", testPlugin(good).string()});
    EXPECT_EQ(r.exitCode, 0) << good << ": " << r.err;
    EXPECT_THAT(r.out, StartsWith("ok: " + testPlugin(good).string() + ": " + good + " "));
  }
}

TEST(CliPluginsTest, CheckEachBrokenPluginNamesTheFileAndReason) {
  const std::pair<const char*, const char*> cases[] = {
      {"broken_no_entry", "no lh_plugin_entry symbol"},
      {"broken_abi2", "plugin ABI 2.0 is not supported by this host (ABI 1.0)"},
      {"broken_refuse", "the plugin refused host ABI 1.0"},
      {"broken_small", "descriptor struct_size 16 too small (1.0 needs 104)"},
      {"broken_bad_name", "descriptor field 'name'"},
      {"broken_bad_schema", "descriptor field 'config_schema'"},
      {"broken_config", "create failed: invalid_config: api_key is required"},
      {"throws_create", "create failed: internal: connector constructor blew up"},
  };
  for (const auto& [plugin, reason] : cases) {
    auto r = runCli({"plugins", "check", testPlugin(plugin).string()});
    EXPECT_EQ(r.exitCode, 1) << plugin;
    EXPECT_THAT(r.err, HasSubstr(testPlugin(plugin).string() + ": " + reason)) << plugin;
    EXPECT_THAT(r.out, IsEmpty()) << plugin;
  }
}

TEST(CliPluginsTest, CheckATextFileNamedSo) {
  TempDir dir;
  const auto file = dir.write("x.so", "plain text, definitely not an ELF shared object at all\n");
  auto r = runCli({"plugins", "check", file.string()});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr(file.string() + ": cannot load as a shared library"));
}

TEST(CliPluginsTest, CheckPassesTheConfig) {
  auto r = runCli(
      {"plugins", "check", testPlugin("good_cpp").string(), "--config", R"({"reject": true})"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("invalid_config: config key 'reject' is not allowed"));

  auto bad = runCli({"plugins", "check", testPlugin("good_cpp").string(), "--config", "{oops"});
  EXPECT_EQ(bad.exitCode, 2);
  EXPECT_THAT(bad.err, HasSubstr("--config is not valid JSON"));
}

TEST(CliPluginsTest, UsageErrors) {
  EXPECT_EQ(runCli({"plugins"}).exitCode, 2);
  EXPECT_EQ(runCli({"plugins", "check"}).exitCode, 2);
  EXPECT_EQ(runCli({"plugins", "remove"}).exitCode, 2);
  EXPECT_EQ(runCli({"plugins", "list", "--format", "xml"}).exitCode, 2);
  EXPECT_EQ(runCli({"plugins", "list", "--bogus"}).exitCode, 2);
  auto help = runCli({"plugins", "list", "--help"});
  EXPECT_EQ(help.exitCode, 0);
  EXPECT_THAT(help.out, HasSubstr("--plugin-dir"));
}

}  // namespace
}  // namespace lh::cli
