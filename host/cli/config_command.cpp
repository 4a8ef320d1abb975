#include "cli/config_command.h"

#include <iostream>
#include <memory>

#include "pipeline/config_loader.h"
#include "pipeline/config_test.h"
#include "pipeline/plugin_catalog.h"
#include "plugins/plugin_dir.h"
#include "plugins/plugin_library.h"
#include "plugins/registry.h"

namespace lh::cli {
namespace {

namespace po = boost::program_options;

constexpr const char* kGroupUsage =
    "Usage: ledgerhost config check FILE [--plugin-dir DIR]\n"
    "       ledgerhost config test FILE --cases DIR [--plugin-dir DIR]\n";

// Fills a catalog from the plugins in `pluginDir` (default dir when empty). Files that fail to
// load are warned about and left out: a config that uses one then fails with "unknown plugin".
bool loadCatalog(const std::string& command, const std::string& pluginDir,
                 pipeline::PluginCatalog* catalog) {
  std::filesystem::path dir;
  if (!pluginDir.empty()) {
    dir = pluginDir;
  } else {
    Result<std::filesystem::path> found = plugins::defaultPluginDir();
    if (!found.isOk()) {
      printError(command, found.status().message());
      return false;
    }
    dir = found.value();
  }
  plugins::Registry registry;
  if (Status status = registry.addDirectory(dir); !status.isOk()) {
    printError(command, status.message());
    return false;
  }
  for (const auto& error : registry.errors()) {
    printError(command, "warning: " + error.status.message());
  }
  for (const auto& p : registry.plugins()) {
    pipeline::PluginInfo info;
    info.name = p->name();
    info.kind = std::string(plugins::kindName(p->kind()));
    info.config_schema = p->configSchema();
    info.commands = p->commands();
    info.streams = p->streams();
    catalog->add(std::move(info));
  }
  return true;
}

void printDiagnostics(const std::vector<pipeline::Diagnostic>& diagnostics) {
  std::cerr << pipeline::formatDiagnostics(diagnostics);
}

std::string plural(size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

int runCheck(const std::vector<std::string>& args, GlobalOptions globals) {
  std::string file;
  std::string pluginDir;
  po::options_description options("Options for 'ledgerhost config check FILE'");
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("file", po::value<std::string>(&file)->value_name("FILE"), "the config file to check")
      ("plugin-dir", po::value<std::string>(&pluginDir)->value_name("DIR"),
       "plugins to check against (default: $LEDGERHOST_PLUGIN_DIR, else "
       "<bin>/../lib/ledgerhost/plugins)");
  // clang-format on
  options.add(loggingOptions(&globals));
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map vm;
  int exitCode = kExitOk;
  if (!parseArgs("config check", args, options, positional, &vm, &exitCode)) {
    return exitCode;
  }
  if (vm.count("help") != 0) {
    std::cout << kGroupUsage << '\n' << options;
    return kExitOk;
  }
  if (file.empty()) {
    return usageError("config check", "which config file?");
  }
  if (int rc = startLogging(globals); rc != kExitOk) {
    return rc;
  }
  pipeline::PluginCatalog catalog;
  if (!loadCatalog("config check", pluginDir, &catalog)) {
    return kExitFailure;
  }
  pipeline::LoadOptions load;
  load.plugins = &catalog;
  pipeline::LoadResult loaded = pipeline::loadConfig(file, load);
  if (!loaded.ok()) {
    printDiagnostics(loaded.diagnostics);
    std::cerr << file << ": " << plural(loaded.diagnostics.size(), "error") << '\n';
    return kExitUsage;
  }
  const pipeline::Config& config = *loaded.config;
  std::cout << file << ": ok (" << plural(config.tenants.size(), "tenant") << ", "
            << plural(config.connections.size(), "connection") << ", "
            << plural(config.ruleCount(), "rule") << ")\n";
  return kExitOk;
}

int runTest(const std::vector<std::string>& args, GlobalOptions globals) {
  std::string file;
  std::string cases;
  std::string pluginDir;
  po::options_description options("Options for 'ledgerhost config test FILE --cases DIR'");
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("file", po::value<std::string>(&file)->value_name("FILE"), "the config file to test")
      ("cases", po::value<std::string>(&cases)->value_name("DIR"),
       "directory of test cases (*.yaml, *.yml, *.json; see config/tests/README.md)")
      ("plugin-dir", po::value<std::string>(&pluginDir)->value_name("DIR"),
       "plugins to check the config against (default as for 'config check')");
  // clang-format on
  options.add(loggingOptions(&globals));
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map vm;
  int exitCode = kExitOk;
  if (!parseArgs("config test", args, options, positional, &vm, &exitCode)) {
    return exitCode;
  }
  if (vm.count("help") != 0) {
    std::cout << kGroupUsage << '\n' << options;
    return kExitOk;
  }
  if (file.empty()) {
    return usageError("config test", "which config file?");
  }
  if (cases.empty()) {
    return usageError("config test", "--cases DIR is required");
  }
  if (int rc = startLogging(globals); rc != kExitOk) {
    return rc;
  }
  pipeline::PluginCatalog catalog;
  if (!loadCatalog("config test", pluginDir, &catalog)) {
    return kExitFailure;
  }
  pipeline::LoadOptions load;
  load.plugins = &catalog;
  load.resolve_secrets = false;  // the rules need no secrets
  pipeline::LoadResult loaded = pipeline::loadConfig(file, load);
  if (!loaded.ok()) {
    printDiagnostics(loaded.diagnostics);
    std::cerr << file << ": " << plural(loaded.diagnostics.size(), "error") << '\n';
    return kExitUsage;
  }
  Result<pipeline::SuiteResult> suite = pipeline::runTestSuite(*loaded.config, cases);
  if (!suite.isOk()) {
    printError("config test", suite.status().message());
    return kExitUsage;
  }
  for (const pipeline::CaseOutcome& outcome : suite->outcomes) {
    std::cout << pipeline::formatOutcome(outcome);
  }
  printDiagnostics(suite->diagnostics);
  const size_t total = suite->outcomes.size();
  std::cout << plural(total, "case") << ": " << suite->passed() << " passed, " << suite->failed()
            << " failed";
  if (!suite->diagnostics.empty()) {
    std::cout << ", " << plural(suite->diagnostics.size(), "error") << " in case files";
  }
  std::cout << '\n';
  if (!suite->diagnostics.empty()) {
    return kExitUsage;
  }
  if (total == 0) {
    printError("config test", "no test cases (*.yaml, *.yml, *.json) in " + cases);
    return kExitUsage;
  }
  return suite->failed() == 0 ? kExitOk : kExitFailure;
}

}  // namespace

int runConfig(const std::vector<std::string>& args, GlobalOptions globals) {
  if (args.empty()) {
    std::cerr << kGroupUsage;
    return usageError("config", "which subcommand? check or test");
  }
  const std::string& sub = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (sub == "check") {
    return runCheck(rest, globals);
  }
  if (sub == "test") {
    return runTest(rest, globals);
  }
  if (sub == "--help" || sub == "-h" || sub == "help") {
    std::cout << kGroupUsage;
    return kExitOk;
  }
  return usageError("config", "unknown subcommand '" + sub + "' (expected check or test)");
}

}  // namespace lh::cli
