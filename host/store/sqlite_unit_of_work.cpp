#include "store/sqlite_unit_of_work.h"

#include <exception>
#include <string>

#include "store/transaction.h"

namespace lh::store {

lh::Status SqliteUnitOfWork::run(const std::function<lh::Status()>& work) {
  LH_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db_, Transaction::Mode::Immediate));
  lh::Status status;
  try {
    status = work();
  } catch (const std::exception& e) {
    status = lh::internalError(std::string("unit of work threw: ") + e.what());
  } catch (...) {
    status = lh::internalError("unit of work threw a non-standard exception");
  }
  if (!status.isOk()) {
    // The work's error is the one that matters; a rollback failure leaves SQLite to roll back when
    // the connection closes, and the destructor tries again.
    (void)tx.rollback();
    return status;
  }
  lh::Status committed = tx.commit();
  if (!committed.isOk()) {
    (void)tx.rollback();
    return committed;
  }
  return lh::Status::ok();
}

}  // namespace lh::store
