#include "pipeline/reauth.h"

#include <spdlog/spdlog.h>

#include <optional>

#include "store/sqlite_reauth_store.h"

namespace lh::pipeline {

std::string connectHint(const Runtime& runtime, const std::string& connection) {
  return "run `ledgerhost connect " + connection + " --config " + runtime.config().file.string() +
         "`";
}

lh::Status refuseIfNeedsReauth(Runtime& runtime, const std::string& connection) {
  store::SqliteReauthStore marks(runtime.database());
  LH_ASSIGN_OR_RETURN(std::optional<store::ReauthMark> mark, marks.get(connection));
  if (!mark) {
    return lh::Status::ok();
  }
  return lh::authRequired("connection '" + connection + "' needs re-authorisation (since " +
                          mark->marked_at + ": " + mark->reason + "): " +
                          connectHint(runtime, connection));
}

void recordIfNeedsReauth(Runtime& runtime, const std::string& connection,
                         const lh::Status& status) {
  if (status.code() != lh::Code::AuthRequired) {
    return;
  }
  store::SqliteReauthStore marks(runtime.database());
  if (lh::Status marked = marks.mark(connection, status.message()); !marked.isOk()) {
    spdlog::error("cannot record that connection '{}' needs re-authorisation: {}", connection,
                  marked.message());
  }
}

}  // namespace lh::pipeline
