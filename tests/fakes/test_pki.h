// TestPki: a throwaway certificate authority for TLS tests: a CA, a server certificate for
// 127.0.0.1/localhost and a client certificate (mutual TLS), each with its key, as PEM text and
// as files in a directory the test owns. EC P-256 keys, so generating one costs milliseconds.
//
// Thread safety: create() is reentrant; the result is a plain value.
#pragma once

#include <string>

#include "core/status.h"

namespace lh::fakes {

struct TestPki {
  std::string caCertPem;
  std::string serverCertPem;
  std::string serverKeyPem;
  std::string clientCertPem;
  std::string clientKeyPem;

  // The same PEMs written into `dir` as ca.pem, server.pem, server.key, client.pem, client.key.
  std::string caCertPath;
  std::string serverCertPath;
  std::string serverKeyPath;
  std::string clientCertPath;
  std::string clientKeyPath;

  // Generates everything and writes the files into `dir` (which must exist). Internal when
  // OpenSSL or the file system fails.
  static Result<TestPki> create(const std::string& dir);
};

}  // namespace lh::fakes
