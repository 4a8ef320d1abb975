// `ledgerhost sync`: read connections once and store, post and queue what they produced.
//
//   sync --config F [--connection C] [--stream S]... [--since YYYY-MM-DD | --full]
//        [--plugin-dir D] [--format text|json]
//
// Loads F (secrets resolved, connection configs checked against their plugins from D and the
// default plugin directory), opens the store, and runs pipeline::SyncRunner for C (every enabled
// connection whose plugin has streams, in config order, when --connection is not given). --stream
// (repeatable, needs --connection) limits the streams; --since starts each stream at that UTC day
// through the {"since": ...} cursor (docs/cursors.md); --full forgets the streams' cursors first.
//
// Progress goes to stderr: on a terminal one live line per stream (pages, events, events/s), else
// a plain line per page. The summary goes to stdout: per stream and in total, events inserted /
// new versions / unchanged / rejected, ledger entries posted and reversed, commands queued; with
// --format json one object {"connections": [{"connection", "correlation_id", "ok", "streams":
// [...], "totals": {...}}]}. Exit 0 when every stream finished, 1 when any failed (its error is
// printed; e.g. an expired key says to run `ledgerhost connect C`), 2 for a usage or config error.
#pragma once

#include <string>
#include <vector>

#include "cli/command.h"

namespace lh::cli {

int runSync(const std::vector<std::string>& args, GlobalOptions globals);

}  // namespace lh::cli
