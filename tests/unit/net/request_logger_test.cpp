#include "net/request_logger.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

#include "net_test_support.h"

namespace lh::net {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;
using ::testing::Not;

// A plain (non-redacting) logger, so what is checked is RequestLogger's own hygiene, not the
// host sink's safety net.
class RequestLoggerTest : public ::testing::Test {
 protected:
  RequestLoggerTest() {
    logger_ = std::make_shared<spdlog::logger>(
        "http-test", std::make_shared<spdlog::sinks::ostream_sink_mt>(out_));
    logger_->set_pattern("%l %v");
    logger_->set_level(spdlog::level::info);
    request_.method = "GET";
    request_.url =
        "https://user:hunter2@api.example.com/v1/charges?limit=100&api_key=SECRETKEY&access_token="
        "TOKENVALUE#frag";
    request_.headers = {{"Authorization", "Bearer sk_live_abcdefSECRET"},
                        {"Cookie", "session=COOKIEVALUE"}};
    request_.body = "card=4242424242424242";
  }

  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> logger_;
  Request request_;
};

TEST_F(RequestLoggerTest, LogsMethodRedactedUrlStatusLatencyAndAttemptAndNoSecrets) {
  RequestLogger log("stripe_main", logger_);
  SendResult outcome = testing::response(200, {{"Set-Cookie", "id=RESPONSECOOKIE"}},
                                         R"({"email":"jane@example.com"})");
  log.onAttempt(AttemptRecord{request_, outcome, 1, 4, milliseconds(84), std::nullopt, "success"});
  const std::string text = out_.str();
  EXPECT_THAT(text,
              HasSubstr("info http stripe_main GET https://[REDACTED:userinfo]@api.example.com"
                        "/v1/charges?limit=100&api_key=[REDACTED]&access_token=[REDACTED]"
                        " -> 200 in 84 ms (attempt 1/4)"));
  for (const char* secret : {"hunter2", "SECRETKEY", "TOKENVALUE", "sk_live", "COOKIEVALUE",
                             "RESPONSECOOKIE", "Authorization", "4242", "jane@", "frag"}) {
    EXPECT_THAT(text, Not(HasSubstr(secret))) << secret;
  }
}

TEST_F(RequestLoggerTest, ARetriedAttemptIsAWarningWithTheDelayAndReason) {
  RequestLogger log("qbo_main", logger_);
  SendResult outcome = testing::response(429, {{"Retry-After", "2"}});
  log.onAttempt(AttemptRecord{request_, outcome, 1, 4, milliseconds(12), milliseconds(2000),
                              "429, Retry-After 2000 ms"});
  EXPECT_THAT(out_.str(), HasSubstr("warning http qbo_main GET"));
  EXPECT_THAT(out_.str(),
              HasSubstr("-> 429 in 12 ms (attempt 1/4); retrying in 2000 ms: 429, Retry-After"));
}

TEST_F(RequestLoggerTest, AnErrorNamesItsCodeAndKind) {
  RequestLogger log("qbo_main", logger_);
  Error error = testing::transientError(ErrorKind::Timeout, true);
  error.message = "Operation timed out after 30001 milliseconds";
  SendResult outcome = error;
  log.onAttempt(AttemptRecord{request_, outcome, 4, 4, milliseconds(30001), std::nullopt,
                              "attempts exhausted"});
  EXPECT_THAT(out_.str(),
              HasSubstr("-> transient (timeout) in 30001 ms (attempt 4/4): Operation "
                        "timed out after 30001 milliseconds; final: attempts exhausted"));
}

TEST_F(RequestLoggerTest, BodiesOnlyAtTraceCappedAndRedacted) {
  RequestLogger log("stripe_main", logger_);
  SendResult outcome = testing::response(
      200, {}, R"({"email":"jane@example.com","pad":")" + std::string(2000, 'x') + "\"}");
  log.onAttempt(AttemptRecord{request_, outcome, 1, 1, milliseconds(1), std::nullopt, "success"});
  EXPECT_THAT(out_.str(), Not(HasSubstr("pad")));

  logger_->set_level(spdlog::level::trace);
  log.onAttempt(AttemptRecord{request_, outcome, 1, 1, milliseconds(1), std::nullopt, "success"});
  const std::string text = out_.str();
  const size_t size = outcome.response().body.size();
  EXPECT_THAT(text, HasSubstr("response body (512 of " + std::to_string(size) + " bytes)"));
  EXPECT_THAT(text, HasSubstr("[REDACTED:email]"));
  EXPECT_THAT(text, Not(HasSubstr("jane@example.com")));
  EXPECT_THAT(text, Not(HasSubstr(std::string(600, 'x'))));
}

TEST_F(RequestLoggerTest, QuietSuccessLogsAtDebug) {
  RequestLogger log("poller", logger_, /*quietSuccess=*/true);
  SendResult outcome = testing::response(200);
  log.onAttempt(AttemptRecord{request_, outcome, 1, 1, milliseconds(1), std::nullopt, "success"});
  EXPECT_EQ(out_.str(), "");
  SendResult failed = testing::response(500);
  log.onAttempt(AttemptRecord{request_, failed, 1, 1, milliseconds(1), std::nullopt, "final"});
  EXPECT_THAT(out_.str(), HasSubstr("warning"));
}

}  // namespace
}  // namespace lh::net
