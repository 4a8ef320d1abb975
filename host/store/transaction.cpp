#include "store/transaction.h"

#include <SQLiteCpp/Database.h>
#include <sqlite3.h>

#include <string>
#include <utility>

#include "core/check.h"
#include "store/internal/sqlite_error.h"

namespace lh::store {
namespace {

std::string where(const Database& db) { return "SQLite database '" + db.path().string() + "'"; }

}  // namespace

lh::Result<Transaction> Transaction::begin(Database& db, Mode mode) {
  if (db.inTransaction()) {
    return lh::internalError("cannot begin a transaction on " + where(db) +
                             ": one is already active on this connection");
  }
  try {
    db.native().exec(mode == Mode::Immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
  } catch (const SQLite::Exception& e) {
    return internal::statusFromSqlite(e, "cannot begin a transaction on " + where(db));
  } catch (const std::exception& e) {
    return internal::statusFromException(e, "cannot begin a transaction on " + where(db));
  }
  return Transaction(&db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Transaction& Transaction::operator=(Transaction&& other) noexcept {
  if (this != &other) {
    (void)rollback();
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

Transaction::~Transaction() { (void)rollback(); }

lh::Status Transaction::commit() {
  LH_CHECK(db_ != nullptr);
  try {
    db_->native().exec("COMMIT");
  } catch (const SQLite::Exception& e) {
    lh::Status status = internal::statusFromSqlite(e, "cannot commit on " + where(*db_));
    if (!db_->inTransaction()) {
      db_ = nullptr;  // SQLite rolled it back itself
    }
    return status;
  } catch (const std::exception& e) {
    return internal::statusFromException(e, "cannot commit on " + where(*db_));
  }
  db_ = nullptr;
  return lh::Status::ok();
}

lh::Status Transaction::rollback() {
  if (db_ == nullptr) {
    return lh::Status::ok();
  }
  Database* db = std::exchange(db_, nullptr);
  if (!db->inTransaction()) {
    return lh::Status::ok();
  }
  try {
    db->native().exec("ROLLBACK");
  } catch (const SQLite::Exception& e) {
    return internal::statusFromSqlite(e, "cannot roll back on " + where(*db));
  } catch (const std::exception& e) {
    return internal::statusFromException(e, "cannot roll back on " + where(*db));
  }
  return lh::Status::ok();
}

}  // namespace lh::store
