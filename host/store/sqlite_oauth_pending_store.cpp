#include "store/sqlite_oauth_pending_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <exception>

#include "store/internal/sqlite_error.h"
#include "store/transaction.h"

namespace lh::store {

using internal::guarded;

lh::Status SqliteOAuthPendingStore::put(std::string_view connection, const OAuthPending& pending) {
  return guarded("cannot record the pending consent of '" + std::string(connection) + "'",
                 [&]() -> lh::Status {
                   SQLite::Statement q(
                       db_.native(),
                       "INSERT OR REPLACE INTO oauth_pending (connection, state, redirect_uri, "
                       "expires_at_ms) VALUES (?1, ?2, ?3, ?4)");
                   q.bind(1, std::string(connection));
                   q.bind(2, pending.state);
                   q.bind(3, pending.redirect_uri);
                   q.bind(4, static_cast<int64_t>(pending.expires_at_ms));
                   q.exec();
                   return lh::Status::ok();
                 });
}

lh::Result<std::optional<OAuthPending>> SqliteOAuthPendingStore::take(std::string_view connection) {
  const std::string context =
      "cannot read the pending consent of '" + std::string(connection) + "'";
  LH_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db_));
  LH_ASSIGN_OR_RETURN(std::optional<OAuthPending> pending,
                      guarded(context, [&]() -> lh::Result<std::optional<OAuthPending>> {
                        SQLite::Statement q(db_.native(),
                                            "SELECT state, redirect_uri, expires_at_ms FROM "
                                            "oauth_pending WHERE connection = ?1");
                        q.bind(1, std::string(connection));
                        if (!q.executeStep()) {
                          return std::optional<OAuthPending>();
                        }
                        return std::optional<OAuthPending>(
                            OAuthPending{q.getColumn(0).getString(), q.getColumn(1).getString(),
                                         q.getColumn(2).getInt64()});
                      }));
  LH_RETURN_IF_ERROR(guarded(context, [&]() -> lh::Status {
    SQLite::Statement q(db_.native(), "DELETE FROM oauth_pending WHERE connection = ?1");
    q.bind(1, std::string(connection));
    q.exec();
    return lh::Status::ok();
  }));
  LH_RETURN_IF_ERROR(tx.commit());
  return pending;
}

}  // namespace lh::store
