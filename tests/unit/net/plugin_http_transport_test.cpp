#include "net/plugin_http_transport.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <ledgerhost/sdk.h>

#include "fakes/fake_server.h"
#include "net/curl_client.h"
#include "net_test_support.h"

namespace lh::net {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

TEST(PluginHttpTransportTest, MapsFlagsTimeoutHeadersAndBody) {
  plugins::HttpRequest in;
  in.method = "POST";
  in.url = "https://api.stripe.com/v1/refunds";
  in.headers = {{"Idempotency-Key", "k1"}};
  in.body = "charge=ch_1";
  in.timeoutMs = 2500;
  in.flags = LH_HTTP_RETRY_UNSAFE | 0x100u;  // an unknown bit from a newer plugin is ignored
  Request out = PluginHttpTransport::toNetRequest(in);
  EXPECT_EQ(out.method, "POST");
  EXPECT_EQ(out.url, in.url);
  ASSERT_EQ(out.headers.size(), 1u);
  EXPECT_EQ(out.headers[0].name, "Idempotency-Key");
  EXPECT_EQ(out.body, "charge=ch_1");
  EXPECT_EQ(out.timeout, milliseconds(2500));
  EXPECT_TRUE(out.retryUnsafe);
  EXPECT_FALSE(out.noRetry);

  in.flags = LH_HTTP_NO_RETRY;
  out = PluginHttpTransport::toNetRequest(in);
  EXPECT_TRUE(out.noRetry);
  EXPECT_FALSE(out.retryUnsafe);
}

TEST(PluginHttpTransportTest, ResponsesOfAnyStatusPassAndErrorsKeepTheirCode) {
  testing::ScriptedClient client;
  client.push(testing::response(404, {{"Request-Id", "req_1"}}, R"({"error":{}})"));
  Error limited;
  limited.kind = ErrorKind::CircuitOpen;
  limited.code = Code::RateLimited;
  limited.message = "circuit of stripe_main open until 2026-01-01T00:00:30Z";
  client.push(limited);
  client.push(testing::transientError(ErrorKind::Timeout, true));

  PluginHttpTransport transport(client);
  plugins::HttpRequest request;
  request.method = "GET";
  request.url = "https://api.stripe.com/v1/charges/ch_404";

  auto notFound = transport.send(request);
  ASSERT_TRUE(notFound.isOk());
  EXPECT_EQ(notFound->status, 404);
  ASSERT_EQ(notFound->headers.size(), 1u);
  EXPECT_EQ(notFound->headers[0].value, "req_1");
  EXPECT_EQ(notFound->body, R"({"error":{}})");

  auto refused = transport.send(request);
  ASSERT_FALSE(refused.isOk());
  EXPECT_EQ(refused.status().code(), Code::RateLimited);
  EXPECT_THAT(refused.status().message(), HasSubstr("circuit_open: circuit of stripe_main"));

  auto timedOut = transport.send(request);
  EXPECT_EQ(timedOut.status().code(), Code::Transient);
}

TEST(PluginHttpTransportTest, OverARealConnection) {
  fakes::FakeServer server;
  server.route("GET", "/v1/balance", [](const fakes::FakeRequest& req, fakes::FakeResponse& res) {
    res.json(200,
             R"({"object":"balance","auth":")" + req.header("Authorization").value_or("") + "\"}");
  });
  ASSERT_TRUE(server.start().isOk());
  CurlClient curl;
  PluginHttpTransport transport(curl);
  plugins::HttpRequest request;
  request.method = "GET";
  request.url = server.baseUrl() + "/v1/balance";
  request.headers = {{"Authorization", "Bearer sk_test_x"}};
  auto response = transport.send(request);
  ASSERT_TRUE(response.isOk()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_THAT(response->body, HasSubstr("Bearer sk_test_x"));
}

}  // namespace
}  // namespace lh::net
