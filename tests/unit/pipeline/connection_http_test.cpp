// A connection's YAML `limits:` and `retry:`: loaded into the model (every error at its
// file:line:column), turned into the net stack's options (pipeline/connection_http.h), and accepted
// by the real ConnectionClient, whose classifier puts QBO-shaped URLs under the realm and the
// batch class.
#include "pipeline/connection_http.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "net/manual_clock.h"
#include "pipeline/config_loader.h"
#include "unit/pipeline/engine_test_support.h"

namespace lh::pipeline {
namespace {

using ::testing::ElementsAre;
using testsupport::EngineTempDir;

constexpr const char* kHead =
    "store: {path: x.db}\n"
    "tenants: {t: {base_currency: USD, accounts: []}}\n"
    "connections:\n"
    "  qbo:\n"
    "    plugin: anything\n"
    "    tenant: t\n";

LoadResult loadText(const EngineTempDir& dir, const std::string& connectionTail) {
  const std::filesystem::path file = dir.path() / "c.yaml";
  std::ofstream(file) << kHead << connectionTail;
  return loadConfig(file, LoadOptions{});
}

std::vector<std::string> messages(const LoadResult& result, const EngineTempDir& dir) {
  std::vector<std::string> out;
  for (const Diagnostic& d : result.diagnostics) {
    std::string text = d.toString();
    const std::string prefix = (dir.path() / "c.yaml").string();
    if (text.rfind(prefix, 0) == 0) {
      text = "c.yaml" + text.substr(prefix.size());
    }
    out.push_back(text);
  }
  return out;
}

TEST(ConnectionHttpTest, QboLimitsAndThrottleBodiesReachTheNetStack) {
  EngineTempDir dir;
  LoadResult loaded = loadText(dir,
                               "    limits:\n"
                               "      requests_per_minute: 500\n"
                               "      in_flight: 10\n"
                               "      key_after_segment: company\n"
                               "      max_wait_ms: 120000\n"
                               "      classes:\n"
                               "        batch: {path: /batch, requests_per_minute: 40}\n"
                               "    retry:\n"
                               "      max_attempts: 6\n"
                               "      throttle_bodies: [ThrottleExceeded]\n"
                               "      should_retry_header: Stripe-Should-Retry\n");
  ASSERT_TRUE(loaded.ok()) << formatDiagnostics(loaded.diagnostics);
  const Connection& qbo = loaded.config->connections.at(0);
  ASSERT_TRUE(qbo.limits.has_value());
  EXPECT_EQ(qbo.limits->requests_per_minute, 500);
  EXPECT_EQ(qbo.limits->in_flight, 10);
  ASSERT_EQ(qbo.limits->classes.size(), 1u);
  EXPECT_EQ(qbo.limits->classes[0].path_suffix, "/batch");

  net::ConnectionClientOptions options = connectionClientOptions(qbo);
  ASSERT_TRUE(options.rateLimits.has_value());
  ASSERT_TRUE(options.rateLimits->requests.has_value());
  EXPECT_EQ(options.rateLimits->requests->maxRequests, 500);
  EXPECT_EQ(options.rateLimits->requests->window, std::chrono::milliseconds(60'000));
  EXPECT_EQ(options.rateLimits->maxInFlight, 10);
  EXPECT_EQ(options.rateLimits->classes.at("batch").maxRequests, 40);
  EXPECT_EQ(options.maxRateLimitWait, std::chrono::milliseconds(120'000));
  EXPECT_EQ(options.retry.maxAttempts, 6);
  EXPECT_THAT(options.retry.throttleBodies, ElementsAre("ThrottleExceeded"));
  EXPECT_EQ(options.retry.shouldRetryHeader, "Stripe-Should-Retry");

  const net::Classifier classify = net::pathClassifier(options.classify);
  net::Request batch;
  batch.url = "https://quickbooks.api.intuit.com/v3/company/9130/batch?minorversion=75";
  EXPECT_EQ(classify(batch).key, "9130");
  EXPECT_EQ(classify(batch).requestClass, "batch");
  net::Request query;
  query.url = "https://quickbooks.api.intuit.com/v3/company/9130/query?query=x";
  EXPECT_EQ(classify(query).requestClass, "");
  net::Request token;
  token.url = "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer";
  EXPECT_EQ(classify(token).key, "qbo");  // no realm in the URL: the connection's key

  // The real stack accepts them and limits on them.
  net::ManualClock clock;
  auto client = net::ConnectionClient::create(options, clock, clock);
  ASSERT_TRUE(client.isOk()) << client.status();
  ASSERT_NE((*client)->rateLimiter(), nullptr);
  EXPECT_EQ((*client)->rateLimiter()->options().maxInFlight, 10);
}

TEST(ConnectionHttpTest, WithoutLimitsNothingIsLimitedAndRetriesKeepTheirDefaults) {
  EngineTempDir dir;
  LoadResult loaded = loadText(dir, "");
  ASSERT_TRUE(loaded.ok()) << formatDiagnostics(loaded.diagnostics);
  net::ConnectionClientOptions options = connectionClientOptions(loaded.config->connections[0]);
  EXPECT_FALSE(options.rateLimits.has_value());
  EXPECT_EQ(options.retry.maxAttempts, net::RetryPolicy{}.maxAttempts);
  EXPECT_TRUE(options.retry.throttleBodies.empty());
  EXPECT_FALSE(options.retry.shouldRetryHeader.has_value());
  EXPECT_EQ(options.name, "qbo");
}

TEST(ConnectionHttpTest, EveryBadLimitIsReportedAtItsPosition) {
  EngineTempDir dir;
  LoadResult loaded = loadText(dir,
                               "    limits:\n"
                               "      requests_per_minut: 500\n"
                               "      in_flight: ten\n"
                               "      classes:\n"
                               "        batch: {path: batch, requests_per_minute: 40}\n"
                               "        query: {path: /query}\n"
                               "    retry:\n"
                               "      max_attempts: 0\n"
                               "      throttle_bodies: [\"\", ThrottleExceeded]\n"
                               "      should_retry_header: \"Should Retry:\"\n");
  EXPECT_FALSE(loaded.ok());
  EXPECT_THAT(
      messages(loaded, dir),
      ElementsAre(
          "c.yaml:8:7: connection 'qbo': limits: unknown key 'requests_per_minut' (did you mean "
          "'requests_per_minute'?)",
          "c.yaml:9:18: connection 'qbo': limits: 'in_flight' must be an integer, not 'ten'",
          "c.yaml:11:23: connection 'qbo': limits: classes: batch: 'path' must be a URL path "
          "suffix starting with '/', e.g. /batch",
          "c.yaml:12:9: connection 'qbo': limits: classes: query: missing required key "
          "'requests_per_minute'",
          "c.yaml:14:21: connection 'qbo': retry: 'max_attempts' must be between 1 and 20, not 0",
          "c.yaml:15:25: connection 'qbo': retry: 'throttle_bodies' entries must not be empty",
          "c.yaml:16:28: connection 'qbo': retry: 'should_retry_header' must be an HTTP header "
          "name"));
}

TEST(ConnectionHttpTest, AnEmptyLimitsBlockIsAnError) {
  EngineTempDir dir;
  LoadResult loaded = loadText(dir, "    limits: {max_wait_ms: 10}\n");
  EXPECT_THAT(messages(loaded, dir),
              ElementsAre("c.yaml:7:13: connection 'qbo': limits: give requests_per_minute, "
                          "in_flight or classes (an empty 'limits' limits nothing)"));
}

}  // namespace
}  // namespace lh::pipeline
