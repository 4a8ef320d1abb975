#include "pipeline/substitution.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace lh::pipeline {
namespace {

bool isVarStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool isVarChar(char c) { return isVarStart(c) || (c >= '0' && c <= '9'); }

lh::Result<std::string> readSecretFile(const std::filesystem::path& file,
                                       const std::string& shown) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    const int err = errno;
    return lh::invalidConfig("cannot read file '" + shown + "' (" +
                             (err != 0 ? std::strerror(err) : "unreadable") + ")");
  }
  std::ostringstream content;
  content << in.rdbuf();
  std::string text = content.str();
  if (!text.empty() && text.back() == '\n') {
    text.pop_back();
    if (!text.empty() && text.back() == '\r') {
      text.pop_back();
    }
  }
  return text;
}

}  // namespace

EnvLookup processEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) {
      return std::nullopt;
    }
    return std::string(value);
  };
}

lh::Result<Expansion> expandReferences(std::string_view text, const std::filesystem::path& baseDir,
                                       const EnvLookup& env, bool resolve) {
  Expansion out;
  size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 3, "$${") == 0) {
      out.text += "${";
      i += 3;
      continue;
    }
    if (text.compare(i, 2, "${") != 0) {
      out.text += text[i++];
      continue;
    }
    const size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      return lh::invalidConfig(
          "unterminated '${' (a reference is ${env:VAR} or ${file:path}; "
          "write $${ for a literal '${')");
    }
    const std::string_view body = text.substr(i + 2, close - i - 2);
    const std::string_view original = text.substr(i, close - i + 1);
    if (body.substr(0, 4) == "env:") {
      const std::string name(body.substr(4));
      if (name.empty() || !isVarStart(name[0]) ||
          !std::all_of(name.begin(), name.end(), isVarChar)) {
        return lh::invalidConfig("'" + std::string(original) +
                                 "': an environment variable name is letters, digits and '_'");
      }
      out.had_reference = true;
      if (!resolve) {
        out.text += original;
      } else {
        std::optional<std::string> value = env ? env(name) : std::nullopt;
        if (!value) {
          return lh::invalidConfig("environment variable '" + name + "' is not set");
        }
        out.secrets.push_back(*value);
        out.text += *value;
      }
    } else if (body.substr(0, 5) == "file:") {
      const std::string path(body.substr(5));
      if (path.empty()) {
        return lh::invalidConfig("'${file:}' needs a path");
      }
      out.had_reference = true;
      if (!resolve) {
        out.text += original;
      } else {
        std::filesystem::path file(path);
        if (file.is_relative()) {
          file = baseDir / file;
        }
        lh::Result<std::string> value = readSecretFile(file, path);
        if (!value.isOk()) {
          return value.status();
        }
        out.secrets.push_back(value.value());
        out.text += value.value();
      }
    } else {
      return lh::invalidConfig("unknown reference '" + std::string(original) +
                               "' (expected ${env:VAR} or ${file:path}; write $${ for a literal "
                               "'${')");
    }
    i = close + 1;
  }
  return out;
}

}  // namespace lh::pipeline
