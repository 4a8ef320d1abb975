#include "cli/cursors_command.h"

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/engine_setup.h"

namespace lh::cli {
namespace {

namespace po = boost::program_options;

constexpr const char* kUsage =
    "Usage: ledgerhost cursors list  --config F [--connection C] [--format table|json]\n"
    "       ledgerhost cursors show  --config F --connection C --stream S\n"
    "       ledgerhost cursors set   --config F --connection C --stream S --value JSON\n"
    "       ledgerhost cursors reset --config F --connection C [--stream S]\n";

// Refuses a stream the connection's plugin does not declare, when the plugin can be loaded.
bool checkStream(const std::string& command, const pipeline::Connection& connection,
                 const std::string& stream, const std::string& pluginDir) {
  std::vector<std::filesystem::path> dirs;
  if (!pluginDir.empty()) {
    dirs.emplace_back(pluginDir);
  }
  Result<std::shared_ptr<plugins::Registry>> registry = pipeline::loadPlugins(dirs, true);
  std::shared_ptr<plugins::PluginLibrary> library =
      registry.isOk() ? (*registry)->find(connection.plugin) : nullptr;
  if (!library) {
    printError(command, "warning: plugin '" + connection.plugin + "' not found; stream name '" +
                            stream + "' not checked");
    return true;
  }
  const auto& streams = library->streams();
  if (std::find(streams.begin(), streams.end(), stream) != streams.end()) {
    return true;
  }
  std::string known;
  for (const auto& s : streams) {
    known += (known.empty() ? "" : ", ") + s;
  }
  usageError(command, "plugin '" + connection.plugin + "' has no stream '" + stream +
                          "' (streams: " + (known.empty() ? "none" : known) + ")");
  return false;
}

}  // namespace

int runCursors(const std::vector<std::string>& args, GlobalOptions globals) {
  if (args.empty() || (args[0] != "list" && args[0] != "show" && args[0] != "set" &&
                       args[0] != "reset" && args[0] != "--help" && args[0] != "-h")) {
    std::cerr << kUsage;
    return usageError("cursors", args.empty() ? "which subcommand? list, show, set or reset"
                                              : "unknown subcommand '" + args[0] + "'");
  }
  const std::string sub = args[0];
  const std::string command = "cursors " + sub;
  const std::vector<std::string> rest(args.begin() + 1, args.end());

  EngineSetupOptions setup;
  setup.loadPlugins = false;
  setup.resolveSecrets = false;
  std::string connection;
  std::string stream;
  std::string value;
  std::string format = "table";
  po::options_description options("Options");
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("config", po::value<std::string>(&setup.configFile)->value_name("FILE"), "the config file")
      ("connection", po::value<std::string>(&connection)->value_name("NAME"), "the connection")
      ("stream", po::value<std::string>(&stream)->value_name("S"), "the stream")
      ("value", po::value<std::string>(&value)->value_name("JSON"), "set: the new cursor")
      ("plugin-dir", po::value<std::string>(&setup.pluginDir)->value_name("DIR"),
       "set: where to find the plugin to check the stream name")
      ("format", po::value<std::string>(&format)->value_name("table|json"),
       "list: output format (default table)");
  // clang-format on
  options.add(loggingOptions(&globals));
  po::variables_map vm;
  int exitCode = kExitOk;
  if (!parseArgs(command, rest, options, {}, &vm, &exitCode)) {
    return exitCode;
  }
  if (sub == "--help" || sub == "-h" || vm.count("help") != 0) {
    std::cout << kUsage << '\n' << options;
    return kExitOk;
  }
  if (sub != "list" && connection.empty()) {
    return usageError(command, "--connection is required");
  }
  if ((sub == "show" || sub == "set") && stream.empty()) {
    return usageError(command, "--stream is required");
  }
  if (sub == "set" && vm.count("value") == 0) {
    return usageError(command, "--value JSON is required");
  }
  if (format != "table" && format != "json") {
    return usageError(command, "--format must be table or json");
  }
  std::string compact;
  if (sub == "set") {
    try {
      compact = nlohmann::json::parse(value).dump();
    } catch (const nlohmann::json::exception& e) {
      return usageError(command, std::string("--value is not JSON: ") + e.what());
    }
  }
  if (int rc = startLogging(globals); rc != kExitOk) {
    return rc;
  }
  Engine engine;
  if (int rc = openEngine(command, setup, &engine); rc != kExitOk) {
    return rc;
  }
  pipeline::Runtime& runtime = *engine.runtime;
  const pipeline::Connection* conn = nullptr;
  if (!connection.empty()) {
    conn = runtime.config().findConnection(connection);
    if (conn == nullptr) {
      return usageError(command, "no connection '" + connection + "' in " + setup.configFile);
    }
  }
  core::EventStore& events = runtime.events();

  if (sub == "list") {
    Result<std::vector<core::CursorRecord>> records = events.listCursors(
        connection.empty() ? std::nullopt : std::optional<std::string>(connection));
    if (!records.isOk()) {
      printError(command, records.status().toString());
      return kExitFailure;
    }
    if (format == "json") {
      nlohmann::json out = nlohmann::json::array();
      for (const core::CursorRecord& r : *records) {
        nlohmann::json cursor = nlohmann::json::parse(r.cursor_json, nullptr, false);
        out.push_back({{"connection", r.connection},
                       {"stream", r.stream},
                       {"cursor", cursor.is_discarded() ? nlohmann::json(r.cursor_json) : cursor},
                       {"updated_at", r.updated_at}});
      }
      std::cout << out.dump(2) << '\n';
      return kExitOk;
    }
    if (records->empty()) {
      std::cout << "no cursors" << (connection.empty() ? "" : " for " + connection) << '\n';
      return kExitOk;
    }
    std::cout << std::left << std::setw(20) << "connection" << std::setw(26) << "stream"
              << std::setw(26) << "updated_at"
              << "cursor\n";
    for (const core::CursorRecord& r : *records) {
      std::cout << std::left << std::setw(20) << r.connection << std::setw(26) << r.stream
                << std::setw(26) << r.updated_at << r.cursor_json << '\n';
    }
    return kExitOk;
  }

  if (sub == "show") {
    Result<std::optional<std::string>> cursor = events.getCursor(connection, stream);
    if (!cursor.isOk()) {
      printError(command, cursor.status().toString());
      return kExitFailure;
    }
    if (!cursor->has_value()) {
      printError(command, connection + "/" + stream +
                              " has no cursor: the next sync reads it from the beginning");
      return kExitFailure;
    }
    std::cout << **cursor << '\n';
    return kExitOk;
  }

  if (sub == "set") {
    if (!checkStream(command, *conn, stream, setup.pluginDir)) {
      return kExitUsage;
    }
    Status status =
        runtime.unit().run([&] { return events.setCursor(connection, stream, compact); });
    if (!status.isOk()) {
      printError(command, status.toString());
      return kExitFailure;
    }
    std::cout << connection << "/" << stream << ": cursor set to " << compact << '\n';
    return kExitOk;
  }

  // reset
  int64_t removed = 0;
  Status status = runtime.unit().run([&]() -> Status {
    if (!stream.empty()) {
      LH_ASSIGN_OR_RETURN(bool had, events.resetCursor(connection, stream));
      removed = had ? 1 : 0;
      return Status::ok();
    }
    LH_ASSIGN_OR_RETURN(removed, events.resetCursors(connection));
    return Status::ok();
  });
  if (!status.isOk()) {
    printError(command, status.toString());
    return kExitFailure;
  }
  std::cout << connection << (stream.empty() ? "" : "/" + stream) << ": " << removed
            << (removed == 1 ? " cursor" : " cursors")
            << " reset; the next sync reads from the beginning\n";
  return kExitOk;
}

}  // namespace lh::cli
