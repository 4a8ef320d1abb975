#include "plugins/plugin_library.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/plugins/plugin_test_support.h"

namespace lh::plugins {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using testsupport::TempDir;
using testsupport::testPlugin;

// Loads `file`, expecting `code` and a message that starts with the file and contains `reason`.
void expectLoadError(const std::filesystem::path& file, Code code, const std::string& reason) {
  Result<std::shared_ptr<PluginLibrary>> loaded = PluginLibrary::load(file);
  ASSERT_FALSE(loaded.isOk()) << file;
  EXPECT_EQ(loaded.status().code(), code) << loaded.status();
  EXPECT_THAT(loaded.status().message(), StartsWith(file.string() + ": "));
  EXPECT_THAT(loaded.status().message(), HasSubstr(reason));
}

TEST(PluginLibraryTest, NotASharedObject) {
  TempDir dir;
  const auto file = dir.write("x.so",
                              "this is a text file pretending to be a plugin, not an ELF\n"
                              "shared object; dlopen must refuse it with a clear reason\n");
  expectLoadError(file, Code::InvalidArgument,
                  "cannot load as a shared library: invalid ELF header");
}

TEST(PluginLibraryTest, MissingFile) {
  TempDir dir;
  expectLoadError(dir.path() / "absent.so", Code::InvalidArgument, "no such file");
}

TEST(PluginLibraryTest, NoEntrySymbol) {
  expectLoadError(testPlugin("broken_no_entry"), Code::InvalidArgument,
                  "no lh_plugin_entry symbol");
}

TEST(PluginLibraryTest, PluginRefusesTheHostAbi) {
  expectLoadError(testPlugin("broken_refuse"), Code::NotSupported,
                  "the plugin refused host ABI 1.0");
}

TEST(PluginLibraryTest, AbiMajorTwoIsRefusedNamingBothVersions) {
  expectLoadError(testPlugin("broken_abi2"), Code::NotSupported,
                  "plugin ABI 2.0 is not supported by this host (ABI 1.0)");
}

TEST(PluginLibraryTest, StructSizeTooSmall) {
  expectLoadError(testPlugin("broken_small"), Code::InvalidArgument,
                  "descriptor struct_size 16 too small (1.0 needs 104)");
}

TEST(PluginLibraryTest, InvalidName) {
  expectLoadError(testPlugin("broken_bad_name"), Code::InvalidArgument,
                  "descriptor field 'name' must match [a-z0-9_-]+");
}

TEST(PluginLibraryTest, ConfigSchemaNotAnObject) {
  expectLoadError(testPlugin("broken_bad_schema"), Code::InvalidArgument,
                  "descriptor field 'config_schema' is not a JSON object");
}

TEST(PluginLibraryTest, LoadsAPluginWrittenInC) {
  Result<std::shared_ptr<PluginLibrary>> loaded = PluginLibrary::load(testPlugin("good_c"));
  ASSERT_TRUE(loaded.isOk()) << loaded.status();
  const PluginLibrary& lib = *loaded.value();
  EXPECT_EQ(lib.file(), testPlugin("good_c"));
  EXPECT_EQ(lib.name(), "good_c");
  EXPECT_EQ(lib.version(), "1.0.0");
  EXPECT_EQ(lib.description(), "test plugin written in plain C");
  EXPECT_EQ(lib.kind(), LH_KIND_PROCESSOR);
  EXPECT_EQ(kindName(lib.kind()), "processor");
  EXPECT_EQ(abiString(lib.abiVersion()), "1.0");
  EXPECT_FALSE(lib.declaresWebhooks());
  EXPECT_THAT(lib.streams(), ::testing::ElementsAre("charges", "fail"));
  EXPECT_THAT(lib.commands(), ::testing::ElementsAre("create_invoice"));
  EXPECT_EQ(lib.configSchema().at("type"), "object");
  EXPECT_EQ(lib.descriptor().struct_size, sizeof(lh_plugin_descriptor));
}

TEST(PluginLibraryTest, LoadsAPluginWrittenWithPluginHpp) {
  Result<std::shared_ptr<PluginLibrary>> loaded = PluginLibrary::load(testPlugin("good_cpp"));
  ASSERT_TRUE(loaded.isOk()) << loaded.status();
  EXPECT_EQ(loaded.value()->name(), "good_cpp");
  EXPECT_EQ(loaded.value()->version(), "2.1.0");
  EXPECT_EQ(kindName(loaded.value()->kind()), "accounting");
  EXPECT_TRUE(loaded.value()->declaresWebhooks());
  EXPECT_THAT(loaded.value()->streams(),
              ::testing::ElementsAre("invoices", "limited", "boom", "http"));
}

TEST(PluginLibraryTest, LoadsAPluginBuiltFromTheFrozenV1_0Header) {
  Result<std::shared_ptr<PluginLibrary>> loaded = PluginLibrary::load(testPlugin("frozen_v1_0"));
  ASSERT_TRUE(loaded.isOk()) << loaded.status();
  EXPECT_EQ(loaded.value()->name(), "frozen_v1_0");
  EXPECT_EQ(abiString(loaded.value()->abiVersion()), "1.0");
  EXPECT_EQ(kindName(loaded.value()->kind()), "bank");
}

TEST(PluginLibraryTest, NamesOfKindsAndVersions) {
  EXPECT_EQ(kindName(LH_KIND_BANK), "bank");
  EXPECT_EQ(kindName(42), "unknown");
  EXPECT_EQ(abiString(LH_ABI_PACK(3, 12)), "3.12");
  EXPECT_EQ(kDescriptorV1Size, 104u);
}

}  // namespace
}  // namespace lh::plugins
