// `ledgerhost cursors`: inspect and move connections' per-stream cursors, so nobody edits the
// database by hand.
//
//   cursors list  --config F [--connection C] [--format table|json]
//   cursors show  --config F --connection C --stream S        prints the cursor JSON
//   cursors set   --config F --connection C --stream S --value JSON [--plugin-dir D]
//   cursors reset --config F --connection C [--stream S]      forgets one stream's or all cursors
//
// The config is loaded without resolving secrets (no connector is called). C must be a connection
// of the config. `set` checks that the value is JSON (stored compact) and, when the connection's
// plugin can be loaded, that S is one of its streams; the next sync reads S from there. `reset`
// makes the next sync read from the beginning (the event store's idempotency makes that safe).
// Writes run in one unit of work (waiting for a running sync's page to commit).
// Exit 0; 1 for `show` of a stream without a cursor or a store failure; 2 for usage errors.
#pragma once

#include <string>
#include <vector>

#include "cli/command.h"

namespace lh::cli {

int runCursors(const std::vector<std::string>& args, GlobalOptions globals);

}  // namespace lh::cli
