#include "cli/command.h"

#include <iostream>

#include "core/logging.h"

namespace lh::cli {

namespace po = boost::program_options;

po::options_description loggingOptions(GlobalOptions* globals) {
  po::options_description options("Logging options");
  // clang-format off
  options.add_options()
      ("log-format", po::value<std::string>(&globals->logFormat)->value_name("text|json"),
       "log line format (default text); logs go to stderr, redacted")
      ("log-level",
       po::value<std::string>(&globals->logLevel)->value_name("trace|debug|info|warn|error"),
       "lowest level logged (default info)");
  // clang-format on
  return options;
}

int startLogging(const GlobalOptions& globals) {
  Result<log::Format> format = log::parseFormat(globals.logFormat);
  if (!format.isOk()) {
    return usageError("", "--log-format: " + format.status().message());
  }
  Result<spdlog::level::level_enum> level = log::parseLevel(globals.logLevel);
  if (!level.isOk()) {
    return usageError("", "--log-level: " + level.status().message());
  }
  log::Options options;
  options.format = format.value();
  options.level = level.value();
  log::init(options);
  return kExitOk;
}

void printError(std::string_view command, std::string_view message) {
  std::cerr << "ledgerhost";
  if (!command.empty()) {
    std::cerr << ' ' << command;
  }
  std::cerr << ": " << message << '\n';
}

int usageError(std::string_view command, std::string_view message) {
  printError(command, message);
  std::cerr << "Run 'ledgerhost" << (command.empty() ? "" : " ") << command
            << " --help' for usage.\n";
  return kExitUsage;
}

bool parseArgs(std::string_view command, const std::vector<std::string>& args,
               const po::options_description& options,
               const po::positional_options_description& positional, po::variables_map* vm,
               int* exitCode) {
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), *vm);
    po::notify(*vm);
    return true;
  } catch (const po::error& e) {
    *exitCode = usageError(command, e.what());
    return false;
  }
}

}  // namespace lh::cli
