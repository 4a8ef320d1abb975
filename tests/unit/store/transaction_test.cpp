#include "store/transaction.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "store/database.h"
#include "store_test_support.h"

namespace lh::store {
namespace {

using ::testing::HasSubstr;
using testing::queryInt;
using testing::rawOpen;
using testing::TempDir;

class TransactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Database::open(dir_.file("ledger.db"));
    ASSERT_TRUE(opened.isOk()) << opened.status();
    db_ = std::move(opened).value();
  }

  void insertState(const std::string& key) {
    ASSERT_TRUE(db_->exec("INSERT INTO plugin_state (connection, key, value) VALUES ('c', '" + key +
                          "', x'01')")
                    .isOk());
  }

  int64_t stateRows() { return queryInt(db_->native(), "SELECT COUNT(*) FROM plugin_state"); }

  TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(TransactionTest, CommitMakesChangesVisibleToOtherConnections) {
  auto tx = Transaction::begin(*db_);
  ASSERT_TRUE(tx.isOk()) << tx.status();
  EXPECT_TRUE(tx->active());
  insertState("a");
  auto other = rawOpen(dir_.file("ledger.db"));
  EXPECT_EQ(queryInt(other, "SELECT COUNT(*) FROM plugin_state"), 0);  // not yet committed
  ASSERT_TRUE(tx->commit().isOk());
  EXPECT_FALSE(tx->active());
  EXPECT_EQ(queryInt(other, "SELECT COUNT(*) FROM plugin_state"), 1);
}

TEST_F(TransactionTest, DestructorRollsBack) {
  {
    auto tx = Transaction::begin(*db_);
    ASSERT_TRUE(tx.isOk()) << tx.status();
    insertState("a");
    EXPECT_EQ(stateRows(), 1);
  }
  EXPECT_EQ(stateRows(), 0);
}

TEST_F(TransactionTest, ExplicitRollbackAndRollbackTwice) {
  auto tx = Transaction::begin(*db_, Transaction::Mode::Deferred);
  ASSERT_TRUE(tx.isOk()) << tx.status();
  insertState("a");
  EXPECT_TRUE(tx->rollback().isOk());
  EXPECT_FALSE(tx->active());
  EXPECT_TRUE(tx->rollback().isOk());
  EXPECT_EQ(stateRows(), 0);
}

TEST_F(TransactionTest, NestedBeginIsRefused) {
  auto outer = Transaction::begin(*db_);
  ASSERT_TRUE(outer.isOk()) << outer.status();
  auto inner = Transaction::begin(*db_);
  ASSERT_FALSE(inner.isOk());
  EXPECT_EQ(inner.status().code(), Code::Internal);
  EXPECT_THAT(inner.status().message(), HasSubstr("already active"));
  EXPECT_TRUE(outer->active());
}

TEST_F(TransactionTest, MoveTransfersTheRollback) {
  std::optional<Transaction> kept;
  {
    auto tx = Transaction::begin(*db_);
    ASSERT_TRUE(tx.isOk()) << tx.status();
    kept.emplace(std::move(tx).value());
  }
  insertState("a");
  EXPECT_TRUE(kept->active());
  kept.reset();  // rolls back
  EXPECT_EQ(stateRows(), 0);

  auto first = Transaction::begin(*db_);
  ASSERT_TRUE(first.isOk()) << first.status();
  insertState("b");
  Transaction moved = std::move(first).value();
  ASSERT_TRUE(moved.commit().isOk());
  EXPECT_EQ(stateRows(), 1);
}

TEST_F(TransactionTest, ImmediateWaitsThenFailsAsTransientWhileAnotherWriterHoldsTheLock) {
  OpenOptions options;
  options.busyTimeout = std::chrono::milliseconds(50);
  auto second = Database::open(dir_.file("ledger.db"), options);
  ASSERT_TRUE(second.isOk()) << second.status();
  auto held = Transaction::begin(*db_);
  ASSERT_TRUE(held.isOk()) << held.status();
  auto blocked = Transaction::begin(**second);
  ASSERT_FALSE(blocked.isOk());
  EXPECT_EQ(blocked.status().code(), Code::Transient);
  EXPECT_THAT(blocked.status().message(), HasSubstr("database is locked"));
  // Readers are not blocked in WAL mode.
  auto reader = Transaction::begin(**second, Transaction::Mode::Deferred);
  ASSERT_TRUE(reader.isOk()) << reader.status();
  EXPECT_EQ(queryInt((*second)->native(), "SELECT COUNT(*) FROM plugin_state"), 0);
}

TEST_F(TransactionTest, FailedStatementInsideLeavesTheTransactionToRollBack) {
  insertState("a");
  auto tx = Transaction::begin(*db_);
  ASSERT_TRUE(tx.isOk()) << tx.status();
  insertState("b");
  const Status duplicate =
      db_->exec("INSERT INTO plugin_state (connection, key, value) VALUES ('c', 'a', x'02')");
  EXPECT_EQ(duplicate.code(), Code::Conflict);
  EXPECT_TRUE(tx->active());
  EXPECT_TRUE(tx->rollback().isOk());
  EXPECT_EQ(stateRows(), 1);
}

}  // namespace
}  // namespace lh::store
