// Tests of the FakeServer base (tests/fakes) that every vendor fake builds on, driven through
// lh::net's CurlClient.
#include "fakes/fake_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "net/curl_client.h"
#include "net_test_support.h"

namespace lh::fakes {
namespace {

using ::lh::net::CurlClient;
using ::lh::net::Request;
using ::lh::net::testing::IsResponse;
using std::chrono::milliseconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

Request get(const FakeServer& server, const std::string& target) {
  Request r;
  r.url = server.baseUrl() + target;
  return r;
}

TEST(FakeServerTest, FaultsMatchByMethodAndPathAndRunOutAfterTheirCount) {
  FakeServer server;
  server.route("GET", "/a", [](const FakeRequest&, FakeResponse& res) { res.json(200, "a"); });
  server.route("GET", "/b", [](const FakeRequest&, FakeResponse& res) { res.json(200, "b"); });
  ASSERT_TRUE(server.start().isOk());
  server.inject(Fault::respond(500, "{}"), 2, "GET", "/b");
  EXPECT_EQ(server.pendingFaults(), 2u);

  CurlClient client;
  EXPECT_THAT(client.send(get(server, "/a")), IsResponse(200));
  EXPECT_THAT(client.send(get(server, "/b")), IsResponse(500));
  EXPECT_THAT(client.send(get(server, "/b")), IsResponse(500));
  EXPECT_THAT(client.send(get(server, "/b")), IsResponse(200));
  EXPECT_EQ(server.pendingFaults(), 0u);

  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0].fault, "");
  EXPECT_EQ(seen[1].fault, "respond 500");
  EXPECT_EQ(seen[3].fault, "");
  EXPECT_EQ(server.requestCount("GET", "/b"), 3u);
}

TEST(FakeServerTest, RecordsQueryInOrderAndPathParams) {
  FakeServer server;
  server.route("GET", "/v1/customers/(cus_[A-Za-z0-9]+)",
               [](const FakeRequest& req, FakeResponse& res) { res.json(200, req.pathParams[0]); });
  ASSERT_TRUE(server.start().isOk());
  CurlClient client;
  auto result = client.send(get(server, "/v1/customers/cus_9?expand%5B%5D=a&expand%5B%5D=b&q=x+y"));
  ASSERT_THAT(result, IsResponse(200));
  EXPECT_EQ(result.response().body, "cus_9");
  const FakeRequest seen = server.requests().at(0);
  EXPECT_THAT(seen.query,
              ElementsAre(Pair("expand[]", "a"), Pair("expand[]", "b"), Pair("q", "x y")));
  EXPECT_THAT(seen.params("expand[]"), ElementsAre("a", "b"));
  EXPECT_EQ(seen.param("q"), "x y");
  EXPECT_EQ(seen.param("missing"), std::nullopt);
  EXPECT_EQ(seen.target, "/v1/customers/cus_9?expand%5B%5D=a&expand%5B%5D=b&q=x+y");
  EXPECT_EQ(seen.header("REMOTE_ADDR"), std::nullopt);  // cpp-httplib's pseudo headers are hidden
}

TEST(FakeServerTest, AThrowingHandlerIsA500NotACrash) {
  FakeServer server;
  server.route("GET", "/boom", [](const FakeRequest&, FakeResponse&) {
    throw std::runtime_error("fixture missing");
  });
  ASSERT_TRUE(server.start().isOk());
  auto result = CurlClient().send(get(server, "/boom"));
  ASSERT_THAT(result, IsResponse(500));
  EXPECT_THAT(result.response().body, HasSubstr("fixture missing"));
}

TEST(FakeServerTest, StopCutsADelayShortAndIsIdempotent) {
  FakeServer server;
  server.route("GET", "/slow", [](const FakeRequest&, FakeResponse& res) { res.json(200, "{}"); });
  ASSERT_TRUE(server.start().isOk());
  server.inject(Fault::delayFor(milliseconds(60'000)));
  std::thread client([&] {
    Request r = get(server, "/slow");
    r.timeout = milliseconds(100);
    (void)CurlClient().send(r);
  });
  client.join();
  const auto start = std::chrono::steady_clock::now();
  server.stop();
  server.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_FALSE(server.running());
}

TEST(FakeServerTest, ManyServersStartAndStop) {
  for (int i = 0; i < 20; ++i) {
    FakeServer server;
    ASSERT_TRUE(server.start().isOk());
    EXPECT_GT(server.port(), 0);
    EXPECT_THAT(CurlClient().send(get(server, "/nothing")), IsResponse(404));
  }
}

}  // namespace
}  // namespace lh::fakes
