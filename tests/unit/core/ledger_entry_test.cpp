#include "core/ledger_entry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "unit/core/ledger_test_support.h"

namespace lh::core {
namespace {

using testing::acmeTenant;
using testing::ccy;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::StatusIs;

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

TEST(CheckBalancedTest, AcceptsEntriesThatBalancePerCurrency) {
  const std::vector<LedgerLine> lines = {
      debitLine("1100", ccy("USD"), 10000), creditLine("4000", ccy("USD"), 9680),
      creditLine("5000", ccy("USD"), 320),  debitLine("1100", ccy("JPY"), 500),
      creditLine("4000", ccy("JPY"), 500),
  };
  EXPECT_TRUE(checkBalanced(lines).isOk());
}

TEST(CheckBalancedTest, NamesEveryUnbalancedCurrencyWithExactAmounts) {
  const std::vector<LedgerLine> lines = {
      debitLine("1100", ccy("KWD"), 1250),
      creditLine("4000", ccy("KWD"), 1000),
      debitLine("1100", ccy("JPY"), 500),
      creditLine("4000", ccy("JPY"), 700),
  };
  EXPECT_THAT(checkBalanced(lines),
              StatusIs(lh::Code::InvalidArgument,
                       AllOf(HasSubstr("JPY debits 500, credits 700 (credits exceed debits by "
                                       "200)"),
                             HasSubstr("KWD debits 1.250, credits 1.000 (debits exceed credits "
                                       "by 0.250)"))));
}

TEST(CheckBalancedTest, RefusesMalformedLines) {
  EXPECT_THAT(checkBalanced({}), StatusIs(lh::Code::InvalidArgument, HasSubstr("no lines")));
  EXPECT_THAT(checkBalanced(std::vector<LedgerLine>{LedgerLine{"1100", ccy("USD"), 5, 5}}),
              StatusIs(lh::Code::InvalidArgument, HasSubstr("both a debit and a credit")));
  EXPECT_THAT(checkBalanced(std::vector<LedgerLine>{LedgerLine{"1100", ccy("USD"), 0, 0}}),
              StatusIs(lh::Code::InvalidArgument, HasSubstr("neither a debit nor a credit")));
  EXPECT_THAT(checkBalanced(std::vector<LedgerLine>{LedgerLine{"1100", ccy("USD"), -5, 0},
                                                    LedgerLine{"4000", ccy("USD"), 0, -5}}),
              StatusIs(lh::Code::InvalidArgument, HasSubstr("line 0 (account '1100')")));
  EXPECT_THAT(checkBalanced(std::vector<LedgerLine>{LedgerLine{"", ccy("USD"), 5, 0}}),
              StatusIs(lh::Code::InvalidArgument, HasSubstr("no account")));
}

TEST(CheckBalancedTest, TotalsBeyondInt64AreRefusedNotWrapped) {
  // Two debits of INT64_MAX wrap to -2 in int64; a wrapped sum could "balance" against -2.
  const std::vector<LedgerLine> lines = {
      debitLine("1100", ccy("USD"), kMax), debitLine("1100", ccy("USD"), kMax),
      creditLine("4000", ccy("USD"), kMax), creditLine("4000", ccy("USD"), kMax)};
  EXPECT_THAT(checkBalanced(lines),
              StatusIs(lh::Code::InvalidArgument, HasSubstr("does not fit int64")));
}

TEST(CheckAccountsTest, EveryAccountMustBeInTheChart) {
  const Tenant tenant = acmeTenant();
  EXPECT_TRUE(
      checkAccounts(tenant, std::vector<LedgerLine>{debitLine("1000", ccy("USD"), 1)}).isOk());
  EXPECT_THAT(checkAccounts(tenant, std::vector<LedgerLine>{debitLine("1000", ccy("USD"), 1),
                                                            creditLine("4001", ccy("USD"), 1)}),
              StatusIs(lh::Code::InvalidArgument,
                       HasSubstr("line 1: account '4001' is not in the chart of accounts of "
                                 "tenant 'acme'")));
}

TEST(MirrorLinesTest, SwapsSidesAndKeepsOrder) {
  const std::vector<LedgerLine> lines = {debitLine("1100", ccy("USD"), 7),
                                         creditLine("4000", ccy("USD"), 7)};
  EXPECT_THAT(mirrorLines(lines),
              ElementsAre(creditLine("1100", ccy("USD"), 7), debitLine("4000", ccy("USD"), 7)));
}

TEST(IsIsoDateTest, AcceptsRealCalendarDatesOnly) {
  for (const char* good : {"2026-01-01", "2024-02-29", "2000-02-29", "0001-01-01", "9999-12-31"}) {
    EXPECT_TRUE(isIsoDate(good)) << good;
  }
  for (const char* bad :
       {"2026-02-29", "1900-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "0000-01-01",
        "2026-1-01", "2026/01/01", "2026-01-01T00:00:00Z", "", "20260101", "2026-01-0a"}) {
    EXPECT_FALSE(isIsoDate(bad)) << bad;
  }
}

TEST(FormatUtcMillisTest, FormatsMillisecondsInUtc) {
  EXPECT_EQ(formatUtcMillis(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(formatUtcMillis(1767225600123), "2026-01-01T00:00:00.123Z");
  EXPECT_EQ(formatUtcMillis(-1), "1969-12-31T23:59:59.999Z");
}

TEST(EntryKindTest, NamesRoundTrip) {
  for (EntryKind kind : {EntryKind::Normal, EntryKind::Reversal}) {
    lh::Result<EntryKind> parsed = parseEntryKind(entryKindName(kind));
    ASSERT_TRUE(parsed.isOk());
    EXPECT_EQ(*parsed, kind);
  }
  EXPECT_THAT(parseEntryKind("edit"), StatusIs(lh::Code::InvalidArgument, HasSubstr("'edit'")));
}

}  // namespace
}  // namespace lh::core
