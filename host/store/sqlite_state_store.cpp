#include "store/sqlite_state_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <openssl/crypto.h>

#include <exception>
#include <optional>
#include <string>
#include <utility>

#include "store/internal/sqlite_error.h"
#include "store/transaction.h"

namespace lh::store {
namespace {

using internal::guarded;
// Far more than any token; keeps the int length of sqlite3_bind_blob in range.
constexpr int kMaxValueBytes = 16 * 1024 * 1024;

}  // namespace

SqliteStateStore::SqliteStateStore(Database& db, std::string connection,
                                   const StateCipher* cipher)
    : db_(db), connection_(std::move(connection)), cipher_(cipher) {}

std::string SqliteStateStore::sealContext(std::string_view connection, std::string_view key) {
  // Length-prefixed, so ("a", "bc") and ("ab", "c") differ.
  std::string context = "ledgerhost.plugin_state/1";
  for (std::string_view part : {connection, key}) {
    context += '\0';
    context += std::to_string(part.size());
    context += ':';
    context.append(part);
  }
  return context;
}

lh::Status SqliteStateStore::noKey(std::string_view key, std::string_view action) const {
  return lh::invalidConfig(
      "cannot " + std::string(action) + " plugin state '" + std::string(key) +
      "' of connection '" + connection_ +
      "': no master key is configured, and plugin state (OAuth tokens...) is only kept encrypted. "
      "Set store.master_key: ${env:LEDGERHOST_MASTER_KEY} (32 bytes as 64 hex digits or base64, "
      "e.g. from `openssl rand -hex 32`) or store.master_key_file: PATH in the config; see "
      "docs/secrets.md");
}

lh::Result<std::string> SqliteStateStore::openStored(std::string_view key, std::string_view stored,
                                                     std::string_view action) const {
  if (cipher_ == nullptr) {
    return noKey(key, action);
  }
  lh::Result<std::string> opened = cipher_->open(stored, sealContext(connection_, key));
  if (!opened.isOk()) {
    return lh::invalidConfig(
        "cannot " + std::string(action) + " plugin state '" + std::string(key) +
        "' of connection '" + connection_ + "': " + opened.status().message() +
        ". Nothing was changed. Configure the master key it was written with, or discard the "
        "connection's state with `ledgerhost connect " +
        connection_ + " --forget-state` and authorise again");
  }
  return opened;
}

lh::Result<std::optional<std::string>> SqliteStateStore::readSealed(std::string_view key) {
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

lh::Result<std::optional<std::string>> SqliteStateStore::get(std::string_view key) {
  if (key.empty()) {
    return lh::invalidArgument("plugin state keys must not be empty");
  }
  LH_ASSIGN_OR_RETURN(std::optional<std::string> stored, readSealed(key));
  if (!stored) {
    return std::optional<std::string>();
  }
  LH_ASSIGN_OR_RETURN(std::string plain, openStored(key, *stored, "read"));
  return std::optional<std::string>(std::move(plain));
}

lh::Status SqliteStateStore::put(std::string_view key, std::optional<std::string_view> value) {
  if (key.empty()) {
    return lh::invalidArgument("plugin state keys must not be empty");
  }
  if (value && value->size() > static_cast<size_t>(kMaxValueBytes)) {
    return lh::invalidArgument("plugin state '" + std::string(key) + "' is larger than " +
                               std::to_string(kMaxValueBytes) + " bytes");
  }
  if (value && cipher_ == nullptr) {
    return noKey(key, "store");
  }
  std::optional<Transaction> own;
  if (value && !db_.inTransaction()) {
    // The check of the stored value and the write are one unit: no other writer in between.
    LH_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db_));
    own.emplace(std::move(tx));
  }
  const std::string context =
      "cannot store plugin state '" + std::string(key) + "' of '" + connection_ + "'";
  if (!value) {
    return guarded(context, [&]() -> lh::Status {
      SQLite::Statement q(db_.native(),
                          "DELETE FROM plugin_state WHERE connection = ?1 AND key = ?2");
      q.bind(1, connection_);
      q.bind(2, std::string(key));
      q.exec();
      return lh::Status::ok();
    });
  }
  // Never overwrite a value this key cannot open: with the right key it may still be readable.
  LH_ASSIGN_OR_RETURN(std::optional<std::string> existing, readSealed(key));
  if (existing) {
    lh::Result<std::string> opened = openStored(key, *existing, "replace");
    if (!opened.isOk()) {
      return opened.status();
    }
    OPENSSL_cleanse(opened->data(), opened->size());
  }
  LH_ASSIGN_OR_RETURN(std::string sealed,
                      cipher_->seal(*value, sealContext(connection_, key)));
  LH_RETURN_IF_ERROR(guarded(context, [&]() -> lh::Status {
    SQLite::Statement q(db_.native(),
                        "INSERT INTO plugin_state (connection, key, value) VALUES (?1, ?2, ?3) "
                        "ON CONFLICT (connection, key) DO UPDATE SET value = excluded.value, "
                        "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')");
    q.bind(1, connection_);
    q.bind(2, std::string(key));
    q.bind(3, static_cast<const void*>(sealed.data()), static_cast<int>(sealed.size()));
    q.exec();
    return lh::Status::ok();
  }));
  if (own) {
    return own->commit();
  }
  return lh::Status::ok();
}

lh::Result<int64_t> SqliteStateStore::forgetAll() {
  return guarded("cannot forget the plugin state of '" + connection_ + "'",
                 [&]() -> lh::Result<int64_t> {
                   SQLite::Statement q(db_.native(),
                                       "DELETE FROM plugin_state WHERE connection = ?1");
                   q.bind(1, connection_);
                   return static_cast<int64_t>(q.exec());
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
