// SqliteCommandStore: core::CommandStore (the delivery outbox and its links) on the host's SQLite
// database (tables of migration 0004_commands: commands, links).
//
// enqueue is on the ingest path of every event version a delivery rule matches: its statements
// (one indexed lookup by (tenant, rule, event key), then one insert or update, or nothing) are
// prepared once per store and reused. The executor's reads prepare their own statements.
//
// A command already Sent keeps its target connection and command type when a newer version
// updates it (the object exists at that target); only its payload, event version and
// needs_update change. See core/command_queue.h for the rest of the contract.
//
// Transactions: writes (enqueue, markSent, markFailed, markWaiting, hold, recordLink) must run inside a
// transaction the caller holds on the same Database (SqliteUnitOfWork); outside one they fail with
// Internal and write nothing. Reads run inside or outside one.
//
// Errors: SQLite errors become lh::Status (store/internal/sqlite_error.h); a stored row that no
// longer decodes (an unknown status or event type) is Permanent and names the command.
//
// Thread safety: like the Database: one thread at a time. The Database must outlive the store.
#pragma once

#include <memory>

#include "core/command_queue.h"
#include "store/database.h"

namespace lh::store {

class SqliteCommandStore final : public core::CommandStore {
 public:
  explicit SqliteCommandStore(Database& db);
  ~SqliteCommandStore() override;
  SqliteCommandStore(const SqliteCommandStore&) = delete;
  SqliteCommandStore& operator=(const SqliteCommandStore&) = delete;

  lh::Result<core::EnqueueOutcome> enqueue(const core::CommandRequest& request) override;
  lh::Result<std::optional<core::CommandRecord>> find(const std::string& tenant,
                                                      const std::string& ruleId,
                                                      const core::EventKey& source) override;
  lh::Result<std::optional<core::CommandRecord>> byId(int64_t id) override;
  lh::Result<std::vector<core::CommandRecord>> pendingFor(const std::string& targetConnection,
                                                          size_t limit) override;
  lh::Result<std::vector<core::CommandRecord>> pendingAfter(const std::string& targetConnection,
                                                            int64_t afterId, size_t limit) override;
  lh::Result<std::vector<core::CommandRecord>> needingUpdateFor(const std::string& targetConnection,
                                                                size_t limit) override;
  lh::Result<int64_t> countByStatus(const std::optional<std::string>& targetConnection,
                                    core::CommandStatus status) override;
  lh::Status markSent(int64_t id, const std::string& targetId) override;
  lh::Status markFailed(int64_t id, const std::string& error, bool retryable) override;
  lh::Status markWaiting(int64_t id, const std::string& reason) override;
  lh::Status hold(int64_t id, bool held) override;
  lh::Status recordLink(const core::CommandLink& link) override;
  lh::Result<std::vector<core::CommandLink>> linksFor(
      const std::string& tenant, const core::EventKey& source,
      const std::optional<std::string>& targetConnection) override;

 private:
  struct Statements;

  Statements& statements();
  lh::Result<std::vector<core::CommandRecord>> listWhere(const std::string& where,
                                                         const std::string& targetConnection,
                                                         size_t limit, int64_t afterId = 0);

  Database& db_;
  std::unique_ptr<Statements> statements_;  // prepared on first use
};

}  // namespace lh::store
