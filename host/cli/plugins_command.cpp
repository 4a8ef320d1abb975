#include "cli/plugins_command.h"

#include <algorithm>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "plugins/host_context.h"
#include "plugins/memory_event_sink.h"
#include "plugins/memory_state_store.h"
#include "plugins/plugin_dir.h"
#include "plugins/plugin_instance.h"
#include "plugins/plugin_library.h"
#include "plugins/registry.h"
#include "plugins/system_clock.h"
#include "plugins/unsupported_http_transport.h"

namespace lh::cli {
namespace {

namespace po = boost::program_options;

constexpr const char* kGroupUsage =
    "Usage: ledgerhost plugins list [--plugin-dir DIR] [--format table|json]\n"
    "       ledgerhost plugins check FILE.so [--config JSON]\n";

struct Row {
  std::string name, kind, version, abi, file;
};

void printTable(const std::vector<Row>& rows) {
  const Row header{"NAME", "KIND", "VERSION", "ABI", "FILE"};
  size_t w[4] = {header.name.size(), header.kind.size(), header.version.size(), header.abi.size()};
  for (const Row& r : rows) {
    w[0] = std::max(w[0], r.name.size());
    w[1] = std::max(w[1], r.kind.size());
    w[2] = std::max(w[2], r.version.size());
    w[3] = std::max(w[3], r.abi.size());
  }
  auto line = [&](const Row& r) {
    auto pad = [](const std::string& s, size_t width) {
      return s + std::string(width - s.size() + 2, ' ');
    };
    std::cout << pad(r.name, w[0]) << pad(r.kind, w[1]) << pad(r.version, w[2]) << pad(r.abi, w[3])
              << r.file << '\n';
  };
  line(header);
  for (const Row& r : rows) {
    line(r);
  }
}

int runList(const std::vector<std::string>& args, GlobalOptions globals) {
  std::string pluginDir;
  std::string format = "table";
  po::options_description options("Options for 'ledgerhost plugins list'");
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("plugin-dir", po::value<std::string>(&pluginDir)->value_name("DIR"),
       "directory to scan (default: $LEDGERHOST_PLUGIN_DIR, else <bin>/../lib/ledgerhost/plugins)")
      ("format", po::value<std::string>(&format)->value_name("table|json"),
       "output format (default table)");
  // clang-format on
  options.add(loggingOptions(&globals));
  po::variables_map vm;
  int exitCode = kExitOk;
  if (!parseArgs("plugins list", args, options, {}, &vm, &exitCode)) {
    return exitCode;
  }
  if (vm.count("help") != 0) {
    std::cout << kGroupUsage << '\n' << options;
    return kExitOk;
  }
  if (format != "table" && format != "json") {
    return usageError("plugins list", "--format must be table or json, not '" + format + "'");
  }
  if (int rc = startLogging(globals); rc != kExitOk) {
    return rc;
  }

  std::filesystem::path dir;
  if (!pluginDir.empty()) {
    dir = pluginDir;
  } else {
    Result<std::filesystem::path> found = plugins::defaultPluginDir();
    if (!found.isOk()) {
      printError("plugins list", found.status().message());
      return kExitFailure;
    }
    dir = found.value();
  }

  plugins::Registry registry;
  if (Status status = registry.addDirectory(dir); !status.isOk()) {
    printError("plugins list", status.message());
    return kExitFailure;
  }

  if (format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& p : registry.plugins()) {
      out.push_back({{"name", p->name()},
                     {"kind", std::string(plugins::kindName(p->kind()))},
                     {"version", p->version()},
                     {"abi", plugins::abiString(p->abiVersion())},
                     {"file", p->file().string()},
                     {"description", p->description()},
                     {"streams", p->streams()},
                     {"commands", p->commands()},
                     {"webhooks", p->declaresWebhooks()}});
    }
    std::cout << out.dump(2) << '\n';
  } else {
    std::vector<Row> rows;
    for (const auto& p : registry.plugins()) {
      rows.push_back({p->name(), std::string(plugins::kindName(p->kind())), p->version(),
                      plugins::abiString(p->abiVersion()), p->file().string()});
    }
    printTable(rows);
  }
  if (registry.plugins().empty() && registry.errors().empty()) {
    std::cerr << "ledgerhost plugins list: no plugins in " << dir.string() << '\n';
  }
  for (const auto& error : registry.errors()) {
    printError("plugins list", error.status.message());
  }
  return registry.errors().empty() ? kExitOk : kExitFailure;
}

int runCheck(const std::vector<std::string>& args, GlobalOptions globals) {
  std::string file;
  std::string config = "{}";
  po::options_description options("Options for 'ledgerhost plugins check FILE.so'");
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("file", po::value<std::string>(&file)->value_name("FILE.so"), "the plugin file to check")
      ("config", po::value<std::string>(&config)->value_name("JSON"),
       "connection config object handed to create (default {})");
  // clang-format on
  options.add(loggingOptions(&globals));
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map vm;
  int exitCode = kExitOk;
  if (!parseArgs("plugins check", args, options, positional, &vm, &exitCode)) {
    return exitCode;
  }
  if (vm.count("help") != 0) {
    std::cout << kGroupUsage << '\n' << options;
    return kExitOk;
  }
  if (file.empty()) {
    return usageError("plugins check", "which plugin? give the path of a .so file");
  }
  try {
    if (!nlohmann::json::parse(config).is_object()) {
      return usageError("plugins check", "--config must be a JSON object");
    }
  } catch (const nlohmann::json::exception&) {
    return usageError("plugins check", "--config is not valid JSON");
  }
  if (int rc = startLogging(globals); rc != kExitOk) {
    return rc;
  }

  Result<std::shared_ptr<plugins::PluginLibrary>> loaded = plugins::PluginLibrary::load(file);
  if (!loaded.isOk()) {
    printError("plugins check", loaded.status().message());
    return kExitFailure;
  }
  std::shared_ptr<plugins::PluginLibrary> library = loaded.value();

  // Everything in memory and no network: checking a plugin must have no side effects.
  plugins::MemoryEventSink events;
  plugins::MemoryStateStore state;
  plugins::SystemClock clock;
  plugins::UnsupportedHttpTransport http("'plugins check' makes no network calls");
  auto context = std::make_unique<plugins::HostContext>(
      plugins::HostServices{&events, &state, &clock, &http}, library->name());
  Result<std::unique_ptr<plugins::PluginInstance>> instance =
      plugins::PluginInstance::create(library, std::move(context), config);
  if (!instance.isOk()) {
    printError("plugins check", instance.status().message());
    return kExitFailure;
  }
  instance.value().reset();  // destroy() runs here

  std::cout << "ok: " << library->file().string() << ": " << library->name() << ' '
            << library->version() << " (" << plugins::kindName(library->kind()) << ", ABI "
            << plugins::abiString(library->abiVersion()) << ")\n";
  return kExitOk;
}

}  // namespace

int runPlugins(const std::vector<std::string>& args, GlobalOptions globals) {
  if (args.empty()) {
    std::cerr << kGroupUsage;
    return kExitUsage;
  }
  const std::string& sub = args.front();
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (sub == "list") {
    return runList(rest, globals);
  }
  if (sub == "check") {
    return runCheck(rest, globals);
  }
  if (sub == "--help" || sub == "-h" || sub == "help") {
    std::cout << kGroupUsage;
    return kExitOk;
  }
  return usageError("plugins", "unknown subcommand '" + sub + "' (list, check)");
}

}  // namespace lh::cli
