#include "cli/pending_commands.h"

#include <iostream>
#include <iterator>

#include "cli/command.h"

namespace lh::cli {
namespace {

constexpr PendingCommand kPending[] = {
    {"sync", "read every due connection once and post what it produced"},
    {"run", "run as a daemon: scheduled syncs, webhooks, admin API"},
    {"replay", "re-post stored events through the current rules"},
    {"reconcile", "match payouts, deposits and books; list discrepancies"},
    {"connect", "authorise a connection (OAuth, consent)"},
    {"cursors", "show or reset connection cursors"},
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
