#include "store/sqlite_event_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/event_validator.h"
#include "store/database.h"
#include "store/sqlite_unit_of_work.h"
#include "store_test_support.h"

namespace lh::store {
namespace {

using core::Event;
using core::EventFilter;
using core::EventKey;
using core::EventType;
using core::StoredEvent;
using core::UpsertOutcome;
using core::UpsertResult;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::queryInt;
using testing::queryText;
using testing::rawOpen;
using testing::TempDir;

// A canonical event text of `type` with `id`, occurring at `occurredAt`, amount `minor` USD.
std::string eventText(const std::string& type, const std::string& id, int64_t minor,
                      const std::string& occurredAt = "2026-01-01T00:00:00Z") {
  nlohmann::json event = {{"type", type},
                          {"external_id", id},
                          {"occurred_at", occurredAt},
                          {"amount", {{"minor", minor}, {"currency", "USD"}}},
                          {"raw", {{"id", id}, {"amount", minor}}}};
  return event.dump();
}

class SqliteEventStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Database::open(dir_.file("ledger.db"));
    ASSERT_TRUE(opened.isOk()) << opened.status();
    db_ = std::move(opened).value();
    store_ = std::make_unique<SqliteEventStore>(*db_);
    uow_ = std::make_unique<SqliteUnitOfWork>(*db_);
  }

  Event validated(const std::string& text) {
    lh::Result<Event> event = validator_.validate(text);
    EXPECT_TRUE(event.isOk()) << event.status();
    return event.isOk() ? std::move(event).value() : Event{};
  }

  // Validates `text` and upserts it in its own unit of work.
  UpsertResult put(const std::string& tenant, const std::string& connection,
                   const std::string& text, int64_t ingestedAtMs = 1000) {
    const Event event = validated(text);
    UpsertResult result;
    lh::Status status = uow_->run([&]() -> lh::Status {
      LH_ASSIGN_OR_RETURN(result, store_->upsert(tenant, connection, event, text,
                                                 core::payloadSha256(text), ingestedAtMs));
      return lh::Status::ok();
    });
    EXPECT_TRUE(status.isOk()) << status;
    return result;
  }

  int64_t rows(const std::string& table) {
    return queryInt(db_->native(), "SELECT COUNT(*) FROM " + table);
  }

  // The ids a scan visits.
  std::vector<int64_t> scanIds(const std::string& tenant, const EventFilter& filter) {
    std::vector<int64_t> ids;
    lh::Status status = store_->scan(tenant, filter, [&](const StoredEvent& e) {
      EXPECT_EQ(e.tenant, tenant);
      ids.push_back(e.id);
      return lh::Status::ok();
    });
    EXPECT_TRUE(status.isOk()) << status;
    return ids;
  }

  TempDir dir_;
  core::EventValidator validator_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<SqliteEventStore> store_;
  std::unique_ptr<SqliteUnitOfWork> uow_;
};

TEST_F(SqliteEventStoreTest, FirstEventIsInsertedAsVersionOneAndReadsBack) {
  const std::string text = eventText("payment", "txn_1", 1000);
  const UpsertResult result = put("acme", "stripe", text, 1234);
  EXPECT_EQ(result.outcome, UpsertOutcome::Inserted);
  EXPECT_GT(result.id, 0);
  EXPECT_EQ(result.version, 1);
  EXPECT_FALSE(result.superseded_id.has_value());

  auto current = store_->current("acme", EventKey{"stripe", EventType::Payment, "txn_1"});
  ASSERT_TRUE(current.isOk()) << current.status();
  ASSERT_TRUE(current->has_value());
  const StoredEvent& stored = **current;
  EXPECT_EQ(stored.id, result.id);
  EXPECT_EQ(stored.tenant, "acme");
  EXPECT_EQ(stored.connection, "stripe");
  EXPECT_EQ(stored.version, 1);
  EXPECT_TRUE(stored.current);
  EXPECT_EQ(stored.ingested_at_ms, 1234);
  EXPECT_EQ(stored.event.type, EventType::Payment);
  EXPECT_EQ(stored.event.external_id, "txn_1");
  EXPECT_EQ(stored.event.occurred_at, "2026-01-01T00:00:00Z");
  EXPECT_EQ(stored.event.body, nlohmann::json::parse(text));
  EXPECT_EQ(stored.event.checksum, validated(text).checksum);
  EXPECT_EQ(stored.key(), (EventKey{"stripe", EventType::Payment, "txn_1"}));

  // The raw payload is the emitted text, byte for byte, under its sha256.
  EXPECT_EQ(queryText(db_->native(), "SELECT payload FROM events"), text);
  EXPECT_EQ(queryText(db_->native(), "SELECT payload_sha256 FROM events"),
            core::payloadSha256(text));
  EXPECT_EQ(queryInt(db_->native(), "SELECT occurred_at_ms FROM events"), 1767225600000);
}

TEST_F(SqliteEventStoreTest, SameChecksumIsANoOp) {
  const std::string text = eventText("payment", "txn_1", 1000);
  const UpsertResult first = put("acme", "stripe", text);
  // The same event with its keys in another order and spaced out: same checksum, other bytes.
  const std::string respaced = R"({ "raw": {"amount": 1000, "id": "txn_1"},
      "amount": {"currency": "USD", "minor": 1000}, "occurred_at": "2026-01-01T00:00:00Z",
      "external_id": "txn_1", "type": "payment" })";
  ASSERT_NE(respaced, text);
  for (const std::string& again : {text, respaced}) {
    const UpsertResult result = put("acme", "stripe", again, 9999);
    EXPECT_EQ(result.outcome, UpsertOutcome::Unchanged);
    EXPECT_EQ(result.id, first.id);
    EXPECT_EQ(result.version, 1);
    EXPECT_FALSE(result.superseded_id.has_value());
  }
  EXPECT_EQ(rows("events"), 1);
  // An unchanged event writes nothing, not even its other bytes: the first text stays.
  EXPECT_EQ(queryText(db_->native(), "SELECT payload FROM events"), text);
  EXPECT_EQ(queryInt(db_->native(), "SELECT ingested_at_ms FROM events"), 1000);
}

// `text` with a `revision` member.
std::string withRevision(const std::string& text, int64_t revision) {
  nlohmann::json event = nlohmann::json::parse(text);
  event["revision"] = revision;
  return event.dump();
}

TEST_F(SqliteEventStoreTest, NewChecksumAddsAVersionThatSupersedesTheOld) {
  const UpsertResult v1 =
      put("acme", "stripe", withRevision(eventText("payment", "txn_1", 1000), 1));
  const UpsertResult v2 =
      put("acme", "stripe", withRevision(eventText("payment", "txn_1", 1500), 2));
  EXPECT_EQ(v2.outcome, UpsertOutcome::NewVersion);
  EXPECT_EQ(v2.version, 2);
  EXPECT_NE(v2.id, v1.id);
  ASSERT_TRUE(v2.superseded_id.has_value());
  EXPECT_EQ(*v2.superseded_id, v1.id);

  // Going back to the first content at a later revision is a change too: version 3 (without
  // revisions it would be a late replay: WithoutRevisionAStateTheKeyAlreadyLeftIsStale).
  const UpsertResult v3 =
      put("acme", "stripe", withRevision(eventText("payment", "txn_1", 1000), 3));
  EXPECT_EQ(v3.outcome, UpsertOutcome::NewVersion);
  EXPECT_EQ(v3.version, 3);
  EXPECT_EQ(v3.superseded_id, v2.id);

  const EventKey key{"stripe", EventType::Payment, "txn_1"};
  auto current = store_->current("acme", key);
  ASSERT_TRUE(current.isOk() && current->has_value());
  EXPECT_EQ((*current)->id, v3.id);
  EXPECT_EQ((*current)->event.body["amount"]["minor"], 1000);

  auto old = store_->byId("acme", v1.id);
  ASSERT_TRUE(old.isOk() && old->has_value()) << old.status();
  EXPECT_FALSE((*old)->current);
  EXPECT_EQ((*old)->version, 1);

  auto all = store_->versions("acme", key);
  ASSERT_TRUE(all.isOk()) << all.status();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].version, 1);
  EXPECT_EQ((*all)[1].version, 2);
  EXPECT_EQ((*all)[2].version, 3);
  EXPECT_FALSE((*all)[0].current);
  EXPECT_FALSE((*all)[1].current);
  EXPECT_TRUE((*all)[2].current);
  EXPECT_EQ((*all)[1].event.body["amount"]["minor"], 1500);

  EXPECT_EQ(rows("events"), 3);
  EXPECT_EQ(queryInt(db_->native(),
                     "SELECT superseded_by FROM events WHERE id = " + std::to_string(v1.id)),
            v2.id);
  EXPECT_EQ(queryInt(db_->native(), "SELECT COUNT(*) FROM events WHERE is_current = 1"), 1);
}

TEST_F(SqliteEventStoreTest, AnOlderRevisionIsStaleAndWritesNothing) {
  const std::string open = withRevision(eventText("invoice", "in_1", 1000), 100);
  const std::string paid = withRevision(eventText("invoice", "in_1", 1200), 200);
  EXPECT_EQ(put("acme", "stripe", paid).outcome, UpsertOutcome::Inserted);
  // The older state arrives late: nothing stored, the current version stays.
  const UpsertResult late = put("acme", "stripe", open);
  EXPECT_EQ(late.outcome, UpsertOutcome::Stale);
  EXPECT_EQ(late.version, 1);
  EXPECT_EQ(rows("events"), 1);
  auto current = store_->current("acme", EventKey{"stripe", EventType::Invoice, "in_1"});
  ASSERT_TRUE(current.isOk() && current->has_value());
  EXPECT_EQ((*current)->event.body["amount"]["minor"], 1200);
  EXPECT_EQ((*current)->event.revision, 200);
  // A newer revision is a new version; the same state at a later revision is unchanged (the
  // revision is outside the checksum).
  EXPECT_EQ(put("acme", "stripe", withRevision(eventText("invoice", "in_1", 1300), 300)).outcome,
            UpsertOutcome::NewVersion);
  EXPECT_EQ(put("acme", "stripe", withRevision(eventText("invoice", "in_1", 1300), 400)).outcome,
            UpsertOutcome::Unchanged);
  EXPECT_EQ(rows("events"), 2);
}

TEST_F(SqliteEventStoreTest, WithoutRevisionAStateTheKeyAlreadyLeftIsStale) {
  const std::string v1 = eventText("payout", "po_1", 1000);
  const std::string v2 = eventText("payout", "po_1", 900);
  EXPECT_EQ(put("acme", "stripe", v1).outcome, UpsertOutcome::Inserted);
  EXPECT_EQ(put("acme", "stripe", v2).outcome, UpsertOutcome::NewVersion);
  EXPECT_EQ(put("acme", "stripe", v1).outcome, UpsertOutcome::Stale);
  EXPECT_EQ(rows("events"), 2);
  // A state never seen before is still a change.
  EXPECT_EQ(put("acme", "stripe", eventText("payout", "po_1", 800)).outcome,
            UpsertOutcome::NewVersion);
}

TEST_F(SqliteEventStoreTest, RevisionIsKeptOutOfTheChecksum) {
  const std::string text = eventText("payment", "txn_9", 500);
  EXPECT_EQ(validated(text).checksum, validated(withRevision(text, 7)).checksum);
  EXPECT_EQ(validated(withRevision(text, 7)).revision, 7);
  EXPECT_FALSE(validated(text).revision.has_value());
  EXPECT_FALSE(validator_.validate(withRevision(text, -1)).isOk());
}

TEST_F(SqliteEventStoreTest, TheKeyIsTenantConnectionTypeAndExternalId) {
  const std::string text = eventText("payment", "x_1", 1000);
  EXPECT_EQ(put("acme", "stripe", text).outcome, UpsertOutcome::Inserted);
  EXPECT_EQ(put("acme", "stripe_eu", text).outcome, UpsertOutcome::Inserted);
  EXPECT_EQ(put("globex", "stripe", text).outcome, UpsertOutcome::Inserted);
  EXPECT_EQ(put("acme", "stripe", eventText("refund", "x_1", 1000)).outcome,
            UpsertOutcome::Inserted);
  EXPECT_EQ(rows("events"), 4);
}

TEST_F(SqliteEventStoreTest, FindCurrentWithPayloadRecognisesTheExactBytesOfTheCurrentVersion) {
  const std::string v1 = eventText("payment", "txn_1", 1000);
  const std::string v2 = eventText("payment", "txn_1", 1200);
  const EventKey key{"stripe", EventType::Payment, "txn_1"};
  EXPECT_FALSE(store_->findCurrentWithPayload("acme", key, core::payloadSha256(v1))->has_value());
  const UpsertResult first = put("acme", "stripe", v1);
  auto found = store_->findCurrentWithPayload("acme", key, core::payloadSha256(v1));
  ASSERT_TRUE(found.isOk()) << found.status();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, first.id);
  EXPECT_EQ((*found)->version, 1);

  // Other bytes, another tenant, connection or type: no.
  EXPECT_FALSE(store_->findCurrentWithPayload("acme", key, core::payloadSha256(v2))->has_value());
  EXPECT_FALSE(store_->findCurrentWithPayload("globex", key, core::payloadSha256(v1))->has_value());
  EXPECT_FALSE(store_
                   ->findCurrentWithPayload("acme", EventKey{"other", EventType::Payment, "txn_1"},
                                            core::payloadSha256(v1))
                   ->has_value());
  EXPECT_FALSE(store_
                   ->findCurrentWithPayload("acme", EventKey{"stripe", EventType::Refund, "txn_1"},
                                            core::payloadSha256(v1))
                   ->has_value());

  // Once superseded, the old bytes are no longer current: re-reading them must be a new version.
  const UpsertResult second = put("acme", "stripe", v2);
  EXPECT_FALSE(store_->findCurrentWithPayload("acme", key, core::payloadSha256(v1))->has_value());
  auto now = store_->findCurrentWithPayload("acme", key, core::payloadSha256(v2));
  ASSERT_TRUE(now.isOk() && now->has_value());
  EXPECT_EQ((*now)->id, second.id);
  EXPECT_EQ((*now)->version, 2);
}

TEST_F(SqliteEventStoreTest, TenantsAreIsolated) {
  const UpsertResult a = put("acme", "stripe", eventText("payment", "p_1", 100));
  const UpsertResult b = put("globex", "stripe", eventText("payment", "p_1", 200));
  put("globex", "stripe", eventText("payment", "p_2", 300));

  const EventKey key{"stripe", EventType::Payment, "p_1"};
  EXPECT_EQ((*store_->current("acme", key))->event.body["amount"]["minor"], 100);
  EXPECT_EQ((*store_->current("globex", key))->event.body["amount"]["minor"], 200);
  EXPECT_FALSE(store_->current("initech", key)->has_value());

  EXPECT_TRUE(store_->byId("acme", a.id)->has_value());
  EXPECT_FALSE(store_->byId("acme", b.id)->has_value());  // globex's row, asked as acme
  EXPECT_FALSE(store_->byId("globex", a.id)->has_value());
  EXPECT_TRUE(store_->versions("initech", key)->empty());

  EXPECT_THAT(scanIds("acme", {}), ElementsAre(a.id));
  EXPECT_EQ(scanIds("globex", {}).size(), 2u);
  EXPECT_EQ(*store_->count("acme", {}), 1);
  EXPECT_EQ(*store_->count("globex", {}), 2);
  EXPECT_EQ(*store_->count("initech", {}), 0);

  // Only the AllTenants calls cross tenants.
  std::vector<std::string> tenants;
  ASSERT_TRUE(store_
                  ->scanAllTenants({},
                                   [&](const StoredEvent& e) {
                                     tenants.push_back(e.tenant);
                                     return lh::Status::ok();
                                   })
                  .isOk());
  EXPECT_THAT(tenants, ElementsAre("acme", "globex", "globex"));
  EXPECT_EQ(*store_->countAllTenants({}), 3);
}

TEST_F(SqliteEventStoreTest, ScanFiltersAndStreamsInIdOrder) {
  const int64_t p1 = put("t", "stripe", eventText("payment", "p1", 1, "2026-01-01T00:00:00Z")).id;
  const int64_t r1 = put("t", "stripe", eventText("refund", "r1", 1, "2026-01-02T00:00:00Z")).id;
  const int64_t q1 = put("t", "qbo", eventText("invoice", "i1", 1, "2026-01-03T00:00:00Z")).id;
  // p1 again with new content, and an offset that puts it at 2026-01-02T23:00:00Z.
  const int64_t p1v2 =
      put("t", "stripe", eventText("payment", "p1", 2, "2026-01-03T00:00:00+01:00")).id;

  EXPECT_THAT(scanIds("t", {}), ElementsAre(r1, q1, p1v2));
  EventFilter all;
  all.current_only = false;
  EXPECT_THAT(scanIds("t", all), ElementsAre(p1, r1, q1, p1v2));

  EventFilter byConnection;
  byConnection.connection = "stripe";
  EXPECT_THAT(scanIds("t", byConnection), ElementsAre(r1, p1v2));

  EventFilter byType;
  byType.type = EventType::Payment;
  byType.current_only = false;
  EXPECT_THAT(scanIds("t", byType), ElementsAre(p1, p1v2));

  // [2026-01-02T00:00Z, 2026-01-03T00:00Z): r1 and p1v2 (offsets are honoured), not q1.
  EventFilter window;
  window.occurred_from_ms = *core::parseDateTimeMs("2026-01-02T00:00:00Z");
  window.occurred_before_ms = *core::parseDateTimeMs("2026-01-03T00:00:00Z");
  EXPECT_THAT(scanIds("t", window), ElementsAre(r1, p1v2));
  EXPECT_EQ(*store_->count("t", window), 2);

  EventFilter resume;
  resume.after_id = r1;
  EXPECT_THAT(scanIds("t", resume), ElementsAre(q1, p1v2));
  EXPECT_EQ(*store_->count("t", resume), 2);
  EXPECT_EQ(*store_->count("t", all), 4);
}

TEST_F(SqliteEventStoreTest, ScanStopsAtTheVisitorsErrorAndLetsItUseTheStore) {
  for (int i = 0; i < 5; ++i) {
    put("t", "c", eventText("payment", "p" + std::to_string(i), 100 + i));
  }
  int visited = 0;
  lh::Status status = store_->scan("t", {}, [&](const StoredEvent& e) -> lh::Status {
    ++visited;
    // Reads of the same store from inside a scan work (cached statements are not the scan's).
    auto again = store_->byId("t", e.id);
    if (!again.isOk() || !again->has_value() || (*again)->event.body != e.event.body) {
      return lh::internalError("re-read failed");
    }
    if (visited == 3) {
      return lh::transient("stop here");
    }
    return lh::Status::ok();
  });
  EXPECT_EQ(status, lh::transient("stop here"));
  EXPECT_EQ(visited, 3);
}

TEST_F(SqliteEventStoreTest, ScanOfManyEventsHoldsOneAtATime) {
  // Not a memory measurement: the visitor sees every row, in order, while the scan is running,
  // and can write in the same connection's transaction (as replay posting does).
  lh::Status status = uow_->run([&]() -> lh::Status {
    for (int i = 0; i < 2000; ++i) {
      const std::string text = eventText("payment", "p" + std::to_string(i), i);
      LH_ASSIGN_OR_RETURN(Event event, validator_.validate(text));
      LH_RETURN_IF_ERROR(
          store_->upsert("t", "c", event, text, core::payloadSha256(text), 0).status());
    }
    return lh::Status::ok();
  });
  ASSERT_TRUE(status.isOk()) << status;
  int64_t last = 0;
  int64_t seen = 0;
  status = uow_->run([&]() -> lh::Status {
    return store_->scan("t", {}, [&](const StoredEvent& e) -> lh::Status {
      if (e.id <= last) {
        return lh::internalError("out of order");
      }
      last = e.id;
      ++seen;
      return store_->setCursor("c", "progress", "{\"seen\":" + std::to_string(seen) + "}");
    });
  });
  ASSERT_TRUE(status.isOk()) << status;
  EXPECT_EQ(seen, 2000);
  EXPECT_EQ(store_->getCursor("c", "progress")->value_or(""), "{\"seen\":2000}");
}

TEST_F(SqliteEventStoreTest, WritesOutsideAUnitOfWorkAreRefused) {
  const std::string text = eventText("payment", "p1", 1);
  const Event event = validated(text);
  auto upserted = store_->upsert("t", "c", event, text, core::payloadSha256(text), 0);
  ASSERT_FALSE(upserted.isOk());
  EXPECT_EQ(upserted.status().code(), lh::Code::Internal);
  EXPECT_THAT(upserted.status().message(), HasSubstr("unit of work"));
  EXPECT_EQ(store_->setCursor("c", "s", "{}").code(), lh::Code::Internal);
  EXPECT_EQ(store_->resetCursor("c", "s").status().code(), lh::Code::Internal);
  EXPECT_EQ(store_->resetCursors("c").status().code(), lh::Code::Internal);
  EXPECT_EQ(rows("events"), 0);
  EXPECT_EQ(rows("cursors"), 0);
}

TEST_F(SqliteEventStoreTest, CursorsGetSetListReset) {
  EXPECT_FALSE(store_->getCursor("stripe", "balance_transactions")->has_value());
  ASSERT_TRUE(uow_->run([&] {
                    LH_RETURN_IF_ERROR(
                        store_->setCursor("stripe", "balance_transactions", R"({"after":"t1"})"));
                    LH_RETURN_IF_ERROR(store_->setCursor("stripe", "payouts", R"({"after":"p1"})"));
                    return store_->setCursor("qbo", "invoices", R"("2026-01-01")");
                  })
                  .isOk());
  EXPECT_EQ(store_->getCursor("stripe", "balance_transactions")->value_or(""), R"({"after":"t1"})");
  ASSERT_TRUE(uow_->run([&] {
                    return store_->setCursor("stripe", "balance_transactions", R"({"after":"t9"})");
                  })
                  .isOk());
  EXPECT_EQ(store_->getCursor("stripe", "balance_transactions")->value_or(""), R"({"after":"t9"})");

  auto all = store_->listCursors(std::nullopt);
  ASSERT_TRUE(all.isOk()) << all.status();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].connection, "qbo");
  EXPECT_EQ((*all)[1].stream, "balance_transactions");
  EXPECT_EQ((*all)[1].cursor_json, R"({"after":"t9"})");
  EXPECT_EQ((*all)[2].stream, "payouts");
  EXPECT_THAT((*all)[2].updated_at,
              ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{3}Z"));
  auto stripe = store_->listCursors(std::string("stripe"));
  ASSERT_TRUE(stripe.isOk());
  EXPECT_EQ(stripe->size(), 2u);

  lh::Result<bool> removed = false;
  ASSERT_TRUE(uow_->run([&] {
                    removed = store_->resetCursor("stripe", "payouts");
                    return removed.status();
                  })
                  .isOk());
  EXPECT_TRUE(*removed);
  ASSERT_TRUE(uow_->run([&] {
                    removed = store_->resetCursor("stripe", "payouts");
                    return removed.status();
                  })
                  .isOk());
  EXPECT_FALSE(*removed);
  lh::Result<int64_t> cleared = int64_t{0};
  ASSERT_TRUE(uow_->run([&] {
                    cleared = store_->resetCursors("stripe");
                    return cleared.status();
                  })
                  .isOk());
  EXPECT_EQ(*cleared, 1);
  EXPECT_FALSE(store_->getCursor("stripe", "balance_transactions")->has_value());
  EXPECT_TRUE(store_->getCursor("qbo", "invoices")->has_value());
}

TEST_F(SqliteEventStoreTest, ACursorThatIsNotJsonIsRefused) {
  lh::Status status = uow_->run([&] { return store_->setCursor("c", "s", "{not json"); });
  EXPECT_EQ(status.code(), lh::Code::Conflict) << status;
  EXPECT_EQ(rows("cursors"), 0);
}

TEST_F(SqliteEventStoreTest, EventsAndCursorCommitTogetherOrNotAtAll) {
  const std::string text1 = eventText("payment", "p1", 1);
  const std::string text2 = eventText("payment", "p2", 2);
  const Event e1 = validated(text1);
  const Event e2 = validated(text2);
  auto page = [&](lh::Status endWith) {
    return uow_->run([&]() -> lh::Status {
      LH_RETURN_IF_ERROR(
          store_->upsert("t", "c", e1, text1, core::payloadSha256(text1), 0).status());
      LH_RETURN_IF_ERROR(
          store_->upsert("t", "c", e2, text2, core::payloadSha256(text2), 0).status());
      LH_RETURN_IF_ERROR(store_->setCursor("c", "s", R"({"page":2})"));
      return endWith;
    });
  };
  // A page whose unit of work fails after writing leaves neither its events nor its cursor.
  EXPECT_EQ(page(lh::transient("crash before commit")), lh::transient("crash before commit"));
  EXPECT_EQ(rows("events"), 0);
  EXPECT_FALSE(store_->getCursor("c", "s")->has_value());

  ASSERT_TRUE(page(lh::Status::ok()).isOk());
  // Committed: another connection sees both.
  auto other = rawOpen(dir_.file("ledger.db"));
  EXPECT_EQ(queryInt(other, "SELECT COUNT(*) FROM events"), 2);
  EXPECT_EQ(queryText(other, "SELECT cursor_json FROM cursors"), R"({"page":2})");
}

TEST_F(SqliteEventStoreTest, StoredEventsAndPayloadsAreAppendOnly) {
  const UpsertResult v1 = put("t", "c", eventText("payment", "p1", 1));
  put("t", "c", eventText("payment", "p1", 2));
  for (const std::string& sql : std::vector<std::string>{
           "DELETE FROM events",
           "UPDATE events SET payload = '{}'",
           "UPDATE events SET payload_sha256 = '" + std::string(64, '0') + "'",
           "UPDATE events SET checksum = '" + std::string(64, '0') + "'",
           // A superseded version cannot be made current again.
           "UPDATE events SET is_current = 1, superseded_by = NULL WHERE id = " +
               std::to_string(v1.id),
       }) {
    lh::Status status = uow_->run([&] { return db_->exec(sql); });
    EXPECT_EQ(status.code(), lh::Code::Conflict) << sql << ": " << status;
    EXPECT_THAT(status.message(), HasSubstr("append-only")) << sql;
  }
  EXPECT_EQ(rows("events"), 2);
}

TEST_F(SqliteEventStoreTest, AnEditedPayloadReadsAsPermanent) {
  const UpsertResult v1 = put("t", "c", eventText("payment", "p1", 1));
  // Behind the host's back: drop the guard and break the stored text.
  auto raw = rawOpen(dir_.file("ledger.db"));
  raw.exec("DROP TRIGGER events_only_superseded");
  raw.exec("UPDATE events SET payload = '{broken'");
  auto read = store_->byId("t", v1.id);
  ASSERT_FALSE(read.isOk());
  EXPECT_EQ(read.status().code(), lh::Code::Permanent);
  EXPECT_THAT(read.status().message(), HasSubstr("stored event " + std::to_string(v1.id)));
}

TEST_F(SqliteEventStoreTest, UnitOfWorkCommitsOnOkAndRollsBackOnError) {
  ASSERT_TRUE(
      uow_->run([&] { return db_->exec("INSERT INTO cursors VALUES ('c','a','1','x')"); }).isOk());
  EXPECT_EQ(rows("cursors"), 1);

  const lh::Status failed = uow_->run([&]() -> lh::Status {
    LH_RETURN_IF_ERROR(db_->exec("INSERT INTO cursors VALUES ('c','b','2','x')"));
    return lh::conflict("changed my mind");
  });
  EXPECT_EQ(failed, lh::conflict("changed my mind"));  // the work's own error, unchanged
  EXPECT_EQ(rows("cursors"), 1);

  const lh::Status threw = uow_->run([&]() -> lh::Status {
    LH_RETURN_IF_ERROR(db_->exec("INSERT INTO cursors VALUES ('c','c','3','x')"));
    throw std::runtime_error("boom");
  });
  EXPECT_EQ(threw.code(), lh::Code::Internal);
  EXPECT_THAT(threw.message(), HasSubstr("boom"));
  EXPECT_EQ(rows("cursors"), 1);

  bool innerRan = false;
  const lh::Status nested = uow_->run([&] {
    return uow_->run([&] {
      innerRan = true;
      return lh::Status::ok();
    });
  });
  EXPECT_EQ(nested.code(), lh::Code::Internal);
  EXPECT_FALSE(innerRan);

  // The unit is usable again after every failure.
  ASSERT_TRUE(
      uow_->run([&] { return db_->exec("INSERT INTO cursors VALUES ('c','d','4','x')"); }).isOk());
  EXPECT_EQ(rows("cursors"), 2);
}

}  // namespace
}  // namespace lh::store
