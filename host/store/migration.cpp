#include "store/migration.h"

#include <string>

namespace lh::store {

lh::Status validateMigrations(std::span<const Migration> migrations) {
  int32_t expected = 1;
  for (const Migration& migration : migrations) {
    if (migration.version != expected) {
      return lh::internalError(
          "migration list is broken: expected version " + std::to_string(expected) + ", found " +
          std::to_string(migration.version) + " (" + std::string(migration.name) + ")");
    }
    if (migration.name.empty() || migration.sql.empty()) {
      return lh::internalError("migration list is broken: version " +
                               std::to_string(migration.version) + " has no name or no SQL");
    }
    ++expected;
  }
  return lh::Status::ok();
}

}  // namespace lh::store
