// SqliteStateStore on a temporary file: per-connection values, exact bytes, delete, durability
// across reopening.
#include "store/sqlite_state_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "store/database.h"
#include "unit/core/ledger_test_support.h"
#include "unit/store/store_test_support.h"

namespace lh::store {
namespace {

using core::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::TempDir;

std::unique_ptr<Database> openDb(const std::filesystem::path& path) {
  auto opened = Database::open(path);
  EXPECT_TRUE(opened.isOk()) << opened.status();
  return opened.isOk() ? std::move(opened).value() : nullptr;
}

TEST(SqliteStateStoreTest, KeepsValuesPerConnectionAndDeletes) {
  TempDir dir;
  auto db = openDb(dir.file("ledger.db"));
  ASSERT_NE(db, nullptr);
  SqliteStateStore qbo(*db, "qbo");
  SqliteStateStore bank(*db, "bank");
  EXPECT_EQ(*qbo.get("token"), std::nullopt);
  ASSERT_TRUE(qbo.put("token", "v1").isOk());
  ASSERT_TRUE(bank.put("token", "other").isOk());
  EXPECT_EQ(*qbo.get("token"), "v1");
  EXPECT_EQ(*bank.get("token"), "other");
  ASSERT_TRUE(qbo.put("token", "v2").isOk());  // replaces
  EXPECT_EQ(*qbo.get("token"), "v2");
  ASSERT_TRUE(qbo.put("realm", "").isOk());  // empty is a value, not a delete
  EXPECT_EQ(*qbo.get("realm"), "");
  EXPECT_THAT(*qbo.keys(), ElementsAre("realm", "token"));
  ASSERT_TRUE(qbo.put("token", std::nullopt).isOk());
  EXPECT_EQ(*qbo.get("token"), std::nullopt);
  EXPECT_EQ(*bank.get("token"), "other");
  ASSERT_TRUE(qbo.put("never-there", std::nullopt).isOk());  // deleting nothing is fine
}

TEST(SqliteStateStoreTest, BytesSurviveExactlyAndDurably) {
  TempDir dir;
  const std::string binary("a\0b\xff\n", 5);
  {
    auto db = openDb(dir.file("ledger.db"));
    ASSERT_NE(db, nullptr);
    SqliteStateStore state(*db, "qbo");
    ASSERT_TRUE(state.put("blob", binary).isOk());  // autocommit: durable on return
  }
  auto db = openDb(dir.file("ledger.db"));
  ASSERT_NE(db, nullptr);
  SqliteStateStore state(*db, "qbo");
  auto value = state.get("blob");
  ASSERT_TRUE(value.isOk()) << value.status();
  ASSERT_TRUE(value->has_value());
  EXPECT_EQ(**value, binary);
}

TEST(SqliteStateStoreTest, RefusesEmptyKeys) {
  TempDir dir;
  auto db = openDb(dir.file("ledger.db"));
  ASSERT_NE(db, nullptr);
  SqliteStateStore state(*db, "qbo");
  EXPECT_THAT(state.put("", "x"), StatusIs(lh::Code::InvalidArgument, HasSubstr("empty")));
  EXPECT_THAT(state.get(""), StatusIs(lh::Code::InvalidArgument, HasSubstr("empty")));
}

}  // namespace
}  // namespace lh::store
