#include "store/sqlite_state_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <exception>
#include <string>
#include <utility>

#include "store/internal/sqlite_error.h"

namespace lh::store {
namespace {

// Far more than any token; keeps the int length of sqlite3_bind_blob in range.
constexpr int kMaxValueBytes = 16 * 1024 * 1024;

template <typename Body>
auto guarded(const std::string& context, const Body& body) -> decltype(body()) {
  try {
    return body();
  } catch (const SQLite::Exception& e) {
    return internal::statusFromSqlite(e, context);
  } catch (const std::exception& e) {
    return internal::statusFromException(e, context);
  }
}

}  // namespace

SqliteStateStore::SqliteStateStore(Database& db, std::string connection)
    : db_(db), connection_(std::move(connection)) {}

lh::Result<std::optional<std::string>> SqliteStateStore::get(std::string_view key) {
  if (key.empty()) {
    return lh::invalidArgument("plugin state keys must not be empty");
  }
  // The key may name a secret's slot ("oauth_refresh_token"), never its value: fine in a message.
  return guarded("cannot read plugin state '" + std::string(key) + "' of '" + connection_ + "'",
                 [&]() -> lh::Result<std::optional<std::string>> {
                   SQLite::Statement q(db_.native(),
                                       "SELECT value FROM plugin_state WHERE connection = ?1 AND "
                                       "key = ?2");
                   q.bind(1, connection_);
                   q.bind(2, std::string(key));
                   if (!q.executeStep()) {
                     return std::optional<std::string>();
                   }
                   const SQLite::Column value = q.getColumn(0);
                   const char* bytes = static_cast<const char*>(value.getBlob());
                   return std::optional<std::string>(std::string(
                       bytes == nullptr ? "" : bytes, static_cast<size_t>(value.getBytes())));
                 });
}

lh::Status SqliteStateStore::put(std::string_view key, std::optional<std::string_view> value) {
  if (key.empty()) {
    return lh::invalidArgument("plugin state keys must not be empty");
  }
  if (value && value->size() > static_cast<size_t>(kMaxValueBytes)) {
    return lh::invalidArgument("plugin state '" + std::string(key) + "' is larger than " +
                               std::to_string(kMaxValueBytes) + " bytes");
  }
  return guarded(
      "cannot store plugin state '" + std::string(key) + "' of '" + connection_ + "'",
      [&]() -> lh::Status {
        if (!value) {
          SQLite::Statement q(db_.native(),
                              "DELETE FROM plugin_state WHERE connection = ?1 AND key = ?2");
          q.bind(1, connection_);
          q.bind(2, std::string(key));
          q.exec();
          return lh::Status::ok();
        }
        SQLite::Statement q(db_.native(),
                            "INSERT INTO plugin_state (connection, key, value) VALUES (?1, ?2, ?3) "
                            "ON CONFLICT (connection, key) DO UPDATE SET value = excluded.value, "
                            "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')");
        q.bind(1, connection_);
        q.bind(2, std::string(key));
        // A BLOB, so bytes are kept exactly (NUL included); an empty value is a zero-length blob.
        // A null pointer would bind SQL NULL, so an empty value points at a static "".
        const char* bytes = value->empty() ? "" : value->data();
        q.bind(3, static_cast<const void*>(bytes), static_cast<int>(value->size()));
        q.exec();
        return lh::Status::ok();
      });
}

lh::Result<std::vector<std::string>> SqliteStateStore::keys() {
  return guarded("cannot list the plugin state of '" + connection_ + "'",
                 [&]() -> lh::Result<std::vector<std::string>> {
                   SQLite::Statement q(db_.native(),
                                       "SELECT key FROM plugin_state WHERE connection = ?1 "
                                       "ORDER BY key");
                   q.bind(1, connection_);
                   std::vector<std::string> keys;
                   while (q.executeStep()) {
                     keys.push_back(q.getColumn(0).getString());
                   }
                   return keys;
                 });
}

}  // namespace lh::store
