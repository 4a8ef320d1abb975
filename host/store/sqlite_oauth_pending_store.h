// SqliteOAuthPendingStore: consents started by `ledgerhost connect X --print-url` and waiting for
// `ledgerhost connect X --redirect-url URL` (`oauth_pending`, migration 0006). One per connection.
//
// The `state` is a one-time CSRF token, not a credential: it only lets a redirect that carries it be
// accepted, once, before it expires, by the process that has this database.
//
// Writes autocommit outside a transaction. Thread safety: like the Database (one thread at a time).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "store/database.h"

namespace lh::store {

struct OAuthPending {
  std::string state;
  std::string redirect_uri;
  int64_t expires_at_ms = 0;  // Unix milliseconds
};

class SqliteOAuthPendingStore {
 public:
  explicit SqliteOAuthPendingStore(Database& db) : db_(db) {}
  SqliteOAuthPendingStore(const SqliteOAuthPendingStore&) = delete;
  SqliteOAuthPendingStore& operator=(const SqliteOAuthPendingStore&) = delete;

  // Records (replacing) the pending consent of `connection`.
  lh::Status put(std::string_view connection, const OAuthPending& pending);
  // Removes and returns the pending consent of `connection` (nullopt when none): a state is
  // accepted at most once, whatever the outcome.
  lh::Result<std::optional<OAuthPending>> take(std::string_view connection);

 private:
  Database& db_;
};

}  // namespace lh::store
