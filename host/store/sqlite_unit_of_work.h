// SqliteUnitOfWork: core::UnitOfWork as one SQLite write transaction (BEGIN IMMEDIATE) on the
// host's Database, the connection the SQLite event and ledger stores write through.
//
// run() takes SQLite's write lock up front (waiting up to the Database's busy timeout), runs the
// work, and commits if it returned OK; otherwise, or if the work throws, it rolls back. An
// exception never leaves run(): one from the work becomes Internal after the rollback.
//
// Thread safety: like the Database: one thread at a time. The Database must outlive this object.
#pragma once

#include <functional>

#include "core/status.h"
#include "core/unit_of_work.h"
#include "store/database.h"

namespace lh::store {

class SqliteUnitOfWork final : public core::UnitOfWork {
 public:
  explicit SqliteUnitOfWork(Database& db) : db_(db) {}
  SqliteUnitOfWork(const SqliteUnitOfWork&) = delete;
  SqliteUnitOfWork& operator=(const SqliteUnitOfWork&) = delete;

  // See core::UnitOfWork::run. Errors of its own: Transient when the write lock or the commit
  // cannot be had (nothing kept); Internal when called inside another transaction on the same
  // Database (nested units are not supported; the inner work does not run).
  lh::Status run(const std::function<lh::Status()>& work) override;

 private:
  Database& db_;
};

}  // namespace lh::store
