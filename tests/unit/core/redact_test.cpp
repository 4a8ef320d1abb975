#include "core/redact.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace lh {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Appends the Luhn check digit to `payload`, so tests can build valid numbers of any length.
std::string withLuhnDigit(const std::string& payload) {
  int sum = 0;
  bool doubleIt = true;  // the check digit will sit to the right, undoubled
  for (size_t i = payload.size(); i-- > 0;) {
    int d = payload[i] - '0';
    if (doubleIt) {
      d *= 2;
      if (d > 9) {
        d -= 9;
      }
    }
    sum += d;
    doubleIt = !doubleIt;
  }
  return payload + static_cast<char>('0' + (10 - sum % 10) % 10);
}

TEST(RedactTest, LeavesOrdinaryTextAlone) {
  const std::string line =
      "synced 42 events for connection stripe_main: ch_123 amount=1999 currency=USD "
      "pk_test_51Habc pk_live_xyz id 123456789012 at 2026-01-02 12:00:00.123 ts=1767355200";
  EXPECT_EQ(redact(line), line);
  std::string copy = line;
  EXPECT_FALSE(redactInPlace(copy));
  EXPECT_EQ(copy, line);
}

TEST(RedactTest, StripeSecretKeys) {
  EXPECT_EQ(redact("key sk_live_51HabcDEF123 used"), "key [REDACTED:stripe_key] used");
  EXPECT_EQ(redact("key=sk_test_4eC39HqLyjWDarjtT1zdp7dc"), "key=[REDACTED:stripe_key]");
  EXPECT_EQ(redact("rk_live_abc rk_test_def"), "[REDACTED:stripe_key] [REDACTED:stripe_key]");
  EXPECT_EQ(redact("secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw."),
            "secret [REDACTED:stripe_key].");
  EXPECT_EQ(redact("STRIPE_KEY=\"sk_live_x\""), "STRIPE_KEY=\"[REDACTED:stripe_key]\"");
  // Publishable keys are public; a bare prefix holds no secret; "task_test" is not a key.
  EXPECT_EQ(redact("pk_live_51Habc pk_test_xyz"), "pk_live_51Habc pk_test_xyz");
  EXPECT_EQ(redact("sk_live_ prefix"), "sk_live_ prefix");
  EXPECT_EQ(redact("task_test_runs"), "task_test_runs");
}

TEST(RedactTest, BearerAndBasicInAnyCase) {
  EXPECT_EQ(redact("sent Bearer abc.DEF-123_~+/= now"), "sent Bearer [REDACTED:bearer] now");
  EXPECT_EQ(redact("bearer secrettoken"), "bearer [REDACTED:bearer]");
  EXPECT_EQ(redact("BEARER tok"), "BEARER [REDACTED:bearer]");
  EXPECT_EQ(redact("Basic dXNlcjpwYXNz"), "Basic [REDACTED:basic]");
  EXPECT_EQ(redact("bAsIc\tdXNlcjpwYXNz, retry"), "bAsIc\t[REDACTED:basic], retry");
  EXPECT_EQ(redact("Bearer"), "Bearer");
}

TEST(RedactTest, AuthorizationHeaderValueWhole) {
  EXPECT_EQ(redact("Authorization: Bearer eyJabc"), "Authorization: [REDACTED:authorization]");
  EXPECT_EQ(redact("authorization: Digest username=a, response=b\r\nHost: x"),
            "authorization: [REDACTED:authorization]\r\nHost: x");
  EXPECT_EQ(redact("{\"Authorization\":\"Basic dXNlcjpwYXNz\",\"Accept\":\"json\"}"),
            "{\"Authorization\":\"[REDACTED:authorization]\",\"Accept\":\"json\"}");
}

TEST(RedactTest, OAuthTokensInJson) {
  EXPECT_EQ(
      redact(R"({"access_token":"abc123","expires_in":3600,"refresh_token": "r-1"})"),
      R"({"access_token":"[REDACTED:token]","expires_in":3600,"refresh_token": "[REDACTED:token]"})");
  EXPECT_EQ(redact(R"({"id_token" : "x.y.z", "token_type":"bearer"})"),
            R"({"id_token" : "[REDACTED:token]", "token_type":"bearer"})");
  EXPECT_EQ(redact(R"({"client_secret":"s\"q","client_id":"ABC"})"),
            R"({"client_secret":"[REDACTED:secret]","client_id":"ABC"})");
  EXPECT_EQ(
      redact(
          R"({"merchantAuthentication":{"name":"5KP3u95bQpv","transactionKey":"346HZ32z3fP4hTG2"}})"),
      R"({"merchantAuthentication":{"name":"5KP3u95bQpv","transactionKey":"[REDACTED:secret]"}})");
  EXPECT_EQ(redact(R"({"password":"hunter2","accessToken":"t"})"),
            R"({"password":"[REDACTED:secret]","accessToken":"[REDACTED:token]"})");
  // null / booleans carry nothing.
  EXPECT_EQ(redact(R"({"password":null})"), R"({"password":null})");
}

TEST(RedactTest, OAuthTokensInEscapedJson) {
  EXPECT_EQ(redact(R"(body="{\"access_token\":\"abc123\",\"x\":1}")"),
            R"(body="{\"access_token\":\"[REDACTED:token]\",\"x\":1}")");
}

TEST(RedactTest, OAuthTokensInFormsAndQueries) {
  EXPECT_EQ(redact("grant_type=refresh_token&refresh_token=AB1xyz&client_id=q"),
            "grant_type=refresh_token&refresh_token=[REDACTED:token]&client_id=q");
  EXPECT_EQ(redact("GET /callback?code=AB11570000000x7MYDgPfr0Y3GhWAi&state=s1&realmId=9130"),
            "GET /callback?code=[REDACTED:oauth_code]&state=s1&realmId=9130");
  EXPECT_EQ(redact("client_secret=shh password=p@ss transaction_key=k"),
            "client_secret=[REDACTED:secret] password=[REDACTED:secret] "
            "transaction_key=[REDACTED:secret]");
  EXPECT_EQ(redact("db_password: hunter2"), "db_password: [REDACTED:secret]");
  EXPECT_EQ(redact("x-api-key=abc"), "x-api-key=[REDACTED:secret]");
}

TEST(RedactTest, ErrorCodesUnderCodeKeyStay) {
  const std::string authnet = R"({"resultCode":"Error","message":[{"code":"E00007","text":"x"}]})";
  EXPECT_EQ(redact(authnet), authnet);
  EXPECT_EQ(redact(R"({"code":"card_declined","decline_code":"insufficient_funds"})"),
            R"({"code":"card_declined","decline_code":"insufficient_funds"})");
  EXPECT_EQ(redact("exit code: 2, code=429"), "exit code: 2, code=429");
  // A lower-case hex code (GitHub-style) has digits: an OAuth code, removed.
  EXPECT_EQ(redact("code=d1b2c3e4f5a6b7c8d9e0"), "code=[REDACTED:oauth_code]");
}

TEST(RedactTest, PersonalNameFields) {
  EXPECT_EQ(
      redact(R"({"firstName":"Ellen","lastName":"Johnson","company":"Souveniropolis"})"),
      R"({"firstName":"[REDACTED:name]","lastName":"[REDACTED:name]","company":"Souveniropolis"})");
  EXPECT_EQ(redact(R"({"GivenName":"Amy","DisplayName":"Amy's Bird Sanctuary"})"),
            R"({"GivenName":"[REDACTED:name]","DisplayName":"[REDACTED:name]"})");
}

TEST(RedactTest, Jwts) {
  EXPECT_EQ(redact("got eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVP-mB92K27uhbUJU1 ok"),
            "got [REDACTED:jwt] ok");
  EXPECT_EQ(redact("eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ"), "[REDACTED:jwt]");
  EXPECT_EQ(redact("eyJ is short"), "eyJ is short");
}

TEST(RedactTest, Emails) {
  EXPECT_EQ(redact("customer jane.doe+billing@example.co.uk paid"),
            "customer [REDACTED:email] paid");
  EXPECT_EQ(redact(R"({"email":"a_b-c@mail.example.com"})"), R"({"email":"[REDACTED:email]"})");
  EXPECT_EQ(redact("to:<ops@acme.io>"), "to:<[REDACTED:email]>");
  // Not emails: no domain dot, numeric TLD, bare @.
  EXPECT_EQ(redact("user@localhost @mention a@b.c1 @"), "user@localhost @mention a@b.c1 @");
}

TEST(RedactTest, ContiguousCardNumbers) {
  EXPECT_EQ(redact("card 4242424242424242 ok"), "card [REDACTED:card] ok");
  EXPECT_EQ(redact("amex=378282246310005"), "amex=[REDACTED:card]");
  EXPECT_EQ(redact(R"({"cardNumber":"5555555555554444"})"), R"({"cardNumber":"[REDACTED:card]"})");
  EXPECT_EQ(redact("visa13 4222222222222."), "visa13 [REDACTED:card].");
  const std::string nineteen = withLuhnDigit("400000000000000000");
  ASSERT_EQ(nineteen.size(), 19u);
  EXPECT_EQ(redact("pan " + nineteen), "pan [REDACTED:card]");
}

TEST(RedactTest, GroupedCardNumbers) {
  EXPECT_EQ(redact("4111 1111 1111 1111"), "[REDACTED:card]");
  EXPECT_EQ(redact("4111-1111-1111-1111"), "[REDACTED:card]");
  EXPECT_EQ(redact("amex 3782-822463-10005 exp"), "amex [REDACTED:card] exp");
  // The card is found among neighbouring numbers joined the same way.
  EXPECT_EQ(redact("ref 1000 4242 4242 4242 4242 2027"), "ref 1000 [REDACTED:card] 2027");
  EXPECT_EQ(redact("4242424242424242 4242424242424242"), "[REDACTED:card] [REDACTED:card]");
}

TEST(RedactTest, NumbersThatAreNotCards) {
  for (const std::string& line : {
           std::string("id 123456789012"),            // 12 digits
           std::string("n 4242424242424241"),         // 16 digits, fails Luhn
           std::string("n 4242 4242 4242 4241"),      // grouped, fails Luhn
           std::string("ch_4242424242424242"),        // part of an id
           std::string("x4242424242424242"),          // glued to a letter
           std::string("4242424242424242abc"),        // glued to letters
           std::string("1.4242424242424242"),         // a decimal fraction
           std::string("4242424242424242.50"),        // an amount
           std::string("0000000000000000"),           // padding
           std::string("42424242424242424242"),       // 20 digits
           std::string("2026-01-02 12:00:00 +0000"),  // a date
       }) {
    EXPECT_EQ(redact(line), line) << line;
  }
}

TEST(RedactTest, SeveralKindsInOneLine) {
  const std::string line =
      "user bob@example.com paid with 4242424242424242 using sk_live_abc and Bearer tok1";
  const std::string out = redact(line);
  EXPECT_EQ(out,
            "user [REDACTED:email] paid with [REDACTED:card] using [REDACTED:stripe_key] and "
            "Bearer [REDACTED:bearer]");
  std::string inPlace = line;
  EXPECT_TRUE(redactInPlace(inPlace));
  EXPECT_EQ(inPlace, out);
}

TEST(RedactTest, UnterminatedValuesAreRedactedToTheEnd) {
  EXPECT_EQ(redact(R"({"access_token":"abc)"), R"({"access_token":"[REDACTED:token])");
  EXPECT_EQ(redact(R"({"password":"abc\)"), R"({"password":"[REDACTED:secret])");
}

TEST(RedactTest, LongAndAdversarialInputsFinish) {
  std::string digits;
  for (int i = 0; i < 50000; ++i) {
    digits += "1 ";
  }
  EXPECT_EQ(redact(digits), digits);
  std::string dashed(100000, '-');
  dashed[0] = 'a';
  EXPECT_EQ(redact(dashed + "=x"), dashed + "=x");
  std::string ats(100000, '@');
  EXPECT_EQ(redact(ats), ats);
  // A card at the end of a long line is still found.
  EXPECT_THAT(redact(digits + "x 4242424242424242"), HasSubstr("[REDACTED:card]"));
  EXPECT_THAT(redact(digits + "x 4242424242424242"), Not(HasSubstr("4242424242424242")));
}

}  // namespace
}  // namespace lh
