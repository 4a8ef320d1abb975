#include "net/url_redaction.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace lh::net {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(RedactUrlTest, KeepsOrdinaryUrlsIntact) {
  EXPECT_EQ(redactUrl("https://api.stripe.com/v1/balance_transactions?limit=100&payout=po_1&"
                      "expand[]=data.source"),
            "https://api.stripe.com/v1/balance_transactions?limit=100&payout=po_1&"
            "expand[]=data.source");
  EXPECT_EQ(redactUrl("http://127.0.0.1:8080/x"), "http://127.0.0.1:8080/x");
}

TEST(RedactUrlTest, RemovesSecretsFromTheQuery) {
  EXPECT_EQ(redactUrl("https://h/cb?code=AB1157000000&state=xyz&realmId=9130"),
            "https://h/cb?code=[REDACTED]&state=xyz&realmId=9130");
  EXPECT_EQ(redactUrl("https://h/x?apiKey=K1&Client-Secret=S1&sig=abc&password=p"),
            "https://h/x?apiKey=[REDACTED]&Client-Secret=[REDACTED]&sig=[REDACTED]&"
            "password=[REDACTED]");
}

TEST(RedactUrlTest, RemovesUserinfoAndFragment) {
  EXPECT_EQ(redactUrl("https://user:pass@h.example/p#access_token=abc"),
            "https://[REDACTED:userinfo]@h.example/p");
}

TEST(RedactUrlTest, AppliesTheGeneralRedactionToo) {
  const std::string out = redactUrl("https://h/customers?email=jane.doe@example.com");
  EXPECT_THAT(out, Not(HasSubstr("jane.doe")));
}

}  // namespace
}  // namespace lh::net
