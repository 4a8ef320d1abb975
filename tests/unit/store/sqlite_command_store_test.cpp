// SqliteCommandStore on a temporary file: one command per (tenant, rule, event key), versions
// update it, the executor's read/mark API, links, and the transaction rule.
#include "store/sqlite_command_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "store/database.h"
#include "store/sqlite_unit_of_work.h"
#include "unit/core/ledger_test_support.h"
#include "unit/store/store_test_support.h"

namespace lh::store {
namespace {

using core::CommandRecord;
using core::CommandRequest;
using core::CommandStatus;
using core::EnqueueOutcome;
using core::testing::StatusIs;
using ::testing::HasSubstr;
using testing::queryInt;
using testing::TempDir;

core::EventKey key(const std::string& id) {
  return core::EventKey{"stripe", core::EventType::Payment, id};
}

CommandRequest request(const std::string& id, int32_t version, int64_t amount,
                       const std::string& rule = "deliver.payment") {
  CommandRequest r;
  r.tenant = "acme";
  r.rule_id = rule;
  r.source = key(id);
  r.event_id = 100 + version;
  r.event_version = version;
  r.target_connection = "qbo";
  r.command = "create_sales_receipt";
  r.idempotency_key = core::commandIdempotencyKey(r.tenant, rule, r.source);
  r.payload_json = nlohmann::json{{"event", {{"amount", amount}}}}.dump();
  return r;
}

class SqliteCommandStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Database::open(dir_.file("ledger.db"));
    ASSERT_TRUE(opened.isOk()) << opened.status();
    db_ = std::move(opened).value();
    store_ = std::make_unique<SqliteCommandStore>(*db_);
    unit_ = std::make_unique<SqliteUnitOfWork>(*db_);
  }

  lh::Result<EnqueueOutcome> enqueue(const CommandRequest& r) {
    lh::Result<EnqueueOutcome> outcome = lh::internalError("not run");
    lh::Status status = unit_->run([&]() -> lh::Status {
      outcome = store_->enqueue(r);
      return outcome.status();
    });
    if (!status.isOk()) {
      return status;
    }
    return outcome;
  }

  lh::Status inUnit(const std::function<lh::Status()>& work) { return unit_->run(work); }

  CommandRecord stored(const std::string& id, const std::string& rule = "deliver.payment") {
    auto found = store_->find("acme", rule, key(id));
    EXPECT_TRUE(found.isOk()) << found.status();
    EXPECT_TRUE(found.isOk() && found->has_value());
    return found.isOk() && found->has_value() ? **found : CommandRecord{};
  }

  int64_t rows() { return queryInt(db_->native(), "SELECT COUNT(*) FROM commands"); }

  TempDir dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<SqliteCommandStore> store_;
  std::unique_ptr<SqliteUnitOfWork> unit_;
};

TEST_F(SqliteCommandStoreTest, QueuesOneCommandPerRuleAndEventKey) {
  EXPECT_EQ(*enqueue(request("ch_1", 1, 500)), EnqueueOutcome::Queued);
  EXPECT_EQ(*enqueue(request("ch_1", 1, 500)), EnqueueOutcome::Unchanged);
  EXPECT_EQ(*enqueue(request("ch_2", 1, 700)), EnqueueOutcome::Queued);
  // Another rule about the same event is another command.
  EXPECT_EQ(*enqueue(request("ch_1", 1, 500, "deliver.deposit")), EnqueueOutcome::Queued);
  EXPECT_EQ(rows(), 3);

  const CommandRecord c = stored("ch_1");
  EXPECT_EQ(c.status, CommandStatus::Pending);
  EXPECT_FALSE(c.needs_update);
  EXPECT_EQ(c.attempts, 0);
  EXPECT_EQ(c.request.event_version, 1);
  EXPECT_EQ(c.request.target_connection, "qbo");
  EXPECT_EQ(c.request.command, "create_sales_receipt");
  EXPECT_EQ(c.request.payload_json, request("ch_1", 1, 500).payload_json);
  EXPECT_EQ(c.request.idempotency_key, request("ch_1", 1, 500).idempotency_key);
  EXPECT_FALSE(c.created_at.empty());
}

TEST_F(SqliteCommandStoreTest, NewVersionUpdatesThePendingCommandInsteadOfAddingOne) {
  ASSERT_TRUE(enqueue(request("ch_1", 1, 500)).isOk());
  EXPECT_EQ(*enqueue(request("ch_1", 2, 450)), EnqueueOutcome::Updated);
  EXPECT_EQ(rows(), 1);
  const CommandRecord c = stored("ch_1");
  EXPECT_EQ(c.request.event_version, 2);
  EXPECT_EQ(c.request.event_id, 102);
  EXPECT_EQ(c.request.payload_json, request("ch_1", 2, 450).payload_json);
  EXPECT_EQ(c.status, CommandStatus::Pending);
  EXPECT_FALSE(c.needs_update);
  // The idempotency key is the command's, not the version's.
  EXPECT_EQ(c.request.idempotency_key, request("ch_1", 1, 500).idempotency_key);

  // A late replay of version 1 does not undo version 2.
  EXPECT_EQ(*enqueue(request("ch_1", 1, 500)), EnqueueOutcome::Unchanged);
  EXPECT_EQ(stored("ch_1").request.event_version, 2);
}

TEST_F(SqliteCommandStoreTest, NewVersionOfASentCommandIsFlaggedNeedsUpdate) {
  ASSERT_TRUE(enqueue(request("ch_1", 1, 500)).isOk());
  const int64_t id = stored("ch_1").id;
  ASSERT_TRUE(inUnit([&] { return store_->markSent(id, "qbo-42"); }).isOk());
  EXPECT_EQ(*enqueue(request("ch_1", 2, 450)), EnqueueOutcome::Updated);
  const CommandRecord c = stored("ch_1");
  EXPECT_EQ(c.status, CommandStatus::Sent);
  EXPECT_TRUE(c.needs_update);
  EXPECT_EQ(c.target_id, "qbo-42");
  EXPECT_EQ(c.request.event_version, 2);
  auto updates = store_->needingUpdateFor("qbo", 10);
  ASSERT_TRUE(updates.isOk()) << updates.status();
  ASSERT_EQ(updates->size(), 1u);
  EXPECT_EQ((*updates)[0].id, id);
  EXPECT_TRUE(store_->pendingFor("qbo", 10)->empty());
  // Sending the update clears the flag.
  ASSERT_TRUE(inUnit([&] { return store_->markSent(id, "qbo-42"); }).isOk());
  EXPECT_FALSE(stored("ch_1").needs_update);
  EXPECT_EQ(stored("ch_1").attempts, 2);
}

TEST_F(SqliteCommandStoreTest, PendingFailedAndHeldLifecycle) {
  ASSERT_TRUE(enqueue(request("ch_1", 1, 500)).isOk());
  ASSERT_TRUE(enqueue(request("ch_2", 1, 600)).isOk());
  auto pending = store_->pendingFor("qbo", 10);
  ASSERT_TRUE(pending.isOk()) << pending.status();
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].request.source.external_id, "ch_1");  // oldest first
  EXPECT_TRUE(store_->pendingFor("other", 10)->empty());
  EXPECT_EQ(store_->pendingFor("qbo", 1)->size(), 1u);

  const int64_t first = (*pending)[0].id;
  const int64_t second = (*pending)[1].id;
  // Retryable: stays pending, counted.
  ASSERT_TRUE(inUnit([&] { return store_->markFailed(first, "429 from QBO", true); }).isOk());
  CommandRecord c = stored("ch_1");
  EXPECT_EQ(c.status, CommandStatus::Pending);
  EXPECT_EQ(c.attempts, 1);
  EXPECT_EQ(c.last_error, "429 from QBO");
  // Permanent: failed; a new version puts it back to pending.
  ASSERT_TRUE(inUnit([&] { return store_->markFailed(first, "ValidationFault", false); }).isOk());
  EXPECT_EQ(stored("ch_1").status, CommandStatus::Failed);
  EXPECT_EQ(*store_->countByStatus(std::string("qbo"), CommandStatus::Failed), 1);
  EXPECT_EQ(*enqueue(request("ch_1", 2, 499)), EnqueueOutcome::Updated);
  EXPECT_EQ(stored("ch_1").status, CommandStatus::Pending);

  ASSERT_TRUE(inUnit([&] { return store_->hold(second, true); }).isOk());
  EXPECT_EQ(stored("ch_2").status, CommandStatus::Held);
  EXPECT_EQ(store_->pendingFor("qbo", 10)->size(), 1u);
  ASSERT_TRUE(inUnit([&] { return store_->hold(second, false); }).isOk());
  EXPECT_EQ(stored("ch_2").status, CommandStatus::Pending);

  ASSERT_TRUE(inUnit([&] { return store_->markSent(second, "77"); }).isOk());
  EXPECT_THAT(inUnit([&] { return store_->hold(second, true); }),
              StatusIs(lh::Code::InvalidArgument, HasSubstr("no unsent command")));
  EXPECT_THAT(inUnit([&] { return store_->markSent(9999, "1"); }),
              StatusIs(lh::Code::InvalidArgument, HasSubstr("no command 9999")));
  EXPECT_EQ(*store_->countByStatus(std::nullopt, CommandStatus::Sent), 1);
}

TEST_F(SqliteCommandStoreTest, WritesNeedTheCallersTransaction) {
  EXPECT_THAT(store_->enqueue(request("ch_1", 1, 500)),
              StatusIs(lh::Code::Internal, HasSubstr("unit of work")));
  EXPECT_THAT(store_->markSent(1, "x"), StatusIs(lh::Code::Internal, HasSubstr("unit of work")));
  EXPECT_EQ(rows(), 0);
}

TEST_F(SqliteCommandStoreTest, RefusesMalformedRequests) {
  CommandRequest noRule = request("ch_1", 1, 500);
  noRule.rule_id.clear();
  EXPECT_THAT(enqueue(noRule), StatusIs(lh::Code::InvalidArgument, HasSubstr("rule id")));
  CommandRequest longKey = request("ch_1", 1, 500);
  longKey.idempotency_key = std::string(37, 'a');
  EXPECT_THAT(enqueue(longKey), StatusIs(lh::Code::InvalidArgument, HasSubstr("36")));
  CommandRequest notObject = request("ch_1", 1, 500);
  notObject.payload_json = "[1,2]";
  EXPECT_THAT(enqueue(notObject), StatusIs(lh::Code::InvalidArgument, HasSubstr("JSON object")));
  EXPECT_EQ(rows(), 0);
}

TEST_F(SqliteCommandStoreTest, LinksRecordWhatTheTargetMadeOfASource) {
  ASSERT_TRUE(enqueue(request("ch_1", 1, 500)).isOk());
  const int64_t id = stored("ch_1").id;
  core::CommandLink link{"acme", key("ch_1"), "qbo", "SalesReceipt", "145", id};
  ASSERT_TRUE(inUnit([&] { return store_->recordLink(link); }).isOk());
  link.target_id = "146";  // replaced, not added
  ASSERT_TRUE(inUnit([&] { return store_->recordLink(link); }).isOk());
  core::CommandLink deposit{"acme", key("ch_1"), "qbo", "Deposit", "900", std::nullopt};
  ASSERT_TRUE(inUnit([&] { return store_->recordLink(deposit); }).isOk());

  auto links = store_->linksFor("acme", key("ch_1"), std::string("qbo"));
  ASSERT_TRUE(links.isOk()) << links.status();
  ASSERT_EQ(links->size(), 2u);
  EXPECT_EQ((*links)[0].target_type, "Deposit");
  EXPECT_FALSE((*links)[0].command_id.has_value());
  EXPECT_EQ((*links)[1].target_type, "SalesReceipt");
  EXPECT_EQ((*links)[1].target_id, "146");
  EXPECT_EQ((*links)[1].command_id, id);
  EXPECT_TRUE(store_->linksFor("other", key("ch_1"), std::nullopt)->empty());
}

}  // namespace
}  // namespace lh::store
