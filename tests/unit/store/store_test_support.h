// Helpers for the store tests: a fresh temporary directory per test, and raw SQLite access to
// inspect or tamper with a database behind lh_store's back.
#pragma once

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

namespace lh::store::testing {

// A directory under $TMPDIR (or /tmp) removed with everything in it when the object dies.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "lh_store_test_XXXXXX").string();
    char* made = mkdtemp(pattern.data());
    if (made == nullptr) {
      ADD_FAILURE() << "mkdtemp failed for " << pattern;
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path file(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// A plain SQLiteCpp connection, bypassing lh_store (no pragmas, no migrations).
inline SQLite::Database rawOpen(const std::filesystem::path& path) {
  return SQLite::Database(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
}

inline int64_t queryInt(SQLite::Database& db, const std::string& sql) {
  return db.execAndGet(sql).getInt64();
}

inline std::string queryText(SQLite::Database& db, const std::string& sql) {
  return db.execAndGet(sql).getString();
}

}  // namespace lh::store::testing
