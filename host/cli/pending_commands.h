// The subcommands that are part of ledgerhost's interface but not built yet. Each one says so on
// stderr and exits 2 (kExitUsage); none prints anything that could be mistaken for a result.
// When a command is built, it moves out of this table into its own <name>_command.h/.cpp.
#pragma once

#include <string_view>

namespace lh::cli {

// One not-yet-built subcommand and the one-line summary shown in `ledgerhost --help`.
struct PendingCommand {
  std::string_view name;
  std::string_view summary;
};

// run, reconcile, demo.
const PendingCommand* pendingCommands(size_t* count);

// True when `name` is one of pendingCommands().
bool isPendingCommand(std::string_view name);

// Prints "ledgerhost <name>: not built yet" to stderr and returns kExitUsage.
int runPendingCommand(std::string_view name);

}  // namespace lh::cli
