// SqliteStateStore: one connection's plugin state (OAuth tokens, consent ids, ...; sdk.h
// `state_get`/`state_put`) in the `plugin_state` table of 0001_foundation.
//
// Its get/put have exactly the shape of lh::plugins::StateStore (plugins/host_services.h); lh_store
// does not depend on the plugin loader, so the runtime (pipeline/runtime.h) wraps it in that
// interface for a HostContext. Cursors are not here: they commit with the events (EventStore).
//
// NOT encrypted at rest yet: values are stored as given. Encryption (a key from the environment or
// a key file, AEAD per value, the connection and key as associated data) comes with the QBO
// connector (issue 7), the first plugin that stores a secret (its OAuth refresh token). Until then
// no built-in plugin writes secrets through state_put.
//
// Durability: put() outside a transaction commits at once (autocommit, synchronous as the
// Database): "stored durably before returning". Inside a caller's transaction it joins it.
//
// Errors: SQLite errors become lh::Status (store/internal/sqlite_error.h); InvalidArgument for an
// empty key.
//
// Thread safety: like the Database: one thread at a time. The Database must outlive the store.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/database.h"

namespace lh::store {

class SqliteStateStore {
 public:
  // The state of `connection` (the YAML connection name).
  SqliteStateStore(Database& db, std::string connection);
  SqliteStateStore(const SqliteStateStore&) = delete;
  SqliteStateStore& operator=(const SqliteStateStore&) = delete;

  const std::string& connection() const { return connection_; }

  // The value stored under `key`, or nullopt.
  lh::Result<std::optional<std::string>> get(std::string_view key);

  // Stores `value` under `key` (bytes as given, may hold NUL); nullopt deletes the key.
  lh::Status put(std::string_view key, std::optional<std::string_view> value);

  // The keys stored for this connection, sorted (for operator tools; values are not listed).
  lh::Result<std::vector<std::string>> keys();

 private:
  Database& db_;
  std::string connection_;
};

}  // namespace lh::store
