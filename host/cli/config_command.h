// `ledgerhost config check|test`: validate a config file; test its pipelines on fixture events.
//
//   config check FILE [--plugin-dir D]
//       Loads FILE (and its includes) with every check of pipeline/config_loader.h, against the
//       plugins in D (default: defaultPluginDir()). Prints "FILE: ok (N tenants, M connections,
//       K rules)" and exits 0, or prints every error as "file:line:column: message" on stderr and
//       exits 2. Secrets are resolved (so a missing ${env:VAR} is an error) but never printed.
//   config test FILE --cases DIR [--plugin-dir D]
//       Loads FILE without resolving secrets, runs each case file in DIR (config/tests/README.md)
//       through the pipelines in memory, and prints PASS/FAIL per case with a diff of expected vs
//       actual postings and commands. Exit 0 when all pass, 1 when any fails, 2 when the config
//       or a case file is invalid (or DIR has no cases).
#pragma once

#include <string>
#include <vector>

#include "cli/command.h"

namespace lh::cli {

// Runs `ledgerhost config <args...>`; returns the exit code.
int runConfig(const std::vector<std::string>& args, GlobalOptions globals);

}  // namespace lh::cli
