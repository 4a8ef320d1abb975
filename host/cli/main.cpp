// ledgerhost: the command-line entry point.
//
//   ledgerhost [--log-format text|json] [--log-level LEVEL] <command> [args...]
//
// Global options come before the command (and the logging ones may be repeated after it). The
// command's own arguments are parsed by the command. Exit codes: 0 ok, 1 failure, 2 usage or
// config error (cli/command.h).
#include <ledgerhost/sdk.h>

#include <algorithm>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/command.h"
#include "cli/config_command.h"
#include "cli/connect_command.h"
#include "cli/cursors_command.h"
#include "cli/ledger_command.h"
#include "cli/pending_commands.h"
#include "cli/plugins_command.h"
#include "cli/replay_command.h"
#include "cli/sync_command.h"
#include "plugins/plugin_library.h"

namespace {

namespace po = boost::program_options;
using namespace lh::cli;

void printHelp(const po::options_description& globalOptions) {
  constexpr size_t kNameWidth = 16;
  auto line = [&](std::string_view name, std::string_view summary) {
    std::cout << "  " << name
              << std::string(kNameWidth - std::min(name.size(), kNameWidth - 1), ' ') << summary
              << '\n';
  };
  std::cout << "ledgerhost " LH_VERSION
               " - integration host for money data\n\n"
               "Usage: ledgerhost [global options] <command> [options]\n\n"
               "Commands:\n";
  line("plugins list", "list the plugins in the plugin directory");
  line("plugins check", "load one plugin file, create an instance of it, report the first error");
  line("config check", "validate a config file; report every error as file:line:column");
  line("config test", "run a config's pipelines on fixture events; diff against expectations");
  line("ledger", "read the books: balances, trial-balance, entries, revenue; verify the chain");
  line("sync", "read connections once: store, post and queue what they produced");
  line("replay", "run posting and delivery again over the stored events");
  line("cursors", "list, show, set or reset connections' per-stream cursors");
  line("connect", "authorise a connection (OAuth2 consent in the browser)");
  std::cout << "\nNot built yet (each says so and exits 2):\n";
  size_t count = 0;
  const PendingCommand* pending = pendingCommands(&count);
  for (size_t i = 0; i < count; ++i) {
    line(pending[i].name, pending[i].summary);
  }
  std::cout << '\n'
            << globalOptions << '\n'
            << "Run 'ledgerhost <command> --help' for a command's options.\n"
               "Exit codes: 0 ok, 1 failure, 2 usage or configuration error.\n";
}

// Splits argv into the global options before the command, the command, and its arguments.
void splitArgs(int argc, char** argv, std::vector<std::string>* globals, std::string* command,
               std::vector<std::string>* rest) {
  int i = 1;
  for (; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.empty() || arg[0] != '-') {
      break;
    }
    globals->push_back(arg);
    // The global options that take a separate value: keep the value with its option.
    if ((arg == "--log-format" || arg == "--log-level") && i + 1 < argc) {
      globals->push_back(argv[++i]);
    }
  }
  if (i < argc) {
    *command = argv[i++];
  }
  for (; i < argc; ++i) {
    rest->push_back(argv[i]);
  }
}

int run(int argc, char** argv) {
  std::vector<std::string> globalArgs;
  std::string command;
  std::vector<std::string> rest;
  splitArgs(argc, argv, &globalArgs, &command, &rest);

  GlobalOptions globals;
  po::options_description globalOptions("Global options");
  // clang-format off
  globalOptions.add_options()
      ("help,h", "show this help")
      ("version", "print the version and the plugin ABI this host speaks");
  // clang-format on
  globalOptions.add(loggingOptions(&globals));
  po::variables_map vm;
  int exitCode = kExitOk;
  if (!parseArgs("", globalArgs, globalOptions, {}, &vm, &exitCode)) {
    return exitCode;
  }
  if (vm.count("version") != 0) {
    std::cout << "ledgerhost " LH_VERSION " (plugin ABI " << lh::plugins::abiString(LH_ABI_VERSION)
              << ")\n";
    return kExitOk;
  }
  if (vm.count("help") != 0) {
    printHelp(globalOptions);
    return kExitOk;
  }
  if (command.empty()) {
    return usageError("", "which command?");
  }
  if (command == "plugins") {
    return runPlugins(rest, globals);
  }
  if (command == "config") {
    return runConfig(rest, globals);
  }
  if (command == "ledger") {
    return runLedger(rest, globals);
  }
  if (command == "sync") {
    return runSync(rest, globals);
  }
  if (command == "replay") {
    return runReplay(rest, globals);
  }
  if (command == "cursors") {
    return runCursors(rest, globals);
  }
  if (command == "connect") {
    return runConnect(rest, globals);
  }
  if (command == "help") {
    printHelp(globalOptions);
    return kExitOk;
  }
  if (isPendingCommand(command)) {
    return runPendingCommand(command);
  }
  return usageError("", "unknown command '" + command + "'");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    // Anything the commands did not turn into a Status is a bug, but still a clean exit.
    std::cerr << "ledgerhost: internal error: " << e.what() << '\n';
    return kExitFailure;
  }
}
