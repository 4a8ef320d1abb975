// SqliteEventStore: core::EventStore on the host's SQLite database (table `events` of migration
// 0002_events, and `cursors` of 0001_foundation).
//
// Append-only: the class never deletes an event version and only ever updates one to mark it
// superseded; the schema's triggers refuse anything else from any connection.
//
// Performance: every per-event statement is prepared once per store (on first use) and reused.
// upsert makes one indexed lookup of the key's newest version and writes nothing when its checksum
// is the same; findCurrentWithPayload is the same lookup. A new version is one row appended in id
// order plus one entry in the key index: the only index, as each index on a random key costs about
// a page write per event once the table outgrows the cache. Scans prepare their own
// statement and read the events table in id order from EventFilter::after_id on, streaming one row
// at a time; their cost grows with the table, not with the number of matches.
//
// Transactions: writes (upsert, setCursor, resetCursor, resetCursors) must run inside a
// transaction the caller holds on the same Database (SqliteUnitOfWork); outside one they fail with
// Internal and write nothing. Reads run inside or outside one.
//
// Errors: SQLite errors become lh::Status (store/internal/sqlite_error.h); a stored row that no
// longer decodes (an unknown type, a payload that is not JSON) is Permanent and names the row.
//
// Thread safety: like the Database: one thread at a time. The Database must outlive the store.
// Create one store per Database and keep it (its statements are cached).
#pragma once

#include <memory>

#include "core/event_store.h"
#include "store/database.h"

namespace lh::store {

class SqliteEventStore final : public core::EventStore {
 public:
  explicit SqliteEventStore(Database& db);
  ~SqliteEventStore() override;
  SqliteEventStore(const SqliteEventStore&) = delete;
  SqliteEventStore& operator=(const SqliteEventStore&) = delete;

  lh::Result<core::UpsertResult> upsert(const std::string& tenant, const std::string& connection,
                                        const core::Event& event, const std::string& payload,
                                        const std::string& payloadSha256,
                                        int64_t ingestedAtMs) override;
  lh::Result<std::optional<core::EventVersionRef>> findCurrentWithPayload(
      const std::string& tenant, const core::EventKey& key,
      const std::string& payloadSha256) override;
  lh::Result<std::optional<core::StoredEvent>> current(const std::string& tenant,
                                                       const core::EventKey& key) override;
  lh::Result<std::optional<core::StoredEvent>> byId(const std::string& tenant, int64_t id) override;
  lh::Result<std::vector<core::StoredEvent>> versions(const std::string& tenant,
                                                      const core::EventKey& key) override;
  lh::Result<std::vector<core::StoredEvent>> currentLinkedTo(
      const std::string& tenant, const std::string& connection, const std::string& link,
      const std::vector<std::string>& values) override;
  lh::Status scan(const std::string& tenant, const core::EventFilter& filter,
                  const Visitor& visit) override;
  lh::Result<int64_t> count(const std::string& tenant, const core::EventFilter& filter) override;
  lh::Status scanAllTenants(const core::EventFilter& filter, const Visitor& visit) override;
  lh::Result<int64_t> countAllTenants(const core::EventFilter& filter) override;

  lh::Result<std::optional<std::string>> getCursor(const std::string& connection,
                                                   const std::string& stream) override;
  lh::Status setCursor(const std::string& connection, const std::string& stream,
                       const std::string& cursorJson) override;
  lh::Result<std::vector<core::CursorRecord>> listCursors(
      const std::optional<std::string>& connection) override;
  lh::Result<bool> resetCursor(const std::string& connection, const std::string& stream) override;
  lh::Result<int64_t> resetCursors(const std::string& connection) override;

 private:
  struct Statements;

  Statements& statements();
  lh::Status scanImpl(const std::string* tenant, const core::EventFilter& filter,
                      const Visitor& visit);
  lh::Result<int64_t> countImpl(const std::string* tenant, const core::EventFilter& filter);

  Database& db_;
  std::unique_ptr<Statements> statements_;  // prepared on first use
};

}  // namespace lh::store
