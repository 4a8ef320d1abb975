#include "store/migration.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace lh::store {
namespace {

using ::testing::HasSubstr;

TEST(MigrationTest, BuiltinMigrationsAreNumberedFromOneWithoutGaps) {
  const auto migrations = builtinMigrations();
  ASSERT_FALSE(migrations.empty());
  EXPECT_TRUE(validateMigrations(migrations).isOk());
  EXPECT_EQ(migrations.front().version, 1);
  EXPECT_EQ(migrations.front().name, "0001_foundation");
  for (const Migration& migration : migrations) {
    // The name carries the zero-padded version, as the file did.
    char prefix[8];
    std::snprintf(prefix, sizeof(prefix), "%04d_", migration.version);
    EXPECT_EQ(migration.name.substr(0, 5), prefix);
  }
}

TEST(MigrationTest, FoundationCreatesTheHostTablesOnly) {
  const std::string sql(builtinMigrations().front().sql);
  EXPECT_THAT(sql, HasSubstr("CREATE TABLE schema_migrations"));
  EXPECT_THAT(sql, HasSubstr("CREATE TABLE plugin_state"));
  EXPECT_THAT(sql, HasSubstr("CREATE TABLE cursors"));
  EXPECT_THAT(sql, ::testing::Not(HasSubstr("BEGIN")));  // open() supplies the transaction
}

TEST(MigrationTest, ValidateRejectsGapsDuplicatesAndEmptySteps) {
  const std::vector<Migration> gap = {{1, "0001_a", "SELECT 1;"}, {3, "0003_c", "SELECT 1;"}};
  const Status gapStatus = validateMigrations(gap);
  EXPECT_EQ(gapStatus.code(), Code::Internal);
  EXPECT_THAT(gapStatus.message(), HasSubstr("expected version 2, found 3 (0003_c)"));

  const std::vector<Migration> duplicate = {{1, "0001_a", "SELECT 1;"}, {1, "0001_b", "SELECT 1;"}};
  EXPECT_EQ(validateMigrations(duplicate).code(), Code::Internal);

  const std::vector<Migration> zero = {{0, "0000_a", "SELECT 1;"}};
  EXPECT_EQ(validateMigrations(zero).code(), Code::Internal);

  const std::vector<Migration> noSql = {{1, "0001_a", ""}};
  EXPECT_THAT(validateMigrations(noSql).message(), HasSubstr("no name or no SQL"));

  const std::vector<Migration> fine = {{1, "0001_a", "SELECT 1;"}, {2, "0002_b", "SELECT 2;"}};
  EXPECT_TRUE(validateMigrations(fine).isOk());
}

}  // namespace
}  // namespace lh::store
