#include "pipeline/master_key.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>

namespace lh::pipeline {
namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && isSpace(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && isSpace(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> fromHex(std::string_view s) {
  if (s.size() != 2 * kMasterKeyBytes) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(kMasterKeyBytes);
  for (size_t i = 0; i < s.size(); i += 2) {
    const int hi = hexValue(s[i]);
    const int lo = hexValue(s[i + 1]);
    if (hi < 0 || lo < 0) {
      return std::nullopt;
    }
    out.push_back(static_cast<char>(hi << 4 | lo));
  }
  return out;
}

int base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

// Standard or URL-safe base64, padding optional; only the lengths that make 32 bytes (43 + "=").
std::optional<std::string> fromBase64(std::string_view s) {
  if (s.size() == 44 && s.back() == '=') {
    s.remove_suffix(1);
  }
  if (s.size() != 43) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(kMasterKeyBytes);
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : s) {
    const int v = base64Value(c);
    if (v < 0) {
      return std::nullopt;
    }
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  // 43 characters carry 258 bits: the 2 left over must be zero in a canonical encoding.
  if ((buffer & ((1u << bits) - 1)) != 0 || out.size() != kMasterKeyBytes) {
    return std::nullopt;
  }
  return out;
}

}  // namespace

lh::Result<std::string> decodeMasterKey(std::string_view text) {
  const std::string_view t = trim(text);
  if (std::optional<std::string> key = fromHex(t)) {
    return *key;
  }
  if (std::optional<std::string> key = fromBase64(t)) {
    return *key;
  }
  return lh::invalidConfig("must be " + std::to_string(kMasterKeyBytes) +
                           " bytes written as 64 hex digits or base64 (e.g. `openssl rand -hex "
                           "32`); got " +
                           std::to_string(t.size()) + " characters that decode to neither");
}

lh::Result<std::string> readMasterKeyFile(const std::filesystem::path& path) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const std::string reason = errno != 0 ? std::strerror(errno) : "unreadable";
    return lh::invalidConfig("cannot read key file '" + path.string() + "' (" + reason + ")");
  }
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    return lh::invalidConfig("cannot read key file '" + path.string() + "'");
  }
  if (content.size() == kMasterKeyBytes) {
    return content;  // raw bytes: 32 characters are never a valid hex or base64 key
  }
  lh::Result<std::string> decoded = decodeMasterKey(content);
  if (!decoded.isOk()) {
    return lh::invalidConfig("key file '" + path.string() + "' must hold " +
                             std::to_string(kMasterKeyBytes) +
                             " raw bytes, or 64 hex digits or base64; it holds " +
                             std::to_string(content.size()) + " bytes that are neither");
  }
  return decoded;
}

}  // namespace lh::pipeline
