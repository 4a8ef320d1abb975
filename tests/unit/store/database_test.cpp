#include "store/database.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "store/migration.h"
#include "store/transaction.h"
#include "store_test_support.h"

namespace lh::store {
namespace {

using ::testing::HasSubstr;
using testing::queryInt;
using testing::queryText;
using testing::rawOpen;
using testing::TempDir;

int32_t latestBuiltin() { return builtinMigrations().back().version; }

// The built-in steps followed by `extra`, for tests that need a longer history.
std::vector<Migration> builtinPlus(std::initializer_list<Migration> extra) {
  std::vector<Migration> list(builtinMigrations().begin(), builtinMigrations().end());
  list.insert(list.end(), extra.begin(), extra.end());
  return list;
}

OpenOptions withMigrations(const std::vector<Migration>& migrations) {
  OpenOptions options;
  options.migrations = std::span<const Migration>(migrations);
  return options;
}

bool tableExists(Database& db, const std::string& name) { return db.native().tableExists(name); }

TEST(DatabaseTest, FreshOpenAppliesAllMigrationsAndRecordsTheVersion) {
  TempDir dir;
  const auto path = dir.file("ledger.db");
  auto opened = Database::open(path);
  ASSERT_TRUE(opened.isOk()) << opened.status();
  Database& db = **opened;

  EXPECT_EQ(db.path(), path);
  EXPECT_EQ(db.schemaVersion(), latestBuiltin());
  EXPECT_EQ(queryInt(db.native(), "PRAGMA user_version"), latestBuiltin());
  EXPECT_TRUE(tableExists(db, "schema_migrations"));
  EXPECT_TRUE(tableExists(db, "plugin_state"));
  EXPECT_TRUE(tableExists(db, "cursors"));

  SQLite::Statement rows(
      db.native(), "SELECT version, name, applied_at FROM schema_migrations ORDER BY version");
  size_t index = 0;
  while (rows.executeStep()) {
    ASSERT_LT(index, builtinMigrations().size());
    EXPECT_EQ(rows.getColumn(0).getInt(), builtinMigrations()[index].version);
    EXPECT_EQ(rows.getColumn(1).getString(), builtinMigrations()[index].name);
    EXPECT_THAT(rows.getColumn(2).getString(),
                ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\."
                                        "[0-9]{3}Z"));
    ++index;
  }
  EXPECT_EQ(index, builtinMigrations().size());
}

TEST(DatabaseTest, ReopenIsANoOp) {
  TempDir dir;
  const auto path = dir.file("ledger.db");
  std::string appliedAt;
  {
    auto db = Database::open(path);
    ASSERT_TRUE(db.isOk()) << db.status();
    ASSERT_TRUE((*db)
                    ->exec("INSERT INTO plugin_state (connection, key, value) "
                           "VALUES ('stripe_main', 'oauth', x'00ff')")
                    .isOk());
    appliedAt = queryText((*db)->native(), "SELECT applied_at FROM schema_migrations");
  }
  auto again = Database::open(path);
  ASSERT_TRUE(again.isOk()) << again.status();
  EXPECT_EQ((*again)->schemaVersion(), latestBuiltin());
  SQLite::Database& native = (*again)->native();
  EXPECT_EQ(queryInt(native, "SELECT COUNT(*) FROM schema_migrations"),
            static_cast<int64_t>(builtinMigrations().size()));
  EXPECT_EQ(queryText(native, "SELECT applied_at FROM schema_migrations"), appliedAt);
  EXPECT_EQ(queryText(native, "SELECT hex(value) FROM plugin_state WHERE key = 'oauth'"), "00FF");
}

TEST(DatabaseTest, WalForeignKeysSynchronousAndBusyTimeoutAreSet) {
  TempDir dir;
  auto db = Database::open(dir.file("ledger.db"));
  ASSERT_TRUE(db.isOk()) << db.status();
  SQLite::Database& native = (*db)->native();
  EXPECT_EQ(queryText(native, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(queryInt(native, "PRAGMA foreign_keys"), 1);
  EXPECT_EQ(queryInt(native, "PRAGMA synchronous"), 2);  // FULL
  EXPECT_EQ(queryInt(native, "PRAGMA busy_timeout"), 5000);
  // WAL is a property of the file: a plain connection sees it too.
  auto raw = rawOpen(dir.file("ledger.db"));
  EXPECT_EQ(queryText(raw, "PRAGMA journal_mode"), "wal");
}

TEST(DatabaseTest, OptionsChangeSynchronousAndBusyTimeout) {
  TempDir dir;
  OpenOptions options;
  options.synchronous = Synchronous::Normal;
  options.busyTimeout = std::chrono::milliseconds(250);
  auto db = Database::open(dir.file("ledger.db"), options);
  ASSERT_TRUE(db.isOk()) << db.status();
  EXPECT_EQ(queryInt((*db)->native(), "PRAGMA synchronous"), 1);  // NORMAL
  EXPECT_EQ(queryInt((*db)->native(), "PRAGMA busy_timeout"), 250);
}

TEST(DatabaseTest, ForeignKeysAreEnforced) {
  TempDir dir;
  auto db = Database::open(dir.file("ledger.db"));
  ASSERT_TRUE(db.isOk()) << db.status();
  ASSERT_TRUE((*db)
                  ->exec("CREATE TABLE parent (id INTEGER PRIMARY KEY);"
                         "CREATE TABLE child (parent_id INTEGER NOT NULL REFERENCES parent(id));")
                  .isOk());
  const Status status = (*db)->exec("INSERT INTO child (parent_id) VALUES (42)");
  EXPECT_EQ(status.code(), Code::Conflict) << status;
  EXPECT_THAT(status.message(), HasSubstr("FOREIGN KEY constraint failed"));
}

TEST(DatabaseTest, FoundationTablesEnforceTheirConstraints) {
  TempDir dir;
  auto db = Database::open(dir.file("ledger.db"));
  ASSERT_TRUE(db.isOk()) << db.status();
  Database& d = **db;
  ASSERT_TRUE(d.exec("INSERT INTO cursors (connection, stream, cursor_json) "
                     "VALUES ('stripe_main', 'charges', '{\"starting_after\":\"ch_1\"}')")
                  .isOk());
  // One cursor per (connection, stream).
  EXPECT_EQ(d.exec("INSERT INTO cursors (connection, stream, cursor_json) "
                   "VALUES ('stripe_main', 'charges', '{}')")
                .code(),
            Code::Conflict);
  // The cursor must be JSON.
  EXPECT_EQ(d.exec("INSERT INTO cursors (connection, stream, cursor_json) "
                   "VALUES ('stripe_main', 'payouts', 'not json')")
                .code(),
            Code::Conflict);
  // STRICT: a text value is no BLOB.
  EXPECT_EQ(
      d.exec("INSERT INTO plugin_state (connection, key, value) VALUES ('c', 'k', 'text')").code(),
      Code::Conflict);
  EXPECT_THAT(queryText(d.native(), "SELECT updated_at FROM cursors"),
              ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{12}Z"));
}

TEST(DatabaseTest, NewerUserVersionIsRefusedUntouched) {
  TempDir dir;
  const auto path = dir.file("ledger.db");
  {
    // As a future ledgerhost would leave it, but in rollback-journal mode so we can see that
    // the refused open did not even switch it to WAL.
    auto raw = rawOpen(path);
    raw.exec(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "applied_at TEXT NOT NULL); PRAGMA user_version = 7;");
  }
  auto db = Database::open(path);
  ASSERT_FALSE(db.isOk());
  EXPECT_EQ(db.status().code(), Code::Permanent);
  EXPECT_EQ(db.status().message(), "database '" + path.string() +
                                       "' has schema version 7, this ledgerhost knows up to " +
                                       std::to_string(latestBuiltin()) + "; upgrade ledgerhost");

  auto raw = rawOpen(path);
  EXPECT_EQ(queryInt(raw, "PRAGMA user_version"), 7);
  EXPECT_EQ(queryText(raw, "PRAGMA journal_mode"), "delete");
  EXPECT_FALSE(raw.tableExists("plugin_state"));
}

TEST(DatabaseTest, NewerMigrationRowIsRefused) {
  TempDir dir;
  const auto path = dir.file("ledger.db");
  {
    auto db = Database::open(path);
    ASSERT_TRUE(db.isOk()) << db.status();
  }
  {
    auto raw = rawOpen(path);
    raw.exec("INSERT INTO schema_migrations (version, name) VALUES (9, '0009_from_the_future')");
  }
  auto db = Database::open(path);
  ASSERT_FALSE(db.isOk());
  EXPECT_EQ(db.status().code(), Code::Permanent);
  EXPECT_THAT(db.status().message(), HasSubstr("'" + path.string() + "' has schema version 9"));
  EXPECT_THAT(db.status().message(),
              HasSubstr("knows up to " + std::to_string(latestBuiltin()) + "; upgrade ledgerhost"));
}

TEST(DatabaseTest, AnotherApplicationsDatabaseIsRefused) {
  TempDir dir;
  const auto path = dir.file("other.db");
  {
    auto raw = rawOpen(path);
    raw.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)");
  }
  auto db = Database::open(path);
  ASSERT_FALSE(db.isOk());
  EXPECT_EQ(db.status().code(), Code::Permanent);
  EXPECT_THAT(db.status().message(), HasSubstr("not a ledgerhost database"));
  auto raw = rawOpen(path);
  EXPECT_FALSE(raw.tableExists("schema_migrations"));
}

TEST(DatabaseTest, FailingMigrationOnAFreshFileLeavesItEmpty) {
  TempDir dir;
  const auto path = dir.file("ledger.db");
  // Numbered after the last built-in migration, so the test holds as migrations are added.
  const int32_t last = latestBuiltin();
  const auto migrations = builtinPlus({
      {last + 1, "9998_fine", "CREATE TABLE fine (x INTEGER) STRICT;"},
      {last + 2, "9999_broken", "CREATE TABLE half_done (x INTEGER); CREATE TABL oops (y INTEGER);"},
  });
  auto db = Database::open(path, withMigrations(migrations));
  ASSERT_FALSE(db.isOk());
  EXPECT_EQ(db.status().code(), Code::Internal);  // broken SQL is a bug, not an environment issue
  EXPECT_THAT(db.status().message(), HasSubstr("migration 9999_broken failed"));
  EXPECT_THAT(db.status().message(), HasSubstr(path.string()));
  EXPECT_THAT(db.status().message(), HasSubstr("stays at schema version 0"));
  EXPECT_THAT(db.status().message(), HasSubstr("syntax error"));

  // Nothing of any step survived: one transaction.
  auto raw = rawOpen(path);
  EXPECT_EQ(queryInt(raw, "PRAGMA user_version"), 0);
  EXPECT_EQ(queryInt(raw, "SELECT COUNT(*) FROM sqlite_master"), 0);
}

TEST(DatabaseTest, FailingMigrationOnAnExistingDatabaseLeavesItsVersion) {
  TempDir dir;
  const auto path = dir.file("ledger.db");
  {
    auto db = Database::open(path);
    ASSERT_TRUE(db.isOk()) << db.status();
    ASSERT_TRUE((*db)
                    ->exec("INSERT INTO cursors (connection, stream, cursor_json) "
                           "VALUES ('qbo', 'invoices', '{\"since\":\"2026-01-01\"}')")
                    .isOk());
  }
  const int32_t before = latestBuiltin();
  const auto broken = builtinPlus({
      {before + 1, "0002_fine", "CREATE TABLE fine (x INTEGER) STRICT;"},
      // Fails at run time, not parse time: the constraint trips on the existing row.
      {before + 2, "0003_broken",
       "DELETE FROM cursors; INSERT INTO cursors (connection, stream, "
       "cursor_json) VALUES ('qbo', 'x', 'not json');"},
  });
  auto db = Database::open(path, withMigrations(broken));
  ASSERT_FALSE(db.isOk());
  EXPECT_EQ(db.status().code(), Code::Conflict);
  EXPECT_THAT(db.status().message(), HasSubstr("migration 0003_broken failed"));
  EXPECT_THAT(db.status().message(),
              HasSubstr("stays at schema version " + std::to_string(before)));
  {
    auto raw = rawOpen(path);
    EXPECT_EQ(queryInt(raw, "PRAGMA user_version"), before);
    EXPECT_EQ(queryInt(raw, "SELECT COUNT(*) FROM schema_migrations"), before);
    EXPECT_FALSE(raw.tableExists("fine"));
    EXPECT_EQ(queryText(raw, "SELECT cursor_json FROM cursors"), "{\"since\":\"2026-01-01\"}");
  }

  // The fixed list then applies, and only the new step.
  const auto fixed =
      builtinPlus({{before + 1, "0002_fine", "CREATE TABLE fine (x INTEGER) STRICT;"}});
  auto ok = Database::open(path, withMigrations(fixed));
  ASSERT_TRUE(ok.isOk()) << ok.status();
  EXPECT_EQ((*ok)->schemaVersion(), before + 1);
  EXPECT_TRUE(tableExists(**ok, "fine"));
  EXPECT_EQ(queryText((*ok)->native(), "SELECT name FROM schema_migrations ORDER BY version DESC"),
            "0002_fine");
}

TEST(DatabaseTest, BrokenMigrationListIsRefusedBeforeTouchingTheFile) {
  TempDir dir;
  const auto path = dir.file("ledger.db");
  const auto gap = builtinPlus({{latestBuiltin() + 2, "0003_gap", "SELECT 1;"}});
  auto db = Database::open(path, withMigrations(gap));
  ASSERT_FALSE(db.isOk());
  EXPECT_EQ(db.status().code(), Code::Internal);
  EXPECT_THAT(db.status().message(), HasSubstr("migration list is broken"));
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(DatabaseTest, MissingDirectoryGivesAClearError) {
  TempDir dir;
  const auto path = dir.file("no_such_dir") / "ledger.db";
  auto db = Database::open(path);
  ASSERT_FALSE(db.isOk());
  EXPECT_EQ(db.status().code(), Code::InvalidConfig);
  EXPECT_EQ(db.status().message(), "cannot create SQLite database '" + path.string() +
                                       "': directory '" + dir.file("no_such_dir").string() +
                                       "' does not exist");
}

TEST(DatabaseTest, ParentThatIsAFileGivesAClearError) {
  TempDir dir;
  std::ofstream(dir.file("plain")) << "x";
  const auto path = dir.file("plain") / "ledger.db";
  auto db = Database::open(path);
  ASSERT_FALSE(db.isOk());
  EXPECT_EQ(db.status().code(), Code::InvalidConfig);
  EXPECT_THAT(db.status().message(), HasSubstr(path.string()));
  EXPECT_THAT(db.status().message(), HasSubstr("is not a directory"));
}

TEST(DatabaseTest, DirectoryInPlaceOfTheFileGivesAClearError) {
  TempDir dir;
  auto db = Database::open(dir.path());
  ASSERT_FALSE(db.isOk());
  EXPECT_EQ(db.status().code(), Code::InvalidConfig);
  EXPECT_THAT(db.status().message(), HasSubstr("is a directory, not a database file"));
}

TEST(DatabaseTest, MissingFileWithoutCreateIsAnError) {
  TempDir dir;
  OpenOptions options;
  options.create = false;
  const auto path = dir.file("ledger.db");
  auto db = Database::open(path, options);
  ASSERT_FALSE(db.isOk());
  EXPECT_EQ(db.status().code(), Code::InvalidConfig);
  EXPECT_THAT(db.status().message(), HasSubstr("'" + path.string() + "': no such file"));
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(DatabaseTest, NotADatabaseFileGivesAClearError) {
  TempDir dir;
  const auto path = dir.file("notes.txt");
  std::ofstream(path) << std::string(4096, 'z');
  auto db = Database::open(path);
  ASSERT_FALSE(db.isOk());
  EXPECT_EQ(db.status().code(), Code::Permanent);
  EXPECT_THAT(db.status().message(), HasSubstr(path.string()));
  EXPECT_THAT(db.status().message(), HasSubstr("file is not a database"));
}

TEST(DatabaseTest, InMemoryAndUriPathsAreRejected) {
  for (const char* text : {":memory:", "file:ledger.db?mode=memory", ""}) {
    auto db = Database::open(text);
    ASSERT_FALSE(db.isOk()) << text;
    EXPECT_EQ(db.status().code(), Code::InvalidArgument) << text;
  }
}

TEST(DatabaseTest, MigrationWaitingForAnotherWriterTimesOutAsTransient) {
  TempDir dir;
  const auto path = dir.file("ledger.db");
  {
    auto db = Database::open(path);
    ASSERT_TRUE(db.isOk()) << db.status();
  }
  auto other = rawOpen(path);
  other.exec("BEGIN IMMEDIATE");  // holds the write lock

  const auto longer =
      builtinPlus({{latestBuiltin() + 1, "0002_more", "CREATE TABLE more (x INTEGER);"}});
  OpenOptions options = withMigrations(longer);
  options.busyTimeout = std::chrono::milliseconds(50);
  auto db = Database::open(path, options);
  ASSERT_FALSE(db.isOk());
  EXPECT_EQ(db.status().code(), Code::Transient);
  EXPECT_THAT(db.status().message(), HasSubstr("cannot migrate SQLite database '" + path.string()));

  other.exec("ROLLBACK");
  auto retried = Database::open(path, options);
  ASSERT_TRUE(retried.isOk()) << retried.status();
  EXPECT_EQ((*retried)->schemaVersion(), latestBuiltin() + 1);
}

TEST(DatabaseTest, ExecConvertsErrorsAndNamesTheFile) {
  TempDir dir;
  const auto path = dir.file("ledger.db");
  auto db = Database::open(path);
  ASSERT_TRUE(db.isOk()) << db.status();
  const Status status = (*db)->exec("SELEC 1");
  EXPECT_EQ(status.code(), Code::Internal);
  EXPECT_THAT(status.message(), HasSubstr("SQL failed on SQLite database '" + path.string() + "'"));
  EXPECT_THAT(status.message(), HasSubstr("syntax error"));
}

TEST(DatabaseTest, CommittedDataSurvivesReopen) {
  TempDir dir;
  const auto path = dir.file("ledger.db");
  {
    auto db = Database::open(path);
    ASSERT_TRUE(db.isOk()) << db.status();
    auto tx = Transaction::begin(**db);
    ASSERT_TRUE(tx.isOk()) << tx.status();
    ASSERT_TRUE((*db)
                    ->exec("INSERT INTO cursors (connection, stream, cursor_json) "
                           "VALUES ('authnet', 'batches', '{\"last\":\"2026-01-02\"}')")
                    .isOk());
    ASSERT_TRUE(tx->commit().isOk());
  }
  auto raw = rawOpen(path);
  EXPECT_EQ(queryText(raw, "SELECT cursor_json FROM cursors WHERE connection = 'authnet'"),
            "{\"last\":\"2026-01-02\"}");
}

// The durability the store promises: once commit() returned, the row survives the process being
// killed outright (no destructor, no close, no checkpoint), and uncommitted work does not.
TEST(DatabaseTest, CommittedDataSurvivesKillDashNine) {
  TempDir dir;
  const auto path = dir.file("ledger.db");
  const pid_t child = fork();
  ASSERT_NE(child, -1);
  if (child == 0) {
    auto db = Database::open(path);
    if (!db.isOk()) {
      _exit(3);
    }
    auto tx = Transaction::begin(**db);
    if (!tx.isOk() || !(*db)
                           ->exec("INSERT INTO cursors (connection, stream, cursor_json) "
                                  "VALUES ('stripe_main', 'charges', '{\"n\":1}')")
                           .isOk()) {
      _exit(4);
    }
    if (!tx->commit().isOk()) {
      _exit(5);
    }
    auto open = Transaction::begin(**db);
    if (!open.isOk() || !(*db)
                             ->exec("INSERT INTO cursors (connection, stream, cursor_json) "
                                    "VALUES ('stripe_main', 'payouts', '{\"n\":2}')")
                             .isOk()) {
      _exit(6);
    }
    raise(SIGKILL);
    _exit(7);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "child did not die by SIGKILL; wait status " << status;
  // The commit sits in the WAL: nothing was checkpointed into the main file.
  EXPECT_TRUE(std::filesystem::exists(path.string() + "-wal"));

  auto db = Database::open(path);
  ASSERT_TRUE(db.isOk()) << db.status();
  SQLite::Database& native = (*db)->native();
  EXPECT_EQ(queryText(native, "SELECT cursor_json FROM cursors WHERE stream = 'charges'"),
            "{\"n\":1}");
  EXPECT_EQ(queryInt(native, "SELECT COUNT(*) FROM cursors WHERE stream = 'payouts'"), 0);
  EXPECT_EQ(queryText(native, "PRAGMA integrity_check"), "ok");
}

}  // namespace
}  // namespace lh::store
