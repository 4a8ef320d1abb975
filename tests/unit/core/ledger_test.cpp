#include "core/ledger.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "core/hash_chain.h"
#include "core/ledger_memory_store.h"
#include "core/ledger_reports.h"
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

std::vector<BalanceRow> balancesOf(LedgerStore& store, const Tenant& tenant,
                                   const std::optional<std::string>& asOf = std::nullopt) {
  lh::Result<std::vector<BalanceRow>> rows = accountBalances(store, tenant, asOf);
  EXPECT_TRUE(rows.isOk()) << rows.status();
  return rows.isOk() ? *rows : std::vector<BalanceRow>();
}

// (account, currency, balance) triples, for comparing two ledgers' balances.
std::vector<std::tuple<std::string, std::string, int64_t>> summary(
    const std::vector<BalanceRow>& rows) {
  std::vector<std::tuple<std::string, std::string, int64_t>> out;
  for (const BalanceRow& row : rows) {
    out.emplace_back(row.account, std::string(row.currency.code()), row.balance_minor);
  }
  return out;
}

class LedgerTest : public ::testing::Test {
 protected:
  Tenant tenant_ = acmeTenant();
  MemoryLedgerStore store_;
  Ledger ledger_{store_};
};

TEST_F(LedgerTest, PostsEachDraftAsABalancedEntryOnTheChain) {
  const StoredEvent event = paymentEvent(7, "txn_1", 1, "2026-01-05", 10000);
  const std::vector<PostingDraft> drafts = {saleDraft("2026-01-05", 10000),
                                            feeDraft("2026-01-05", 320)};
  lh::Result<PostOutcome> outcome = ledger_.postEvent(tenant_, event, drafts, kJan1Ms);
  ASSERT_TRUE(outcome.isOk()) << outcome.status();
  EXPECT_THAT(outcome->posted, ElementsAre(1, 2));
  EXPECT_TRUE(outcome->reversals.empty());

  ASSERT_EQ(store_.entries().size(), 2u);
  const LedgerEntry& sale = store_.entries()[0];
  EXPECT_EQ(sale.tenant, "acme");
  EXPECT_EQ(sale.rule_id, "payment-sale");
  EXPECT_EQ(sale.event_connection, "stripe");
  EXPECT_EQ(sale.event_external_id, "txn_1");
  EXPECT_EQ(sale.event_id, 7);
  EXPECT_EQ(sale.event_version, 1);
  EXPECT_EQ(sale.event_checksum, event.event.checksum);
  EXPECT_EQ(sale.effective_date, "2026-01-05");
  EXPECT_EQ(sale.kind, EntryKind::Normal);
  EXPECT_FALSE(sale.reverses.has_value());
  EXPECT_EQ(sale.posted_at, "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(sale.seq, 1);
  EXPECT_EQ(sale.prev_hash, kGenesisHash);
  EXPECT_EQ(sale.hash, computeEntryHash(sale));
  EXPECT_THAT(sale.lines, ElementsAre(debitLine("1100", ccy("USD"), 10000),
                                      creditLine("4000", ccy("USD"), 10000)));
  EXPECT_EQ(store_.entries()[1].seq, 2);
  EXPECT_EQ(store_.entries()[1].prev_hash, sale.hash);
}

TEST_F(LedgerTest, RefusesAnUnbalancedDraftNamingTheImbalanceAndWritesNothing) {
  PostingDraft bad =
      draftOf("payment-sale", "2026-01-05", "sale",
              {debitLine("1100", ccy("USD"), 10000), creditLine("4000", ccy("USD"), 9000)});
  const std::vector<PostingDraft> drafts = {saleDraft("2026-01-05", 10000, "USD", "other"), bad};
  lh::Result<PostOutcome> outcome =
      ledger_.postEvent(tenant_, paymentEvent(1, "txn_1", 1, "2026-01-05", 10000), drafts, kJan1Ms);
  EXPECT_THAT(outcome, StatusIs(lh::Code::InvalidArgument,
                                AllOf(HasSubstr("posting rule 'payment-sale'"),
                                      HasSubstr("USD debits 100.00, credits 90.00"),
                                      HasSubstr("debits exceed credits by 10.00"))));
  // Checked before anything is written: the balanced first draft was not posted either.
  EXPECT_TRUE(store_.entries().empty());
}

TEST_F(LedgerTest, BalancesPerCurrencyNotAcrossCurrencies) {
  // 100 USD against 100 EUR "balances" in total minor units but not per currency.
  PostingDraft mixed =
      draftOf("fx", "2026-01-05", "",
              {debitLine("1100", ccy("USD"), 10000), creditLine("4000", ccy("EUR"), 10000)});
  EXPECT_THAT(
      ledger_.postEvent(tenant_, paymentEvent(1, "txn_1", 1, "2026-01-05", 1),
                        std::vector<PostingDraft>{mixed}, kJan1Ms),
      StatusIs(lh::Code::InvalidArgument, AllOf(HasSubstr("EUR debits 0.00, credits 100.00"),
                                                HasSubstr("USD debits 100.00, credits 0.00"))));
}

TEST_F(LedgerTest, RefusesAnAccountOutsideTheTenantsChart) {
  PostingDraft draft = draftOf(
      "r", "2026-01-05", "", {debitLine("9999", ccy("USD"), 5), creditLine("4000", ccy("USD"), 5)});
  EXPECT_THAT(ledger_.postEvent(tenant_, paymentEvent(1, "txn_1", 1, "2026-01-05", 5),
                                std::vector<PostingDraft>{draft}, kJan1Ms),
              StatusIs(lh::Code::InvalidArgument,
                       HasSubstr("account '9999' is not in the chart of accounts of tenant "
                                 "'acme'")));
  EXPECT_TRUE(store_.entries().empty());
}

TEST_F(LedgerTest, RefusesMalformedDrafts) {
  const StoredEvent event = paymentEvent(1, "txn_1", 1, "2026-01-05", 5);
  EXPECT_THAT(ledger_.postEvent(
                  tenant_, event,
                  std::vector<PostingDraft>{saleDraft("2026-01-05", 5), saleDraft("2026-01-05", 5)},
                  kJan1Ms),
              StatusIs(lh::Code::InvalidArgument, HasSubstr("two drafts for one rule")));
  EXPECT_THAT(ledger_.postEvent(tenant_, event,
                                std::vector<PostingDraft>{saleDraft("2026-02-30", 5)}, kJan1Ms),
              StatusIs(lh::Code::InvalidArgument, HasSubstr("'2026-02-30' is not a YYYY-MM-DD")));
  EXPECT_THAT(
      ledger_.postEvent(tenant_, event,
                        std::vector<PostingDraft>{saleDraft("2026-01-05", 5, "USD", "")}, kJan1Ms),
      StatusIs(lh::Code::InvalidArgument, HasSubstr("no rule id")));
  PostingDraft negative =
      draftOf("r", "2026-01-05", "",
              {debitLine("1100", ccy("USD"), -5), creditLine("4000", ccy("USD"), -5)});
  EXPECT_THAT(ledger_.postEvent(tenant_, event, std::vector<PostingDraft>{negative}, kJan1Ms),
              StatusIs(lh::Code::InvalidArgument, HasSubstr("negative side")));
  EXPECT_TRUE(store_.entries().empty());
}

TEST_F(LedgerTest, RefusesAnEventOfAnotherTenant) {
  const StoredEvent event = paymentEvent(1, "txn_1", 1, "2026-01-05", 5, "USD", "globex");
  EXPECT_THAT(
      ledger_.postEvent(tenant_, event, std::vector<PostingDraft>{saleDraft("2026-01-05", 5)},
                        kJan1Ms),
      StatusIs(lh::Code::InvalidArgument, HasSubstr("belongs to tenant 'globex', not 'acme'")));
}

TEST_F(LedgerTest, RepostingTheSameVersionIsANoOp) {
  const StoredEvent event = paymentEvent(1, "txn_1", 1, "2026-01-05", 10000);
  const std::vector<PostingDraft> drafts = {saleDraft("2026-01-05", 10000),
                                            feeDraft("2026-01-05", 320)};
  ASSERT_TRUE(ledger_.postEvent(tenant_, event, drafts, kJan1Ms).isOk());
  const std::vector<BalanceRow> before = balancesOf(store_, tenant_);
  for (int replay = 0; replay < 3; ++replay) {
    lh::Result<PostOutcome> again = ledger_.postEvent(tenant_, event, drafts, kJan1Ms + 1000);
    ASSERT_TRUE(again.isOk()) << again.status();
    EXPECT_TRUE(again->nothingWritten());
    EXPECT_EQ(again->already_posted, 2);
  }
  EXPECT_EQ(store_.entries().size(), 2u);
  EXPECT_EQ(summary(balancesOf(store_, tenant_)), summary(before));
}

TEST_F(LedgerTest, ANewVersionReversesTheOldEntriesAndPostsTheNewOnes) {
  const StoredEvent v1 = paymentEvent(1, "txn_1", 1, "2026-01-05", 10000);
  ASSERT_TRUE(ledger_
                  .postEvent(tenant_, v1,
                             std::vector<PostingDraft>{saleDraft("2026-01-05", 10000),
                                                       feeDraft("2026-01-05", 320)},
                             kJan1Ms)
                  .isOk());
  // The amount was corrected and the payment moved a day; the fee is unchanged.
  const StoredEvent v2 = paymentEvent(2, "txn_1", 2, "2026-01-06", 12000);
  const std::vector<PostingDraft> v2Drafts = {saleDraft("2026-01-06", 12000),
                                              feeDraft("2026-01-05", 320)};
  lh::Result<PostOutcome> outcome = ledger_.postEvent(tenant_, v2, v2Drafts, kJan1Ms + 5000);
  ASSERT_TRUE(outcome.isOk()) << outcome.status();
  EXPECT_THAT(outcome->reversals, ElementsAre(3));
  EXPECT_THAT(outcome->posted, ElementsAre(4));
  EXPECT_EQ(outcome->unchanged, 1);  // the fee entry stays: same date, memo and lines

  const LedgerEntry& reversal = store_.entries()[2];
  EXPECT_EQ(reversal.kind, EntryKind::Reversal);
  EXPECT_EQ(reversal.reverses, 1);
  EXPECT_EQ(reversal.rule_id, "payment-sale");
  EXPECT_EQ(reversal.event_id, 2);
  EXPECT_EQ(reversal.event_version, 2);
  EXPECT_EQ(reversal.effective_date, "2026-01-05");  // the reversed entry's date
  EXPECT_THAT(reversal.lines, ElementsAre(creditLine("1100", ccy("USD"), 10000),
                                          debitLine("4000", ccy("USD"), 10000)));
  EXPECT_THAT(reversal.memo, HasSubstr("reversal of entry 1"));

  // As if only the new version had ever existed, at every date.
  MemoryLedgerStore fresh;
  Ledger freshLedger(fresh);
  ASSERT_TRUE(freshLedger.postEvent(tenant_, v2, v2Drafts, kJan1Ms).isOk());
  for (const char* asOf : {"2026-01-04", "2026-01-05", "2026-01-06", "2026-12-31"}) {
    std::vector<BalanceRow> mine = balancesOf(store_, tenant_, asOf);
    std::vector<BalanceRow> theirs = balancesOf(fresh, tenant_, asOf);
    // Accounts that went to zero in the corrected ledger still have lines; compare non-zero.
    std::erase_if(mine, [](const BalanceRow& r) { return r.balance_minor == 0; });
    std::erase_if(theirs, [](const BalanceRow& r) { return r.balance_minor == 0; });
    EXPECT_EQ(summary(mine), summary(theirs)) << "as of " << asOf;
  }
  lh::Result<ChainVerification> chain = verifyChain(store_, "acme");
  ASSERT_TRUE(chain.isOk());
  EXPECT_TRUE(chain->ok());
  EXPECT_EQ(chain->entries_checked, 4);
}

TEST_F(LedgerTest, ANewVersionWithEqualPostingsPostsNothing) {
  ASSERT_TRUE(ledger_
                  .postEvent(tenant_, paymentEvent(1, "txn_1", 1, "2026-01-05", 10000),
                             std::vector<PostingDraft>{saleDraft("2026-01-05", 10000)}, kJan1Ms)
                  .isOk());
  // Version 2 changed something the books do not see (say, its description).
  lh::Result<PostOutcome> outcome =
      ledger_.postEvent(tenant_, paymentEvent(2, "txn_1", 2, "2026-01-05", 10000),
                        std::vector<PostingDraft>{saleDraft("2026-01-05", 10000)}, kJan1Ms);
  ASSERT_TRUE(outcome.isOk());
  EXPECT_TRUE(outcome->nothingWritten());
  EXPECT_EQ(outcome->unchanged, 1);
  EXPECT_EQ(store_.entries().size(), 1u);
  // Replaying version 2 stays a no-op.
  outcome = ledger_.postEvent(tenant_, paymentEvent(2, "txn_1", 2, "2026-01-05", 10000),
                              std::vector<PostingDraft>{saleDraft("2026-01-05", 10000)}, kJan1Ms);
  ASSERT_TRUE(outcome.isOk());
  EXPECT_TRUE(outcome->nothingWritten());
}

TEST_F(LedgerTest, ANewVersionNoRuleMatchesOnlyReverses) {
  ASSERT_TRUE(ledger_
                  .postEvent(tenant_, paymentEvent(1, "txn_1", 1, "2026-01-05", 10000),
                             std::vector<PostingDraft>{saleDraft("2026-01-05", 10000)}, kJan1Ms)
                  .isOk());
  // Version 2: the payment failed; no rule posts a failed payment.
  lh::Result<PostOutcome> outcome =
      ledger_.postEvent(tenant_, paymentEvent(2, "txn_1", 2, "2026-01-05", 10000), {}, kJan1Ms);
  ASSERT_TRUE(outcome.isOk());
  EXPECT_THAT(outcome->reversals, ElementsAre(2));
  EXPECT_TRUE(outcome->posted.empty());
  for (const BalanceRow& row : balancesOf(store_, tenant_)) {
    EXPECT_EQ(row.balance_minor, 0) << row.account;
  }
  // Version 3 matches again: it posts; nothing is left to reverse.
  outcome = ledger_.postEvent(tenant_, paymentEvent(3, "txn_1", 3, "2026-01-07", 10000),
                              std::vector<PostingDraft>{saleDraft("2026-01-07", 10000)}, kJan1Ms);
  ASSERT_TRUE(outcome.isOk());
  EXPECT_TRUE(outcome->reversals.empty());
  EXPECT_THAT(outcome->posted, ElementsAre(3));
}

TEST_F(LedgerTest, AnOlderVersionArrivingLateIsStale) {
  const std::vector<PostingDraft> v1Drafts = {saleDraft("2026-01-05", 10000)};
  ASSERT_TRUE(ledger_
                  .postEvent(tenant_, paymentEvent(2, "txn_1", 2, "2026-01-05", 12000),
                             std::vector<PostingDraft>{saleDraft("2026-01-05", 12000)}, kJan1Ms)
                  .isOk());
  lh::Result<PostOutcome> late = ledger_.postEvent(
      tenant_, paymentEvent(1, "txn_1", 1, "2026-01-05", 10000), v1Drafts, kJan1Ms);
  ASSERT_TRUE(late.isOk());
  EXPECT_TRUE(late->stale);
  EXPECT_TRUE(late->nothingWritten());

  StoredEvent superseded = paymentEvent(3, "txn_2", 1, "2026-01-05", 10000);
  superseded.current = false;
  late = ledger_.postEvent(tenant_, superseded, v1Drafts, kJan1Ms);
  ASSERT_TRUE(late.isOk());
  EXPECT_TRUE(late->stale);
  EXPECT_EQ(store_.entries().size(), 1u);
}

TEST_F(LedgerTest, AnOldVersionReplayedAfterAFullReversalStaysReversed) {
  const std::vector<PostingDraft> v1Drafts = {saleDraft("2026-01-05", 10000)};
  ASSERT_TRUE(
      ledger_
          .postEvent(tenant_, paymentEvent(1, "txn_1", 1, "2026-01-05", 10000), v1Drafts, kJan1Ms)
          .isOk());
  ASSERT_TRUE(
      ledger_.postEvent(tenant_, paymentEvent(2, "txn_1", 2, "2026-01-05", 0), {}, kJan1Ms).isOk());
  lh::Result<PostOutcome> replay = ledger_.postEvent(
      tenant_, paymentEvent(1, "txn_1", 1, "2026-01-05", 10000), v1Drafts, kJan1Ms);
  ASSERT_TRUE(replay.isOk());
  EXPECT_TRUE(replay->stale);
  EXPECT_EQ(store_.entries().size(), 2u);
}

TEST_F(LedgerTest, ZeroLinesAreDroppedAndAnAllZeroDraftPostsNothing) {
  PostingDraft withZero =
      draftOf("payment-sale", "2026-01-05", "",
              {debitLine("1100", ccy("USD"), 100), debitLine("5000", ccy("USD"), 0),
               creditLine("4000", ccy("USD"), 100)});
  PostingDraft allZero = feeDraft("2026-01-05", 0);
  lh::Result<PostOutcome> outcome =
      ledger_.postEvent(tenant_, paymentEvent(1, "txn_1", 1, "2026-01-05", 100),
                        std::vector<PostingDraft>{withZero, allZero}, kJan1Ms);
  ASSERT_TRUE(outcome.isOk()) << outcome.status();
  EXPECT_THAT(outcome->posted, ElementsAre(1));
  EXPECT_EQ(store_.entries()[0].lines.size(), 2u);
}

// The rules of a small pipeline: payment -> Dr clearing / Cr sales (amount), and its fee ->
// Dr fees / Cr clearing; adjustments (signed) -> Dr clearing / Cr sales.
std::vector<PostingRule> pipelineRules() {
  PostingRule sale;
  sale.id = "payment-sale";
  sale.tenant = "acme";
  sale.on = EventType::Payment;
  sale.lines = {{"1100", PostingLine::Side::Debit, "amount"},
                {"4000", PostingLine::Side::Credit, "amount"}};
  sale.memo = "sale {external_id}";
  PostingRule fee = sale;
  fee.id = "payment-fee";
  fee.lines = {{"5000", PostingLine::Side::Debit, "fee"},
               {"1100", PostingLine::Side::Credit, "fee"}};
  fee.memo = "fee";
  PostingRule adjustment = sale;
  adjustment.id = "adjustment";
  adjustment.on = EventType::Adjustment;
  adjustment.memo = "adjustment";
  return {sale, fee, adjustment};
}

TEST_F(LedgerTest, PostAppliesThePipelinesRulesThroughApplyPostingRules) {
  const std::vector<PostingRule> rules = pipelineRules();
  StoredEvent v1 = paymentEvent(1, "txn_1", 1, "2026-01-05", 10000);
  v1.event.body["fee"] = {{"minor", 320}, {"currency", "USD"}};
  lh::Result<PostOutcome> outcome = ledger_.post(tenant_, rules, v1, kJan1Ms);
  ASSERT_TRUE(outcome.isOk()) << outcome.status();
  EXPECT_THAT(outcome->posted, ElementsAre(1, 2));
  EXPECT_EQ(store_.entries()[0].memo, "sale txn_1");
  EXPECT_EQ(store_.entries()[0].effective_date, "2026-01-05");
  EXPECT_THAT(store_.entries()[1].lines,
              ElementsAre(debitLine("5000", ccy("USD"), 320), creditLine("1100", ccy("USD"), 320)));

  // Version 2 lost its fee (refunded by the processor): the fee entry is reversed, the sale stays.
  StoredEvent v2 = paymentEvent(2, "txn_1", 2, "2026-01-05", 10000);
  outcome = ledger_.post(tenant_, rules, v2, kJan1Ms);
  ASSERT_TRUE(outcome.isOk()) << outcome.status();
  EXPECT_THAT(outcome->reversals, ElementsAre(3));
  EXPECT_TRUE(outcome->posted.empty());
  EXPECT_EQ(outcome->unchanged, 1);
  ASSERT_EQ(outcome->skipped.size(), 1u);
  EXPECT_EQ(outcome->skipped[0].rule_id, "payment-fee");

  // A negative adjustment swaps the rule's sides (docs/events.md "Signs").
  StoredEvent adj = paymentEvent(3, "adj_1", 1, "2026-01-06", -250);
  adj.event.type = EventType::Adjustment;
  adj.event.body["type"] = "adjustment";
  outcome = ledger_.post(tenant_, rules, adj, kJan1Ms);
  ASSERT_TRUE(outcome.isOk()) << outcome.status();
  ASSERT_THAT(outcome->posted, ElementsAre(4));
  EXPECT_THAT(store_.entries()[3].lines,
              ElementsAre(creditLine("1100", ccy("USD"), 250), debitLine("4000", ccy("USD"), 250)));
}

TEST_F(LedgerTest, RecordsTheSettlementRateAnEventCarries) {
  StoredEvent event = paymentEvent(1, "txn_eur", 1, "2026-01-05", 10000, "EUR");
  event.event.body["settlement"] = {{"amount", {{"minor", 10845}, {"currency", "USD"}}},
                                    {"exchange_rate", "1.0845"}};
  ASSERT_TRUE(ledger_
                  .postEvent(tenant_, event,
                             std::vector<PostingDraft>{saleDraft("2026-01-05", 10000, "EUR")},
                             kJan1Ms)
                  .isOk());
  lh::Result<std::optional<RecordedRate>> rate =
      store_.latestRecordedRate("acme", "EUR", "USD", "2026-01-31");
  ASSERT_TRUE(rate.isOk());
  ASSERT_TRUE(rate->has_value());
  EXPECT_EQ((*rate)->rate.rate, "1.0845");
  EXPECT_EQ((*rate)->rate.date, "2026-01-05");
  EXPECT_EQ((*rate)->event_id, 1);
  // Not before the event's date.
  rate = store_.latestRecordedRate("acme", "EUR", "USD", "2026-01-04");
  ASSERT_TRUE(rate.isOk());
  EXPECT_FALSE(rate->has_value());
}

TEST_F(LedgerTest, TenantsDoNotSeeEachOthersPostings) {
  Tenant globex = acmeTenant();
  globex.id = "globex";
  ASSERT_TRUE(ledger_
                  .postEvent(tenant_, paymentEvent(1, "txn_1", 1, "2026-01-05", 100),
                             std::vector<PostingDraft>{saleDraft("2026-01-05", 100)}, kJan1Ms)
                  .isOk());
  // Same connection and external id in another tenant: a separate event, posted on its own chain.
  lh::Result<PostOutcome> other =
      ledger_.postEvent(globex, paymentEvent(2, "txn_1", 1, "2026-01-05", 700, "USD", "globex"),
                        std::vector<PostingDraft>{saleDraft("2026-01-05", 700)}, kJan1Ms);
  ASSERT_TRUE(other.isOk());
  EXPECT_THAT(other->posted, ElementsAre(2));
  EXPECT_EQ(store_.entries()[1].seq, 1);
  EXPECT_EQ(store_.entries()[1].prev_hash, kGenesisHash);
  ASSERT_EQ(balancesOf(store_, globex).size(), 2u);
  EXPECT_EQ(balancesOf(store_, globex)[0].debit_minor, 700);
  EXPECT_EQ(balancesOf(store_, tenant_)[0].debit_minor, 100);
}

}  // namespace
}  // namespace lh::core
