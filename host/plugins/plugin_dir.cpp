#include "plugins/plugin_dir.h"

#include <cstdlib>
#include <system_error>

namespace lh::plugins {

Result<std::filesystem::path> defaultPluginDir() {
  if (const char* env = std::getenv(kPluginDirEnv); env != nullptr && *env != '\0') {
    return std::filesystem::path(env);
  }
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) {
    return internalError(std::string("cannot find the plugin directory: reading /proc/self/exe: ") +
                         ec.message() + " (set " + kPluginDirEnv + ")");
  }
  const std::filesystem::path dir = exe.parent_path() / ".." / "lib" / "ledgerhost" / "plugins";
  // weakly_canonical: the directory may not exist yet (no plugins built); the caller reports that.
  std::filesystem::path canonical = std::filesystem::weakly_canonical(dir, ec);
  if (ec) {
    return dir.lexically_normal();
  }
  return canonical;
}

}  // namespace lh::plugins
