#include "plugins/plugin_dir.h"

#include <stdlib.h>

#include <optional>
#include <string>

#include <gtest/gtest.h>

namespace lh::plugins {
namespace {

// Sets or unsets LEDGERHOST_PLUGIN_DIR for one test and restores it after.
class ScopedPluginDirEnv {
 public:
  explicit ScopedPluginDirEnv(const char* value) {
    if (const char* old = getenv(kPluginDirEnv)) {
      old_ = old;
    }
    if (value == nullptr) {
      unsetenv(kPluginDirEnv);
    } else {
      setenv(kPluginDirEnv, value, 1);
    }
  }
  ~ScopedPluginDirEnv() {
    if (old_) {
      setenv(kPluginDirEnv, old_->c_str(), 1);
    } else {
      unsetenv(kPluginDirEnv);
    }
  }

 private:
  std::optional<std::string> old_;
};

// This test binary lives in <build>/tests/, so "<exe dir>/../lib/ledgerhost/plugins" is the build
// tree's real plugin dir, exactly as for <build>/bin/ledgerhost.
TEST(PluginDirTest, DefaultIsRelativeToTheExecutable) {
  ScopedPluginDirEnv env(nullptr);
  Result<std::filesystem::path> dir = defaultPluginDir();
  ASSERT_TRUE(dir.isOk()) << dir.status();
  EXPECT_EQ(dir.value(), std::filesystem::weakly_canonical(std::filesystem::path(LH_BUILD_DIR) /
                                                           "lib" / "ledgerhost" / "plugins"));
}

TEST(PluginDirTest, EnvironmentOverrides) {
  ScopedPluginDirEnv env("/opt/custom/plugins");
  Result<std::filesystem::path> dir = defaultPluginDir();
  ASSERT_TRUE(dir.isOk());
  EXPECT_EQ(dir.value(), std::filesystem::path("/opt/custom/plugins"));
}

TEST(PluginDirTest, EmptyEnvironmentIsIgnored) {
  ScopedPluginDirEnv env("");
  Result<std::filesystem::path> dir = defaultPluginDir();
  ASSERT_TRUE(dir.isOk());
  EXPECT_EQ(dir.value().filename(), "plugins");
}

}  // namespace
}  // namespace lh::plugins
