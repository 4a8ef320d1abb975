#include "store/internal/sqlite_error.h"

#include <sqlite3.h>

#include <string>

namespace lh::store::internal {

lh::Code codeForSqlite(int sqliteCode) {
  switch (sqliteCode & 0xff) {  // the primary code of an extended one
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_NOMEM:
      return lh::Code::Transient;
    case SQLITE_CONSTRAINT:
      return lh::Code::Conflict;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return lh::Code::Permanent;
    default:
      return lh::Code::Internal;
  }
}

lh::Status statusFromSqlite(const SQLite::Exception& error, std::string_view context) {
  int code = error.getExtendedErrorCode();
  if (code <= 0) {
    code = error.getErrorCode();
  }
  // SQLiteCpp reports its own checks (e.g. a column out of range) with code -1: a bug of ours.
  const lh::Code mapped = code > 0 ? codeForSqlite(code) : lh::Code::Internal;
  return lh::Status(mapped, std::string(context) + ": " + error.what());
}

lh::Status statusFromException(const std::exception& error, std::string_view context) {
  return lh::internalError(std::string(context) + ": " + error.what());
}

}  // namespace lh::store::internal
