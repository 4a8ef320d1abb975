// CurlClient: one HTTP/1.1 or HTTP/2 connection worker on a reused libcurl easy handle.
//
// The handle (and with it the connection cache, DNS cache and TLS session cache) lives as long as
// the client, so consecutive requests to one host reuse the connection (keep-alive). TLS is
// OpenSSL through Debian's libcurl4-openssl; the server certificate is always verified, against
// the system store or a configured CA bundle, and a client certificate + key can be presented
// (mutual TLS, e.g. UK Open Banking).
//
// What send() guarantees:
//  - a Response is complete: a body shorter than its Content-Length, a chunked body cut before
//    its last chunk, or a connection dropped mid-body is an Error (Truncated / ConnectionLost,
//    Transient), never a short body;
//  - connect failures and timeouts are Transient Errors; `Error::requestMaybeSent` is false only
//    when no byte of the HTTP request can have left (DNS, refused, TLS handshake, connect
//    timeout), which is what lets the retry layer repeat even a POST in that case;
//  - a non-idempotent request (POST, PATCH) without Request::retryUnsafe is sent exactly once:
//    it goes on a fresh connection, because on a reused one libcurl re-sends by itself when the
//    connection dies before the response ("succeeded but the response was lost" → duplicate);
//  - a malformed URL, method or header (CR/LF injection included) is InvalidArgument and nothing
//    is sent; only http:// and https:// are spoken and redirects are never followed (an API
//    redirect would otherwise carry our Authorization header somewhere else);
//  - nothing is invented: no default Content-Type, no `Expect: 100-continue`; the body is sent as
//    given and returned as received (no decompression unless Options::acceptEncoding asks).
//
// The process should ignore SIGPIPE (the daemon does); the client itself sets CURLOPT_NOSIGNAL.
//
// Thread safety: thread-compatible. One thread at a time per client (one client per connection
// worker); PooledClient shares several among threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "net/http_client.h"

namespace lh::net {

class CurlClient final : public HttpClient {
 public:
  struct Options {
    // Longest wait for TCP + TLS setup of a new connection.
    std::chrono::milliseconds connectTimeout{10'000};
    // Whole-request timeout when Request::timeout is zero.
    std::chrono::milliseconds requestTimeout{60'000};
    // A response body longer than this is an Error (TooLarge, Permanent) rather than memory
    // exhaustion.
    size_t maxResponseBytes = 64 * 1024 * 1024;
    // Sent unless the request has its own User-Agent.
    std::string userAgent = "ledgerhost";
    // Accept-Encoding to advertise and decode ("gzip", "" for none). With it, Content-Length and
    // Content-Encoding describe the wire, not the decoded body the Response carries.
    std::string acceptEncoding;

    // Trusted CAs for the server certificate, as PEM text (wins) or a PEM file. Both empty: the
    // system store.
    std::string caBundlePem;
    std::string caBundlePath;
    // Client certificate (PEM text wins over file) and its private key, for mutual TLS. Either
    // both or neither.
    std::string clientCertPem;
    std::string clientCertPath;
    std::string clientKeyPem;
    std::string clientKeyPath;
    // Passphrase of an encrypted client key; empty for none.
    std::string clientKeyPassword;
  };

  // Creates the easy handle (curl_global_init runs once per process, thread-safely).
  CurlClient();
  explicit CurlClient(Options options);
  ~CurlClient() override;

  CurlClient(const CurlClient&) = delete;
  CurlClient& operator=(const CurlClient&) = delete;

  // One attempt, no retries. See the header comment for the guarantees.
  SendResult send(const Request& request) override;

  const Options& options() const { return options_; }

 private:
  Options options_;
  void* handle_;  // CURL*; void* keeps curl.h out of every includer
};

}  // namespace lh::net
