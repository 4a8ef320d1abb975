// Turns SQLite errors into lh::Status. Internal to lh_store: every lh_store function that calls
// SQLiteCpp catches SQLite::Exception (and std::exception) and returns one of these, so nothing
// throws out of lh_store.
//
// Code mapping (retry meaning as in core/status.h):
//   SQLITE_BUSY, SQLITE_LOCKED             -> Transient (another connection holds the lock)
//   SQLITE_IOERR, SQLITE_FULL, SQLITE_NOMEM -> Transient (the disk or memory may come back)
//   SQLITE_CONSTRAINT                      -> Conflict  (the row exists or a reference is gone)
//   SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_READONLY, SQLITE_AUTH,
//   SQLITE_CORRUPT, SQLITE_NOTADB          -> Permanent (an operator must fix the file)
//   anything else (SQL errors, misuse)     -> Internal  (a bug in our SQL)
//
// Thread safety: pure functions.
#pragma once

#include <SQLiteCpp/Exception.h>

#include <exception>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/status.h"

namespace lh::store::internal {

// The Code for a primary or extended SQLite result code.
lh::Code codeForSqlite(int sqliteCode);

// "<context>: <sqlite message>" with the mapped code.
lh::Status statusFromSqlite(const SQLite::Exception& error, std::string_view context);

// For non-SQLite exceptions escaping SQLiteCpp or the standard library (bad_alloc, ...): Internal.
lh::Status statusFromException(const std::exception& error, std::string_view context);

// Runs `body` (returning a Status or Result) and turns what SQLiteCpp or the library throws into
// statusFromSqlite / statusFromException with `context`: text, or a callable returning the text,
// which is then built only on error (for per-event paths, where building it every time costs).
template <typename Context, typename Body>
auto guarded(const Context& context, const Body& body) -> decltype(body()) {
  const auto text = [&]() -> std::string {
    if constexpr (std::is_invocable_v<const Context&>) {
      return std::string(context());
    } else {
      return std::string(context);
    }
  };
  try {
    return body();
  } catch (const SQLite::Exception& e) {
    return statusFromSqlite(e, text());
  } catch (const std::exception& e) {
    return statusFromException(e, text());
  }
}

}  // namespace lh::store::internal
