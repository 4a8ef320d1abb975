#include "core/ledger_reports.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "core/ledger.h"
#include "core/ledger_memory_store.h"
#include "core/ledger_rates.h"
#include "unit/core/ledger_test_support.h"

namespace lh::core {
namespace {

using testing::acmeTenant;
using testing::ccy;
using testing::draftOf;
using ::testing::ElementsAre;
using testing::feeDraft;
using ::testing::HasSubstr;
using testing::kJan1Ms;
using testing::paymentEvent;
using testing::saleDraft;
using testing::StatusIs;

struct Rev {
  std::string period;
  std::string currency;
  int64_t minor;
  friend bool operator==(const Rev&, const Rev&) = default;
  friend std::ostream& operator<<(std::ostream& os, const Rev& r) {
    return os << r.period << " " << r.currency << " " << r.minor;
  }
};

std::vector<Rev> revs(const lh::Result<std::vector<RevenueRow>>& rows) {
  EXPECT_TRUE(rows.isOk()) << rows.status();
  std::vector<Rev> out;
  if (rows.isOk()) {
    for (const RevenueRow& r : *rows) {
      out.push_back(Rev{r.period, std::string(r.currency.code()), r.revenue_minor});
    }
  }
  return out;
}

class LedgerReportsTest : public ::testing::Test {
 protected:
  // Posts one payment: Dr clearing / Cr `revenue` `minor`, and a fee when `fee` > 0.
  void pay(const std::string& id, const std::string& date, int64_t minor,
           const char* currency = "USD", int64_t fee = 0, const std::string& revenue = "4000") {
    std::vector<PostingDraft> drafts = {saleDraft(date, minor, currency, "payment-sale", revenue)};
    if (fee > 0) {
      drafts.push_back(feeDraft(date, fee, currency));
    }
    lh::Result<PostOutcome> outcome = ledger_.postEvent(
        tenant_, paymentEvent(++nextId_, id, 1, date, minor, currency), drafts, kJan1Ms);
    ASSERT_TRUE(outcome.isOk()) << outcome.status();
  }

  // A refund posted against revenue: Dr sales / Cr clearing.
  void refund(const std::string& id, const std::string& date, int64_t minor) {
    StoredEvent event = paymentEvent(++nextId_, id, 1, date, minor);
    event.event.type = EventType::Refund;
    PostingDraft draft =
        draftOf("refund", date, "refund",
                {debitLine("4000", ccy("USD"), minor), creditLine("1100", ccy("USD"), minor)});
    ASSERT_TRUE(
        ledger_.postEvent(tenant_, event, std::vector<PostingDraft>{draft}, kJan1Ms).isOk());
  }

  Tenant tenant_ = acmeTenant();
  MemoryLedgerStore store_;
  Ledger ledger_{store_};
  int64_t nextId_ = 0;
};

TEST_F(LedgerReportsTest, BalancesAsOfADateIncludeOnlyEntriesEffectiveByThen) {
  pay("a", "2026-01-05", 10000, "USD", 320);
  pay("b", "2026-01-20", 5000, "USD", 175);
  pay("c", "2026-02-01", 700, "EUR");

  lh::Result<std::vector<BalanceRow>> jan10 = accountBalances(store_, tenant_, "2026-01-10");
  ASSERT_TRUE(jan10.isOk()) << jan10.status();
  ASSERT_EQ(jan10->size(), 3u);
  EXPECT_EQ((*jan10)[0].account, "1100");
  EXPECT_EQ((*jan10)[0].name, "Processor clearing");
  EXPECT_EQ((*jan10)[0].debit_minor, 10000);
  EXPECT_EQ((*jan10)[0].credit_minor, 320);
  EXPECT_EQ((*jan10)[0].balance_minor, 9680);
  EXPECT_EQ((*jan10)[0].normal_balance_minor, 9680);  // asset: debit-normal
  EXPECT_EQ((*jan10)[1].account, "4000");
  EXPECT_EQ((*jan10)[1].balance_minor, -10000);
  EXPECT_EQ((*jan10)[1].normal_balance_minor, 10000);  // revenue: credit-normal, reads positive
  EXPECT_EQ((*jan10)[2].account, "5000");
  EXPECT_EQ((*jan10)[2].balance_minor, 320);

  // The boundary is inclusive; later entries and other currencies appear as they become effective.
  lh::Result<std::vector<BalanceRow>> jan20 = accountBalances(store_, tenant_, "2026-01-20");
  ASSERT_TRUE(jan20.isOk());
  EXPECT_EQ((*jan20)[0].balance_minor, 9680 + 4825);
  lh::Result<std::vector<BalanceRow>> all = accountBalances(store_, tenant_, std::nullopt);
  ASSERT_TRUE(all.isOk());
  ASSERT_EQ(all->size(), 5u);  // 1100 EUR, 1100 USD, 4000 EUR, 4000 USD, 5000 USD
  EXPECT_EQ((*all)[0].account, "1100");
  EXPECT_EQ((*all)[0].currency, ccy("EUR"));
  EXPECT_EQ((*all)[1].currency, ccy("USD"));

  lh::Result<std::vector<BalanceRow>> before = accountBalances(store_, tenant_, "2025-12-31");
  ASSERT_TRUE(before.isOk());
  EXPECT_TRUE(before->empty());
  EXPECT_THAT(accountBalances(store_, tenant_, "2026-1-1"),
              StatusIs(lh::Code::InvalidArgument, HasSubstr("as-of date '2026-1-1'")));
}

TEST_F(LedgerReportsTest, TrialBalanceSumsToZeroPerCurrency) {
  pay("a", "2026-01-05", 10000, "USD", 320);
  pay("b", "2026-01-06", 99, "JPY", 3);
  pay("c", "2026-01-07", 1250, "KWD", 0, "4100");
  refund("r", "2026-01-08", 2500);

  lh::Result<TrialBalance> tb = trialBalance(store_, tenant_, std::nullopt);
  ASSERT_TRUE(tb.isOk()) << tb.status();
  std::map<std::string, int64_t> sumBalance;
  std::map<std::string, std::pair<int64_t, int64_t>> sumSides;
  for (const TrialBalanceRow& row : tb->rows) {
    EXPECT_EQ(row.balance_minor, row.debit_minor - row.credit_minor);
    sumBalance[std::string(row.currency.code())] += row.balance_minor;
    sumSides[std::string(row.currency.code())].first += row.debit_minor;
    sumSides[std::string(row.currency.code())].second += row.credit_minor;
  }
  ASSERT_EQ(tb->totals.size(), 3u);
  for (const TrialBalanceTotal& total : tb->totals) {
    const std::string code(total.currency.code());
    EXPECT_EQ(total.balance_minor, 0) << code;
    EXPECT_EQ(total.debit_minor, total.credit_minor) << code;
    EXPECT_EQ(sumBalance[code], 0) << code;
    EXPECT_EQ(sumSides[code].first, total.debit_minor) << code;
  }
  EXPECT_EQ(tb->totals[0].currency, ccy("JPY"));
  EXPECT_EQ(tb->totals[1].currency, ccy("KWD"));
  EXPECT_EQ(tb->totals[2].currency, ccy("USD"));
  EXPECT_EQ(tb->totals[2].debit_minor, 10000 + 320 + 2500);
}

TEST_F(LedgerReportsTest, RevenueByDayAndMonth) {
  pay("a", "2026-01-05", 10000);
  pay("b", "2026-01-05", 2000, "USD", 0, "4100");  // another revenue account, same day
  pay("c", "2026-01-31", 500);
  pay("d", "2026-01-31", 300, "EUR");
  pay("e", "2026-02-01", 700);
  refund("r", "2026-02-03", 1200);

  EXPECT_THAT(revs(revenueByPeriod(store_, tenant_, std::nullopt, std::nullopt, Period::Day)),
              ElementsAre(Rev{"2026-01-05", "USD", 12000}, Rev{"2026-01-31", "EUR", 300},
                          Rev{"2026-01-31", "USD", 500}, Rev{"2026-02-01", "USD", 700},
                          Rev{"2026-02-03", "USD", -1200}));
  EXPECT_THAT(revs(revenueByPeriod(store_, tenant_, std::nullopt, std::nullopt, Period::Month)),
              ElementsAre(Rev{"2026-01", "EUR", 300}, Rev{"2026-01", "USD", 12500},
                          Rev{"2026-02", "USD", -500}));
  EXPECT_THAT(revs(revenueByPeriod(store_, tenant_, "2026-01-06", "2026-02-01", Period::Month)),
              ElementsAre(Rev{"2026-01", "EUR", 300}, Rev{"2026-01", "USD", 500},
                          Rev{"2026-02", "USD", 700}));
  EXPECT_THAT(revenueByPeriod(store_, tenant_, "yesterday", std::nullopt, Period::Day),
              StatusIs(lh::Code::InvalidArgument, HasSubstr("from date 'yesterday'")));
}

TEST_F(LedgerReportsTest, PeriodNamesRoundTrip) {
  EXPECT_EQ(periodName(Period::Day), "day");
  EXPECT_EQ(periodName(Period::Month), "month");
  ASSERT_TRUE(parsePeriod("month").isOk());
  EXPECT_EQ(*parsePeriod("month"), Period::Month);
  EXPECT_THAT(parsePeriod("week"), StatusIs(lh::Code::InvalidArgument, HasSubstr("'week'")));
}

TEST_F(LedgerReportsTest, RevenueInBaseCurrencyUsesEachDaysRate) {
  tenant_.rates = {{"2026-01-01", "EUR", "USD", "1.10"}, {"2026-01-15", "EUR", "USD", "1.20"}};
  pay("a", "2026-01-10", 1000, "EUR");  // at 1.10 -> 11.00 USD
  pay("b", "2026-01-20", 1000, "EUR");  // at 1.20 -> 12.00 USD
  pay("c", "2026-01-20", 500);          // USD as is
  EXPECT_THAT(
      revs(revenueByPeriodInBase(store_, tenant_, std::nullopt, std::nullopt, Period::Month)),
      ElementsAre(Rev{"2026-01", "USD", 1100 + 1200 + 500}));
  EXPECT_THAT(revs(revenueByPeriodInBase(store_, tenant_, std::nullopt, std::nullopt, Period::Day)),
              ElementsAre(Rev{"2026-01-10", "USD", 1100}, Rev{"2026-01-20", "USD", 1700}));
  // A currency without a rate is an error naming the pair, never a silent omission.
  pay("d", "2026-01-21", 100, "GBP");
  EXPECT_THAT(revenueByPeriodInBase(store_, tenant_, std::nullopt, std::nullopt, Period::Month),
              StatusIs(lh::Code::InvalidConfig,
                       HasSubstr("no exchange rate between GBP and USD on or before 2026-01-21")));
}

TEST_F(LedgerReportsTest, BalancesInBaseCurrencyConvertAtTheAsOfRate) {
  // JPY -> USD at 0.0067: 1 JPY = 0.67 cents. 150 JPY = 100.5 cents -> 100 (half to even).
  tenant_.rates = {{"2026-01-01", "JPY", "USD", "0.0067"}, {"2026-02-01", "JPY", "USD", "0.0070"}};
  pay("a", "2026-01-05", 150, "JPY");
  pay("b", "2026-01-06", 2500);
  lh::Result<std::vector<BalanceRow>> rows = accountBalancesInBase(store_, tenant_, "2026-01-31");
  ASSERT_TRUE(rows.isOk()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].account, "1100");
  EXPECT_EQ((*rows)[0].currency, ccy("USD"));
  EXPECT_EQ((*rows)[0].balance_minor, 100 + 2500);
  EXPECT_EQ((*rows)[1].account, "4000");
  EXPECT_EQ((*rows)[1].balance_minor, -(100 + 2500));
  EXPECT_EQ((*rows)[1].normal_balance_minor, 100 + 2500);
  // Later, the later rate: 150 * 0.70 = 105 cents.
  rows = accountBalancesInBase(store_, tenant_, std::nullopt);
  ASSERT_TRUE(rows.isOk());
  EXPECT_EQ((*rows)[0].balance_minor, 105 + 2500);
}

TEST_F(LedgerReportsTest, EventRatesAreUsedWhenNoConfiguredRateIsNewer) {
  StoredEvent event = paymentEvent(++nextId_, "eur1", 1, "2026-01-10", 1000, "EUR");
  event.event.body["settlement"] = {{"amount", {{"minor", 1085}, {"currency", "USD"}}},
                                    {"exchange_rate", "1.085"}};
  ASSERT_TRUE(ledger_
                  .postEvent(tenant_, event,
                             std::vector<PostingDraft>{saleDraft("2026-01-10", 1000, "EUR")},
                             kJan1Ms)
                  .isOk());
  ReportingRates rates(tenant_, store_);
  lh::Result<Money> usd = rates.convertOn(Money{1000, ccy("EUR")}, ccy("USD"), "2026-01-31");
  ASSERT_TRUE(usd.isOk()) << usd.status();
  EXPECT_EQ(usd->minor, 1085);  // 10.85 exactly
  // The same rate, inverted, converts USD to EUR: 10.85 USD / 1.085 = 10.00 EUR.
  lh::Result<Money> eur = rates.convertOn(Money{1085, ccy("USD")}, ccy("EUR"), "2026-01-31");
  ASSERT_TRUE(eur.isOk());
  EXPECT_EQ(eur->minor, 1000);

  // A configured rate of the same date wins over the event's; a newer event rate wins over an
  // older configured one.
  tenant_.rates = {{"2026-01-10", "EUR", "USD", "1.5"}};
  ReportingRates sameDay(tenant_, store_);
  lh::Result<ExactRate> chosen = sameDay.rateOn(ccy("EUR"), ccy("USD"), "2026-01-31");
  ASSERT_TRUE(chosen.isOk());
  EXPECT_EQ(chosen->text(), "1.5");
  tenant_.rates = {{"2026-01-09", "EUR", "USD", "1.5"}};
  ReportingRates older(tenant_, store_);
  chosen = older.rateOn(ccy("EUR"), ccy("USD"), "2026-01-31");
  ASSERT_TRUE(chosen.isOk());
  EXPECT_EQ(chosen->text(), "1.085");
  // Before any rate: an error.
  EXPECT_THAT(older.rateOn(ccy("EUR"), ccy("USD"), "2026-01-08"),
              StatusIs(lh::Code::InvalidConfig, HasSubstr("no exchange rate between EUR and USD")));
}

TEST_F(LedgerReportsTest, ABadConfiguredRateIsAConfigError) {
  tenant_.rates = {{"2026-01-01", "EUR", "USD", "1,10"}};
  ReportingRates rates(tenant_, store_);
  EXPECT_THAT(rates.rateOn(ccy("EUR"), ccy("USD"), "2026-01-31"),
              StatusIs(lh::Code::InvalidConfig, HasSubstr("'1,10'")));
  tenant_.rates = {{"Jan 1", "EUR", "USD", "1.10"}};
  ReportingRates badDate(tenant_, store_);
  EXPECT_THAT(badDate.rateOn(ccy("EUR"), ccy("USD"), "2026-01-31"),
              StatusIs(lh::Code::InvalidConfig, HasSubstr("'Jan 1'")));
}

TEST_F(LedgerReportsTest, ListEntriesFilters) {
  pay("a", "2026-01-05", 10000, "USD", 320);
  pay("b", "2026-01-20", 5000, "USD", 175);
  refund("r", "2026-01-25", 100);
  auto ids = [&](const EntryQuery& query) {
    std::vector<int64_t> out;
    lh::Status status = listEntries(store_, query, [&](const LedgerEntry& e) {
      out.push_back(e.id);
      return lh::Status::ok();
    });
    EXPECT_TRUE(status.isOk()) << status;
    return out;
  };
  EntryQuery query;
  query.tenant = "acme";
  EXPECT_THAT(ids(query), ElementsAre(1, 2, 3, 4, 5));
  query.from_date = "2026-01-06";
  EXPECT_THAT(ids(query), ElementsAre(3, 4, 5));
  query.to_date = "2026-01-20";
  EXPECT_THAT(ids(query), ElementsAre(3, 4));
  query = EntryQuery{};
  query.tenant = "acme";
  query.account = "5000";
  EXPECT_THAT(ids(query), ElementsAre(2, 4));
  query.account.reset();
  query.rule_id = "refund";
  EXPECT_THAT(ids(query), ElementsAre(5));
  query.rule_id.reset();
  query.event_external_id = "b";
  EXPECT_THAT(ids(query), ElementsAre(3, 4));
  query.event_external_id.reset();
  query.event_id = 1;
  EXPECT_THAT(ids(query), ElementsAre(1, 2));
  query.tenant = "globex";
  EXPECT_TRUE(ids(query).empty());
  query.from_date = "bad";
  EXPECT_THAT(listEntries(store_, query, [](const LedgerEntry&) { return lh::Status::ok(); }),
              StatusIs(lh::Code::InvalidArgument, HasSubstr("from date 'bad'")));
}

}  // namespace
}  // namespace lh::core
