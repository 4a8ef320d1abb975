// Transaction: RAII for one SQLite transaction on a Database, with lh::Status instead of throws.
//
//   LH_ASSIGN_OR_RETURN(auto tx, Transaction::begin(db));
//   ... statements on db.native() ...
//   LH_RETURN_IF_ERROR(tx.commit());
//
// A Transaction that is destroyed without commit() rolls back, so an early return on an error
// undoes everything done since begin(). SQLite has no nested transactions: begin() on a Database
// that is already inside one fails (Internal). Savepoints can come when a caller needs them.
//
// Thread safety: like the Database it runs on: one thread at a time. The Database must outlive
// the Transaction.
#pragma once

#include "core/status.h"
#include "store/database.h"

namespace lh::store {

class Transaction {
 public:
  enum class Mode {
    // BEGIN IMMEDIATE: takes the write lock now (waiting up to the busy timeout). The default for
    // anything that will write: a deferred transaction that reads and then writes can fail with
    // SQLITE_BUSY at its first write when another writer got in between, with no wait.
    Immediate,
    // BEGIN (deferred): for read-only work that wants one consistent snapshot.
    Deferred,
  };

  // Starts a transaction. Errors: Transient when another connection holds the write lock past the
  // busy timeout; Internal when `db` is already inside a transaction.
  static lh::Result<Transaction> begin(Database& db, Mode mode = Mode::Immediate);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&& other) noexcept;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // Rolls back when still active. Never throws.
  ~Transaction();

  // Commits. On error the transaction may still be active (e.g. SQLITE_BUSY at commit); it is
  // then rolled back by rollback() or the destructor. Calling it on an inactive transaction is a
  // broken invariant (checked).
  lh::Status commit();

  // Rolls back now; a no-op when already finished.
  lh::Status rollback();

  // True between begin() and a successful commit() or rollback().
  bool active() const { return db_ != nullptr; }

 private:
  explicit Transaction(Database* db) : db_(db) {}

  Database* db_;  // null once finished or moved from
};

}  // namespace lh::store
