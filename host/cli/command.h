// What every `ledgerhost` subcommand shares: exit codes, the logging options, and error output.
//
// A subcommand is a function taking its own arguments (everything after its name) and the global
// options parsed so far; it parses its options with Boost.Program_options, calls startLogging(),
// does its work and returns an exit code. Data goes to stdout, diagnostics to stderr.
#pragma once

#include <boost/program_options.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace lh::cli {

// Exit codes of every subcommand.
inline constexpr int kExitOk = 0;       // done
inline constexpr int kExitFailure = 1;  // the work failed (a plugin did not load, a sync failed)
inline constexpr int kExitUsage = 2;    // bad command line or configuration; nothing was done

// Options accepted before the subcommand and again after it (the later value wins).
struct GlobalOptions {
  std::string logFormat = "text";  // --log-format text|json
  std::string logLevel = "info";   // --log-level trace|debug|info|warn|error
};

// The --log-format/--log-level option group, writing into `globals` (values given override).
boost::program_options::options_description loggingOptions(GlobalOptions* globals);

// Installs the process logger (lh::log::init) from `globals`: stderr, redacted. Returns kExitOk, or
// kExitUsage after printing why a value is invalid.
int startLogging(const GlobalOptions& globals);

// Prints "ledgerhost <command>: <message>" to stderr ("ledgerhost: <message>" when command is "").
void printError(std::string_view command, std::string_view message);

// Prints a usage error for `command` ("" for the global options) with a pointer to its --help,
// and returns kExitUsage.
int usageError(std::string_view command, std::string_view message);

// Parses `args` against `options` (plus `positional`), storing into the bound variables.
// On a parse error prints it as a usage error for `command` and returns false with *exitCode set.
bool parseArgs(std::string_view command, const std::vector<std::string>& args,
               const boost::program_options::options_description& options,
               const boost::program_options::positional_options_description& positional,
               boost::program_options::variables_map* vm, int* exitCode);

}  // namespace lh::cli
