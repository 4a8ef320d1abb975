#include "core/logging.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace lh::log {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::vector<std::string> splitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

// One secret of each kind the redaction layer knows, with the marker that must replace it.
struct Secret {
  std::string text;
  std::string marker;
};

const std::vector<Secret>& secrets() {
  static const std::vector<Secret> kSecrets = {
      {"sk_live_51HsecretKEY", "[REDACTED:stripe_key]"},
      {"rk_test_restrictedKEY", "[REDACTED:stripe_key]"},
      {"whsec_webhookSECRET", "[REDACTED:stripe_key]"},
      {"Bearer opaqueBEARERtoken", "[REDACTED:bearer]"},
      {"basic dXNlcjpwYXNzd29yZA==", "[REDACTED:basic]"},
      {R"({"access_token":"ACCESStok"})", "[REDACTED:token]"},
      {"refresh_token=REFRESHtok&x=1", "[REDACTED:token]"},
      {"client_secret: CLIENTsecret", "[REDACTED:secret]"},
      {R"({"transactionKey":"TXNkey123"})", "[REDACTED:secret]"},
      {"?code=AB11570000000x7MYDgPfr0Y3GhWAi&state=1", "[REDACTED:oauth_code]"},
      {"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", "[REDACTED:jwt]"},
      {"jane.doe@example.com", "[REDACTED:email]"},
      {"4242424242424242", "[REDACTED:card]"},
      {"4111 1111 1111 1111", "[REDACTED:card]"},
  };
  return kSecrets;
}

// The part of each secret that must not survive (the scheme word or key name may).
std::string secretCore(const std::string& text) {
  for (const char* core : {"opaqueBEARERtoken", "dXNlcjpwYXNzd29yZA", "ACCESStok", "REFRESHtok",
                           "CLIENTsecret", "TXNkey123", "AB11570000000x7MYDgPfr0Y3GhWAi"}) {
    if (text.find(core) != std::string::npos) {
      return core;
    }
  }
  return text;
}

class LoggingTest : public ::testing::Test {
 protected:
  void initWith(Format format, spdlog::level::level_enum level = spdlog::level::trace) {
    Options options;
    options.format = format;
    options.level = level;
    options.sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    init(options);
  }

  // Puts back a stderr logger, so nothing writes into out_ after the test ends.
  void TearDown() override { init(Options{}); }

  std::ostringstream out_;
};

TEST_F(LoggingTest, ParseFormat) {
  EXPECT_EQ(parseFormat("text").value(), Format::Text);
  EXPECT_EQ(parseFormat("json").value(), Format::Json);
  auto bad = parseFormat("xml");
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().code(), lh::Code::InvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("'xml'"));
  EXPECT_THAT(bad.status().message(), HasSubstr("text or json"));
}

TEST_F(LoggingTest, ParseLevel) {
  EXPECT_EQ(parseLevel("trace").value(), spdlog::level::trace);
  EXPECT_EQ(parseLevel("debug").value(), spdlog::level::debug);
  EXPECT_EQ(parseLevel("info").value(), spdlog::level::info);
  EXPECT_EQ(parseLevel("warn").value(), spdlog::level::warn);
  EXPECT_EQ(parseLevel("error").value(), spdlog::level::err);
  auto bad = parseLevel("loud");
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().code(), lh::Code::InvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("'loud'"));
}

TEST_F(LoggingTest, InitInstallsTheDefaultLogger) {
  initWith(Format::Text);
  EXPECT_EQ(spdlog::default_logger()->name(), std::string(kLoggerName));
  spdlog::info("hello {}", 42);
  const auto lines = splitLines(out_.str());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr(" info [ledgerhost] hello 42"));
  // ISO-8601 UTC timestamp with milliseconds at the start.
  EXPECT_THAT(lines[0],
              ::testing::MatchesRegex(
                  "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z .*"));
}

TEST_F(LoggingTest, LevelFilters) {
  initWith(Format::Text, spdlog::level::warn);
  spdlog::info("not shown");
  spdlog::warn("shown");
  const auto lines = splitLines(out_.str());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr("shown"));
  EXPECT_THAT(lines[0], Not(HasSubstr("not shown")));
}

TEST_F(LoggingTest, TextLinesAreRedacted) {
  initWith(Format::Text);
  for (const Secret& secret : secrets()) {
    out_.str("");
    spdlog::info("request carried {} in it", secret.text);
    const std::string line = out_.str();
    EXPECT_THAT(line, Not(HasSubstr(secretCore(secret.text)))) << secret.text;
    EXPECT_THAT(line, HasSubstr(secret.marker)) << secret.text;
    EXPECT_THAT(line, HasSubstr("request carried ")) << secret.text;
  }
}

TEST_F(LoggingTest, JsonLinesParseAndAreRedacted) {
  initWith(Format::Json);
  for (const Secret& secret : secrets()) {
    out_.str("");
    spdlog::warn("request carried {} in it", secret.text);
    const auto lines = splitLines(out_.str());
    ASSERT_EQ(lines.size(), 1u) << secret.text;
    const auto json = nlohmann::json::parse(lines[0]);  // throws (and fails the test) if invalid
    ASSERT_TRUE(json.is_object());
    EXPECT_EQ(json.at("level"), "warning");
    EXPECT_EQ(json.at("logger"), "ledgerhost");
    EXPECT_THAT(json.at("ts").get<std::string>(),
                ::testing::MatchesRegex(
                    "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z"));
    const std::string msg = json.at("msg").get<std::string>();
    EXPECT_THAT(msg, Not(HasSubstr(secretCore(secret.text)))) << secret.text;
    EXPECT_THAT(msg, HasSubstr(secret.marker)) << secret.text;
    EXPECT_THAT(lines[0], Not(HasSubstr(secretCore(secret.text)))) << secret.text;
  }
}

TEST_F(LoggingTest, JsonEscapesControlCharactersAndBadUtf8) {
  initWith(Format::Json);
  spdlog::info("quote \" backslash \\ newline \n tab \t bad \xff byte");
  const auto lines = splitLines(out_.str());
  ASSERT_EQ(lines.size(), 1u);
  const auto json = nlohmann::json::parse(lines[0]);
  EXPECT_THAT(json.at("msg").get<std::string>(), StartsWith("quote \" backslash \\ newline \n"));
}

TEST_F(LoggingTest, ContextFieldsAppearAndAreRedacted) {
  initWith(Format::Json);
  {
    ScopedContext outer{{"connection", "stripe_main"}, {"correlation_id", "c-1"}};
    {
      ScopedContext inner{
          {"correlation_id", "c-2"}, {"customer", "bob@example.com"}, {"msg", "clash"}};
      spdlog::info("inner");
    }
    spdlog::info("outer");
  }
  spdlog::info("none");
  const auto lines = splitLines(out_.str());
  ASSERT_EQ(lines.size(), 3u);
  const auto inner = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(inner.at("msg"), "inner");
  EXPECT_EQ(inner.at("connection"), "stripe_main");
  EXPECT_EQ(inner.at("correlation_id"), "c-2");
  EXPECT_EQ(inner.at("customer"), "[REDACTED:email]");
  EXPECT_EQ(inner.at("ctx_msg"), "clash");
  const auto outer = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(outer.at("correlation_id"), "c-1");
  EXPECT_FALSE(outer.contains("customer"));
  const auto none = nlohmann::json::parse(lines[2]);
  EXPECT_FALSE(none.contains("connection"));
  EXPECT_FALSE(none.contains("correlation_id"));
}

TEST_F(LoggingTest, TextContextSuffix) {
  initWith(Format::Text);
  {
    ScopedContext ctx{{"connection", "qbo"}, {"token", "Bearer abcdef"}};
    spdlog::info("syncing");
  }
  const std::string line = out_.str();
  EXPECT_THAT(line, HasSubstr("syncing {connection=qbo token=Bearer [REDACTED:bearer]}"));
  EXPECT_THAT(line, Not(HasSubstr("abcdef")));
}

TEST_F(LoggingTest, ChangingThePatternCannotBypassRedaction) {
  initWith(Format::Text);
  spdlog::set_pattern("%v");
  spdlog::default_logger()->set_pattern("[%n] %v");
  spdlog::info("key sk_live_bypassATTEMPT card 4242424242424242");
  const std::string line = out_.str();
  EXPECT_EQ(line, "[ledgerhost] key [REDACTED:stripe_key] card [REDACTED:card]\n");
}

TEST_F(LoggingTest, ChildLoggersShareTheRedactingSink) {
  initWith(Format::Json, spdlog::level::info);
  auto stripe = child("stripe");
  EXPECT_EQ(stripe->level(), spdlog::level::info);
  stripe->debug("hidden");
  stripe->info("got sk_test_childSECRET");
  const auto lines = splitLines(out_.str());
  ASSERT_EQ(lines.size(), 1u);
  const auto json = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(json.at("logger"), "stripe");
  EXPECT_EQ(json.at("msg"), "got [REDACTED:stripe_key]");
}

TEST_F(LoggingTest, ReinitReplacesTheLogger) {
  initWith(Format::Text);
  spdlog::info("first");
  std::ostringstream second;
  Options options;
  options.format = Format::Json;
  options.sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(second);
  init(options);
  spdlog::info("second");
  EXPECT_THAT(out_.str(), HasSubstr("first"));
  EXPECT_THAT(out_.str(), Not(HasSubstr("second")));
  EXPECT_EQ(nlohmann::json::parse(splitLines(second.str()).at(0)).at("msg"), "second");
}

}  // namespace
}  // namespace lh::log
