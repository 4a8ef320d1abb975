#include "cli/pending_commands.h"

#include <iostream>
#include <iterator>

#include "cli/command.h"

namespace lh::cli {
namespace {

constexpr PendingCommand kPending[] = {
    {"run", "run as a daemon: scheduled syncs, webhooks, admin API"},
    {"reconcile", "match payouts, deposits and books; list discrepancies"},
    {"demo", "run the end-to-end demo against the fake APIs"},
};

}  // namespace

const PendingCommand* pendingCommands(size_t* count) {
  *count = std::size(kPending);
  return kPending;
}

bool isPendingCommand(std::string_view name) {
  for (const PendingCommand& c : kPending) {
    if (c.name == name) {
      return true;
    }
  }
  return false;
}

int runPendingCommand(std::string_view name) {
  std::cerr << "ledgerhost " << name << ": not built yet\n";
  return kExitUsage;
}

}  // namespace lh::cli
