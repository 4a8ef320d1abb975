// The static balance check: amount = net + fee, settlement.amount = settlement.net +
// settlement.fee, every other money field independent.
#include "pipeline/balance_check.h"

#include <gtest/gtest.h>

namespace lh::pipeline {
namespace {

using Side = core::PostingLine::Side;

core::PostingLine dr(const char* field) { return {"1000", Side::Debit, field}; }
core::PostingLine cr(const char* field) { return {"2000", Side::Credit, field}; }

TEST(BalanceCheckTest, SameFieldOnBothSidesBalances) {
  EXPECT_EQ(balanceProblem({dr("amount"), cr("amount")}), std::nullopt);
  EXPECT_EQ(balanceProblem({dr("fee"), cr("fee")}), std::nullopt);
  EXPECT_EQ(balanceProblem({dr("settlement.net"), cr("settlement.net")}), std::nullopt);
}

TEST(BalanceCheckTest, NetPlusFeeBalancesAmount) {
  EXPECT_EQ(balanceProblem({dr("net"), dr("fee"), cr("amount")}), std::nullopt);
  EXPECT_EQ(balanceProblem({dr("amount"), cr("net"), cr("fee")}), std::nullopt);
  EXPECT_EQ(balanceProblem({dr("settlement.net"), dr("settlement.fee"), cr("settlement.amount")}),
            std::nullopt);
  // Amount and fee on both sides (a dispute: amount withdrawn plus a dispute fee).
  EXPECT_EQ(balanceProblem({dr("amount"), dr("fee"), cr("amount"), cr("fee")}), std::nullopt);
}

TEST(BalanceCheckTest, AmountAgainstNetLeavesTheFeeOnTheDebitSide) {
  EXPECT_EQ(balanceProblem({dr("amount"), cr("net")}),
            "debits (amount = net + fee) and credits (net) differ by fee on the debit side");
}

TEST(BalanceCheckTest, ReportsWhatIsLeftOnEachSide) {
  EXPECT_EQ(balanceProblem({dr("net"), dr("fee"), dr("fee"), cr("amount"), cr("tax")}),
            "debits (net + fee + fee) and credits (amount + tax = net + fee + tax) differ by fee "
            "on the debit side and tax on the credit side");
  EXPECT_EQ(balanceProblem({dr("fee"), dr("fee"), cr("net")}),
            "debits (fee + fee) and credits (net) differ by 2 x fee on the debit side and net on "
            "the credit side");
}

TEST(BalanceCheckTest, AOneSidedRuleCannotBalance) {
  EXPECT_EQ(balanceProblem({dr("amount")}),
            "debits (amount = net + fee) and credits (nothing) differ by net + fee on the debit "
            "side");
}

TEST(BalanceCheckTest, PresentmentAndSettlementCurrenciesNeverBalanceEachOther) {
  EXPECT_EQ(balanceProblem({dr("settlement.amount"), cr("amount")}),
            "debits (settlement.amount = settlement.net + settlement.fee) and credits (amount = "
            "net + fee) differ by settlement.net + settlement.fee on the debit side and net + fee "
            "on the credit side");
}

TEST(BalanceCheckTest, MoneyFields) {
  EXPECT_TRUE(isMoneyField("amount"));
  EXPECT_TRUE(isMoneyField("settlement.fee"));
  EXPECT_FALSE(isMoneyField("fees"));
  EXPECT_FALSE(isMoneyField("gross"));
  EXPECT_EQ(moneyFields().size(), 7u);
}

}  // namespace
}  // namespace lh::pipeline
