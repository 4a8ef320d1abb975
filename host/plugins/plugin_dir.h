// Where the host looks for its plugins when nothing else is said.
#pragma once

#include <filesystem>

#include "core/status.h"

namespace lh::plugins {

// The environment variable that overrides the default plugin directory.
inline constexpr const char* kPluginDirEnv = "LEDGERHOST_PLUGIN_DIR";

// `$LEDGERHOST_PLUGIN_DIR` when set and non-empty; otherwise `<directory of the running
// executable>/../lib/ledgerhost/plugins`, canonicalised (the layout of both the build tree and an
// install prefix). Fails only when the executable's own path cannot be read.
// Thread safety: any thread (reads the environment and /proc/self/exe).
Result<std::filesystem::path> defaultPluginDir();

}  // namespace lh::plugins
