// Ingestor over the real SQLite event store on a temporary file (the unit of work is a real
// transaction, so "rolled back" is checked on disk, not on a fake).
#include "core/ingest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "store/database.h"
#include "store/sqlite_event_store.h"
#include "store/sqlite_unit_of_work.h"
#include "unit/store/store_test_support.h"

namespace lh::core {
namespace {

using store::testing::queryInt;
using store::testing::queryText;
using store::testing::TempDir;
using ::testing::ElementsAre;

std::string eventText(const std::string& type, const std::string& id, int64_t minor) {
  nlohmann::json event = {{"type", type},
                          {"external_id", id},
                          {"occurred_at", "2026-01-01T00:00:00Z"},
                          {"amount", {{"minor", minor}, {"currency", "USD"}}},
                          {"raw", {{"id", id}, {"amount", minor}}}};
  return event.dump();
}

IngestPage pageOf(std::vector<std::string> events, std::optional<std::string> cursor) {
  IngestPage page;
  page.tenant = "acme";
  page.connection = "stripe";
  page.stream = "balance_transactions";
  page.events = std::move(events);
  page.cursor = std::move(cursor);
  return page;
}

// `n` distinct valid payments p0..p(n-1).
std::vector<std::string> payments(int n, int64_t minor = 100) {
  std::vector<std::string> texts;
  for (int i = 0; i < n; ++i) {
    texts.push_back(eventText("payment", "p" + std::to_string(i), minor + i));
  }
  return texts;
}

class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::Database::open(dir_.file("ledger.db"));
    ASSERT_TRUE(opened.isOk()) << opened.status();
    db_ = std::move(opened).value();
    store_ = std::make_unique<store::SqliteEventStore>(*db_);
    unit_ = std::make_unique<store::SqliteUnitOfWork>(*db_);
    ingestor_ = std::make_unique<Ingestor>(validator_, *store_, *unit_, [this] { return now_; });
  }

  int64_t rows(const std::string& table) {
    return queryInt(db_->native(), "SELECT COUNT(*) FROM " + table);
  }

  std::optional<std::string> cursor() {
    auto c = store_->getCursor("stripe", "balance_transactions");
    EXPECT_TRUE(c.isOk()) << c.status();
    return c.isOk() ? *c : std::nullopt;
  }

  TempDir dir_;
  EventValidator validator_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::SqliteEventStore> store_;
  std::unique_ptr<store::SqliteUnitOfWork> unit_;
  std::unique_ptr<Ingestor> ingestor_;
  int64_t now_ = 1767225600000;
};

TEST_F(IngestTest, StoresThePageAndItsCursorTogether) {
  IngestPage page = pageOf(payments(3), R"({"starting_after":"txn_3"})");
  page.has_more = true;
  lh::Result<IngestStats> stats = ingestor_->ingest(page);
  ASSERT_TRUE(stats.isOk()) << stats.status();
  EXPECT_EQ(stats->inserted, 3);
  EXPECT_EQ(stats->new_versions, 0);
  EXPECT_EQ(stats->unchanged, 0);
  EXPECT_EQ(stats->rejected, 0);
  EXPECT_TRUE(stats->cursor_set);
  EXPECT_TRUE(stats->has_more);
  ASSERT_EQ(stats->changed.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    const StoredEvent& changed = stats->changed[i];
    EXPECT_EQ(changed.event.external_id, "p" + std::to_string(i));
    EXPECT_EQ(changed.version, 1);
    EXPECT_TRUE(changed.current);
    EXPECT_EQ(changed.tenant, "acme");
    EXPECT_EQ(changed.connection, "stripe");
    EXPECT_EQ(changed.ingested_at_ms, now_);
    // What the next stage gets is what the store holds.
    auto stored = store_->byId("acme", changed.id);
    ASSERT_TRUE(stored.isOk() && stored->has_value()) << stored.status();
    EXPECT_EQ((*stored)->event.body, changed.event.body);
    EXPECT_EQ((*stored)->event.checksum, changed.event.checksum);
    EXPECT_EQ((*stored)->ingested_at_ms, now_);
  }
  EXPECT_EQ(cursor(), R"({"starting_after":"txn_3"})");
  EXPECT_EQ(rows("events"), 3);
}

TEST_F(IngestTest, RejectsAreCollectedAndDoNotStopThePage) {
  const std::string badAmount =
      R"({"type":"payment","external_id":"p_bad","occurred_at":"2026-01-01T00:00:00Z",
          "amount":{"minor":12.5,"currency":"USD"},"raw":{}})";
  const std::string notJson = R"({"type":"payment","external_id":)";
  const std::string noId = R"({"type":"payment","occurred_at":"2026-01-01T00:00:00Z","raw":{}})";
  lh::Result<IngestStats> stats = ingestor_->ingest(pageOf(
      {eventText("payment", "p_1", 1), badAmount, notJson, noId, eventText("refund", "r_1", 1)},
      R"({"page":2})"));
  ASSERT_TRUE(stats.isOk()) << stats.status();
  EXPECT_EQ(stats->inserted, 2);
  EXPECT_EQ(stats->rejected, 3);
  ASSERT_EQ(stats->rejects.size(), 3u);

  EXPECT_EQ(stats->rejects[0].index, 1u);
  EXPECT_EQ(stats->rejects[0].external_id, "p_bad");
  EXPECT_EQ(stats->rejects[0].field, "/amount/minor");
  EXPECT_EQ(stats->rejects[0].status, lh::invalidArgument("/amount/minor: must be an integer"));

  EXPECT_EQ(stats->rejects[1].index, 2u);
  EXPECT_EQ(stats->rejects[1].external_id, std::nullopt);
  EXPECT_EQ(stats->rejects[1].field, "(root)");
  EXPECT_EQ(stats->rejects[1].status.code(), lh::Code::InvalidArgument);

  EXPECT_EQ(stats->rejects[2].index, 3u);
  EXPECT_EQ(stats->rejects[2].external_id, std::nullopt);
  EXPECT_EQ(stats->rejects[2].field, "/external_id");

  std::vector<std::string> stored;
  for (const StoredEvent& e : stats->changed) {
    stored.push_back(e.event.external_id);
  }
  EXPECT_THAT(stored, ElementsAre("p_1", "r_1"));
  EXPECT_EQ(rows("events"), 2);
  EXPECT_EQ(cursor(), R"({"page":2})");  // the sync goes on past them
}

TEST_F(IngestTest, ReingestingThePageChangesNothing) {
  int hookCalls = 0;
  ingestor_->setOnChanged([&](const StoredEvent&, const std::optional<StoredEvent>&) {
    ++hookCalls;
    return lh::Status::ok();
  });
  const IngestPage page = pageOf(payments(50), R"({"after":"p49"})");
  ASSERT_TRUE(ingestor_->ingest(page).isOk());
  EXPECT_EQ(hookCalls, 50);
  const int64_t events = rows("events");
  EXPECT_EQ(events, 50);

  // The same bytes again (the fast path) ...
  now_ += 60000;
  lh::Result<IngestStats> again = ingestor_->ingest(page);
  ASSERT_TRUE(again.isOk()) << again.status();
  EXPECT_EQ(again->unchanged, 50);
  EXPECT_EQ(again->inserted, 0);
  EXPECT_EQ(again->new_versions, 0);
  EXPECT_TRUE(again->changed.empty());

  // ... and the same events written differently (keys reordered: the checksum path).
  std::vector<std::string> reordered;
  for (const std::string& text : page.events) {
    nlohmann::ordered_json parsed = nlohmann::ordered_json::parse(text);
    nlohmann::ordered_json reversed;
    for (auto it = parsed.rbegin(); it != parsed.rend(); ++it) {
      reversed[it.key()] = it.value();
    }
    ASSERT_NE(reversed.dump(), text);
    reordered.push_back(reversed.dump());
  }
  lh::Result<IngestStats> rewritten = ingestor_->ingest(pageOf(reordered, R"({"after":"p49"})"));
  ASSERT_TRUE(rewritten.isOk()) << rewritten.status();
  EXPECT_EQ(rewritten->unchanged, 50);
  EXPECT_TRUE(rewritten->changed.empty());

  EXPECT_EQ(hookCalls, 50);
  EXPECT_EQ(rows("events"), events);
  EXPECT_EQ(queryInt(db_->native(), "SELECT MAX(ingested_at_ms) FROM events"), 1767225600000);
}

TEST_F(IngestTest, ANewVersionReachesTheHookWithTheVersionItSuperseded) {
  ASSERT_TRUE(ingestor_->ingest(pageOf({eventText("payment", "p1", 100)}, "1")).isOk());
  std::vector<std::pair<StoredEvent, std::optional<StoredEvent>>> calls;
  ingestor_->setOnChanged([&](const StoredEvent& now, const std::optional<StoredEvent>& old) {
    calls.emplace_back(now, old);
    return lh::Status::ok();
  });
  lh::Result<IngestStats> stats = ingestor_->ingest(
      pageOf({eventText("payment", "p1", 150), eventText("payment", "p2", 5)}, "2"));
  ASSERT_TRUE(stats.isOk()) << stats.status();
  EXPECT_EQ(stats->new_versions, 1);
  EXPECT_EQ(stats->inserted, 1);
  ASSERT_EQ(calls.size(), 2u);

  const auto& [now, old] = calls[0];
  EXPECT_EQ(now.version, 2);
  EXPECT_TRUE(now.current);
  EXPECT_EQ(now.event.body["amount"]["minor"], 150);
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(old->version, 1);
  EXPECT_FALSE(old->current);  // read back after it was superseded
  EXPECT_EQ(old->event.body["amount"]["minor"], 100);
  EXPECT_EQ(old->key(), now.key());

  EXPECT_EQ(calls[1].first.event.external_id, "p2");
  EXPECT_FALSE(calls[1].second.has_value());
}

TEST_F(IngestTest, AHookErrorRollsBackTheWholePage) {
  ASSERT_TRUE(ingestor_->ingest(pageOf({eventText("payment", "p0", 1)}, "\"first\"")).isOk());
  int calls = 0;
  ingestor_->setOnChanged([&](const StoredEvent&, const std::optional<StoredEvent>&) {
    return ++calls == 2 ? lh::invalidArgument("rule cannot balance") : lh::Status::ok();
  });
  lh::Result<IngestStats> stats = ingestor_->ingest(pageOf(payments(3, 500), "\"second\""));
  ASSERT_FALSE(stats.isOk());
  EXPECT_EQ(stats.status(), lh::invalidArgument("rule cannot balance"));
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(rows("events"), 1);      // only the earlier page's event
  EXPECT_EQ(cursor(), "\"first\"");  // the cursor did not move
}

TEST_F(IngestTest, AFaultAtAnyPointBeforeCommitKeepsNothingAndTheRetryConverges) {
  for (FaultPoint point :
       {FaultPoint::BeforeEvent, FaultPoint::AfterUpsert, FaultPoint::AfterOnChanged,
        FaultPoint::BeforeCursor, FaultPoint::BeforeCommit}) {
    SCOPED_TRACE(std::string(faultPointName(point)));
    TempDir dir;
    auto db = store::Database::open(dir.file("ledger.db"));
    ASSERT_TRUE(db.isOk()) << db.status();
    store::SqliteEventStore events(**db);
    store::SqliteUnitOfWork unit(**db);
    Ingestor ingestor(validator_, events, unit);
    const IngestPage page = pageOf(payments(4), R"({"after":"p3"})");

    // Fail the page the second time the point is reached (the first for page-level points).
    int reached = 0;
    ingestor.setFaultInjector([&](FaultPoint at, size_t) {
      if (at == point && ++reached == (at >= FaultPoint::BeforeCursor ? 1 : 2)) {
        return lh::transient(std::string("crash at ") + std::string(faultPointName(at)));
      }
      return lh::Status::ok();
    });
    lh::Result<IngestStats> crashed = ingestor.ingest(page);
    ASSERT_FALSE(crashed.isOk());
    EXPECT_EQ(crashed.status().code(), lh::Code::Transient);
    EXPECT_EQ(queryInt((*db)->native(), "SELECT COUNT(*) FROM events"), 0);
    EXPECT_EQ(queryInt((*db)->native(), "SELECT COUNT(*) FROM cursors"), 0);

    // Resume: the same page again, no fault.
    ingestor.setFaultInjector(nullptr);
    lh::Result<IngestStats> resumed = ingestor.ingest(page);
    ASSERT_TRUE(resumed.isOk()) << resumed.status();
    EXPECT_EQ(resumed->inserted, 4);
    EXPECT_EQ(queryInt((*db)->native(), "SELECT COUNT(*) FROM events"), 4);
    EXPECT_EQ(queryText((*db)->native(), "SELECT cursor_json FROM cursors"), R"({"after":"p3"})");
  }
}

TEST_F(IngestTest, AFaultAfterCommitKeepsThePageAndTheRetryIsANoOp) {
  const IngestPage page = pageOf(payments(4), R"({"after":"p3"})");
  ingestor_->setFaultInjector([](FaultPoint at, size_t) {
    return at == FaultPoint::AfterCommit ? lh::transient("crash after commit") : lh::Status::ok();
  });
  lh::Result<IngestStats> crashed = ingestor_->ingest(page);
  EXPECT_EQ(crashed.status(), lh::transient("crash after commit"));
  EXPECT_EQ(rows("events"), 4);
  EXPECT_EQ(cursor(), R"({"after":"p3"})");

  ingestor_->setFaultInjector(nullptr);
  lh::Result<IngestStats> retried = ingestor_->ingest(page);
  ASSERT_TRUE(retried.isOk()) << retried.status();
  EXPECT_EQ(retried->unchanged, 4);
  EXPECT_EQ(rows("events"), 4);
}

TEST_F(IngestTest, TheSameKeyTwiceInOnePageIsAnInsertThenANewVersion) {
  lh::Result<IngestStats> stats = ingestor_->ingest(pageOf(
      {eventText("payment", "p1", 1), eventText("payment", "p1", 2), eventText("payment", "p1", 2)},
      std::nullopt));
  ASSERT_TRUE(stats.isOk()) << stats.status();
  EXPECT_EQ(stats->inserted, 1);
  EXPECT_EQ(stats->new_versions, 1);
  EXPECT_EQ(stats->unchanged, 1);
  ASSERT_EQ(stats->changed.size(), 2u);
  EXPECT_EQ(stats->changed[1].version, 2);
  EXPECT_EQ(rows("events"), 2);
}

TEST_F(IngestTest, APageWithoutACursorLeavesTheCursorAlone) {
  ASSERT_TRUE(ingestor_->ingest(pageOf({eventText("payment", "p1", 1)}, "\"keep\"")).isOk());
  IngestPage webhook = pageOf({eventText("payment", "p2", 1)}, std::nullopt);
  webhook.stream.clear();
  lh::Result<IngestStats> stats = ingestor_->ingest(webhook);
  ASSERT_TRUE(stats.isOk()) << stats.status();
  EXPECT_FALSE(stats->cursor_set);
  EXPECT_EQ(stats->inserted, 1);
  EXPECT_EQ(cursor(), "\"keep\"");
}

TEST_F(IngestTest, ABadCursorRefusesThePageBeforeStoringAnything) {
  lh::Result<IngestStats> notJson = ingestor_->ingest(pageOf(payments(2), "{after:"));
  ASSERT_FALSE(notJson.isOk());
  EXPECT_EQ(notJson.status().code(), lh::Code::InvalidArgument);
  IngestPage noStream = pageOf(payments(2), "{}");
  noStream.stream.clear();
  lh::Result<IngestStats> streamless = ingestor_->ingest(noStream);
  ASSERT_FALSE(streamless.isOk());
  EXPECT_EQ(streamless.status().code(), lh::Code::InvalidArgument);
  EXPECT_EQ(rows("events"), 0);
  EXPECT_EQ(rows("cursors"), 0);
}

TEST_F(IngestTest, EventsValidatedAtEmitTimeAreNotValidatedAgain) {
  IngestPage page = pageOf(payments(3), R"({"after":"p2"})");
  for (const std::string& text : page.events) {
    lh::Result<Event> event = validator_.validate(text);
    ASSERT_TRUE(event.isOk()) << event.status();
    page.validated.push_back(std::move(event).value());
  }
  const IngestPage copy = page;
  lh::Result<IngestStats> stats = ingestor_->ingest(std::move(page));
  ASSERT_TRUE(stats.isOk()) << stats.status();
  EXPECT_EQ(stats->inserted, 3);
  ASSERT_EQ(stats->changed.size(), 3u);
  EXPECT_EQ(stats->changed[2].event.body, nlohmann::json::parse(copy.events[2]));
  EXPECT_EQ(cursor(), R"({"after":"p2"})");

  // Again: upsert's checksum comparison finds them unchanged.
  lh::Result<IngestStats> again = ingestor_->ingest(copy);
  ASSERT_TRUE(again.isOk()) << again.status();
  EXPECT_EQ(again->unchanged, 3);
  EXPECT_EQ(rows("events"), 3);

  IngestPage mismatched = copy;
  mismatched.validated.pop_back();
  lh::Result<IngestStats> refused = ingestor_->ingest(std::move(mismatched));
  ASSERT_FALSE(refused.isOk());
  EXPECT_EQ(refused.status().code(), lh::Code::InvalidArgument);
}

TEST(PeekEventKeyTest, ReadsThePlainTopLevelKey) {
  const std::string text = eventText("refund", "re_1", 5);
  std::optional<PeekedKey> key = peekEventKey(text);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->type, EventType::Refund);
  EXPECT_EQ(key->external_id, "re_1");

  // Order, whitespace, nesting (with look-alike keys inside), strings with escapes and brackets,
  // numbers and literals elsewhere do not confuse it.
  key = peekEventKey(R"( {
    "raw" : {"type": "payout", "external_id": "nested", "a": [1, {"b": "}]\""}]},
	"amount":{"minor":-12,"currency":"USD"}, "livemode" : false, "n": null, "x": 1.5e3,
    "description": "say \"hi\" {", "external_id" : "ch_9", "type":"payment" } )");
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->type, EventType::Payment);
  EXPECT_EQ(key->external_id, "ch_9");
}

TEST(PeekEventKeyTest, LeavesEverythingElseToTheParser) {
  for (const char* text : {
           "", "[]", "{}",
           R"({"type":"payment"})",                                         // no external_id
           R"({"external_id":"x"})",                                        // no type
           R"({"type":"charge","external_id":"x"})",                        // not a canonical type
           R"({"type":"payment","external_id":"x\u0031"})",                 // escapes in the id
           R"({"type":"payment","external_id":7})",                         // not a string
           R"({"type":"payment","external_id":"a","external_id":"b"})",     // twice
           R"({"t\u0079pe":"refund","type":"payment","external_id":"x"})",  // an escaped key
           R"({"type":"payment","external_id":"x")",                        // truncated
           R"({"type":"payment","external_id":"x)",                         // truncated in a string
           R"({"raw":{"a":[1,2},"type":"payment","external_id":"x"})",      // bad nesting
           R"({"type":"payment" "external_id":"x"})",                       // a missing comma
           R"({"raw":,"type":"payment","external_id":"x"})",                // an empty value
       }) {
    EXPECT_FALSE(peekEventKey(text).has_value()) << text;
  }
}

TEST_F(IngestTest, BytesAreTrustedOnlyUnderTheKeyTheyWereStoredWith) {
  // Same external id, another type: the peeked key differs, so the refund is parsed and stored.
  ASSERT_TRUE(ingestor_->ingest(pageOf({eventText("payment", "p1", 1)}, std::nullopt)).isOk());
  lh::Result<IngestStats> stats =
      ingestor_->ingest(pageOf({eventText("refund", "p1", 1)}, std::nullopt));
  ASSERT_TRUE(stats.isOk()) << stats.status();
  EXPECT_EQ(stats->inserted, 1);
  EXPECT_EQ(rows("events"), 2);
}

TEST(FaultPointTest, Names) {
  EXPECT_EQ(faultPointName(FaultPoint::BeforeEvent), "before_event");
  EXPECT_EQ(faultPointName(FaultPoint::AfterUpsert), "after_upsert");
  EXPECT_EQ(faultPointName(FaultPoint::AfterOnChanged), "after_on_changed");
  EXPECT_EQ(faultPointName(FaultPoint::BeforeCursor), "before_cursor");
  EXPECT_EQ(faultPointName(FaultPoint::BeforeCommit), "before_commit");
  EXPECT_EQ(faultPointName(FaultPoint::AfterCommit), "after_commit");
}

}  // namespace
}  // namespace lh::core
