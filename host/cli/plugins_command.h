// `ledgerhost plugins list|check`: what plugins the host can load, and whether one file works.
//
//   plugins list [--plugin-dir D] [--format table|json]
//       Loads every *.so in D (default: defaultPluginDir()) and prints name, kind, version, abi and
//       file of each. Files that fail are reported on stderr; exit 1 if any failed.
//   plugins check FILE.so [--config JSON]
//       Loads FILE, validates its descriptor, creates an instance with the config (default {}) and
//       destroys it. Prints "ok: ..." and exits 0, or prints the one error and exits 1. Makes no
//       network call: the instance gets no HTTP transport.
#pragma once

#include <string>
#include <vector>

#include "cli/command.h"

namespace lh::cli {

// Runs `ledgerhost plugins <args...>`; returns the exit code.
int runPlugins(const std::vector<std::string>& args, GlobalOptions globals);

}  // namespace lh::cli
