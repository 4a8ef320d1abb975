// Diagnostic: one problem found in a config file (or a config test case), at file:line:column.
//
// `ledgerhost config check` prints every diagnostic of a file at once, one per line, as
// "file:line:column: message" with 1-based line and column (the way compilers do, so editors and
// terminals can jump to it). Messages never contain a value that came from a ${env:...} or
// ${file:...} reference.
//
// Values; thread-compatible.
#pragma once

#include <string>
#include <vector>

namespace lh::pipeline {

struct Diagnostic {
  std::string file;  // the path as the operator gave it (includes: joined to the including dir)
  int line = 0;      // 1-based; 0 when the problem has no position (a file that cannot be read)
  int column = 0;    // 1-based; 0 when line is 0
  std::string message;
  // Load order of `file` (the root file is 0, includes follow in the order met). Sorting uses it
  // so the diagnostics of the root file come first, then those of each include.
  int file_order = 0;

  // "file:line:column: message", or "file: message" when there is no position.
  std::string toString() const;

  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

// Sorts by (file_order, line, column, message) and removes exact duplicates.
void sortDiagnostics(std::vector<Diagnostic>* diagnostics);

// toString() of each diagnostic, each followed by '\n'.
std::string formatDiagnostics(const std::vector<Diagnostic>& diagnostics);

}  // namespace lh::pipeline
