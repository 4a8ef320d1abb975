// DiagnosticSink: collects the diagnostics of one load (config or test case) across its files,
// and scrubs secret values out of every message. Internal to lh_pipeline.
//
// Not thread-safe: one load, one thread.
#pragma once

#include <string>
#include <vector>

#include "pipeline/diagnostic.h"

namespace lh::pipeline::internal {

// A position inside a loaded file: the file's index in the sink, 1-based line and column
// (0 = unknown).
struct Pos {
  int file = 0;
  int line = 0;
  int column = 0;
};

class DiagnosticSink {
 public:
  // Registers a file name (as it will be printed) and returns its index (load order).
  int addFile(std::string name);
  const std::string& fileName(int index) const { return files_.at(static_cast<size_t>(index)); }
  int fileCount() const { return static_cast<int>(files_.size()); }

  // Records a diagnostic at `pos`.
  void error(const Pos& pos, std::string message);

  // Remembers a substituted secret value: it is replaced by "***" in every message (values shorter
  // than 4 characters are not scrubbed: they would mangle ordinary words, and the messages never
  // quote a substituted value anyway).
  void addSecret(const std::string& value);

  bool hasErrors() const { return !diagnostics_.empty(); }
  size_t count() const { return diagnostics_.size(); }

  // The diagnostics so far, scrubbed and sorted (sortDiagnostics).
  std::vector<Diagnostic> diagnostics() const;

 private:
  std::vector<std::string> files_;
  std::vector<Diagnostic> diagnostics_;
  std::vector<std::string> secrets_;
};

}  // namespace lh::pipeline::internal
