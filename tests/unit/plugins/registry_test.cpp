#include "plugins/registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/plugins/plugin_test_support.h"

namespace lh::plugins {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;
using ::testing::StartsWith;
using testsupport::TempDir;
using testsupport::testPlugin;
using testsupport::testPluginDir;

std::vector<std::string> names(const Registry& registry) {
  std::vector<std::string> out;
  for (const auto& plugin : registry.plugins()) {
    out.push_back(plugin->name());
  }
  return out;
}

TEST(RegistryTest, LoadsEverySoInFileNameOrderAndKeepsPerFileErrors) {
  TempDir dir;
  dir.copy(testPlugin("good_cpp"), "a_good_cpp.so");
  dir.copy(testPlugin("good_c"), "b_good_c.so");
  const auto junk = dir.write("c_junk.so", "not an ELF file, just text that ends in .so\n");
  dir.write("README.txt", "ignored: not a .so");

  Registry registry;
  ASSERT_TRUE(registry.addDirectory(dir.path()).isOk());
  EXPECT_THAT(names(registry), ::testing::ElementsAre("good_cpp", "good_c"));
  ASSERT_THAT(registry.errors(), SizeIs(1));
  EXPECT_EQ(registry.errors()[0].file, junk);
  EXPECT_THAT(registry.errors()[0].status.message(), StartsWith(junk.string() + ": "));

  ASSERT_NE(registry.find("good_c"), nullptr);
  EXPECT_EQ(registry.find("good_c")->file(), dir.path() / "b_good_c.so");
  EXPECT_EQ(registry.find("stripe"), nullptr);
}

TEST(RegistryTest, DuplicateNamesAreAnError) {
  TempDir dir;
  const auto first = dir.copy(testPlugin("good_c"), "first.so");
  const auto second = dir.copy(testPlugin("good_c"), "second.so");
  Registry registry;
  ASSERT_TRUE(registry.addDirectory(dir.path()).isOk());
  EXPECT_THAT(names(registry), ::testing::ElementsAre("good_c"));
  ASSERT_THAT(registry.errors(), SizeIs(1));
  EXPECT_EQ(registry.errors()[0].status.message(),
            second.string() + ": plugin name 'good_c' is already provided by " + first.string());
}

TEST(RegistryTest, MissingDirectoryIsAnError) {
  TempDir dir;
  Registry registry;
  Status status = registry.addDirectory(dir.path() / "nope");
  EXPECT_EQ(status.code(), Code::InvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("nope: does not exist"));
}

TEST(RegistryTest, ExplicitFilesAddToTheDirectory) {
  Registry registry;
  EXPECT_TRUE(registry.addFile(testPlugin("frozen_v1_0")).isOk());
  Status bad = registry.addFile(testPlugin("broken_abi2"));
  EXPECT_EQ(bad.code(), Code::NotSupported);
  EXPECT_THAT(names(registry), ::testing::ElementsAre("frozen_v1_0"));
  ASSERT_THAT(registry.errors(), SizeIs(1));
  EXPECT_EQ(registry.errors()[0].status, bad);
}

TEST(RegistryTest, TheTestPluginDirectoryHasEachBrokenPluginAsAnError) {
  Registry registry;
  ASSERT_TRUE(registry.addDirectory(testPluginDir()).isOk());
  // Loadable: the good ones, and the two whose failure only shows at create().
  EXPECT_THAT(names(registry), ::testing::ElementsAre("broken_config", "frozen_v1_0", "good_c",
                                                      "good_cpp", "throws_create"));
  std::vector<std::string> failed;
  for (const auto& error : registry.errors()) {
    failed.push_back(error.file.filename().string());
  }
  EXPECT_THAT(failed,
              ::testing::ElementsAre("broken_abi2.so", "broken_bad_name.so", "broken_bad_schema.so",
                                     "broken_no_entry.so", "broken_refuse.so", "broken_small.so"));
}

}  // namespace
}  // namespace lh::plugins
