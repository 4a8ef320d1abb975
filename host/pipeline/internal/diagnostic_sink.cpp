#include "pipeline/internal/diagnostic_sink.h"

#include <algorithm>

namespace lh::pipeline::internal {
namespace {

constexpr size_t kMinScrubbedLength = 4;

void replaceAll(std::string* text, const std::string& what, const std::string& with) {
  size_t at = 0;
  while ((at = text->find(what, at)) != std::string::npos) {
    text->replace(at, what.size(), with);
    at += with.size();
  }
}

}  // namespace

int DiagnosticSink::addFile(std::string name) {
  files_.push_back(std::move(name));
  return static_cast<int>(files_.size()) - 1;
}

void DiagnosticSink::error(const Pos& pos, std::string message) {
  Diagnostic d;
  d.file = files_.empty() ? std::string() : fileName(pos.file);
  d.line = pos.line;
  d.column = pos.line > 0 ? pos.column : 0;
  d.message = std::move(message);
  d.file_order = pos.file;
  diagnostics_.push_back(std::move(d));
}

void DiagnosticSink::addSecret(const std::string& value) {
  if (value.size() >= kMinScrubbedLength &&
      std::find(secrets_.begin(), secrets_.end(), value) == secrets_.end()) {
    secrets_.push_back(value);
  }
}

std::vector<Diagnostic> DiagnosticSink::diagnostics() const {
  std::vector<Diagnostic> out = diagnostics_;
  // Longest first, so a secret that contains another is replaced whole.
  std::vector<std::string> secrets = secrets_;
  std::sort(secrets.begin(), secrets.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (Diagnostic& d : out) {
    for (const std::string& secret : secrets) {
      replaceAll(&d.message, secret, "***");
    }
  }
  sortDiagnostics(&out);
  return out;
}

}  // namespace lh::pipeline::internal
