#include "net/curl_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "fakes/fake_server.h"
#include "fakes/test_pki.h"
#include "net_test_support.h"

namespace lh::net {
namespace {

using ::lh::fakes::FakeRequest;
using ::lh::fakes::FakeResponse;
using ::lh::fakes::FakeServer;
using ::lh::fakes::Fault;
using ::lh::net::testing::IsError;
using ::lh::net::testing::IsResponse;
using ::lh::net::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Optional;
using ::testing::Pair;

class CurlClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.route("GET", "/v1/thing", [this](const FakeRequest&, FakeResponse& res) {
      ++handled_;
      res.json(200, R"({"id":"thing_1","amount":1234})");
      res.header("X-First", "1");
      res.header("X-Second", "2");
    });
    server_.route("POST", "/v1/echo", [this](const FakeRequest& req, FakeResponse& res) {
      ++handled_;
      res.json(201, req.body);
    });
    server_.route("GET", "/v1/big", [](const FakeRequest&, FakeResponse& res) {
      res.json(200, std::string(4096, 'x'));
    });
    ASSERT_TRUE(server_.start().isOk());
  }

  Request get(const std::string& path) {
    Request r;
    r.method = "GET";
    r.url = server_.baseUrl() + path;
    return r;
  }

  FakeServer server_;
  std::atomic<int> handled_{0};
};

TEST_F(CurlClientTest, ReturnsStatusHeadersInOrderAndBody) {
  CurlClient client;
  SendResult result = client.send(get("/v1/thing"));
  ASSERT_THAT(result, IsResponse(200));
  const Response& response = result.response();
  EXPECT_EQ(response.body, R"({"id":"thing_1","amount":1234})");
  EXPECT_THAT(findHeader(response.headers, "x-first"), Optional(std::string_view("1")));
  EXPECT_THAT(findHeader(response.headers, "Content-Type"),
              Optional(std::string_view("application/json")));
  // Received order is kept: X-First before X-Second.
  size_t first = response.headers.size();
  size_t second = response.headers.size();
  for (size_t i = 0; i < response.headers.size(); ++i) {
    if (response.headers[i].name == "X-First") {
      first = i;
    }
    if (response.headers[i].name == "X-Second") {
      second = i;
    }
  }
  ASSERT_LT(second, response.headers.size());
  EXPECT_LT(first, second);
}

TEST_F(CurlClientTest, SendsMethodHeadersQueryAndBodyExactlyAsGiven) {
  CurlClient client;
  Request request;
  request.method = "POST";
  request.url = server_.baseUrl() + "/v1/echo?b=2&a=1&expand%5B%5D=data.source";
  request.headers = {{"Authorization", "Bearer sk_test_abc"},
                     {"Idempotency-Key", "key-1"},
                     {"Content-Type", "application/x-www-form-urlencoded"}};
  request.body = "amount=1000&currency=usd";
  SendResult result = client.send(request);
  ASSERT_THAT(result, IsResponse(201));
  EXPECT_EQ(result.response().body, request.body);

  const std::vector<FakeRequest> seen = server_.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].path, "/v1/echo");
  EXPECT_THAT(seen[0].query,
              ElementsAre(Pair("b", "2"), Pair("a", "1"), Pair("expand[]", "data.source")));
  EXPECT_EQ(seen[0].header("Authorization"), "Bearer sk_test_abc");
  EXPECT_EQ(seen[0].header("Idempotency-Key"), "key-1");
  EXPECT_EQ(seen[0].header("Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(seen[0].header("Expect"), std::nullopt);
  EXPECT_EQ(seen[0].body, request.body);
}

TEST_F(CurlClientTest, InventsNoContentTypeForABodyWithoutOne) {
  CurlClient client;
  Request request = get("/v1/echo");
  request.method = "POST";
  request.body = "{}";
  ASSERT_THAT(client.send(request), IsResponse(201));
  ASSERT_EQ(server_.requestCount(), 1u);
  EXPECT_EQ(server_.requests()[0].header("Content-Type"), std::nullopt);
}

TEST_F(CurlClientTest, NotFoundPassesThroughAsAResponse) {
  CurlClient client;
  SendResult result = client.send(get("/v1/missing"));
  ASSERT_THAT(result, IsResponse(404));
  EXPECT_THAT(result.response().body, HasSubstr("no route"));
}

TEST_F(CurlClientTest, ServerErrorPassesThroughAsAResponse) {
  server_.inject(Fault::respond(503, R"({"error":"down"})", {{"Retry-After", "3"}}));
  CurlClient client;
  SendResult result = client.send(get("/v1/thing"));
  ASSERT_THAT(result, IsResponse(503));
  EXPECT_THAT(findHeader(result.response().headers, "retry-after"),
              Optional(std::string_view("3")));
  EXPECT_EQ(handled_, 0);
}

TEST_F(CurlClientTest, BodyShorterThanContentLengthIsTransientNeverAShortBody) {
  server_.inject(Fault::truncate(10));
  CurlClient client;
  SendResult result = client.send(get("/v1/thing"));
  EXPECT_THAT(result, IsError(ErrorKind::Truncated, Code::Transient));
  EXPECT_TRUE(result.error().requestMaybeSent);
  // The client recovers on a fresh connection.
  EXPECT_THAT(client.send(get("/v1/thing")), IsResponse(200));
}

TEST_F(CurlClientTest, ChunkedBodyCutBeforeItsLastChunkIsTransient) {
  server_.inject(Fault::truncate(10, /*chunked=*/true));
  CurlClient client;
  SendResult result = client.send(get("/v1/thing"));
  ASSERT_FALSE(result.isOk());
  EXPECT_EQ(result.error().code, Code::Transient);
  EXPECT_THAT(result.error().kind,
              ::testing::AnyOf(ErrorKind::Truncated, ErrorKind::ConnectionLost));
}

TEST_F(CurlClientTest, TimeoutIsTransientAndMaySeeTheRequestSent) {
  server_.inject(Fault::delayFor(std::chrono::milliseconds(3000)));
  CurlClient client;
  Request request = get("/v1/thing");
  request.timeout = std::chrono::milliseconds(200);
  const auto start = std::chrono::steady_clock::now();
  SendResult result = client.send(request);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_THAT(result, IsError(ErrorKind::Timeout, Code::Transient));
  EXPECT_TRUE(result.error().requestMaybeSent);
  EXPECT_LT(elapsed, std::chrono::milliseconds(2000));
}

TEST_F(CurlClientTest, DefaultTimeoutComesFromOptions) {
  server_.inject(Fault::delayFor(std::chrono::milliseconds(3000)));
  CurlClient::Options options;
  options.requestTimeout = std::chrono::milliseconds(150);
  CurlClient client(options);
  EXPECT_THAT(client.send(get("/v1/thing")), IsError(ErrorKind::Timeout, Code::Transient));
}

TEST(CurlClientStandaloneTest, ConnectionRefusedIsTransientAndNothingWasSent) {
  CurlClient client;
  Request request;
  request.url = "http://127.0.0.1:" + std::to_string(testing::unusedPort()) +
                "/v1/x?api_key=SUPERSECRETVALUE&limit=10";
  SendResult result = client.send(request);
  ASSERT_THAT(result, IsError(ErrorKind::ConnectFailed, Code::Transient));
  EXPECT_FALSE(result.error().requestMaybeSent);
  // The message names the URL, with the secret in its query redacted.
  EXPECT_THAT(result.error().message, HasSubstr("limit=10"));
  EXPECT_THAT(result.error().message, Not(HasSubstr("SUPERSECRETVALUE")));
}

TEST_F(CurlClientTest, MalformedRequestsAreInvalidArgumentAndSendNothing) {
  CurlClient client;
  for (const std::string url :
       {"not a url", "ftp://127.0.0.1/x", "http://exa mple.com/", "file:///etc/passwd", ""}) {
    Request request;
    request.url = url;
    EXPECT_THAT(client.send(request), IsError(ErrorKind::InvalidRequest, Code::InvalidArgument))
        << url;
  }
  Request badMethod = get("/v1/thing");
  badMethod.method = "GET /x HTTP/1.1\r\nX:";
  EXPECT_THAT(client.send(badMethod), IsError(ErrorKind::InvalidRequest, Code::InvalidArgument));

  Request injected = get("/v1/thing");
  injected.headers = {{"X-Note", "a\r\nAuthorization: Bearer stolen"}};
  SendResult result = client.send(injected);
  EXPECT_THAT(result, IsError(ErrorKind::InvalidRequest, Code::InvalidArgument));
  EXPECT_THAT(result.error().message, Not(HasSubstr("stolen")));

  Request badName = get("/v1/thing");
  badName.headers = {{"Bad Name", "v"}};
  EXPECT_THAT(client.send(badName), IsError(ErrorKind::InvalidRequest, Code::InvalidArgument));
  EXPECT_EQ(server_.requestCount(), 0u);
}

TEST_F(CurlClientTest, ReusesTheConnectionAcrossRequests) {
  CurlClient client;
  ASSERT_THAT(client.send(get("/v1/thing")), IsResponse(200));
  ASSERT_THAT(client.send(get("/v1/thing")), IsResponse(200));
  ASSERT_THAT(client.send(get("/v1/missing")), IsResponse(404));
  const auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].remotePort, seen[1].remotePort);
  EXPECT_EQ(seen[1].remotePort, seen[2].remotePort);
}

TEST_F(CurlClientTest, ResponseLostAfterTheServerCommittedIsConnectionLost) {
  server_.inject(Fault::dropAfterHandler());
  CurlClient client;
  Request request = get("/v1/echo");
  request.method = "POST";
  request.body = "x=1";
  SendResult result = client.send(request);
  EXPECT_THAT(result, IsError(ErrorKind::ConnectionLost, Code::Transient));
  EXPECT_TRUE(result.error().requestMaybeSent);
  EXPECT_EQ(handled_, 1);  // the server did the work
}

TEST_F(CurlClientTest, ConnectionDroppedBeforeTheHandlerIsConnectionLost) {
  server_.inject(Fault::dropBeforeHandler());
  CurlClient client;
  EXPECT_THAT(client.send(get("/v1/thing")), IsError(ErrorKind::ConnectionLost, Code::Transient));
  EXPECT_EQ(handled_, 0);
  EXPECT_EQ(server_.requests().at(0).fault, "drop_before_handler");
}

TEST_F(CurlClientTest, BodyOverTheLimitIsTooLarge) {
  CurlClient::Options options;
  options.maxResponseBytes = 1024;
  CurlClient client(options);
  SendResult result = client.send(get("/v1/big"));
  EXPECT_THAT(result, IsError(ErrorKind::TooLarge, Code::Permanent));
  EXPECT_THAT(result.error().message, HasSubstr("1024"));
}

TEST_F(CurlClientTest, PutDeleteAndHead) {
  server_.route("PUT", "/v1/res/([a-z0-9]+)", [](const FakeRequest& req, FakeResponse& res) {
    res.json(200, req.pathParams.at(0) + ":" + req.body);
  });
  server_.route("DELETE", "/v1/res/([a-z0-9]+)",
                [](const FakeRequest&, FakeResponse& res) { res.status = 204; });
  CurlClient client;

  Request put = get("/v1/res/abc");
  put.method = "PUT";
  put.body = "v";
  // An empty value is sent as "X-Empty:" (curl's "Name;" form); cpp-httplib 0.11 drops such
  // headers when parsing, so only the request's success is checked here.
  put.headers = {{"X-Empty", ""}};
  SendResult putResult = client.send(put);
  ASSERT_THAT(putResult, IsResponse(200));
  EXPECT_EQ(putResult.response().body, "abc:v");

  Request del = get("/v1/res/abc");
  del.method = "DELETE";
  EXPECT_THAT(client.send(del), IsResponse(204));

  Request head = get("/v1/thing");
  head.method = "HEAD";
  SendResult headResult = client.send(head);
  ASSERT_THAT(headResult, IsResponse(200));
  EXPECT_EQ(headResult.response().body, "");

  const auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].method, "PUT");
  EXPECT_EQ(seen[1].method, "DELETE");
  EXPECT_EQ(seen[2].method, "HEAD");
}

// TLS: a server certificate from a throwaway CA, then mutual TLS.
class CurlClientTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto pki = fakes::TestPki::create(dir_.path());
    ASSERT_TRUE(pki.isOk()) << pki.status();
    pki_ = std::move(pki).value();
  }

  void startServer(bool requireClientCert) {
    FakeServer::Options options;
    options.certPath = pki_.serverCertPath;
    options.keyPath = pki_.serverKeyPath;
    if (requireClientCert) {
      options.clientCaPath = pki_.caCertPath;
    }
    server_ = std::make_unique<FakeServer>(options);
    server_->route("GET", "/accounts", [](const FakeRequest&, FakeResponse& res) {
      res.json(200, R"({"Data":{"Account":[]}})");
    });
    ASSERT_TRUE(server_->start().isOk());
  }

  Request accounts() {
    Request r;
    r.url = server_->baseUrl() + "/accounts";
    return r;
  }

  testing::TempDir dir_;
  fakes::TestPki pki_;
  std::unique_ptr<FakeServer> server_;
};

TEST_F(CurlClientTlsTest, VerifiesTheServerAgainstAConfiguredCaBundle) {
  startServer(false);
  CurlClient::Options byPath;
  byPath.caBundlePath = pki_.caCertPath;
  EXPECT_THAT(CurlClient(byPath).send(accounts()), IsResponse(200));

  CurlClient::Options byPem;
  byPem.caBundlePem = pki_.caCertPem;
  EXPECT_THAT(CurlClient(byPem).send(accounts()), IsResponse(200));
}

TEST_F(CurlClientTlsTest, AnUntrustedServerCertificateIsPermanent) {
  startServer(false);
  CurlClient client;  // system store: does not know the test CA
  SendResult result = client.send(accounts());
  EXPECT_THAT(result, IsError(ErrorKind::TlsVerification, Code::Permanent));
  EXPECT_FALSE(result.error().requestMaybeSent);
  EXPECT_EQ(server_->requestCount(), 0u);
}

TEST_F(CurlClientTlsTest, MutualTlsPresentsTheClientCertificate) {
  startServer(true);
  CurlClient::Options files;
  files.caBundlePath = pki_.caCertPath;
  files.clientCertPath = pki_.clientCertPath;
  files.clientKeyPath = pki_.clientKeyPath;
  EXPECT_THAT(CurlClient(files).send(accounts()), IsResponse(200));

  CurlClient::Options pems;
  pems.caBundlePem = pki_.caCertPem;
  pems.clientCertPem = pki_.clientCertPem;
  pems.clientKeyPem = pki_.clientKeyPem;
  EXPECT_THAT(CurlClient(pems).send(accounts()), IsResponse(200));
  EXPECT_EQ(server_->requestCount(), 2u);
}

TEST_F(CurlClientTlsTest, MutualTlsWithoutAClientCertificateGetsNoResponse) {
  startServer(true);
  CurlClient::Options options;
  options.caBundlePath = pki_.caCertPath;
  SendResult result = CurlClient(options).send(accounts());
  ASSERT_FALSE(result.isOk());
  // TLS 1.2 fails the handshake; TLS 1.3 reports the missing certificate on the first read.
  EXPECT_THAT(result.error().kind,
              ::testing::AnyOf(ErrorKind::TlsHandshake, ErrorKind::ConnectionLost));
  EXPECT_EQ(result.error().code, Code::Transient);
  EXPECT_EQ(server_->requestCount(), 0u);
}

TEST_F(CurlClientTlsTest, AnUnreadableClientCertificateIsInvalidConfig) {
  startServer(true);
  CurlClient::Options options;
  options.caBundlePath = pki_.caCertPath;
  options.clientCertPath = dir_.path() + "/missing.pem";
  options.clientKeyPath = pki_.clientKeyPath;
  EXPECT_THAT(CurlClient(options).send(accounts()),
              IsError(ErrorKind::TlsConfig, Code::InvalidConfig));
}

}  // namespace
}  // namespace lh::net

namespace lh::net {
namespace {

// curl silently re-sends a request when a reused keep-alive connection dies before any response
// byte. For a POST the server may already have acted on ("succeeded but the response was lost"),
// so the client must not repeat it behind the retry policy's back.
TEST_F(CurlClientTest, APostOnAReusedConnectionIsNotResentWhenItsResponseIsLost) {
  CurlClient client;
  ASSERT_THAT(client.send(get("/v1/thing")), IsResponse(200));  // warms the connection
  server_.inject(Fault::dropAfterHandler(), 1, "POST");
  Request request = get("/v1/echo");
  request.method = "POST";
  request.body = "x=1";
  SendResult result = client.send(request);
  EXPECT_THAT(result, IsError(ErrorKind::ConnectionLost, Code::Transient));
  EXPECT_EQ(handled_, 2);  // the GET and the POST, once
  EXPECT_EQ(server_.requestCount("POST", "/v1/echo"), 1u);
}

TEST_F(CurlClientTest, OnlyPostsWithoutAnIdempotencyKeyPayForAFreshConnection) {
  CurlClient client;
  ASSERT_THAT(client.send(get("/v1/thing")), IsResponse(200));
  Request keyed = get("/v1/echo");
  keyed.method = "POST";
  keyed.retryUnsafe = true;
  ASSERT_THAT(client.send(keyed), IsResponse(201));
  Request bare = keyed;
  bare.retryUnsafe = false;
  ASSERT_THAT(client.send(bare), IsResponse(201));
  const auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].remotePort, seen[1].remotePort);
  EXPECT_NE(seen[1].remotePort, seen[2].remotePort);
}

}  // namespace
}  // namespace lh::net
