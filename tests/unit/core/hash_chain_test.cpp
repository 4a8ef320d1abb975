#include "core/hash_chain.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "core/ledger.h"
#include "core/ledger_memory_store.h"
#include "unit/core/ledger_test_support.h"

namespace lh::core {
namespace {

using testing::acmeTenant;
using testing::ccy;
using testing::draftOf;
using testing::feeDraft;
using ::testing::HasSubstr;
using testing::kJan1Ms;
using testing::paymentEvent;
using testing::saleDraft;
using testing::StatusIs;

// Serves a fixed list of entries (copied from a real ledger, then edited by the test) to
// verifyChain; nothing else of LedgerStore is used by it.
class EditedEntries final : public LedgerStore {
 public:
  explicit EditedEntries(std::vector<LedgerEntry> entries) : entries_(std::move(entries)) {}
  std::vector<LedgerEntry>& entries() { return entries_; }

  lh::Status forEachEntry(const EntryQuery& query,
                          const std::function<lh::Status(const LedgerEntry&)>& visit) override {
    for (const LedgerEntry& e : entries_) {
      if (e.tenant == query.tenant) {
        LH_RETURN_IF_ERROR(visit(e));
      }
    }
    return lh::Status::ok();
  }
  lh::Result<LedgerEntry> appendEntry(const LedgerEntry&) override { return unused(); }
  lh::Result<EventPostings> postingsForEvent(const std::string&, const EventKey&) override {
    return unused();
  }
  lh::Status recordRate(const std::string&, const RecordedRate&) override { return unused(); }
  lh::Result<std::optional<RecordedRate>> latestRecordedRate(const std::string&, const std::string&,
                                                             const std::string&,
                                                             const std::string&) override {
    return unused();
  }
  lh::Result<std::vector<AccountTotal>> accountTotals(const std::string&,
                                                      const std::optional<std::string>&,
                                                      const std::optional<std::string>&) override {
    return unused();
  }
  lh::Result<std::vector<DailyTotal>> dailyTotals(const std::string&,
                                                  const std::vector<std::string>&,
                                                  const std::optional<std::string>&,
                                                  const std::optional<std::string>&) override {
    return unused();
  }

 private:
  static lh::Status unused() { return lh::notSupported("not used by verifyChain"); }
  std::vector<LedgerEntry> entries_;
};

class HashChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Ledger ledger(store_);
    for (int i = 1; i <= 3; ++i) {
      const std::string id = "txn_" + std::to_string(i);
      ASSERT_TRUE(ledger
                      .postEvent(tenant_,
                                 paymentEvent(i, id, 1, "2026-01-0" + std::to_string(i), 1000 * i),
                                 std::vector<PostingDraft>{saleDraft("2026-01-05", 1000 * i),
                                                           feeDraft("2026-01-05", 30 * i)},
                                 kJan1Ms + i)
                      .isOk());
    }
    ASSERT_EQ(store_.entries().size(), 6u);
  }

  ChainVerification verify(LedgerStore& store) {
    lh::Result<ChainVerification> result = verifyChain(store, "acme");
    EXPECT_TRUE(result.isOk()) << result.status();
    return result.isOk() ? *result : ChainVerification{};
  }

  Tenant tenant_ = acmeTenant();
  MemoryLedgerStore store_;
};

TEST_F(HashChainTest, AnUntouchedChainVerifies) {
  const ChainVerification result = verify(store_);
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.entries_checked, 6);
  EXPECT_EQ(result.head_seq, 6);
  EXPECT_EQ(result.head_hash, store_.entries().back().hash);
}

TEST_F(HashChainTest, AnEmptyLedgerVerifies) {
  lh::Result<ChainVerification> result = verifyChain(store_, "nobody");
  ASSERT_TRUE(result.isOk());
  EXPECT_TRUE(result->ok());
  EXPECT_EQ(result->entries_checked, 0);
  EXPECT_EQ(result->head_hash, kGenesisHash);
}

TEST_F(HashChainTest, EveryFieldIsCovered) {
  const LedgerEntry original = store_.entries()[2];
  const std::string hash = computeEntryHash(original);
  ASSERT_EQ(hash, original.hash);
  std::vector<void (*)(LedgerEntry&)> edits = {
      [](LedgerEntry& e) { e.prev_hash[0] = e.prev_hash[0] == 'a' ? 'b' : 'a'; },
      [](LedgerEntry& e) { e.id += 1; },
      [](LedgerEntry& e) { e.seq += 1; },
      [](LedgerEntry& e) { e.tenant = "acmf"; },
      [](LedgerEntry& e) { e.rule_id += "x"; },
      [](LedgerEntry& e) { e.event_connection += "x"; },
      [](LedgerEntry& e) { e.event_type = EventType::Refund; },
      [](LedgerEntry& e) { e.event_external_id += "x"; },
      [](LedgerEntry& e) { e.event_id += 1; },
      [](LedgerEntry& e) { e.event_version += 1; },
      [](LedgerEntry& e) { e.event_checksum[0] = 'f'; },
      [](LedgerEntry& e) { e.effective_date = "2026-01-06"; },
      [](LedgerEntry& e) { e.memo += "."; },
      [](LedgerEntry& e) { e.kind = EntryKind::Reversal; },
      [](LedgerEntry& e) { e.reverses = 1; },
      [](LedgerEntry& e) { e.posted_at[0] = '1'; },
      [](LedgerEntry& e) { e.lines[0].account = "1000"; },
      [](LedgerEntry& e) { e.lines[0].currency = knownCurrency("EUR"); },
      [](LedgerEntry& e) { e.lines[0].debit_minor += 1; },
      [](LedgerEntry& e) { e.lines[1].credit_minor += 1; },
      [](LedgerEntry& e) { std::swap(e.lines[0], e.lines[1]); },
      [](LedgerEntry& e) { e.lines.pop_back(); },
  };
  for (size_t i = 0; i < edits.size(); ++i) {
    LedgerEntry edited = original;
    edits[i](edited);
    EXPECT_NE(computeEntryHash(edited), hash) << "edit " << i;
  }
}

TEST_F(HashChainTest, FieldBoundariesCannotBeShifted) {
  LedgerEntry a = store_.entries()[0];
  LedgerEntry b = a;
  a.rule_id = "ab";
  a.memo = "c";
  b.rule_id = "a";
  b.memo = "bc";
  EXPECT_NE(canonicalEntryBytes(a), canonicalEntryBytes(b));
}

TEST_F(HashChainTest, AnEditedAmountIsNamedByItsEntry) {
  EditedEntries edited(store_.entries());
  edited.entries()[3].lines[0].debit_minor += 100;   // entry id 4
  edited.entries()[3].lines[1].credit_minor += 100;  // still balanced: only the hash can tell
  const ChainVerification result = verify(edited);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.first_break->entry_id, 4);
  EXPECT_EQ(result.first_break->seq, 4);
  EXPECT_THAT(result.first_break->reason, HasSubstr("stored hash does not match"));
  EXPECT_EQ(result.entries_checked, 4);
}

TEST_F(HashChainTest, ARecomputedHashIsCaughtByTheNextEntry) {
  EditedEntries edited(store_.entries());
  LedgerEntry& victim = edited.entries()[1];
  victim.lines[0].debit_minor = 1;
  victim.lines[1].credit_minor = 1;
  victim.hash = computeEntryHash(victim);  // the forger also rewrote the entry's own hash
  const ChainVerification result = verify(edited);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.first_break->entry_id, 3);
  EXPECT_THAT(result.first_break->reason, HasSubstr("prev_hash does not match"));
}

TEST_F(HashChainTest, ARemovedEntryIsCaughtByTheNextEntry) {
  EditedEntries edited(store_.entries());
  edited.entries().erase(edited.entries().begin() + 2);  // entry id 3
  const ChainVerification result = verify(edited);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.first_break->entry_id, 4);
  EXPECT_THAT(result.first_break->reason, HasSubstr("seq 4 does not follow seq 2"));
}

TEST_F(HashChainTest, TheEventStoreChecksumIsCrossChecked) {
  const std::string changed(64, 'e');
  EventChecksumLookup lookup = [&](int64_t eventId) -> lh::Result<std::optional<std::string>> {
    if (eventId == 2) {
      return std::optional<std::string>(changed);  // the stored event was altered
    }
    for (const LedgerEntry& e : store_.entries()) {
      if (e.event_id == eventId) {
        return std::optional<std::string>(e.event_checksum);
      }
    }
    return std::optional<std::string>();
  };
  lh::Result<ChainVerification> result = verifyChain(store_, "acme", lookup);
  ASSERT_TRUE(result.isOk());
  ASSERT_FALSE(result->ok());
  EXPECT_EQ(result->first_break->entry_id, 3);  // the first entry of event 2
  EXPECT_THAT(result->first_break->reason, HasSubstr("has checksum eeee"));

  EventChecksumLookup failing = [](int64_t) -> lh::Result<std::optional<std::string>> {
    return lh::transient("event store busy");
  };
  EXPECT_THAT(verifyChain(store_, "acme", failing),
              StatusIs(lh::Code::Transient, HasSubstr("event store busy")));
}

TEST(Sha256HexTest, MatchesKnownVectors) {
  EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace lh::core
