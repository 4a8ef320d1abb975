// Schema migrations of the SQLite store: numbered SQL steps compiled into the binary.
//
// The steps live in host/store/migrations/NNNN_name.sql (NNNN = 0001, 0002, ... without gaps).
// The build embeds them (CMakeLists.txt generates builtin_migrations.cpp), so a binary always
// carries exactly the schema it knows and needs no files at run time. Database::open applies the
// missing ones in one transaction. A shipped migration is never edited: a change is a new file.
//
// Thread safety: the data is immutable and static; safe from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "core/status.h"

namespace lh::store {

// One step. Views point at static storage (string literals) for the built-in steps; a test that
// injects its own keeps the text alive for the duration of Database::open.
struct Migration {
  int32_t version;        // 1, 2, 3, ... ; becomes PRAGMA user_version once applied
  std::string_view name;  // e.g. "0001_foundation", recorded in schema_migrations
  std::string_view sql;   // one or more statements, run with sqlite3_exec
};

// The steps compiled into this binary, ascending by version.
std::span<const Migration> builtinMigrations();

// OK when `migrations` is numbered 1, 2, ..., N without gaps and every step has a name and SQL.
// A list that fails this is a broken build (or test), so the code is Internal.
lh::Status validateMigrations(std::span<const Migration> migrations);

}  // namespace lh::store
