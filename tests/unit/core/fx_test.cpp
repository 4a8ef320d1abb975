#include "core/fx.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>

#include "unit/core/ledger_test_support.h"

namespace lh::core {
namespace {

using testing::ccy;
using ::testing::HasSubstr;
using testing::StatusIs;

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

ExactRate rate(const char* text) {
  lh::Result<ExactRate> parsed = ExactRate::parse(text);
  EXPECT_TRUE(parsed.isOk()) << text << ": " << parsed.status();
  return parsed.isOk() ? *parsed : *ExactRate::parse("1");
}

int64_t converted(int64_t minor, const char* from, const char* text, const char* to) {
  lh::Result<Money> out = convert(Money{minor, ccy(from)}, rate(text), ccy(to));
  EXPECT_TRUE(out.isOk()) << out.status();
  return out.isOk() ? out->minor : -999999;
}

TEST(ExactRateTest, ParsesExactDecimalStrings) {
  ExactRate r = rate("1.0845");
  EXPECT_EQ(r.numerator(), 10845);
  EXPECT_EQ(r.denominator(), 10000);
  EXPECT_EQ(r.text(), "1.0845");
  r = rate("150");
  EXPECT_EQ(r.numerator(), 150);
  EXPECT_EQ(r.denominator(), 1);
  r = rate("0.00670");  // trailing zeros lose nothing
  EXPECT_EQ(r.numerator(), 67);
  EXPECT_EQ(r.denominator(), 10000);
  EXPECT_EQ(r.text(), "0.0067");
  r = rate("000.5");
  EXPECT_EQ(r.numerator(), 5);
  EXPECT_EQ(r.denominator(), 10);
  r = rate("0.000000000000000001");  // 18 decimals
  EXPECT_EQ(r.numerator(), 1);
  EXPECT_EQ(r.denominator(), 1000000000000000000);
}

TEST(ExactRateTest, RefusesAnythingElse) {
  for (const char* bad :
       {"", "0", "0.000", "-1.2", "+1.2", "1e3", "1.", ".5", "1,2", " 1.2", "1.2 ", "abc", "NaN",
        "1.2.3", "0.0000000000000000001", "1234567890123456789"}) {
    EXPECT_THAT(ExactRate::parse(bad), StatusIs(lh::Code::InvalidArgument, HasSubstr("rate")))
        << "'" << bad << "'";
  }
}

TEST(ExactRateTest, InverseIsExact) {
  const ExactRate inverse = rate("1.25").inverse();
  EXPECT_EQ(inverse.numerator(), 100);
  EXPECT_EQ(inverse.denominator(), 125);
  EXPECT_EQ(inverse.text(), "1/1.25");
  // USD 1.00 at 1/1.25 = 0.80 exactly.
  lh::Result<Money> out = convert(Money{100, ccy("USD")}, inverse, ccy("EUR"));
  ASSERT_TRUE(out.isOk());
  EXPECT_EQ(out->minor, 80);
}

TEST(DivideRoundHalfEvenTest, RoundsTiesToEvenAndEverythingElseToNearest) {
  struct Case {
    int64_t n;
    int64_t d;
    int64_t expected;
  };
  for (const Case& c :
       {Case{5, 10, 0}, Case{15, 10, 2}, Case{25, 10, 2}, Case{35, 10, 4}, Case{-5, 10, 0},
        Case{-15, 10, -2}, Case{-25, 10, -2}, Case{14, 10, 1}, Case{16, 10, 2}, Case{-14, 10, -1},
        Case{-16, 10, -2}, Case{7, 1, 7}, Case{1, 3, 0}, Case{2, 3, 1}, Case{-2, 3, -1},
        Case{5, -10, 0}, Case{15, -10, -2}, Case{0, 7, 0}}) {
    lh::Result<int64_t> q = divideRoundHalfEven(c.n, c.d);
    ASSERT_TRUE(q.isOk());
    EXPECT_EQ(*q, c.expected) << c.n << "/" << c.d;
  }
  const __int128 big = static_cast<__int128>(kMax) * 4 + 2;  // (4 * max + 2) / 4 = max + 0.5
  EXPECT_THAT(divideRoundHalfEven(big, 4), StatusIs(lh::Code::InvalidArgument, HasSubstr("int64")));
  lh::Result<int64_t> q = divideRoundHalfEven(static_cast<__int128>(kMax) * 4 + 1, 4);
  ASSERT_TRUE(q.isOk());
  EXPECT_EQ(*q, kMax);  // max + 0.25 rounds down to max
}

TEST(ConvertTest, ConvertsBetweenExponentsExactly) {
  EXPECT_EQ(converted(10000, "USD", "0.9", "EUR"), 9000);      // 100.00 USD -> 90.00 EUR
  EXPECT_EQ(converted(10000, "EUR", "1.0845", "USD"), 10845);  // 100.00 EUR -> 108.45 USD
  EXPECT_EQ(converted(10000, "USD", "150.25", "JPY"), 15025);  // 100.00 USD -> 15025 JPY
  EXPECT_EQ(converted(15025, "JPY", "0.0067", "USD"), 10067);  // 15025 JPY -> 100.6675 -> 100.67
  EXPECT_EQ(converted(1000, "KWD", "3.25", "USD"), 325);       // 1.000 KWD -> 3.25 USD
  EXPECT_EQ(converted(325, "USD", "0.307692", "KWD"), 1000);   // 0.99999.. KWD -> 1.000
}

TEST(ConvertTest, RoundsHalfToEvenAtTheTargetsMinorUnit) {
  EXPECT_EQ(converted(1, "USD", "0.5", "EUR"), 0);    // 0.5 cent -> 0 (even)
  EXPECT_EQ(converted(3, "USD", "0.5", "EUR"), 2);    // 1.5 cents -> 2 (even)
  EXPECT_EQ(converted(5, "USD", "0.5", "EUR"), 2);    // 2.5 cents -> 2 (even)
  EXPECT_EQ(converted(7, "USD", "0.5", "EUR"), 4);    // 3.5 cents -> 4 (even)
  EXPECT_EQ(converted(-5, "USD", "0.5", "EUR"), -2);  // symmetric for negative balances
  EXPECT_EQ(converted(-7, "USD", "0.5", "EUR"), -4);
  EXPECT_EQ(converted(1, "JPY", "0.0067", "USD"), 1);  // 0.67 cent -> 1
  EXPECT_EQ(converted(1, "JPY", "0.0033", "USD"), 0);  // 0.33 cent -> 0
  // USD (2 decimals) into JPY (0 decimals): the shift goes into the divisor.
  EXPECT_EQ(converted(12500, "USD", "0.01", "JPY"), 1);  // 1.25 JPY -> 1
  EXPECT_EQ(converted(15000, "USD", "0.01", "JPY"), 2);  // 1.50 JPY -> 2 (even)
  EXPECT_EQ(converted(25000, "USD", "0.01", "JPY"), 2);  // 2.50 JPY -> 2 (even)
  EXPECT_EQ(converted(25001, "USD", "0.01", "JPY"), 3);  // 2.5001 -> 3 (not a tie)
}

TEST(ConvertTest, OutOfRangeIsAnErrorNotAWrap) {
  EXPECT_THAT(convert(Money{kMax, ccy("USD")}, rate("2"), ccy("EUR")),
              StatusIs(lh::Code::InvalidArgument, HasSubstr("out of range")));
  EXPECT_THAT(convert(Money{kMax, ccy("JPY")}, rate("999999999999999999"), ccy("CLF")),
              StatusIs(lh::Code::InvalidArgument, HasSubstr("out of range")));
  // Large but representable: no false alarm.
  EXPECT_EQ(converted(kMax, "USD", "1", "EUR"), kMax);
  EXPECT_EQ(converted(kMax, "USD", "0.5", "EUR"), kMax / 2 + 1);  // x.5 rounds to the even value
}

}  // namespace
}  // namespace lh::core
