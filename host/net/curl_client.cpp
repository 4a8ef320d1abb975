#include "net/curl_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string_view>
#include <utility>

#include "core/check.h"
#include "core/redact.h"
#include "net/url_redaction.h"

namespace lh::net {
namespace {

void globalInit() {
  static std::once_flag once;
  std::call_once(once, [] {
    const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
    // Without it nothing in this module can work; it fails only when OpenSSL cannot start.
    LH_CHECK(rc == CURLE_OK);
  });
}

CURL* easy(void* handle) { return static_cast<CURL*>(handle); }

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

struct CurlStringDeleter {
  void operator()(char* s) const { curl_free(s); }
};

bool isTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
    return true;
  }
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool isToken(std::string_view s) {
  if (s.empty()) {
    return false;
  }
  for (char c : s) {
    if (!isTokenChar(c)) {
      return false;
    }
  }
  return true;
}

bool hasLineBreakOrNul(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

Error makeError(ErrorKind kind, Code code, std::string message, bool maybeSent) {
  Error e;
  e.kind = kind;
  e.code = code;
  e.message = std::move(message);
  e.requestMaybeSent = maybeSent;
  return e;
}

// Checks the URL with curl's own parser, so what we accept is exactly what curl would send.
std::optional<Error> validateUrl(const std::string& url) {
  if (url.find('\0') != std::string::npos) {
    return makeError(ErrorKind::InvalidRequest, Code::InvalidArgument, "URL contains a NUL byte",
                     false);
  }
  std::unique_ptr<CURLU, UrlDeleter> parsed(curl_url());
  if (!parsed) {
    return makeError(ErrorKind::Internal, Code::Internal, "out of memory parsing a URL", false);
  }
  const CURLUcode rc = curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0);
  if (rc != CURLUE_OK) {
    return makeError(ErrorKind::InvalidRequest, Code::InvalidArgument,
                     "malformed URL '" + redactUrl(url) + "': " + curl_url_strerror(rc), false);
  }
  char* rawScheme = nullptr;
  if (curl_url_get(parsed.get(), CURLUPART_SCHEME, &rawScheme, 0) != CURLUE_OK) {
    return makeError(ErrorKind::InvalidRequest, Code::InvalidArgument,
                     "URL has no scheme: '" + redactUrl(url) + "'", false);
  }
  std::unique_ptr<char, CurlStringDeleter> scheme(rawScheme);
  const std::string_view s(scheme.get());
  if (s != "http" && s != "https") {
    return makeError(ErrorKind::InvalidRequest, Code::InvalidArgument,
                     "URL scheme must be http or https: '" + redactUrl(url) + "'", false);
  }
  return std::nullopt;
}

std::optional<Error> validateRequest(const Request& request) {
  if (!isToken(request.method)) {
    return makeError(ErrorKind::InvalidRequest, Code::InvalidArgument,
                     "HTTP method is not a token: '" + redact(request.method) + "'", false);
  }
  if (auto e = validateUrl(request.url)) {
    return e;
  }
  for (size_t i = 0; i < request.headers.size(); ++i) {
    const Header& h = request.headers[i];
    if (!isToken(h.name)) {
      return makeError(ErrorKind::InvalidRequest, Code::InvalidArgument,
                       "header " + std::to_string(i) + " has an invalid name", false);
    }
    if (hasLineBreakOrNul(h.value)) {
      // Never echo the value: it may be a credential.
      return makeError(ErrorKind::InvalidRequest, Code::InvalidArgument,
                       "header '" + h.name + "' has a CR, LF or NUL in its value", false);
    }
  }
  if (request.timeout.count() < 0) {
    return makeError(ErrorKind::InvalidRequest, Code::InvalidArgument,
                     "request timeout must not be negative", false);
  }
  return std::nullopt;
}

// What one transfer collects through curl's callbacks.
struct Transfer {
  Response response;
  size_t maxBytes = 0;
  bool tooLarge = false;
};

size_t onBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (t->response.body.size() + n > t->maxBytes) {
    t->tooLarge = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  t->response.body.append(data, n);
  return n;
}

std::string_view trimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// Called once per header line, including status lines of interim (1xx) responses; only the last
// response's headers are kept.
size_t onHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  std::string_view line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {
    t->response.headers.clear();
    return n;
  }
  if (line.empty() || line.front() == '\r' || line.front() == '\n') {
    return n;
  }
  if ((line.front() == ' ' || line.front() == '\t') && !t->response.headers.empty()) {
    // Obsolete line folding: a continuation of the previous value.
    std::string& value = t->response.headers.back().value;
    value.push_back(' ');
    value.append(trimOws(line));
    return n;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    return n;  // not a header; curl already judged the framing
  }
  t->response.headers.push_back(
      {std::string(trimOws(line.substr(0, colon))), std::string(trimOws(line.substr(colon + 1)))});
  return n;
}

bool hasHeader(const Request& request, std::string_view name) {
  return findHeader(request.headers, name).has_value();
}

// Loopback never goes through a proxy: an https_proxy in the environment must not capture the
// hermetic tests or a local sandbox.
std::string noProxyList() {
  std::string list = "localhost,127.0.0.1,::1";
  for (const char* var : {"no_proxy", "NO_PROXY"}) {
    if (const char* v = std::getenv(var); v != nullptr && *v != '\0') {
      list.append(",").append(v);
      break;
    }
  }
  return list;
}

void setBlob(CURL* h, CURLoption option, const std::string& pem) {
  curl_blob blob{};
  blob.data = const_cast<char*>(pem.data());
  blob.len = pem.size();
  blob.flags = CURL_BLOB_COPY;
  curl_easy_setopt(h, option, &blob);
}

Error errorFromCurl(CURLcode rc, const char* errbuf, const Request& request, bool tooLarge,
                    size_t maxBytes, long requestBytes) {
  std::string detail = (errbuf != nullptr && *errbuf != '\0') ? std::string(errbuf)
                                                              : std::string(curl_easy_strerror(rc));
  std::string message = request.method + " " + redactUrl(request.url) + ": " + redact(detail);
  const bool sentSomething = requestBytes > 0;
  switch (rc) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return makeError(ErrorKind::InvalidRequest, Code::InvalidArgument, std::move(message), false);
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
      return makeError(ErrorKind::ConnectFailed, Code::Transient, std::move(message), false);
    case CURLE_OPERATION_TIMEDOUT:
      return makeError(ErrorKind::Timeout, Code::Transient, std::move(message), sentSomething);
    case CURLE_SSL_CONNECT_ERROR:
      return makeError(ErrorKind::TlsHandshake, Code::Transient, std::move(message), false);
    case CURLE_PEER_FAILED_VERIFICATION:
      // Retrying will not make the certificate valid; an operator must look (CA bundle, MITM).
      return makeError(ErrorKind::TlsVerification, Code::Permanent, std::move(message), false);
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
      return makeError(ErrorKind::TlsConfig, Code::InvalidConfig, std::move(message), false);
    case CURLE_PARTIAL_FILE:
      return makeError(ErrorKind::Truncated, Code::Transient, std::move(message), true);
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
      return makeError(ErrorKind::ConnectionLost, Code::Transient, std::move(message), true);
    case CURLE_SEND_ERROR:
      return makeError(ErrorKind::ConnectionLost, Code::Transient, std::move(message),
                       sentSomething);
    case CURLE_WRITE_ERROR:
      if (tooLarge) {
        return makeError(ErrorKind::TooLarge, Code::Permanent,
                         request.method + " " + redactUrl(request.url) +
                             ": response body exceeds " + std::to_string(maxBytes) + " bytes",
                         true);
      }
      return makeError(ErrorKind::Internal, Code::Internal, std::move(message), true);
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_HTTP3:
      return makeError(ErrorKind::Protocol, Code::Transient, std::move(message), true);
    case CURLE_OUT_OF_MEMORY:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_FAILED_INIT:
      return makeError(ErrorKind::Internal, Code::Internal, std::move(message), sentSomething);
    default:
      // Unknown: assume the worst for idempotency (it may have been sent) and let the retry
      // layer treat it as passing.
      return makeError(ErrorKind::ConnectionLost, Code::Transient, std::move(message), true);
  }
}

}  // namespace

CurlClient::CurlClient() : CurlClient(Options{}) {}

CurlClient::CurlClient(Options options) : options_(std::move(options)), handle_(nullptr) {
  globalInit();
  handle_ = curl_easy_init();
  LH_CHECK(handle_ != nullptr);
}

CurlClient::~CurlClient() { curl_easy_cleanup(easy(handle_)); }

SendResult CurlClient::send(const Request& request) {
  if (auto invalid = validateRequest(request)) {
    return *std::move(invalid);
  }
  CURL* h = easy(handle_);
  // Reset options but keep the connection, DNS and TLS session caches (keep-alive).
  curl_easy_reset(h);

  char errbuf[CURL_ERROR_SIZE] = {0};
  Transfer transfer;
  transfer.maxBytes = options_.maxResponseBytes;
  const std::string noProxy = noProxyList();

  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_NOPROXY, noProxy.c_str());
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(h, CURLOPT_USERAGENT, options_.userAgent.c_str());
  if (!options_.acceptEncoding.empty()) {
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, options_.acceptEncoding.c_str());
  }

  const std::chrono::milliseconds total =
      request.timeout.count() > 0 ? request.timeout : options_.requestTimeout;
  const std::chrono::milliseconds connect = std::min(options_.connectTimeout, total);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(total.count()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect.count()));

  // TLS: verification always on; our CA bundle and client identity when configured.
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.caBundlePem.empty()) {
    setBlob(h, CURLOPT_CAINFO_BLOB, options_.caBundlePem);
  } else if (!options_.caBundlePath.empty()) {
    curl_easy_setopt(h, CURLOPT_CAINFO, options_.caBundlePath.c_str());
  }
  if (!options_.clientCertPem.empty()) {
    setBlob(h, CURLOPT_SSLCERT_BLOB, options_.clientCertPem);
  } else if (!options_.clientCertPath.empty()) {
    curl_easy_setopt(h, CURLOPT_SSLCERT, options_.clientCertPath.c_str());
  }
  if (!options_.clientCertPem.empty() || !options_.clientCertPath.empty()) {
    curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
  }
  if (!options_.clientKeyPem.empty()) {
    setBlob(h, CURLOPT_SSLKEY_BLOB, options_.clientKeyPem);
  } else if (!options_.clientKeyPath.empty()) {
    curl_easy_setopt(h, CURLOPT_SSLKEY, options_.clientKeyPath.c_str());
  }
  if (!options_.clientKeyPem.empty() || !options_.clientKeyPath.empty()) {
    curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
  }
  if (!options_.clientKeyPassword.empty()) {
    curl_easy_setopt(h, CURLOPT_KEYPASSWD, options_.clientKeyPassword.c_str());
  }

  // curl silently re-sends a request when a reused keep-alive connection dies before the first
  // response byte. The server may have acted on it already, so a request that must not run twice
  // goes on a connection of its own, where curl never does that.
  if (!isIdempotentMethod(request.method) && !request.retryUnsafe) {
    curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
  }

  // Method and body. The body pointer is borrowed from `request` for the transfer.
  const bool hasBody = !request.body.empty();
  if (request.method == "GET" && !hasBody) {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else {
    if (request.method != "POST") {
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    if (hasBody || request.method == "POST" || request.method == "PUT" ||
        request.method == "PATCH") {
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    }
  }

  // Headers, exactly as given. "Name:" removes a header curl would add; "Name;" sends an empty one.
  Slist headers;
  auto append = [&headers](const std::string& line) {
    curl_slist* next = curl_slist_append(headers.get(), line.c_str());
    LH_CHECK(next != nullptr);
    (void)headers.release();
    headers.reset(next);
  };
  for (const Header& header : request.headers) {
    append(header.value.empty() ? header.name + ";" : header.name + ": " + header.value);
  }
  append("Expect:");
  if (!hasHeader(request, "Content-Type")) {
    append("Content-Type:");
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());

  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &onBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &onHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);

  const CURLcode rc = curl_easy_perform(h);

  long requestBytes = 0;
  curl_easy_getinfo(h, CURLINFO_REQUEST_SIZE, &requestBytes);
  // Nothing may point into this call's locals once it returns.
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);

  if (rc != CURLE_OK) {
    return errorFromCurl(rc, errbuf, request, transfer.tooLarge, options_.maxResponseBytes,
                         requestBytes);
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  transfer.response.status = static_cast<int32_t>(status);
  return std::move(transfer.response);
}

}  // namespace lh::net
