#include "store/sqlite_ledger_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "core/hash_chain.h"
#include "core/ledger.h"
#include "core/ledger_reports.h"
#include "store/database.h"
#include "store/transaction.h"
#include "store_test_support.h"
#include "unit/core/ledger_test_support.h"

namespace lh::store {
namespace {

using core::EntryKind;
using core::LedgerEntry;
using core::PostingDraft;
using core::PostOutcome;
using core::testing::acmeTenant;
using core::testing::ccy;
using core::testing::draftOf;
using core::testing::feeDraft;
using core::testing::kJan1Ms;
using core::testing::paymentEvent;
using core::testing::saleDraft;
using core::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::queryInt;
using testing::queryText;
using testing::rawOpen;
using testing::TempDir;

class SqliteLedgerStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { reopen(); }

  void reopen() {
    store_.reset();
    db_.reset();
    auto opened = Database::open(path());
    ASSERT_TRUE(opened.isOk()) << opened.status();
    db_ = std::move(opened).value();
    store_ = std::make_unique<SqliteLedgerStore>(*db_);
  }

  std::filesystem::path path() const { return dir_.file("ledger.db"); }

  // Posts in its own committed transaction, as the unit of work does.
  PostOutcome post(const core::StoredEvent& event, const std::vector<PostingDraft>& drafts,
                   const core::Tenant& tenant = acmeTenant()) {
    auto tx = Transaction::begin(*db_);
    EXPECT_TRUE(tx.isOk()) << tx.status();
    core::Ledger ledger(*store_);
    lh::Result<PostOutcome> outcome = ledger.postEvent(tenant, event, drafts, kJan1Ms);
    EXPECT_TRUE(outcome.isOk()) << outcome.status();
    EXPECT_TRUE(tx->commit().isOk());
    return outcome.isOk() ? *outcome : PostOutcome{};
  }

  std::vector<LedgerEntry> entries(const std::string& tenant = "acme") {
    std::vector<LedgerEntry> out;
    core::EntryQuery query;
    query.tenant = tenant;
    lh::Status status = store_->forEachEntry(query, [&](const LedgerEntry& e) {
      out.push_back(e);
      return lh::Status::ok();
    });
    EXPECT_TRUE(status.isOk()) << status;
    return out;
  }

  LedgerEntry sampleEntry(int64_t eventId = 1, const std::string& rule = "payment-sale") {
    LedgerEntry e;
    e.tenant = "acme";
    e.rule_id = rule;
    e.event_connection = "stripe";
    e.event_type = core::EventType::Payment;
    e.event_external_id = "txn_" + std::to_string(eventId);
    e.event_id = eventId;
    e.event_version = 1;
    e.event_checksum = std::string(64, 'c');
    e.effective_date = "2026-01-05";
    e.memo = "sale";
    e.posted_at = "2026-01-01T00:00:00.000Z";
    e.lines = {core::debitLine("1100", ccy("USD"), 10000),
               core::creditLine("4000", ccy("USD"), 10000)};
    return e;
  }

  TempDir dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<SqliteLedgerStore> store_;
};

TEST_F(SqliteLedgerStoreTest, MigrationCreatesTheLedgerTables) {
  EXPECT_GE(db_->schemaVersion(), 3);
  EXPECT_EQ(queryText(db_->native(), "SELECT name FROM schema_migrations WHERE version = 3"),
            "0003_ledger");
  for (const char* table : {"ledger_entries", "ledger_lines", "ledger_fx_rates"}) {
    EXPECT_TRUE(db_->native().tableExists(table)) << table;
  }
}

TEST_F(SqliteLedgerStoreTest, AppendRoundTripsEveryFieldAndChains) {
  auto tx = Transaction::begin(*db_);
  ASSERT_TRUE(tx.isOk());
  lh::Result<LedgerEntry> first = store_->appendEntry(sampleEntry(1));
  ASSERT_TRUE(first.isOk()) << first.status();
  LedgerEntry reversal = sampleEntry(2);
  reversal.event_external_id = "txn_1";
  reversal.event_version = 2;
  reversal.kind = EntryKind::Reversal;
  reversal.reverses = first->id;
  reversal.memo = "a memo with\nnewline and 'quotes'";
  reversal.lines = core::mirrorLines(first->lines);
  lh::Result<LedgerEntry> second = store_->appendEntry(reversal);
  ASSERT_TRUE(second.isOk()) << second.status();
  ASSERT_TRUE(tx->commit().isOk());

  EXPECT_EQ(first->id, 1);
  EXPECT_EQ(first->seq, 1);
  EXPECT_EQ(first->prev_hash, core::kGenesisHash);
  EXPECT_EQ(first->hash, core::computeEntryHash(*first));
  EXPECT_EQ(second->seq, 2);
  EXPECT_EQ(second->prev_hash, first->hash);

  reopen();  // read back through a fresh connection
  const std::vector<LedgerEntry> stored = entries();
  ASSERT_EQ(stored.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const LedgerEntry& want = i == 0 ? *first : *second;
    const LedgerEntry& got = stored[i];
    EXPECT_EQ(got.id, want.id);
    EXPECT_EQ(got.seq, want.seq);
    EXPECT_EQ(got.tenant, want.tenant);
    EXPECT_EQ(got.rule_id, want.rule_id);
    EXPECT_EQ(got.eventKey(), want.eventKey());
    EXPECT_EQ(got.event_id, want.event_id);
    EXPECT_EQ(got.event_version, want.event_version);
    EXPECT_EQ(got.event_checksum, want.event_checksum);
    EXPECT_EQ(got.effective_date, want.effective_date);
    EXPECT_EQ(got.memo, want.memo);
    EXPECT_EQ(got.kind, want.kind);
    EXPECT_EQ(got.reverses, want.reverses);
    EXPECT_EQ(got.posted_at, want.posted_at);
    EXPECT_EQ(got.prev_hash, want.prev_hash);
    EXPECT_EQ(got.hash, want.hash);
    EXPECT_EQ(got.lines, want.lines);
    EXPECT_EQ(core::computeEntryHash(got), got.hash);
  }
}

TEST_F(SqliteLedgerStoreTest, WritesNeedTheCallersTransaction) {
  EXPECT_THAT(store_->appendEntry(sampleEntry()),
              StatusIs(lh::Code::Internal, HasSubstr("inside the caller's transaction")));
  core::RecordedRate rate{{"2026-01-01", "EUR", "USD", "1.1"}, 1};
  EXPECT_THAT(store_->recordRate("acme", rate),
              StatusIs(lh::Code::Internal, HasSubstr("inside the caller's transaction")));
  EXPECT_EQ(queryInt(db_->native(), "SELECT COUNT(*) FROM ledger_entries"), 0);
}

TEST_F(SqliteLedgerStoreTest, ARolledBackTransactionLeavesNoEntry) {
  {
    auto tx = Transaction::begin(*db_);
    ASSERT_TRUE(tx.isOk());
    ASSERT_TRUE(store_->appendEntry(sampleEntry()).isOk());
    // No commit: the unit of work failed later on.
  }
  EXPECT_EQ(queryInt(db_->native(), "SELECT COUNT(*) FROM ledger_entries"), 0);
  EXPECT_EQ(queryInt(db_->native(), "SELECT COUNT(*) FROM ledger_lines"), 0);
  // The chain starts over cleanly.
  auto tx = Transaction::begin(*db_);
  ASSERT_TRUE(tx.isOk());
  lh::Result<LedgerEntry> entry = store_->appendEntry(sampleEntry());
  ASSERT_TRUE(entry.isOk());
  EXPECT_EQ(entry->seq, 1);
  ASSERT_TRUE(tx->commit().isOk());
}

TEST_F(SqliteLedgerStoreTest, RefusesWhatWouldBreakTheLedgersRules) {
  auto tx = Transaction::begin(*db_);
  ASSERT_TRUE(tx.isOk());
  lh::Result<LedgerEntry> first = store_->appendEntry(sampleEntry(1));
  ASSERT_TRUE(first.isOk());

  LedgerEntry unbalanced = sampleEntry(2);
  unbalanced.lines[1].credit_minor = 9999;
  EXPECT_THAT(store_->appendEntry(unbalanced),
              StatusIs(lh::Code::InvalidArgument, HasSubstr("debits exceed credits by 0.01")));

  EXPECT_THAT(store_->appendEntry(sampleEntry(1)),  // same (rule, event version) again
              StatusIs(lh::Code::Conflict, HasSubstr("UNIQUE")));
  EXPECT_TRUE(store_->appendEntry(sampleEntry(1, "payment-fee")).isOk());  // another rule: fine

  LedgerEntry reversal = sampleEntry(3);
  reversal.kind = EntryKind::Reversal;
  reversal.reverses = first->id;
  reversal.lines = core::mirrorLines(first->lines);
  ASSERT_TRUE(store_->appendEntry(reversal).isOk());
  reversal.event_id = 4;
  EXPECT_THAT(store_->appendEntry(reversal),  // a second reversal of the same entry
              StatusIs(lh::Code::Conflict, HasSubstr("UNIQUE")));
  reversal.reverses = 999;
  EXPECT_THAT(store_->appendEntry(reversal),
              StatusIs(lh::Code::Conflict, HasSubstr("entry 999 to reverse is not an entry")));
  reversal.tenant = "globex";
  reversal.reverses = first->id;
  EXPECT_THAT(store_->appendEntry(reversal),
              StatusIs(lh::Code::Conflict, HasSubstr("not an entry of this tenant")));

  LedgerEntry kindless = sampleEntry(5);
  kindless.kind = EntryKind::Reversal;  // without `reverses`
  EXPECT_THAT(store_->appendEntry(kindless),
              StatusIs(lh::Code::InvalidArgument, HasSubstr("must name the entry it reverses")));
  LedgerEntry badDate = sampleEntry(6);
  badDate.effective_date = "2026-01-32";
  EXPECT_THAT(store_->appendEntry(badDate),
              StatusIs(lh::Code::InvalidArgument, HasSubstr("'2026-01-32'")));
  ASSERT_TRUE(tx->commit().isOk());
  EXPECT_EQ(entries().size(), 3u);
}

TEST_F(SqliteLedgerStoreTest, TheSchemaRefusesUpdatesAndDeletesFromAnyConnection) {
  post(paymentEvent(1, "txn_1", 1, "2026-01-05", 10000), {saleDraft("2026-01-05", 10000)});
  core::RecordedRate rate{{"2026-01-01", "EUR", "USD", "1.1"}, 1};
  {
    auto tx = Transaction::begin(*db_);
    ASSERT_TRUE(tx.isOk());
    ASSERT_TRUE(store_->recordRate("acme", rate).isOk());
    ASSERT_TRUE(tx->commit().isOk());
  }
  auto raw = rawOpen(path());
  for (const char* sql : {
           "UPDATE ledger_entries SET memo = 'edited'",
           "UPDATE ledger_entries SET effective_date = '2026-01-06'",
           "DELETE FROM ledger_entries",
           "UPDATE ledger_lines SET debit_minor = 1 WHERE debit_minor > 0",
           "DELETE FROM ledger_lines",
           "UPDATE ledger_fx_rates SET rate = '2'",
           "DELETE FROM ledger_fx_rates",
       }) {
    try {
      raw.exec(sql);
      ADD_FAILURE() << "accepted: " << sql;
    } catch (const SQLite::Exception& e) {
      EXPECT_THAT(e.what(), HasSubstr("immutable")) << sql;
    }
  }
  // Through lh_store as well: the same triggers answer, as a Conflict.
  EXPECT_THAT(db_->exec("UPDATE ledger_lines SET credit_minor = 5 WHERE credit_minor > 0"),
              StatusIs(lh::Code::Conflict, HasSubstr("immutable")));
  const std::vector<LedgerEntry> stored = entries();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].memo, "sale");
  EXPECT_EQ(stored[0].lines[0].debit_minor, 10000);
}

TEST_F(SqliteLedgerStoreTest, PostingsForEventShowLiveEntriesAndTheLatestVersion) {
  post(paymentEvent(1, "txn_1", 1, "2026-01-05", 10000),
       {saleDraft("2026-01-05", 10000), feeDraft("2026-01-05", 320)});
  const core::EventKey key{"stripe", core::EventType::Payment, "txn_1"};
  lh::Result<core::EventPostings> postings = store_->postingsForEvent("acme", key);
  ASSERT_TRUE(postings.isOk()) << postings.status();
  EXPECT_EQ(postings->latest_version, 1);
  ASSERT_EQ(postings->live.size(), 2u);
  EXPECT_EQ(postings->live[1].lines.size(), 2u);

  post(paymentEvent(2, "txn_1", 2, "2026-01-05", 10000), {saleDraft("2026-01-05", 10000)});
  postings = store_->postingsForEvent("acme", key);
  ASSERT_TRUE(postings.isOk());
  EXPECT_EQ(postings->latest_version, 2);  // the fee's reversal came with version 2
  ASSERT_EQ(postings->live.size(), 1u);
  EXPECT_EQ(postings->live[0].rule_id, "payment-sale");

  postings = store_->postingsForEvent("globex", key);
  ASSERT_TRUE(postings.isOk());
  EXPECT_EQ(postings->latest_version, 0);
  EXPECT_TRUE(postings->live.empty());
}

TEST_F(SqliteLedgerStoreTest, ANewVersionReadsAsIfOnlyItHadExisted) {
  const std::vector<PostingDraft> v2 = {saleDraft("2026-01-07", 12500),
                                        feeDraft("2026-01-07", 400)};
  post(paymentEvent(1, "txn_1", 1, "2026-01-05", 10000),
       {saleDraft("2026-01-05", 10000), feeDraft("2026-01-05", 320)});
  PostOutcome outcome = post(paymentEvent(2, "txn_1", 2, "2026-01-07", 12500), v2);
  EXPECT_EQ(outcome.reversals.size(), 2u);
  EXPECT_EQ(outcome.posted.size(), 2u);
  // Replaying either version changes nothing.
  EXPECT_TRUE(post(paymentEvent(2, "txn_1", 2, "2026-01-07", 12500), v2).nothingWritten());
  EXPECT_TRUE(post(paymentEvent(1, "txn_1", 1, "2026-01-05", 10000),
                   {saleDraft("2026-01-05", 10000), feeDraft("2026-01-05", 320)})
                  .stale);

  // A second database that only ever saw version 2.
  TempDir otherDir;
  auto other = Database::open(otherDir.file("other.db"));
  ASSERT_TRUE(other.isOk());
  SqliteLedgerStore otherStore(**other);
  {
    auto tx = Transaction::begin(**other);
    ASSERT_TRUE(tx.isOk());
    core::Ledger ledger(otherStore);
    ASSERT_TRUE(
        ledger
            .postEvent(acmeTenant(), paymentEvent(2, "txn_1", 2, "2026-01-07", 12500), v2, kJan1Ms)
            .isOk());
    ASSERT_TRUE(tx->commit().isOk());
  }
  for (const char* asOf : {"2026-01-05", "2026-01-06", "2026-01-07", "2027-01-01"}) {
    auto mine = core::accountBalances(*store_, acmeTenant(), asOf);
    auto theirs = core::accountBalances(otherStore, acmeTenant(), asOf);
    ASSERT_TRUE(mine.isOk() && theirs.isOk());
    std::vector<std::pair<std::string, int64_t>> a;
    std::vector<std::pair<std::string, int64_t>> b;
    for (const auto& r : *mine) {
      if (r.balance_minor != 0) {
        a.emplace_back(r.account, r.balance_minor);
      }
    }
    for (const auto& r : *theirs) {
      if (r.balance_minor != 0) {
        b.emplace_back(r.account, r.balance_minor);
      }
    }
    EXPECT_EQ(a, b) << "as of " << asOf;
  }
}

TEST_F(SqliteLedgerStoreTest, ReportsAggregateInSql) {
  post(paymentEvent(1, "a", 1, "2026-01-05", 10000),
       {saleDraft("2026-01-05", 10000), feeDraft("2026-01-05", 320)});
  post(paymentEvent(2, "b", 1, "2026-01-31", 500, "EUR"), {saleDraft("2026-01-31", 500, "EUR")});
  post(paymentEvent(3, "c", 1, "2026-02-02", 2000),
       {saleDraft("2026-02-02", 2000, "USD", "payment-sale", "4100")});

  lh::Result<std::vector<core::AccountTotal>> totals =
      store_->accountTotals("acme", std::nullopt, "2026-01-31");
  ASSERT_TRUE(totals.isOk()) << totals.status();
  ASSERT_EQ(totals->size(), 5u);
  EXPECT_EQ((*totals)[0].account, "1100");
  EXPECT_EQ((*totals)[0].currency, ccy("EUR"));
  EXPECT_EQ((*totals)[1].currency, ccy("USD"));
  EXPECT_EQ((*totals)[1].debit_minor, 10000);
  EXPECT_EQ((*totals)[1].credit_minor, 320);

  lh::Result<core::TrialBalance> tb = core::trialBalance(*store_, acmeTenant(), std::nullopt);
  ASSERT_TRUE(tb.isOk());
  for (const core::TrialBalanceTotal& total : tb->totals) {
    EXPECT_EQ(total.balance_minor, 0) << total.currency;
    EXPECT_EQ(total.debit_minor, total.credit_minor);
  }

  lh::Result<std::vector<core::DailyTotal>> days =
      store_->dailyTotals("acme", {"4000", "4100"}, "2026-01-01", "2026-12-31");
  ASSERT_TRUE(days.isOk()) << days.status();
  ASSERT_EQ(days->size(), 3u);
  EXPECT_EQ((*days)[0].date, "2026-01-05");
  EXPECT_EQ((*days)[0].credit_minor, 10000);
  EXPECT_EQ((*days)[1].date, "2026-01-31");
  EXPECT_EQ((*days)[1].currency, ccy("EUR"));
  EXPECT_EQ((*days)[2].date, "2026-02-02");
  days = store_->dailyTotals("acme", {"4100"}, std::nullopt, std::nullopt);
  ASSERT_TRUE(days.isOk());
  ASSERT_EQ(days->size(), 1u);
  days = store_->dailyTotals("acme", {}, std::nullopt, std::nullopt);
  ASSERT_TRUE(days.isOk());
  EXPECT_TRUE(days->empty());

  lh::Result<std::vector<core::RevenueRow>> revenue =
      core::revenueByPeriod(*store_, acmeTenant(), std::nullopt, std::nullopt, core::Period::Month);
  ASSERT_TRUE(revenue.isOk());
  ASSERT_EQ(revenue->size(), 3u);
  EXPECT_EQ((*revenue)[0].period, "2026-01");
  EXPECT_EQ((*revenue)[0].currency, ccy("EUR"));
  EXPECT_EQ((*revenue)[1].revenue_minor, 10000);
  EXPECT_EQ((*revenue)[2].period, "2026-02");
  EXPECT_EQ((*revenue)[2].revenue_minor, 2000);
}

TEST_F(SqliteLedgerStoreTest, AReportTotalBeyondInt64IsAnErrorNotAWrap) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  post(paymentEvent(1, "a", 1, "2026-01-05", kMax), {saleDraft("2026-01-05", kMax)});
  post(paymentEvent(2, "b", 1, "2026-01-05", 1), {saleDraft("2026-01-05", 1)});
  EXPECT_THAT(store_->accountTotals("acme", std::nullopt, std::nullopt),
              StatusIs(lh::Code::InvalidArgument, HasSubstr("does not fit int64")));
  EXPECT_THAT(store_->dailyTotals("acme", {"4000"}, std::nullopt, std::nullopt),
              StatusIs(lh::Code::InvalidArgument, HasSubstr("does not fit int64")));
}

TEST_F(SqliteLedgerStoreTest, RecordedRatesAreIdempotentAndLatestWins) {
  auto tx = Transaction::begin(*db_);
  ASSERT_TRUE(tx.isOk());
  ASSERT_TRUE(store_->recordRate("acme", {{"2026-01-05", "EUR", "USD", "1.08"}, 1}).isOk());
  ASSERT_TRUE(store_->recordRate("acme", {{"2026-01-05", "EUR", "USD", "1.08"}, 1}).isOk());
  ASSERT_TRUE(store_->recordRate("acme", {{"2026-01-09", "EUR", "USD", "1.09"}, 2}).isOk());
  ASSERT_TRUE(store_->recordRate("acme", {{"2026-01-09", "EUR", "USD", "1.10"}, 3}).isOk());
  ASSERT_TRUE(store_->recordRate("globex", {{"2026-01-06", "EUR", "USD", "9"}, 4}).isOk());
  ASSERT_TRUE(tx->commit().isOk());
  EXPECT_EQ(queryInt(db_->native(), "SELECT COUNT(*) FROM ledger_fx_rates"), 4);

  auto rate = store_->latestRecordedRate("acme", "EUR", "USD", "2026-01-08");
  ASSERT_TRUE(rate.isOk() && rate->has_value());
  EXPECT_EQ((*rate)->rate.rate, "1.08");
  rate = store_->latestRecordedRate("acme", "EUR", "USD", "2026-12-31");
  ASSERT_TRUE(rate.isOk() && rate->has_value());
  EXPECT_EQ((*rate)->rate.rate, "1.10");  // same date: the last recorded
  EXPECT_EQ((*rate)->event_id, 3);
  rate = store_->latestRecordedRate("acme", "USD", "EUR", "2026-12-31");
  ASSERT_TRUE(rate.isOk());
  EXPECT_FALSE(rate->has_value());
}

TEST_F(SqliteLedgerStoreTest, VerifyNamesTheEntryEditedBehindTheHostsBack) {
  for (int i = 1; i <= 4; ++i) {
    post(paymentEvent(i, "txn_" + std::to_string(i), 1, "2026-01-05", 1000 * i),
         {saleDraft("2026-01-05", 1000 * i), feeDraft("2026-01-05", 10 * i)});
  }
  lh::Result<core::ChainVerification> clean = core::verifyChain(*store_, "acme");
  ASSERT_TRUE(clean.isOk()) << clean.status();
  EXPECT_TRUE(clean->ok());
  EXPECT_EQ(clean->entries_checked, 8);

  // Someone opens the file with sqlite3, drops the guard and moves 5.00 between two lines of entry
  // 5, keeping it balanced so that only the hash chain can tell.
  const int64_t victim =
      queryInt(db_->native(), "SELECT id FROM ledger_entries WHERE seq = 5 AND tenant = 'acme'");
  {
    auto raw = rawOpen(path());
    raw.exec("DROP TRIGGER ledger_lines_immutable_update");
    raw.exec("UPDATE ledger_lines SET debit_minor = debit_minor + 500 WHERE entry_id = " +
             std::to_string(victim) + " AND debit_minor > 0");
    raw.exec("UPDATE ledger_lines SET credit_minor = credit_minor + 500 WHERE entry_id = " +
             std::to_string(victim) + " AND credit_minor > 0");
  }
  reopen();
  lh::Result<core::ChainVerification> tampered = core::verifyChain(*store_, "acme");
  ASSERT_TRUE(tampered.isOk()) << tampered.status();
  ASSERT_FALSE(tampered->ok());
  EXPECT_EQ(tampered->first_break->entry_id, victim);
  EXPECT_EQ(tampered->first_break->seq, 5);
  EXPECT_THAT(tampered->first_break->reason, HasSubstr("stored hash does not match"));
}

TEST_F(SqliteLedgerStoreTest, VerifyCatchesADeletedEntryAndAnEditedHash) {
  for (int i = 1; i <= 3; ++i) {
    post(paymentEvent(i, "txn_" + std::to_string(i), 1, "2026-01-05", 1000 * i),
         {saleDraft("2026-01-05", 1000 * i)});
  }
  {
    auto raw = rawOpen(path());
    raw.exec("DROP TRIGGER ledger_entries_immutable_delete");
    raw.exec("DROP TRIGGER ledger_lines_immutable_delete");
    raw.exec("DELETE FROM ledger_lines WHERE entry_id = 2");
    raw.exec("DELETE FROM ledger_entries WHERE id = 2");
  }
  reopen();
  lh::Result<core::ChainVerification> result = core::verifyChain(*store_, "acme");
  ASSERT_TRUE(result.isOk());
  ASSERT_FALSE(result->ok());
  EXPECT_EQ(result->first_break->entry_id, 3);
  EXPECT_THAT(result->first_break->reason, HasSubstr("does not follow seq 1"));
}

TEST_F(SqliteLedgerStoreTest, AnUndecodableRowIsAPermanentErrorNamingTheEntry) {
  post(paymentEvent(1, "txn_1", 1, "2026-01-05", 1000), {saleDraft("2026-01-05", 1000)});
  {
    auto raw = rawOpen(path());
    raw.exec("DROP TRIGGER ledger_lines_immutable_update");
    raw.exec("UPDATE ledger_lines SET currency = 'ZZZ' WHERE entry_id = 1 AND line_no = 1");
  }
  reopen();
  EXPECT_THAT(core::verifyChain(*store_, "acme"),
              StatusIs(lh::Code::Permanent, HasSubstr("ledger entry 1 cannot be read")));
}

}  // namespace
}  // namespace lh::store
