// What `sync`, `replay` and `cursors` share: load the plugins and the config, open the engine.
#pragma once

#include <memory>
#include <string>

#include "pipeline/runtime.h"
#include "plugins/registry.h"

namespace lh::cli {

struct EngineSetupOptions {
  std::string configFile;
  std::string pluginDir;       // --plugin-dir; loaded before the default plugin directory
  bool loadPlugins = true;     // false: no plugin checks, connect() unavailable (replay)
  bool resolveSecrets = true;  // false: ${env:}/${file:} left unresolved (no plugin is created)
};

struct Engine {
  std::shared_ptr<plugins::Registry> registry;  // null when !loadPlugins
  std::unique_ptr<pipeline::Runtime> runtime;
};

// Loads and opens. On failure prints every diagnostic or the error as `command` and returns
// kExitUsage (bad config, unreadable plugin dir) or kExitFailure (the store cannot be opened);
// on success fills `engine` and returns kExitOk. Plugin files that fail to load are warned about.
int openEngine(const std::string& command, const EngineSetupOptions& options, Engine* engine);

}  // namespace lh::cli
