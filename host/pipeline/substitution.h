// Secret references in config scalars: ${env:VAR} and ${file:path}.
//
// Any scalar value of a config file may contain references, alone or inside other text:
//   api_key: ${env:STRIPE_API_KEY}
//   client_secret: ${file:secrets/qbo_client_secret}     # relative to the config file's directory
//   base_url: https://${env:BANK_HOST}/open-banking/v3.1/aisp
// `${env:VAR}` is the environment variable VAR (set, possibly empty; unset is an error).
// `${file:path}` is the file's content with one trailing newline ("\n" or "\r\n") removed.
// `$${` is a literal "${". Any other "${" is an error, so a typo never passes as literal text.
// A scalar that had a reference is a string (never re-read as a number or a boolean), and its
// value is never quoted in a diagnostic or a log.
//
// Pure apart from reading the environment (through the injected lookup) and the files.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace lh::pipeline {

// Reads one environment variable: its value, or nullopt when it is not set.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment (::getenv).
EnvLookup processEnvironment();

struct Expansion {
  std::string text;                  // the scalar with every reference replaced
  bool had_reference = false;        // at least one ${env:} or ${file:} was present
  std::vector<std::string> secrets;  // the substituted values, for scrubbing messages
};

// Expands the references in `text`. With `resolve` false, references are only checked for syntax
// and left as they are (for `config test`, which needs no secrets). Errors (InvalidConfig):
// "environment variable 'X' is not set", "cannot read file 'p' (reason)", a malformed or
// unknown reference. Error messages name variables and files, never values.
lh::Result<Expansion> expandReferences(std::string_view text, const std::filesystem::path& baseDir,
                                       const EnvLookup& env, bool resolve);

}  // namespace lh::pipeline
