#include "fakes/test_pki.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <memory>
#include <vector>

namespace lh::fakes {
namespace {

struct KeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CertDeleter {
  void operator()(X509* c) const { X509_free(c); }
};
struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyDeleter>;
using Cert = std::unique_ptr<X509, CertDeleter>;
using Bio = std::unique_ptr<BIO, BioDeleter>;

struct Extension {
  int nid;
  const char* value;
};

bool addExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) {
    return false;
  }
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

// A certificate for `key` named `cn`, signed by `issuerKey` (self-signed when `issuer` is null).
Cert makeCert(EVP_PKEY* key, const char* cn, long serial, X509* issuer, EVP_PKEY* issuerKey,
              const std::vector<Extension>& extensions) {
  Cert cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1 ||
      ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial) != 1 ||
      X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600L * 24 * 365) == nullptr ||
      X509_set_pubkey(cert.get(), key) != 1) {
    return nullptr;
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>(cn), -1, -1, 0) != 1) {
    return nullptr;
  }
  X509* signer = issuer != nullptr ? issuer : cert.get();
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)) != 1) {
    return nullptr;
  }
  for (const Extension& e : extensions) {
    if (!addExtension(cert.get(), signer, e.nid, e.value)) {
      return nullptr;
    }
  }
  if (X509_sign(cert.get(), issuerKey != nullptr ? issuerKey : key, EVP_sha256()) <= 0) {
    return nullptr;
  }
  return cert;
}

std::string bioText(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return len > 0 ? std::string(data, static_cast<size_t>(len)) : std::string();
}

std::string certPem(X509* cert) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) {
    return {};
  }
  return bioText(bio.get());
}

std::string keyPem(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return {};
  }
  return bioText(bio.get());
}

bool writeFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

}  // namespace

Result<TestPki> TestPki::create(const std::string& dir) {
  Key caKey(EVP_EC_gen("P-256"));
  Key serverKey(EVP_EC_gen("P-256"));
  Key clientKey(EVP_EC_gen("P-256"));
  if (!caKey || !serverKey || !clientKey) {
    return internalError("TestPki: EC key generation failed");
  }
  Cert ca = makeCert(caKey.get(), "ledgerhost test CA", 1, nullptr, nullptr,
                     {{NID_basic_constraints, "critical,CA:TRUE"},
                      {NID_key_usage, "critical,keyCertSign,cRLSign"},
                      {NID_subject_key_identifier, "hash"}});
  if (!ca) {
    return internalError("TestPki: CA certificate failed");
  }
  Cert server = makeCert(serverKey.get(), "localhost", 2, ca.get(), caKey.get(),
                         {{NID_basic_constraints, "critical,CA:FALSE"},
                          {NID_key_usage, "critical,digitalSignature"},
                          {NID_ext_key_usage, "serverAuth"},
                          {NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost"},
                          {NID_subject_key_identifier, "hash"},
                          {NID_authority_key_identifier, "keyid:always"}});
  Cert client = makeCert(clientKey.get(), "ledgerhost test client", 3, ca.get(), caKey.get(),
                         {{NID_basic_constraints, "critical,CA:FALSE"},
                          {NID_key_usage, "critical,digitalSignature"},
                          {NID_ext_key_usage, "clientAuth"},
                          {NID_subject_key_identifier, "hash"},
                          {NID_authority_key_identifier, "keyid:always"}});
  if (!server || !client) {
    return internalError("TestPki: leaf certificate failed");
  }

  TestPki pki;
  pki.caCertPem = certPem(ca.get());
  pki.serverCertPem = certPem(server.get());
  pki.serverKeyPem = keyPem(serverKey.get());
  pki.clientCertPem = certPem(client.get());
  pki.clientKeyPem = keyPem(clientKey.get());
  pki.caCertPath = dir + "/ca.pem";
  pki.serverCertPath = dir + "/server.pem";
  pki.serverKeyPath = dir + "/server.key";
  pki.clientCertPath = dir + "/client.pem";
  pki.clientKeyPath = dir + "/client.key";
  const std::pair<const std::string*, const std::string*> files[] = {
      {&pki.caCertPath, &pki.caCertPem},
      {&pki.serverCertPath, &pki.serverCertPem},
      {&pki.serverKeyPath, &pki.serverKeyPem},
      {&pki.clientCertPath, &pki.clientCertPem},
      {&pki.clientKeyPath, &pki.clientKeyPem}};
  for (const auto& [path, text] : files) {
    if (text->empty() || !writeFile(*path, *text)) {
      return internalError("TestPki: cannot write " + *path);
    }
  }
  return pki;
}

}  // namespace lh::fakes
