// `ledgerhost replay`: run posting and delivery again over the stored current events.
//
//   replay --config F [--connection C] [--from YYYY-MM-DD] [--batch N] [--format text|json]
//
// Loads F without resolving secrets or loading plugins (no connector is called), opens the store
// and runs pipeline::ReplayRunner: every current event version of the config's tenants (of C, that
// occurred on or after the date) through the posting and delivery rules, in units of work of N
// events (default 1000). Idempotent: the second run prints 0 entries posted and 0 commands queued.
// Prints "replayed E events in U units: P entries posted, R reversals, Q commands queued,
// K updated, S unchanged" (or that as a JSON object). Exit 0, 1 when the replay failed part-way
// (committed units stay; run it again), 2 for a usage or config error.
#pragma once

#include <string>
#include <vector>

#include "cli/command.h"

namespace lh::cli {

int runReplay(const std::vector<std::string>& args, GlobalOptions globals);

}  // namespace lh::cli
