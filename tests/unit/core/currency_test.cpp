#include "core/currency.h"

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <unordered_set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace lh::core {
namespace {

using ::testing::HasSubstr;

// Expected ISO minor units of the notable currencies, straight from List One.
struct ExponentCase {
  const char* code;
  int numeric;
  int exponent;
};

class CurrencyExponentTest : public ::testing::TestWithParam<ExponentCase> {};

TEST_P(CurrencyExponentTest, HasIsoNumericAndExponent) {
  const ExponentCase& c = GetParam();
  lh::Result<Currency> currency = currencyFromCode(c.code);
  ASSERT_TRUE(currency.isOk()) << currency.status();
  EXPECT_EQ(currency->code(), c.code);
  EXPECT_EQ(currency->numeric(), c.numeric);
  EXPECT_EQ(currency->exponent(), c.exponent);
  EXPECT_TRUE(currency->isActive());
  int64_t pow = 1;
  for (int i = 0; i < c.exponent; ++i) {
    pow *= 10;
  }
  EXPECT_EQ(currency->minorPerMajor(), pow);
}

INSTANTIATE_TEST_SUITE_P(
    Iso4217, CurrencyExponentTest,
    ::testing::Values(
        // zero decimals
        ExponentCase{"JPY", 392, 0}, ExponentCase{"KRW", 410, 0}, ExponentCase{"ISK", 352, 0},
        ExponentCase{"CLP", 152, 0}, ExponentCase{"VND", 704, 0}, ExponentCase{"UGX", 800, 0},
        ExponentCase{"XAF", 950, 0}, ExponentCase{"XOF", 952, 0}, ExponentCase{"XPF", 953, 0},
        ExponentCase{"BIF", 108, 0}, ExponentCase{"DJF", 262, 0}, ExponentCase{"GNF", 324, 0},
        ExponentCase{"KMF", 174, 0}, ExponentCase{"PYG", 600, 0}, ExponentCase{"RWF", 646, 0},
        ExponentCase{"VUV", 548, 0}, ExponentCase{"UYI", 940, 0},
        // two decimals
        ExponentCase{"USD", 840, 2}, ExponentCase{"EUR", 978, 2}, ExponentCase{"GBP", 826, 2},
        ExponentCase{"CHF", 756, 2}, ExponentCase{"CAD", 124, 2}, ExponentCase{"ALL", 8, 2},
        ExponentCase{"MGA", 969, 2}, ExponentCase{"HUF", 348, 2}, ExponentCase{"TWD", 901, 2},
        ExponentCase{"XCG", 532, 2}, ExponentCase{"ZWG", 924, 2}, ExponentCase{"XAD", 396, 2},
        ExponentCase{"SLE", 925, 2}, ExponentCase{"VED", 926, 2}, ExponentCase{"USN", 997, 2},
        // three decimals
        ExponentCase{"BHD", 48, 3}, ExponentCase{"KWD", 414, 3}, ExponentCase{"JOD", 400, 3},
        ExponentCase{"OMR", 512, 3}, ExponentCase{"TND", 788, 3}, ExponentCase{"IQD", 368, 3},
        ExponentCase{"LYD", 434, 3},
        // four decimals
        ExponentCase{"CLF", 990, 4}, ExponentCase{"UYW", 927, 4}),
    [](const ::testing::TestParamInfo<ExponentCase>& info) {
      return std::string(info.param.code);
    });

TEST(CurrencyTable, HoldsTheWholeCurrentList) {
  // 178 codes are on List One after amendment 180 (2026-01-01); 9 withdrawn codes are kept.
  size_t active = 0;
  size_t historic = 0;
  size_t no_minor_unit = 0;
  for (const Iso4217Entry& e : iso4217Table()) {
    (e.active ? active : historic) += 1;
    if (e.minor_unit == kNoMinorUnit) {
      ++no_minor_unit;
    }
  }
  EXPECT_EQ(active, 178U);
  EXPECT_EQ(historic, 9U);
  EXPECT_EQ(no_minor_unit, 13U);
}

TEST(CurrencyTable, EveryMoneyUsableRowResolvesToItself) {
  for (const Iso4217Entry& e : iso4217Table()) {
    lh::Result<Currency> currency = currencyFromCode(e.code);
    if (e.minor_unit == kNoMinorUnit) {
      EXPECT_FALSE(currency.isOk()) << e.code;
      continue;
    }
    ASSERT_TRUE(currency.isOk()) << e.code << ": " << currency.status();
    EXPECT_EQ(currency->code(), e.code);
    EXPECT_EQ(currency->numeric(), e.numeric);
    EXPECT_EQ(currency->exponent(), e.minor_unit);
    EXPECT_EQ(currency->isActive(), e.active);
    EXPECT_EQ(currency->name(), e.name);
    EXPECT_EQ(findIso4217(e.code), &e);
  }
}

TEST(CurrencyTable, ActiveNumericCodesAreUnique) {
  std::set<int> seen;
  for (const Iso4217Entry& e : iso4217Table()) {
    if (e.active) {
      EXPECT_TRUE(seen.insert(e.numeric).second) << "duplicate active numeric " << e.numeric;
    }
  }
}

TEST(CurrencyTable, WithdrawnCodesAreKeptForHistoryButFlagged) {
  for (const char* code : {"HRK", "BGN", "ANG", "ZWL", "SLL", "CUC", "VEF", "MRO", "STD"}) {
    lh::Result<Currency> currency = currencyFromCode(code);
    ASSERT_TRUE(currency.isOk()) << code << ": " << currency.status();
    EXPECT_FALSE(currency->isActive()) << code;
    EXPECT_EQ(currency->exponent(), 2) << code;
  }
  // Their successors are active.
  for (const char* code : {"EUR", "XCG", "ZWG", "SLE", "CUP", "VES", "MRU", "STN"}) {
    EXPECT_TRUE(knownCurrency(code).isActive()) << code;
  }
}

TEST(CurrencyFromCode, RefusesCodesWithoutMinorUnit) {
  for (const char* code : {"XAU", "XAG", "XPD", "XPT", "XDR", "XBA", "XBB", "XBC", "XBD", "XSU",
                           "XUA", "XTS", "XXX"}) {
    const Iso4217Entry* entry = findIso4217(code);
    ASSERT_NE(entry, nullptr) << code;
    EXPECT_EQ(entry->minor_unit, kNoMinorUnit) << code;
    lh::Result<Currency> currency = currencyFromCode(code);
    ASSERT_FALSE(currency.isOk()) << code;
    EXPECT_EQ(currency.status().code(), Code::InvalidArgument);
    EXPECT_THAT(currency.status().message(), HasSubstr(code));
    EXPECT_THAT(currency.status().message(), HasSubstr("no minor unit"));
  }
}

struct BadCode {
  const char* code;
  const char* expected;  // substring of the message
};

class CurrencyFromCodeErrorTest : public ::testing::TestWithParam<BadCode> {};

TEST_P(CurrencyFromCodeErrorTest, IsInvalidArgumentNamingTheCode) {
  lh::Result<Currency> currency = currencyFromCode(GetParam().code);
  ASSERT_FALSE(currency.isOk());
  EXPECT_EQ(currency.status().code(), Code::InvalidArgument);
  EXPECT_THAT(currency.status().message(), HasSubstr(GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(Malformed, CurrencyFromCodeErrorTest,
                         ::testing::Values(BadCode{"ABC", "unknown ISO 4217 currency code 'ABC'"},
                                           BadCode{"QQQ", "unknown ISO 4217 currency code 'QQQ'"},
                                           BadCode{"usd", "'usd' is not upper case"},
                                           BadCode{"Usd", "'Usd' is not upper case"},
                                           BadCode{"", "'' is not an ISO 4217 code"},
                                           BadCode{"US", "'US' is not an ISO 4217 code"},
                                           BadCode{"USDX", "'USDX' is not an ISO 4217 code"},
                                           BadCode{" USD", "' USD' is not an ISO 4217 code"},
                                           BadCode{"US1", "'US1' is not an ISO 4217 code"},
                                           BadCode{"U$D", "'U$D' is not an ISO 4217 code"}));

TEST(CurrencyFromCode, NonPrintableInputIsNotEchoedRaw) {
  lh::Result<Currency> currency = currencyFromCode(std::string_view("U\nD", 3));
  ASSERT_FALSE(currency.isOk());
  EXPECT_THAT(currency.status().message(), HasSubstr("'U?D'"));
  EXPECT_EQ(currency.status().message().find('\n'), std::string::npos);
}

TEST(CurrencyFromCodeCaseInsensitive, AcceptsStripeLowerCase) {
  for (const char* code : {"usd", "USD", "Usd", "uSd"}) {
    lh::Result<Currency> currency = currencyFromCodeCaseInsensitive(code);
    ASSERT_TRUE(currency.isOk()) << code << ": " << currency.status();
    EXPECT_EQ(*currency, knownCurrency("USD"));
  }
  EXPECT_EQ(currencyFromCodeCaseInsensitive("jpy")->exponent(), 0);
  EXPECT_EQ(currencyFromCodeCaseInsensitive("kwd")->exponent(), 3);
}

TEST(CurrencyFromCodeCaseInsensitive, StillRefusesUnknownMalformedAndNoMinorUnit) {
  EXPECT_EQ(currencyFromCodeCaseInsensitive("abc").status().code(), Code::InvalidArgument);
  EXPECT_THAT(currencyFromCodeCaseInsensitive("abc").status().message(), HasSubstr("'abc'"));
  EXPECT_FALSE(currencyFromCodeCaseInsensitive("us").isOk());
  EXPECT_FALSE(currencyFromCodeCaseInsensitive("u5d").isOk());
  EXPECT_FALSE(currencyFromCodeCaseInsensitive("xau").isOk());
}

TEST(CurrencyFromNumeric, FindsTheActiveCurrency) {
  EXPECT_EQ(currencyFromNumeric(840)->code(), "USD");
  EXPECT_EQ(currencyFromNumeric(978)->code(), "EUR");
  EXPECT_EQ(currencyFromNumeric(8)->code(), "ALL");
  // 532 was ANG and is now XCG: the active one wins.
  EXPECT_EQ(currencyFromNumeric(532)->code(), "XCG");
  EXPECT_EQ(currencyFromNumeric(975).status().code(), Code::InvalidArgument);  // BGN, withdrawn
  EXPECT_EQ(currencyFromNumeric(959).status().code(), Code::InvalidArgument);  // XAU
  EXPECT_EQ(currencyFromNumeric(0).status().code(), Code::InvalidArgument);
  EXPECT_EQ(currencyFromNumeric(-840).status().code(), Code::InvalidArgument);
  EXPECT_THAT(currencyFromNumeric(1).status().message(), HasSubstr("1"));
}

TEST(Currency, ValueSemanticsEqualityOrderingAndHash) {
  const Currency usd = knownCurrency("USD");
  const Currency usd2 = currencyFromCodeCaseInsensitive("usd").value();
  const Currency eur = knownCurrency("EUR");
  EXPECT_EQ(usd, usd2);
  EXPECT_NE(usd, eur);
  EXPECT_LT(eur, usd);  // alphabetical by code
  EXPECT_EQ(std::hash<Currency>()(usd), std::hash<Currency>()(usd2));

  std::map<Currency, int> by_code{{usd, 1}, {eur, 2}};
  EXPECT_EQ(by_code.begin()->first, eur);
  std::unordered_set<Currency> set{usd, usd2, eur};
  EXPECT_EQ(set.size(), 2U);

  std::ostringstream os;
  os << usd;
  EXPECT_EQ(os.str(), "USD");
  EXPECT_EQ(usd.name(), "US Dollar");
}

TEST(CurrencyDeathTest, KnownCurrencyCrashesOnAWrongLiteral) {
  EXPECT_DEATH(knownCurrency("XYZ"), "invariant failed");
  EXPECT_DEATH(knownCurrency("usd"), "invariant failed");
}

}  // namespace
}  // namespace lh::core
