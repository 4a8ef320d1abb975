#include "store/sqlite_reauth_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <exception>

#include "store/internal/sqlite_error.h"

namespace lh::store {
namespace {

using internal::guarded;
constexpr size_t kMaxReasonBytes = 1000;

// Cuts at a UTF-8 character boundary so the stored text stays valid.
std::string cut(std::string_view text) {
  if (text.size() <= kMaxReasonBytes) {
    return std::string(text);
  }
  size_t end = kMaxReasonBytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return std::string(text.substr(0, end)) + "...";
}

}  // namespace

lh::Result<std::optional<ReauthMark>> SqliteReauthStore::get(std::string_view connection) {
  return guarded("cannot read the re-authorisation mark of '" + std::string(connection) + "'",
                 [&]() -> lh::Result<std::optional<ReauthMark>> {
                   SQLite::Statement q(db_.native(),
                                       "SELECT reason, marked_at FROM connection_reauth WHERE "
                                       "connection = ?1");
                   q.bind(1, std::string(connection));
                   if (!q.executeStep()) {
                     return std::optional<ReauthMark>();
                   }
                   return std::optional<ReauthMark>(
                       ReauthMark{q.getColumn(0).getString(), q.getColumn(1).getString()});
                 });
}

lh::Status SqliteReauthStore::mark(std::string_view connection, std::string_view reason) {
  return guarded("cannot mark '" + std::string(connection) + "' as needing re-authorisation",
                 [&]() -> lh::Status {
                   SQLite::Statement q(
                       db_.native(),
                       "INSERT INTO connection_reauth (connection, reason) VALUES (?1, ?2) "
                       "ON CONFLICT (connection) DO UPDATE SET reason = excluded.reason, "
                       "marked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')");
                   q.bind(1, std::string(connection));
                   q.bind(2, cut(reason));
                   q.exec();
                   return lh::Status::ok();
                 });
}

lh::Result<bool> SqliteReauthStore::clear(std::string_view connection) {
  return guarded("cannot clear the re-authorisation mark of '" + std::string(connection) + "'",
                 [&]() -> lh::Result<bool> {
                   SQLite::Statement q(db_.native(),
                                       "DELETE FROM connection_reauth WHERE connection = ?1");
                   q.bind(1, std::string(connection));
                   return q.exec() > 0;
                 });
}

}  // namespace lh::store
