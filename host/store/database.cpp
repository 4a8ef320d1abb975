#include "store/database.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include <algorithm>
#include <string>
#include <system_error>
#include <utility>

#include "store/internal/sqlite_error.h"
#include "store/transaction.h"

namespace lh::store {
namespace {

namespace fs = std::filesystem;

std::string describe(const fs::path& path) { return "SQLite database '" + path.string() + "'"; }

struct SchemaState {
  int64_t version = 0;     // max(PRAGMA user_version, highest schema_migrations row)
  bool hasTables = false;  // any table at all, ours or not
};

// Throws SQLite::Exception (the callers convert it).
SchemaState readSchemaState(SQLite::Database& db) {
  SchemaState state;
  state.version = db.execAndGet("PRAGMA user_version").getInt64();
  if (db.tableExists("schema_migrations")) {
    const int64_t recorded =
        db.execAndGet("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").getInt64();
    state.version = std::max(state.version, recorded);
  }
  state.hasTables =
      db.execAndGet("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table')").getInt() !=
      0;
  return state;
}

// OK when this binary may use (and migrate) a database in `state`.
lh::Status checkCompatible(const fs::path& path, const SchemaState& state, int32_t known) {
  if (state.version > known) {
    return lh::permanent("database '" + path.string() + "' has schema version " +
                         std::to_string(state.version) + ", this ledgerhost knows up to " +
                         std::to_string(known) + "; upgrade ledgerhost");
  }
  if (state.version == 0 && state.hasTables) {
    // Our migrations set the version in the same transaction as the tables, so tables without a
    // version were made by something else. Migrating them would mix two applications' schemas.
    return lh::permanent("database '" + path.string() +
                         "' has tables but no ledgerhost schema version; it is not a ledgerhost "
                         "database (refusing to change it)");
  }
  return lh::Status::ok();
}

// Our own checks before SQLite's, for messages that say what to fix.
lh::Status checkPath(const fs::path& path, const OpenOptions& options) {
  const std::string text = path.string();
  if (text.empty() || text == ":memory:" || text.rfind("file:", 0) == 0) {
    return lh::invalidArgument("the store needs a database file path, not '" + text + "'");
  }
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (fs::is_directory(status)) {
    return lh::invalidConfig("cannot open " + describe(path) +
                             ": it is a directory, not a database file");
  }
  if (fs::exists(status)) {
    return lh::Status::ok();
  }
  if (!options.create) {
    return lh::invalidConfig("cannot open " + describe(path) + ": no such file");
  }
  const fs::path parent = path.has_parent_path() ? path.parent_path() : fs::path(".");
  const fs::file_status parentStatus = fs::status(parent, ec);
  if (!fs::exists(parentStatus)) {
    return lh::invalidConfig("cannot create " + describe(path) + ": directory '" + parent.string() +
                             "' does not exist");
  }
  if (!fs::is_directory(parentStatus)) {
    return lh::invalidConfig("cannot create " + describe(path) + ": '" + parent.string() +
                             "' is not a directory");
  }
  return lh::Status::ok();
}

}  // namespace

Database::Database(fs::path path, std::unique_ptr<SQLite::Database> db)
    : path_(std::move(path)), db_(std::move(db)) {}

Database::~Database() = default;

lh::Result<std::unique_ptr<Database>> Database::open(const fs::path& path,
                                                     const OpenOptions& options) {
  const std::span<const Migration> migrations = options.migrations.value_or(builtinMigrations());
  LH_RETURN_IF_ERROR(validateMigrations(migrations));
  if (migrations.empty()) {
    return lh::internalError("no migrations to apply: migration 1 must create schema_migrations");
  }
  LH_RETURN_IF_ERROR(checkPath(path, options));

  std::unique_ptr<Database> db;
  SchemaState state;
  try {
    const int flags = SQLite::OPEN_READWRITE | (options.create ? SQLite::OPEN_CREATE : 0);
    auto connection = std::make_unique<SQLite::Database>(
        path, flags, static_cast<int>(options.busyTimeout.count()));
    db.reset(new Database(path, std::move(connection)));
    // Read (never write) first: a database from a newer ledgerhost, or another application's, is
    // refused before we change even its journal mode.
    state = readSchemaState(*db->db_);
  } catch (const SQLite::Exception& e) {
    return internal::statusFromSqlite(e, "cannot open " + describe(path));
  } catch (const std::exception& e) {
    return internal::statusFromException(e, "cannot open " + describe(path));
  }
  LH_RETURN_IF_ERROR(checkCompatible(path, state, migrations.back().version));
  LH_RETURN_IF_ERROR(db->configure(options));
  db->schemaVersion_ = static_cast<int32_t>(state.version);
  if (state.version < migrations.back().version) {
    LH_RETURN_IF_ERROR(db->migrate(migrations));
  }
  return db;
}

lh::Status Database::configure(const OpenOptions& options) {
  try {
    // WAL: readers never block the writer nor each other, and a commit appends to the log
    // instead of rewriting pages, which is both faster and crash-safe.
    const std::string mode = db_->execAndGet("PRAGMA journal_mode = WAL").getString();
    if (mode != "wal") {
      return lh::permanent("cannot use " + describe(path_) +
                           ": SQLite refused WAL journal mode (it stays '" + mode +
                           "'); is the file on a network file system?");
    }
    // See Synchronous in database.h for why FULL is the default.
    db_->exec(options.synchronous == Synchronous::Full ? "PRAGMA synchronous = FULL"
                                                       : "PRAGMA synchronous = NORMAL");
    // Off by default in SQLite, per connection, and a no-op inside a transaction: set it here,
    // before any migration runs, on every connection.
    db_->exec("PRAGMA foreign_keys = ON");
    if (db_->execAndGet("PRAGMA foreign_keys").getInt() != 1) {
      return lh::internalError("cannot use " + describe(path_) +
                               ": SQLite did not turn foreign keys on");
    }
  } catch (const SQLite::Exception& e) {
    return internal::statusFromSqlite(e, "cannot set up " + describe(path_));
  } catch (const std::exception& e) {
    return internal::statusFromException(e, "cannot set up " + describe(path_));
  }
  return lh::Status::ok();
}

lh::Status Database::migrate(std::span<const Migration> migrations) {
  const int32_t known = migrations.back().version;
  // One transaction for all missing steps: either the database reaches `known` or nothing
  // changes. IMMEDIATE takes the write lock first, so two processes opening the same new file
  // migrate one after the other; the second then finds nothing left to do.
  auto begun = Transaction::begin(*this, Transaction::Mode::Immediate);
  if (!begun.isOk()) {
    return begun.status().withContext("cannot migrate " + describe(path_));
  }
  Transaction tx = std::move(begun).value();
  int64_t from = 0;
  try {
    const SchemaState state = readSchemaState(*db_);
    LH_RETURN_IF_ERROR(checkCompatible(path_, state, known));
    from = state.version;
  } catch (const SQLite::Exception& e) {
    return internal::statusFromSqlite(e, "cannot migrate " + describe(path_));
  }

  for (const Migration& migration : migrations) {
    if (migration.version <= from) {
      continue;
    }
    try {
      db_->exec(std::string(migration.sql));
      SQLite::Statement record(*db_, "INSERT INTO schema_migrations (version, name) VALUES (?, ?)");
      record.bind(1, migration.version);
      record.bind(2, std::string(migration.name));
      record.exec();
    } catch (const SQLite::Exception& e) {
      // `tx` rolls everything back on return, including the steps before this one.
      return internal::statusFromSqlite(
          e, "migration " + std::string(migration.name) + " failed on " + describe(path_) +
                 " (rolled back; the database stays at schema version " + std::to_string(from) +
                 ")");
    } catch (const std::exception& e) {
      return internal::statusFromException(
          e, "migration " + std::string(migration.name) + " failed on " + describe(path_) +
                 " (rolled back; the database stays at schema version " + std::to_string(from) +
                 ")");
    }
  }
  try {
    // PRAGMA takes no bound parameters; `known` is an integer we produced.
    db_->exec("PRAGMA user_version = " + std::to_string(known));
  } catch (const SQLite::Exception& e) {
    return internal::statusFromSqlite(e, "cannot record the schema version of " + describe(path_));
  }
  LH_RETURN_IF_ERROR(tx.commit());
  schemaVersion_ = known;
  return lh::Status::ok();
}

bool Database::inTransaction() { return sqlite3_get_autocommit(db_->getHandle()) == 0; }

lh::Status Database::requireTransaction(std::string_view operation) {
  if (!inTransaction()) {
    return lh::internalError(std::string(operation) +
                             " must run inside the caller's transaction (unit of work)");
  }
  return lh::Status::ok();
}

lh::Status Database::exec(std::string_view sql) {
  try {
    db_->exec(std::string(sql));
  } catch (const SQLite::Exception& e) {
    return internal::statusFromSqlite(e, "SQL failed on " + describe(path_));
  } catch (const std::exception& e) {
    return internal::statusFromException(e, "SQL failed on " + describe(path_));
  }
  return lh::Status::ok();
}

}  // namespace lh::store
