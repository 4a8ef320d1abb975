// SqliteStateStore on a temporary file: per-connection values, exact bytes, delete, durability
// across reopening; encryption at rest (no plaintext in the file or the WAL, tampering, values
// moved to another key or connection, wrong keys, no key).
#include "store/sqlite_state_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <SQLiteCpp/Statement.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "store/database.h"
#include "store/state_cipher.h"
#include "unit/core/ledger_test_support.h"
#include "unit/store/store_test_support.h"

namespace lh::store {
namespace {

using core::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::TempDir;

std::unique_ptr<Database> openDb(const std::filesystem::path& path) {
  auto opened = Database::open(path);
  EXPECT_TRUE(opened.isOk()) << opened.status();
  return opened.isOk() ? std::move(opened).value() : nullptr;
}

std::unique_ptr<StateCipher> cipherOf(char fill, uint8_t id = 1) {
  auto made = StateCipher::create(std::string(StateCipher::kKeyBytes, fill), id);
  EXPECT_TRUE(made.isOk()) << made.status();
  return made.isOk() ? std::move(made).value() : nullptr;
}

const std::unique_ptr<StateCipher> kCipher = cipherOf('k');

std::string fileBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The raw stored bytes of (connection, key), read behind the store's back.
std::string rawValue(Database& db, const std::string& connection, const std::string& key) {
  SQLite::Statement q(db.native(),
                      "SELECT value FROM plugin_state WHERE connection = ?1 AND key = ?2");
  q.bind(1, connection);
  q.bind(2, key);
  EXPECT_TRUE(q.executeStep());
  const SQLite::Column v = q.getColumn(0);
  return std::string(static_cast<const char*>(v.getBlob()), static_cast<size_t>(v.getBytes()));
}

void setRawValue(Database& db, const std::string& connection, const std::string& key,
                 const std::string& value) {
  SQLite::Statement q(db.native(),
                      "INSERT OR REPLACE INTO plugin_state (connection, key, value) VALUES "
                      "(?1, ?2, ?3)");
  q.bind(1, connection);
  q.bind(2, key);
  q.bind(3, static_cast<const void*>(value.data()), static_cast<int>(value.size()));
  q.exec();
}

TEST(SqliteStateStoreTest, KeepsValuesPerConnectionAndDeletes) {
  TempDir dir;
  auto db = openDb(dir.file("ledger.db"));
  ASSERT_NE(db, nullptr);
  SqliteStateStore qbo(*db, "qbo", kCipher.get());
  SqliteStateStore bank(*db, "bank", kCipher.get());
  EXPECT_EQ(*qbo.get("token"), std::nullopt);
  ASSERT_TRUE(qbo.put("token", "v1").isOk());
  ASSERT_TRUE(bank.put("token", "other").isOk());
  EXPECT_EQ(*qbo.get("token"), "v1");
  EXPECT_EQ(*bank.get("token"), "other");
  ASSERT_TRUE(qbo.put("token", "v2").isOk());  // replaces
  EXPECT_EQ(*qbo.get("token"), "v2");
  ASSERT_TRUE(qbo.put("realm", "").isOk());  // empty is a value, not a delete
  EXPECT_EQ(*qbo.get("realm"), "");
  EXPECT_THAT(*qbo.keys(), ElementsAre("realm", "token"));
  ASSERT_TRUE(qbo.put("token", std::nullopt).isOk());
  EXPECT_EQ(*qbo.get("token"), std::nullopt);
  EXPECT_EQ(*bank.get("token"), "other");
  ASSERT_TRUE(qbo.put("never-there", std::nullopt).isOk());  // deleting nothing is fine
}

TEST(SqliteStateStoreTest, BytesSurviveExactlyAndDurably) {
  TempDir dir;
  const std::string binary("a\0b\xff\n", 5);
  {
    auto db = openDb(dir.file("ledger.db"));
    ASSERT_NE(db, nullptr);
    SqliteStateStore state(*db, "qbo", kCipher.get());
    ASSERT_TRUE(state.put("blob", binary).isOk());  // autocommit: durable on return
  }
  auto db = openDb(dir.file("ledger.db"));
  ASSERT_NE(db, nullptr);
  SqliteStateStore state(*db, "qbo", kCipher.get());
  auto value = state.get("blob");
  ASSERT_TRUE(value.isOk()) << value.status();
  ASSERT_TRUE(value->has_value());
  EXPECT_EQ(**value, binary);
}

TEST(SqliteStateStoreTest, RefusesEmptyKeys) {
  TempDir dir;
  auto db = openDb(dir.file("ledger.db"));
  ASSERT_NE(db, nullptr);
  SqliteStateStore state(*db, "qbo", kCipher.get());
  EXPECT_THAT(state.put("", "x"), StatusIs(lh::Code::InvalidArgument, HasSubstr("empty")));
  EXPECT_THAT(state.get(""), StatusIs(lh::Code::InvalidArgument, HasSubstr("empty")));
}


TEST(SqliteStateStoreTest, NeitherTheFileNorTheWalHoldsThePlaintext) {
  TempDir dir;
  const std::string token = "refresh-token-5f4dcc3b5aa765d61d8327deb882cf99";
  auto db = openDb(dir.file("ledger.db"));
  ASSERT_NE(db, nullptr);
  SqliteStateStore state(*db, "qbo", kCipher.get());
  ASSERT_TRUE(state.put("oauth.tokens", "{\"refresh_token\":\"" + token + "\"}").isOk());
  ASSERT_TRUE(state.put("oauth.tokens", "{\"refresh_token\":\"" + token + "-2\"}").isOk());
  EXPECT_THAT(**state.get("oauth.tokens"), HasSubstr(token + "-2"));
  // Stored sealed: format 1, key id 1, nonce, ciphertext, tag.
  const std::string raw = rawValue(*db, "qbo", "oauth.tokens");
  EXPECT_EQ(static_cast<uint8_t>(raw[0]), StateCipher::kFormatV1);
  EXPECT_EQ(static_cast<uint8_t>(raw[1]), 1);
  const std::string wal = fileBytes(dir.file("ledger.db-wal"));
  const std::string main = fileBytes(dir.file("ledger.db"));
  ASSERT_FALSE(wal.empty());  // the writes are in the WAL (not checkpointed yet)
  EXPECT_EQ(wal.find("refresh-token-5f4dcc3b"), std::string::npos);
  EXPECT_EQ(main.find("refresh-token-5f4dcc3b"), std::string::npos);
  EXPECT_EQ(wal.find("refresh_token"), std::string::npos);
}

TEST(SqliteStateStoreTest, EqualValuesSealDifferently) {
  TempDir dir;
  auto db = openDb(dir.file("ledger.db"));
  ASSERT_NE(db, nullptr);
  SqliteStateStore state(*db, "qbo", kCipher.get());
  ASSERT_TRUE(state.put("a", "same").isOk());
  const std::string first = rawValue(*db, "qbo", "a");
  ASSERT_TRUE(state.put("a", "same").isOk());
  EXPECT_NE(rawValue(*db, "qbo", "a"), first);  // a fresh nonce per write
}

TEST(SqliteStateStoreTest, AnAlteredByteIsRefusedAnywhereInTheValue) {
  TempDir dir;
  auto db = openDb(dir.file("ledger.db"));
  ASSERT_NE(db, nullptr);
  SqliteStateStore state(*db, "qbo", kCipher.get());
  ASSERT_TRUE(state.put("oauth.tokens", "secret-token").isOk());
  const std::string sealed = rawValue(*db, "qbo", "oauth.tokens");
  // Nonce, ciphertext and tag bytes (the format and key id bytes have their own messages).
  for (size_t i = 2; i < sealed.size(); ++i) {
    std::string tampered = sealed;
    tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
    setRawValue(*db, "qbo", "oauth.tokens", tampered);
    EXPECT_THAT(state.get("oauth.tokens"),
                StatusIs(lh::Code::InvalidConfig, HasSubstr("decryption failed")))
        << "byte " << i;
  }
  setRawValue(*db, "qbo", "oauth.tokens", sealed);
  EXPECT_EQ(**state.get("oauth.tokens"), "secret-token");
}

TEST(SqliteStateStoreTest, AValueMovedToAnotherKeyOrConnectionDoesNotOpen) {
  TempDir dir;
  auto db = openDb(dir.file("ledger.db"));
  ASSERT_NE(db, nullptr);
  SqliteStateStore qbo(*db, "qbo", kCipher.get());
  SqliteStateStore other(*db, "qbo_other", kCipher.get());
  ASSERT_TRUE(qbo.put("oauth.tokens", "tokens-of-qbo").isOk());
  const std::string sealed = rawValue(*db, "qbo", "oauth.tokens");
  setRawValue(*db, "qbo", "consent", sealed);
  EXPECT_THAT(qbo.get("consent"), StatusIs(lh::Code::InvalidConfig,
                                           HasSubstr("plugin state 'consent' of connection 'qbo'")));
  setRawValue(*db, "qbo_other", "oauth.tokens", sealed);
  EXPECT_THAT(other.get("oauth.tokens"),
              StatusIs(lh::Code::InvalidConfig, HasSubstr("of connection 'qbo_other'")));
  EXPECT_EQ(**qbo.get("oauth.tokens"), "tokens-of-qbo");
}

TEST(SqliteStateStoreTest, AWrongKeyReadsNothingAndOverwritesNothing) {
  TempDir dir;
  auto db = openDb(dir.file("ledger.db"));
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(SqliteStateStore(*db, "qbo", kCipher.get()).put("oauth.tokens", "v1").isOk());
  const std::string sealed = rawValue(*db, "qbo", "oauth.tokens");

  auto wrong = cipherOf('w');  // same id, other bytes
  SqliteStateStore wrongKey(*db, "qbo", wrong.get());
  EXPECT_THAT(wrongKey.get("oauth.tokens"),
              StatusIs(lh::Code::InvalidConfig,
                       HasSubstr("connection 'qbo': decryption failed: the configured master key "
                                 "is not the one")));
  EXPECT_THAT(wrongKey.put("oauth.tokens", "v2"),
              StatusIs(lh::Code::InvalidConfig, HasSubstr("Nothing was changed")));
  EXPECT_EQ(rawValue(*db, "qbo", "oauth.tokens"), sealed);

  auto rotated = cipherOf('k', 2);  // another key id
  SqliteStateStore otherId(*db, "qbo", rotated.get());
  EXPECT_THAT(otherId.get("oauth.tokens"),
              StatusIs(lh::Code::InvalidConfig,
                       HasSubstr("encrypted with master key id 1, the configured key has id 2")));
  EXPECT_FALSE(otherId.put("oauth.tokens", "v3").isOk());
  EXPECT_EQ(rawValue(*db, "qbo", "oauth.tokens"), sealed);
  // Other keys of the connection are unaffected by the refusal.
  ASSERT_TRUE(wrongKey.put("fresh", "x").isOk());

  // The explicit way out: forget the connection's state, then store anew.
  EXPECT_EQ(*wrongKey.forgetAll(), 2);
  ASSERT_TRUE(wrongKey.put("oauth.tokens", "v4").isOk());
  EXPECT_EQ(**wrongKey.get("oauth.tokens"), "v4");
}

TEST(SqliteStateStoreTest, WithoutAKeyNothingIsStoredAndTheMessageSaysHowToSetOne) {
  TempDir dir;
  auto db = openDb(dir.file("ledger.db"));
  ASSERT_NE(db, nullptr);
  SqliteStateStore noKey(*db, "qbo", nullptr);
  EXPECT_EQ(*noKey.get("oauth.tokens"), std::nullopt);  // nothing stored: nothing to read
  EXPECT_THAT(noKey.put("oauth.tokens", "v"),
              StatusIs(lh::Code::InvalidConfig,
                       AllOf(HasSubstr("connection 'qbo'"), HasSubstr("no master key"),
                             HasSubstr("${env:LEDGERHOST_MASTER_KEY}"),
                             HasSubstr("master_key_file"))));
  ASSERT_TRUE(SqliteStateStore(*db, "qbo", kCipher.get()).put("oauth.tokens", "v").isOk());
  EXPECT_THAT(noKey.get("oauth.tokens"),
              StatusIs(lh::Code::InvalidConfig, HasSubstr("no master key")));
  EXPECT_TRUE(noKey.put("oauth.tokens", std::nullopt).isOk());  // deleting needs no key
  EXPECT_EQ(*noKey.get("oauth.tokens"), std::nullopt);
}

TEST(SqliteStateStoreTest, AValueWrittenBeforeEncryptionIsRefused) {
  TempDir dir;
  auto db = openDb(dir.file("ledger.db"));
  ASSERT_NE(db, nullptr);
  setRawValue(*db, "qbo", "oauth.tokens", "{\"refresh_token\":\"plain\"}");
  SqliteStateStore state(*db, "qbo", kCipher.get());
  EXPECT_THAT(state.get("oauth.tokens"),
              StatusIs(lh::Code::InvalidConfig, HasSubstr("not encrypted by this host")));
}

TEST(StateCipherTest, RefusesBadKeysAndRoundTrips) {
  EXPECT_THAT(StateCipher::create("short", 1), StatusIs(lh::Code::InvalidConfig,
                                                        HasSubstr("32 bytes, not 5")));
  EXPECT_THAT(StateCipher::create(std::string(32, 'k'), 0),
              StatusIs(lh::Code::InvalidConfig, HasSubstr("between 1 and 255")));
  auto cipher = cipherOf('c', 7);
  auto sealed = cipher->seal(std::string("a\0b", 3), "ctx");
  ASSERT_TRUE(sealed.isOk());
  EXPECT_EQ(sealed->size(), 3 + StateCipher::kOverheadBytes);
  EXPECT_EQ(StateCipher::keyIdOf(*sealed), 7);
  EXPECT_EQ(*cipher->open(*sealed, "ctx"), std::string("a\0b", 3));
  StateCipher::OpenError why = StateCipher::OpenError::None;
  EXPECT_FALSE(cipher->open(*sealed, "ctx2", &why).isOk());
  EXPECT_EQ(why, StateCipher::OpenError::Unauthentic);
  EXPECT_FALSE(cipher->open("", "ctx", &why).isOk());
  EXPECT_EQ(why, StateCipher::OpenError::NotSealed);
  // The header is authenticated too: relabelling the key id is caught by the id check first.
  std::string relabelled = *sealed;
  relabelled[1] = 8;
  EXPECT_FALSE(cipher->open(relabelled, "ctx", &why).isOk());
  EXPECT_EQ(why, StateCipher::OpenError::OtherKey);
}

TEST(SqliteStateStoreTest, SealContextsAreUnambiguous) {
  EXPECT_NE(SqliteStateStore::sealContext("a", "bc"), SqliteStateStore::sealContext("ab", "c"));
}

}  // namespace
}  // namespace lh::store
