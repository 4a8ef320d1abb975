#include "cli/engine_setup.h"

#include <iostream>
#include <vector>

#include "cli/command.h"
#include "pipeline/config_loader.h"

namespace lh::cli {

int openEngine(const std::string& command, const EngineSetupOptions& options, Engine* engine) {
  if (options.configFile.empty()) {
    return usageError(command, "--config FILE is required");
  }
  pipeline::PluginCatalog catalog;
  if (options.loadPlugins) {
    std::vector<std::filesystem::path> dirs;
    if (!options.pluginDir.empty()) {
      dirs.emplace_back(options.pluginDir);
    }
    Result<std::shared_ptr<plugins::Registry>> registry = pipeline::loadPlugins(dirs, true);
    if (!registry.isOk()) {
      printError(command, registry.status().message());
      return kExitUsage;
    }
    engine->registry = *registry;
    for (const auto& error : engine->registry->errors()) {
      printError(command, "warning: " + error.status.message());
    }
    catalog = pipeline::catalogOf(*engine->registry);
  }
  pipeline::LoadOptions load;
  load.plugins = options.loadPlugins ? &catalog : nullptr;
  load.resolve_secrets = options.resolveSecrets;
  pipeline::LoadResult loaded = pipeline::loadConfig(options.configFile, load);
  if (!loaded.ok()) {
    std::cerr << pipeline::formatDiagnostics(loaded.diagnostics);
    printError(command, options.configFile + ": " + std::to_string(loaded.diagnostics.size()) +
                            (loaded.diagnostics.size() == 1 ? " error" : " errors"));
    return kExitUsage;
  }
  Result<std::unique_ptr<pipeline::Runtime>> runtime =
      pipeline::Runtime::open(std::move(*loaded.config), engine->registry);
  if (!runtime.isOk()) {
    printError(command, runtime.status().message());
    return kExitFailure;
  }
  engine->runtime = std::move(runtime).value();
  return kExitOk;
}

}  // namespace lh::cli
