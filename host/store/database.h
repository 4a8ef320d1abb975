// Database: one connection to the host's SQLite file, set up and migrated.
//
// `Database::open` opens (or creates) the file, refuses a database whose schema is newer than this
// binary knows, switches it to WAL, turns foreign keys on, and applies the missing migrations
// (migration.h) in one transaction. The generic store of the host: the event store, ledger and
// state service implementations (later issues) run their SQL on it.
//
// Errors: nothing throws out of lh_store. Every failure is an lh::Status whose message names the
// file: Permanent for a file we must not or cannot use (newer schema, not a database, not a
// ledgerhost database), InvalidConfig for a path that cannot hold a database (missing directory,
// a directory), Transient for a lock held too long by another process, Internal for broken SQL.
//
// Thread safety: one Database is one SQLite connection; use it from one thread at a time. Open
// one Database per thread for parallel work: WAL lets readers run beside the single writer, and
// writers wait up to `busyTimeout` for each other.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "core/status.h"
#include "store/migration.h"

namespace SQLite {
class Database;
}  // namespace SQLite

namespace lh::store {

// How hard a commit waits for the disk (PRAGMA synchronous). Both are durable against the
// process being killed (kill -9, a crash): in WAL mode a commit is in the WAL file, which the OS
// holds, before COMMIT returns.
enum class Synchronous {
  // The default. The WAL is fsynced at every commit, so a committed transaction also survives a
  // power cut or kernel panic. Money data (cursors, ledger entries, sent commands) must not be
  // forgotten once acknowledged; the cost is one fsync per commit, which batching amortises.
  Full,
  // No fsync at commit (only at checkpoints): faster, still never corrupt, but the last commits
  // before a power cut may be lost. Acceptable for bulk backfills that can be re-fetched.
  Normal,
};

struct OpenOptions {
  // Create the file when it does not exist. False: a missing file is an InvalidConfig error.
  bool create = true;
  // How long a statement waits for another connection's lock before failing with Transient.
  std::chrono::milliseconds busyTimeout{5000};
  Synchronous synchronous = Synchronous::Full;
  // Tests only: apply these migrations instead of builtinMigrations(). Numbered 1..N without gaps,
  // and step 1 must create schema_migrations. The views must stay valid during open().
  std::optional<std::span<const Migration>> migrations;
};

class Database {
 public:
  // Opens `path` (a real file; ":memory:" and URIs are not accepted) and brings its schema up to
  // the latest known migration. On error no migration step is left half-applied: the database
  // stays at the version it had.
  static lh::Result<std::unique_ptr<Database>> open(const std::filesystem::path& path,
                                                    const OpenOptions& options = {});

  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // The file this connection is open on, as given to open().
  const std::filesystem::path& path() const { return path_; }

  // The schema version after open(): the version of the last migration applied (PRAGMA
  // user_version).
  int32_t schemaVersion() const { return schemaVersion_; }

  // Runs one or more SQL statements that return no rows. Errors name the file.
  lh::Status exec(std::string_view sql);

  // True while SQLite has a transaction open on this connection (some errors, e.g. SQLITE_FULL,
  // roll it back by themselves).
  bool inTransaction();

  // OK inside a transaction; otherwise Internal "<operation> must run inside the caller's
  // transaction (unit of work)". The stores call it before every write, because they never begin
  // their own transaction: the caller's unit of work makes a page atomic.
  lh::Status requireTransaction(std::string_view operation);

  // The SQLiteCpp connection, for lh_store's own implementations (event store, ledger, state).
  // SQLiteCpp throws SQLite::Exception: callers catch it and convert it with
  // internal::statusFromSqlite, so no exception leaves lh_store. Owned by this Database.
  SQLite::Database& native() { return *db_; }

 private:
  Database(std::filesystem::path path, std::unique_ptr<SQLite::Database> db);

  lh::Status configure(const OpenOptions& options);
  lh::Status migrate(std::span<const Migration> migrations);

  std::filesystem::path path_;
  std::unique_ptr<SQLite::Database> db_;
  int32_t schemaVersion_ = 0;
};

}  // namespace lh::store
