// StateCipher: authenticated encryption of the plugins' state values at rest (sdk.h `state_put`:
// OAuth tokens, consent ids...), with the host's 32-byte master key (docs/secrets.md).
//
// AES-256-GCM (OpenSSL EVP), a fresh random 96-bit nonce per seal. A sealed value is
//   [0]      format version, kFormatV1 (AES-256-GCM, 12-byte nonce, 16-byte tag)
//   [1]      key id (1..255): which master key sealed it, so keys can rotate later
//   [2..13]  nonce
//   [14..]   ciphertext (as long as the plaintext), then the 16-byte tag
// The associated data is the caller's `context` (for plugin state: the connection and the key,
// see SqliteStateStore) plus the two header bytes, so a value copied to another connection or key,
// or relabelled with another key id, fails to open.
//
// The key never leaves this object: it is not printable, no error message holds it or any part of
// it, and the destructor wipes it (OPENSSL_cleanse).
//
// Thread safety: const methods may be called concurrently (each call has its own EVP context).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace lh::store {

class StateCipher {
 public:
  static constexpr size_t kKeyBytes = 32;
  static constexpr size_t kNonceBytes = 12;
  static constexpr size_t kTagBytes = 16;
  static constexpr uint8_t kFormatV1 = 1;
  static constexpr size_t kHeaderBytes = 2 + kNonceBytes;
  // Bytes a sealed value has beyond its plaintext.
  static constexpr size_t kOverheadBytes = kHeaderBytes + kTagBytes;

  // `key` must be exactly kKeyBytes raw bytes; `keyId` 1..255. InvalidConfig otherwise (the
  // message gives the length, never the bytes).
  static lh::Result<std::unique_ptr<StateCipher>> create(std::string_view key, uint8_t keyId);

  ~StateCipher();
  StateCipher(const StateCipher&) = delete;
  StateCipher& operator=(const StateCipher&) = delete;

  uint8_t keyId() const { return keyId_; }

  // Encrypts `plaintext` bound to `context`. Internal only when OpenSSL fails (no randomness).
  lh::Result<std::string> seal(std::string_view plaintext, std::string_view context) const;

  // Why open() refused a value.
  enum class OpenError {
    None,
    NotSealed,      // too short or an unknown format byte: not written by seal()
    OtherKey,       // sealed with another key id than this cipher's
    Unauthentic,    // the tag does not verify: wrong key, altered bytes, or another context
  };

  // Decrypts what seal() produced for the same `context`. On failure returns InvalidConfig with a
  // short reason (no value bytes in it) and sets `*why` when given.
  lh::Result<std::string> open(std::string_view sealed, std::string_view context,
                               OpenError* why = nullptr) const;

  // The key id a sealed value names, or 0 when it is not a sealed value.
  static uint8_t keyIdOf(std::string_view sealed);

 private:
  StateCipher(std::string_view key, uint8_t keyId);

  std::array<unsigned char, kKeyBytes> key_{};
  uint8_t keyId_ = 0;
};

}  // namespace lh::store
