// Helpers shared by the plugin and CLI tests: where the test plugins are, and a temporary
// directory per test.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

namespace lh::testsupport {

// The directory the test build puts its plugins in (lh_add_plugin OUTPUT_DIRECTORY).
inline std::filesystem::path testPluginDir() {
  return std::filesystem::path(LH_BUILD_DIR) / "tests" / "plugins";
}

// <test plugin dir>/<name>.so
inline std::filesystem::path testPlugin(std::string_view name) {
  return testPluginDir() / (std::string(name) + ".so");
}

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "lh-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) {
      path_ = pattern;
    }
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) {
      std::filesystem::remove_all(path_, ec);
    }
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Writes `content` to <dir>/<name> and returns its path.
  std::filesystem::path write(std::string_view name, std::string_view content) const {
    std::filesystem::path file = path_ / name;
    std::ofstream out(file, std::ios::binary);
    out << content;
    return file;
  }

  // Copies `source` to <dir>/<name> and returns its path.
  std::filesystem::path copy(const std::filesystem::path& source, std::string_view name) const {
    std::filesystem::path file = path_ / name;
    std::filesystem::copy_file(source, file, std::filesystem::copy_options::overwrite_existing);
    return file;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace lh::testsupport
