// UnitOfWork: one atomic step of the engine — the events of a page, their postings, the commands
// they queue and the connector's cursor commit together or not at all (DESIGN.md "Data flow" 2:
// "a crash never loses or doubles anything"). Declared by core, implemented by lh_store
// (store/sqlite_unit_of_work.h) with one database transaction.
//
//   LH_RETURN_IF_ERROR(uow.run([&]() -> lh::Status {
//     LH_ASSIGN_OR_RETURN(auto result, events.upsert(...));
//     LH_RETURN_IF_ERROR(ledger.post(...));
//     return events.setCursor(connection, stream, cursor);
//   }));
//
// The stores (EventStore, LedgerStore) never begin or commit anything themselves: every write they
// make inside `work` belongs to this unit, on the same connection.
//
// Thread safety: as the connection under it; one run() at a time, from one thread. run() does not
// nest: calling it again from inside `work` fails (Internal) without running the inner work.
#pragma once

#include <functional>

#include "core/status.h"

namespace lh::core {

class UnitOfWork {
 public:
  virtual ~UnitOfWork() = default;

  // Begins a write transaction, runs `work` in it, and commits when `work` returns OK; when
  // `work` returns an error, rolls back everything it wrote and returns that error unchanged.
  // A failure to begin (Transient: another writer held the lock past the busy timeout) runs
  // nothing; a failure to commit (Transient) is returned after the rollback: nothing of `work`
  // is kept, and the whole unit may be retried.
  virtual lh::Status run(const std::function<lh::Status()>& work) = 0;
};

}  // namespace lh::core
