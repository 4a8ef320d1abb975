// SqliteReauthStore: which connections need re-authorisation (`connection_reauth`, migration 0006).
//
// The persistent form of LH_E_AUTH_REQUIRED: a sync or delivery that gets it marks the connection;
// `ledgerhost connect` clears the mark after the plugin stored its new consent. While marked, a
// sync of the connection does not call the plugin at all (pipeline/reauth.h says what to run).
//
// Writes autocommit outside a transaction and join the caller's inside one. Errors: SQLite errors
// as lh::Status (store/internal/sqlite_error.h).
//
// Thread safety: like the Database: one thread at a time. The Database must outlive the store.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "store/database.h"

namespace lh::store {

struct ReauthMark {
  std::string reason;     // the plugin's message when it was marked
  std::string marked_at;  // ISO-8601 UTC with milliseconds
};

class SqliteReauthStore {
 public:
  explicit SqliteReauthStore(Database& db) : db_(db) {}
  SqliteReauthStore(const SqliteReauthStore&) = delete;
  SqliteReauthStore& operator=(const SqliteReauthStore&) = delete;

  // The mark of `connection`, or nullopt when it needs nothing.
  lh::Result<std::optional<ReauthMark>> get(std::string_view connection);

  // Marks `connection` (replacing an older mark's reason and time). `reason` is cut to 1000 bytes.
  lh::Status mark(std::string_view connection, std::string_view reason);

  // Removes the mark; true when there was one.
  lh::Result<bool> clear(std::string_view connection);

 private:
  Database& db_;
};

}  // namespace lh::store
