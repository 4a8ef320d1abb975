#include "pipeline/diagnostic.h"

#include <algorithm>
#include <tuple>

namespace lh::pipeline {

std::string Diagnostic::toString() const {
  if (line <= 0) {
    return file + ": " + message;
  }
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

void sortDiagnostics(std::vector<Diagnostic>* diagnostics) {
  auto key = [](const Diagnostic& d) {
    return std::tie(d.file_order, d.file, d.line, d.column, d.message);
  };
  std::stable_sort(diagnostics->begin(), diagnostics->end(),
                   [&](const Diagnostic& a, const Diagnostic& b) { return key(a) < key(b); });
  diagnostics->erase(std::unique(diagnostics->begin(), diagnostics->end()), diagnostics->end());
}

std::string formatDiagnostics(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics) {
    out += d.toString();
    out += '\n';
  }
  return out;
}

}  // namespace lh::pipeline
