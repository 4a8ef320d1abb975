#include "cli/replay_command.h"

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/engine_setup.h"
#include "pipeline/replay_runner.h"

namespace lh::cli {

namespace po = boost::program_options;

int runReplay(const std::vector<std::string>& args, GlobalOptions globals) {
  EngineSetupOptions setup;
  setup.loadPlugins = false;
  setup.resolveSecrets = false;
  std::string connection;
  std::string from;
  size_t batch = 1000;
  std::string format = "text";
  po::options_description options(
      "Usage: ledgerhost replay --config FILE [--connection NAME] [--from YYYY-MM-DD]\nOptions");
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("config", po::value<std::string>(&setup.configFile)->value_name("FILE"), "the config file")
      ("connection", po::value<std::string>(&connection)->value_name("NAME"),
       "only this connection's events")
      ("from", po::value<std::string>(&from)->value_name("YYYY-MM-DD"),
       "only events that occurred on or after this UTC day")
      ("batch", po::value<size_t>(&batch)->value_name("N"), "events per unit of work (1000)")
      ("format", po::value<std::string>(&format)->value_name("text|json"),
       "output format (default text)");
  // clang-format on
  options.add(loggingOptions(&globals));
  po::variables_map vm;
  int exitCode = kExitOk;
  if (!parseArgs("replay", args, options, {}, &vm, &exitCode)) {
    return exitCode;
  }
  if (vm.count("help") != 0) {
    std::cout << options;
    return kExitOk;
  }
  if (batch == 0) {
    return usageError("replay", "--batch must be at least 1");
  }
  if (format != "text" && format != "json") {
    return usageError("replay", "--format must be text or json");
  }
  if (int rc = startLogging(globals); rc != kExitOk) {
    return rc;
  }
  Engine engine;
  if (int rc = openEngine("replay", setup, &engine); rc != kExitOk) {
    return rc;
  }
  pipeline::ReplayOptions replayOptions;
  if (!connection.empty()) {
    replayOptions.connection = connection;
  }
  if (!from.empty()) {
    replayOptions.from = from;
  }
  replayOptions.batch_size = batch;
  pipeline::ReplayRunner runner(*engine.runtime, [](const pipeline::ReplayResult& soFar) {
    std::cerr << "replay: " << soFar.events << " events in " << soFar.units << " units\n";
  });
  Result<pipeline::ReplayResult> result = runner.replay(replayOptions);
  if (!result.isOk()) {
    printError("replay", result.status().toString());
    return result.status().code() == Code::InvalidArgument ? kExitUsage : kExitFailure;
  }
  const pipeline::ReplayResult& r = *result;
  if (format == "json") {
    std::cout << nlohmann::json{{"events", r.events},
                                {"units", r.units},
                                {"entries_posted", r.entries_posted},
                                {"reversals", r.reversals},
                                {"commands_queued", r.commands_queued},
                                {"commands_updated", r.commands_updated},
                                {"commands_unchanged", r.commands_unchanged}}
                     .dump(2)
              << '\n';
  } else {
    std::cout << "replayed " << r.events << " events in " << r.units
              << " units: " << r.entries_posted << " entries posted, " << r.reversals
              << " reversals, " << r.commands_queued << " commands queued, " << r.commands_updated
              << " updated, " << r.commands_unchanged << " unchanged\n";
  }
  return kExitOk;
}

}  // namespace lh::cli
