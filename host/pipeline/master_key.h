// The host's master key as an operator writes it (docs/secrets.md): 32 bytes given as 64 hex
// digits or base64 (standard or URL-safe alphabet, padding optional), or, in a key file, also as
// the 32 raw bytes. Used by the config loader for `store.master_key` / `store.master_key_file`.
//
// Error messages describe the shape of what was given (its length, which encoding was expected),
// never its content: the text is a secret.
//
// Pure functions apart from reading the key file; thread-safe.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "core/status.h"

namespace lh::pipeline {

inline constexpr size_t kMasterKeyBytes = 32;

// Decodes `text` (surrounding ASCII whitespace ignored) to exactly 32 bytes. InvalidConfig, e.g.
// "must be 32 bytes as 64 hex digits or base64; got 12 characters that decode to neither".
lh::Result<std::string> decodeMasterKey(std::string_view text);

// Reads a key file: exactly 32 raw bytes, or text that decodeMasterKey accepts. InvalidConfig when
// the file cannot be read (the message names the path and the reason) or holds neither.
lh::Result<std::string> readMasterKeyFile(const std::filesystem::path& path);

}  // namespace lh::pipeline
