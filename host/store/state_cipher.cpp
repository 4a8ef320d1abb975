#include "store/state_cipher.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <climits>
#include <cstring>
#include <string>

namespace lh::store {
namespace {

// Owns one EVP_CIPHER_CTX.
struct CipherCtx {
  CipherCtx() : ctx(EVP_CIPHER_CTX_new()) {}
  ~CipherCtx() { EVP_CIPHER_CTX_free(ctx); }
  CipherCtx(const CipherCtx&) = delete;
  CipherCtx& operator=(const CipherCtx&) = delete;
  EVP_CIPHER_CTX* ctx;
};

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// The associated data: the header bytes, then the caller's context. Both are authenticated.
std::string associatedData(std::string_view header, std::string_view context) {
  std::string aad(header.substr(0, 2));
  aad.append(context);
  return aad;
}

}  // namespace

StateCipher::StateCipher(std::string_view key, uint8_t keyId) : keyId_(keyId) {
  std::memcpy(key_.data(), key.data(), kKeyBytes);
}

StateCipher::~StateCipher() { OPENSSL_cleanse(key_.data(), key_.size()); }

lh::Result<std::unique_ptr<StateCipher>> StateCipher::create(std::string_view key, uint8_t keyId) {
  if (key.size() != kKeyBytes) {
    return lh::invalidConfig("the master key must be " + std::to_string(kKeyBytes) +
                             " bytes, not " + std::to_string(key.size()));
  }
  if (keyId == 0) {
    return lh::invalidConfig("the master key id must be between 1 and 255");
  }
  return std::unique_ptr<StateCipher>(new StateCipher(key, keyId));
}

uint8_t StateCipher::keyIdOf(std::string_view sealed) {
  if (sealed.size() < kOverheadBytes || static_cast<uint8_t>(sealed[0]) != kFormatV1) {
    return 0;
  }
  return static_cast<uint8_t>(sealed[1]);
}

lh::Result<std::string> StateCipher::seal(std::string_view plaintext,
                                          std::string_view context) const {
  if (plaintext.size() > static_cast<size_t>(INT_MAX) - kOverheadBytes ||
      context.size() > static_cast<size_t>(INT_MAX) - 2) {
    return lh::invalidArgument("value too large to encrypt");
  }
  std::string out(kHeaderBytes + plaintext.size() + kTagBytes, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  o[0] = kFormatV1;
  o[1] = keyId_;
  if (RAND_bytes(o + 2, static_cast<int>(kNonceBytes)) != 1) {
    return lh::internalError("cannot encrypt: the OpenSSL random generator failed");
  }
  const std::string aad = associatedData(out, context);
  CipherCtx c;
  int len = 0;
  int total = 0;
  const bool ok =
      c.ctx != nullptr &&
      EVP_EncryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceBytes), nullptr) ==
          1 &&
      EVP_EncryptInit_ex(c.ctx, nullptr, nullptr, key_.data(), o + 2) == 1 &&
      EVP_EncryptUpdate(c.ctx, nullptr, &len, bytes(aad), static_cast<int>(aad.size())) == 1 &&
      EVP_EncryptUpdate(c.ctx, o + kHeaderBytes, &len, bytes(plaintext),
                        static_cast<int>(plaintext.size())) == 1 &&
      (total = len, EVP_EncryptFinal_ex(c.ctx, o + kHeaderBytes + total, &len) == 1) &&
      static_cast<size_t>(total + len) == plaintext.size() &&
      EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                          o + kHeaderBytes + plaintext.size()) == 1;
  if (!ok) {
    OPENSSL_cleanse(out.data(), out.size());
    return lh::internalError("cannot encrypt: OpenSSL AES-256-GCM failed");
  }
  return out;
}

lh::Result<std::string> StateCipher::open(std::string_view sealed, std::string_view context,
                                          OpenError* why) const {
  auto refuse = [&](OpenError error, std::string message) -> lh::Result<std::string> {
    if (why != nullptr) {
      *why = error;
    }
    return lh::invalidConfig(std::move(message));
  };
  if (why != nullptr) {
    *why = OpenError::None;
  }
  const uint8_t id = keyIdOf(sealed);
  if (id == 0) {
    return refuse(OpenError::NotSealed,
                  "the stored value is not encrypted by this host (unknown format or too short)");
  }
  if (id != keyId_) {
    return refuse(OpenError::OtherKey, "the value was encrypted with master key id " +
                                           std::to_string(id) + ", the configured key has id " +
                                           std::to_string(keyId_));
  }
  if (sealed.size() > static_cast<size_t>(INT_MAX) ||
      context.size() > static_cast<size_t>(INT_MAX) - 2) {
    return refuse(OpenError::NotSealed, "the stored value is too large");
  }
  const size_t cipherLen = sealed.size() - kOverheadBytes;
  const auto* in = bytes(sealed);
  const std::string aad = associatedData(sealed, context);
  std::string plain(cipherLen, '\0');
  // GCM's tag is set from a non-const buffer in OpenSSL's API.
  unsigned char tag[kTagBytes];
  std::memcpy(tag, in + kHeaderBytes + cipherLen, kTagBytes);
  CipherCtx c;
  int len = 0;
  int total = 0;
  bool setUp =
      c.ctx != nullptr &&
      EVP_DecryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceBytes), nullptr) ==
          1 &&
      EVP_DecryptInit_ex(c.ctx, nullptr, nullptr, key_.data(), in + 2) == 1 &&
      EVP_DecryptUpdate(c.ctx, nullptr, &len, bytes(aad), static_cast<int>(aad.size())) == 1 &&
      EVP_DecryptUpdate(c.ctx, reinterpret_cast<unsigned char*>(plain.data()), &len,
                        in + kHeaderBytes, static_cast<int>(cipherLen)) == 1 &&
      (total = len,
       EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes), tag) == 1);
  if (!setUp) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return lh::internalError("cannot decrypt: OpenSSL AES-256-GCM failed");
  }
  // Final verifies the tag; before it succeeds nothing decrypted may be used.
  if (EVP_DecryptFinal_ex(c.ctx, reinterpret_cast<unsigned char*>(plain.data()) + total, &len) !=
      1) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return refuse(OpenError::Unauthentic,
                  "decryption failed: the configured master key is not the one the value was "
                  "written with, or the stored value was altered or copied from another key or "
                  "connection");
  }
  return plain;
}

}  // namespace lh::store
