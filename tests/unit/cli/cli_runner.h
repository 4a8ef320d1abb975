// Runs the real built `ledgerhost` binary (<build>/bin/ledgerhost) through the shell and captures
// its exit code, stdout and stderr.
#pragma once

#include <stdio.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

#include "unit/plugins/plugin_test_support.h"

namespace lh::testsupport {

struct CliResult {
  int exitCode = -1;
  std::string out;
  std::string err;
};

inline std::string shellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

inline std::filesystem::path ledgerhostBinary() {
  return std::filesystem::path(LH_BUILD_DIR) / "bin" / "ledgerhost";
}

// Runs `binary args...` with LEDGERHOST_PLUGIN_DIR set to `pluginDirEnv` (or unset when empty).
inline CliResult runCli(const std::vector<std::string>& args, const std::string& pluginDirEnv = "",
                        const std::filesystem::path& binary = ledgerhostBinary()) {
  TempDir tmp;
  const std::filesystem::path errFile = tmp.path() / "stderr";
  std::string cmd = pluginDirEnv.empty()
                        ? "env -u LEDGERHOST_PLUGIN_DIR "
                        : "env LEDGERHOST_PLUGIN_DIR=" + shellQuote(pluginDirEnv) + " ";
  cmd += shellQuote(binary.string());
  for (const auto& a : args) {
    cmd += " " + shellQuote(a);
  }
  cmd += " 2>" + shellQuote(errFile.string());

  CliResult result;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) {
    return result;
  }
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) {
    result.out.append(buffer, n);
  }
  const int status = pclose(pipe);
  result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(errFile);
  std::ostringstream errText;
  errText << err.rdbuf();
  result.err = errText.str();
  return result;
}

}  // namespace lh::testsupport
