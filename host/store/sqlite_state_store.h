// SqliteStateStore: one connection's plugin state (OAuth tokens, consent ids, ...; sdk.h
// `state_get`/`state_put`) in the `plugin_state` table of 0001_foundation, encrypted at rest.
//
// Its get/put have exactly the shape of lh::plugins::StateStore (plugins/host_services.h); lh_store
// does not depend on the plugin loader, so the runtime (pipeline/runtime.h) wraps it in that
// interface for a HostContext. Cursors are not here: they commit with the events (EventStore), and
// need no key.
//
// Encryption (docs/secrets.md): every value is sealed with the StateCipher built from the config's
// master key (AES-256-GCM, random nonce per write, key id byte). The associated data binds the
// connection and the key, so a value copied to another connection or key does not open. The
// stored bytes never hold the plaintext, in the table or in the WAL.
//   - No master key (cipher null): put of a value fails with InvalidConfig saying how to configure
//     one; get returns nullopt when nothing is stored and InvalidConfig when something is; deleting
//     (put nullopt) and forgetAll() work without a key.
//   - A value that does not open (another key id, a wrong key, altered bytes, moved from elsewhere):
//     get fails with InvalidConfig naming the connection and the key; put refuses to overwrite it
//     (same error, nothing written), so a wrongly configured key never destroys a token that the
//     right key could still read. forgetAll() is the explicit way out.
// Messages name connections and keys, never values or key material.
//
// Durability: put() outside a transaction commits at once (its own IMMEDIATE transaction, synchronous
// as the Database): "stored durably before returning". Inside a caller's transaction it joins it.
//
// Errors: SQLite errors become lh::Status (store/internal/sqlite_error.h); InvalidArgument for an
// empty key.
//
// Thread safety: like the Database: one thread at a time. The Database and the cipher must outlive
// the store.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/database.h"
#include "store/state_cipher.h"

namespace lh::store {

class SqliteStateStore {
 public:
  // The state of `connection` (the YAML connection name), sealed with `cipher` (null: no master key
  // configured; see the file comment).
  SqliteStateStore(Database& db, std::string connection, const StateCipher* cipher);
  SqliteStateStore(const SqliteStateStore&) = delete;
  SqliteStateStore& operator=(const SqliteStateStore&) = delete;

  const std::string& connection() const { return connection_; }

  // The value stored under `key` (decrypted), or nullopt.
  lh::Result<std::optional<std::string>> get(std::string_view key);

  // Stores `value` under `key` (bytes as given, may hold NUL; sealed before it reaches SQLite);
  // nullopt deletes the key.
  lh::Status put(std::string_view key, std::optional<std::string_view> value);

  // Deletes every value of this connection (no key needed); returns how many there were. For
  // `ledgerhost connect --forget-state`, when the key the values were sealed with is lost.
  lh::Result<int64_t> forgetAll();

  // The associated data a value of (connection, key) is sealed with (exposed for tests).
  static std::string sealContext(std::string_view connection, std::string_view key);

  // The keys stored for this connection, sorted (for operator tools; values are not listed).
  lh::Result<std::vector<std::string>> keys();

 private:
  // The stored (sealed) bytes of `key`, or nullopt.
  lh::Result<std::optional<std::string>> readSealed(std::string_view key);
  // The stored value opened, or InvalidConfig naming the connection and key (`action`: "read"...).
  lh::Result<std::string> openStored(std::string_view key, std::string_view stored,
                                     std::string_view action) const;
  lh::Status noKey(std::string_view key, std::string_view action) const;

  Database& db_;
  std::string connection_;
  const StateCipher* cipher_;
};

}  // namespace lh::store
