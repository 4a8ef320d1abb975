#include "store/sqlite_command_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include <exception>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "store/internal/sqlite_error.h"

namespace lh::store {
namespace {

using core::CommandLink;
using core::CommandRecord;
using core::CommandRequest;
using core::CommandStatus;
using core::EnqueueOutcome;

// Columns 0..18 of a full command row: what readCommand decodes.
constexpr const char* kCommandSelect =
    "SELECT id, tenant, rule_id, source_connection, source_type, source_external_id, event_id, "
    "event_version, target_connection, command_type, idempotency_key, payload_json, status, "
    "needs_update, attempts, last_error, target_id, created_at, updated_at FROM commands ";

constexpr const char* kNow = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

class ResetOnExit {
 public:
  explicit ResetOnExit(SQLite::Statement& statement) : statement_(statement) {}
  ~ResetOnExit() { statement_.tryReset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  SQLite::Statement& statement_;
};

using internal::guarded;

lh::Status unreadable(int64_t id, const std::string& why) {
  return lh::permanent("stored command " + std::to_string(id) + " cannot be read: " + why +
                       " (was the database edited behind ledgerhost's back?)");
}

lh::Result<CommandRecord> readCommand(SQLite::Statement& row) {
  CommandRecord record;
  record.id = row.getColumn(0).getInt64();
  CommandRequest& r = record.request;
  r.tenant = row.getColumn(1).getString();
  r.rule_id = row.getColumn(2).getString();
  r.source.connection = row.getColumn(3).getString();
  lh::Result<core::EventType> type = core::parseEventType(row.getColumn(4).getString());
  if (!type.isOk()) {
    return unreadable(record.id, type.status().message());
  }
  r.source.type = *type;
  r.source.external_id = row.getColumn(5).getString();
  r.event_id = row.getColumn(6).getInt64();
  r.event_version = row.getColumn(7).getInt();
  r.target_connection = row.getColumn(8).getString();
  r.command = row.getColumn(9).getString();
  r.idempotency_key = row.getColumn(10).getString();
  r.payload_json = row.getColumn(11).getString();
  lh::Result<CommandStatus> status = core::parseCommandStatus(row.getColumn(12).getString());
  if (!status.isOk()) {
    return unreadable(record.id, status.status().message());
  }
  record.status = *status;
  record.needs_update = row.getColumn(13).getInt() != 0;
  record.attempts = row.getColumn(14).getInt();
  record.last_error = row.getColumn(15).getString();
  if (!row.getColumn(16).isNull()) {
    record.target_id = row.getColumn(16).getString();
  }
  record.created_at = row.getColumn(17).getString();
  record.updated_at = row.getColumn(18).getString();
  return record;
}

lh::Status checkRequest(const CommandRequest& request) {
  const char* missing = request.tenant.empty()              ? "tenant"
                        : request.rule_id.empty()           ? "rule id"
                        : request.target_connection.empty() ? "target connection"
                        : request.command.empty()           ? "command type"
                        : request.idempotency_key.empty()   ? "idempotency key"
                                                            : nullptr;
  if (missing != nullptr) {
    return lh::invalidArgument(std::string("a command needs a ") + missing);
  }
  if (request.idempotency_key.size() > core::kMaxIdempotencyKeyLength) {
    return lh::invalidArgument("idempotency key longer than " +
                               std::to_string(core::kMaxIdempotencyKeyLength) + " characters");
  }
  if (request.event_version < 1) {
    return lh::invalidArgument("a command's event version must be >= 1");
  }
  // accept() validates without building a tree; the payload is small and delivery rare.
  if (request.payload_json.empty() || request.payload_json.front() != '{' ||
      !nlohmann::json::accept(request.payload_json)) {
    return lh::invalidArgument("a command's payload must be a JSON object");
  }
  return lh::Status::ok();
}

}  // namespace

struct SqliteCommandStore::Statements {
  explicit Statements(SQLite::Database& db)
      : byKey(db,
              "SELECT id, event_version, payload_json, status FROM commands WHERE tenant = ?1 AND "
              "rule_id = ?2 AND source_connection = ?3 AND source_type = ?4 AND "
              "source_external_id = ?5"),
        insert(db,
               "INSERT INTO commands (tenant, rule_id, source_connection, source_type, "
               "source_external_id, event_id, event_version, target_connection, command_type, "
               "idempotency_key, payload_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
               "?11)"),
        // Not yet sent: take everything new; a Failed command goes back to Pending.
        updateUnsent(db, std::string("UPDATE commands SET event_id = ?2, event_version = ?3, "
                                     "target_connection = ?4, command_type = ?5, "
                                     "payload_json = ?6, status = CASE status WHEN 'failed' THEN "
                                     "'pending' ELSE status END, updated_at = ") +
                             kNow + " WHERE id = ?1"),
        // Sent: the target holds the object; keep where it went, flag the update.
        updateSent(db, std::string("UPDATE commands SET event_id = ?2, event_version = ?3, "
                                   "payload_json = ?4, needs_update = 1, updated_at = ") +
                           kNow + " WHERE id = ?1") {}

  SQLite::Statement byKey;
  SQLite::Statement insert;
  SQLite::Statement updateUnsent;
  SQLite::Statement updateSent;
};

SqliteCommandStore::SqliteCommandStore(Database& db) : db_(db) {}
SqliteCommandStore::~SqliteCommandStore() = default;

SqliteCommandStore::Statements& SqliteCommandStore::statements() {
  if (!statements_) {
    statements_ = std::make_unique<Statements>(db_.native());
  }
  return *statements_;
}

lh::Result<EnqueueOutcome> SqliteCommandStore::enqueue(const CommandRequest& request) {
  LH_RETURN_IF_ERROR(checkRequest(request));
  LH_RETURN_IF_ERROR(db_.requireTransaction("queueing a command"));
  const auto context = [&] {
    return "cannot queue command '" + request.command + "' of rule '" + request.rule_id + "' for " +
           std::string(core::eventTypeName(request.source.type)) + " '" +
           request.source.external_id + "' of connection '" + request.source.connection + "'";
  };
  return guarded(context, [&]() -> lh::Result<EnqueueOutcome> {
    Statements& s = statements();
    const std::string typeName(core::eventTypeName(request.source.type));
    int64_t id = 0;
    int32_t storedVersion = 0;
    std::string storedPayload;
    std::string storedStatus;
    bool found = false;
    {
      ResetOnExit reset(s.byKey);
      s.byKey.bindNoCopy(1, request.tenant);
      s.byKey.bindNoCopy(2, request.rule_id);
      s.byKey.bindNoCopy(3, request.source.connection);
      s.byKey.bindNoCopy(4, typeName);
      s.byKey.bindNoCopy(5, request.source.external_id);
      if (s.byKey.executeStep()) {
        found = true;
        id = s.byKey.getColumn(0).getInt64();
        storedVersion = s.byKey.getColumn(1).getInt();
        storedPayload = s.byKey.getColumn(2).getString();
        storedStatus = s.byKey.getColumn(3).getString();
      }
    }
    if (!found) {
      ResetOnExit reset(s.insert);
      s.insert.bindNoCopy(1, request.tenant);
      s.insert.bindNoCopy(2, request.rule_id);
      s.insert.bindNoCopy(3, request.source.connection);
      s.insert.bindNoCopy(4, typeName);
      s.insert.bindNoCopy(5, request.source.external_id);
      s.insert.bind(6, request.event_id);
      s.insert.bind(7, request.event_version);
      s.insert.bindNoCopy(8, request.target_connection);
      s.insert.bindNoCopy(9, request.command);
      s.insert.bindNoCopy(10, request.idempotency_key);
      s.insert.bindNoCopy(11, request.payload_json);
      s.insert.exec();
      return EnqueueOutcome::Queued;
    }
    // An older version (a late replay) never overwrites a newer one; the same version with the
    // same payload is a replay or a re-read.
    if (request.event_version < storedVersion ||
        (request.event_version == storedVersion && request.payload_json == storedPayload)) {
      return EnqueueOutcome::Unchanged;
    }
    if (storedStatus == core::commandStatusName(CommandStatus::Sent)) {
      ResetOnExit reset(s.updateSent);
      s.updateSent.bind(1, id);
      s.updateSent.bind(2, request.event_id);
      s.updateSent.bind(3, request.event_version);
      s.updateSent.bindNoCopy(4, request.payload_json);
      s.updateSent.exec();
    } else {
      ResetOnExit reset(s.updateUnsent);
      s.updateUnsent.bind(1, id);
      s.updateUnsent.bind(2, request.event_id);
      s.updateUnsent.bind(3, request.event_version);
      s.updateUnsent.bindNoCopy(4, request.target_connection);
      s.updateUnsent.bindNoCopy(5, request.command);
      s.updateUnsent.bindNoCopy(6, request.payload_json);
      s.updateUnsent.exec();
    }
    return EnqueueOutcome::Updated;
  });
}

lh::Result<std::optional<CommandRecord>> SqliteCommandStore::find(const std::string& tenant,
                                                                  const std::string& ruleId,
                                                                  const core::EventKey& source) {
  return guarded([&] { return "cannot read the command of rule '" + ruleId + "'"; },
                 [&]() -> lh::Result<std::optional<CommandRecord>> {
                   SQLite::Statement q(
                       db_.native(),
                       std::string(kCommandSelect) +
                           "WHERE tenant = ?1 AND rule_id = ?2 AND source_connection = ?3 "
                           "AND source_type = ?4 AND source_external_id = ?5");
                   q.bind(1, tenant);
                   q.bind(2, ruleId);
                   q.bind(3, source.connection);
                   q.bind(4, std::string(core::eventTypeName(source.type)));
                   q.bind(5, source.external_id);
                   if (!q.executeStep()) {
                     return std::optional<CommandRecord>();
                   }
                   LH_ASSIGN_OR_RETURN(CommandRecord record, readCommand(q));
                   return std::optional<CommandRecord>(std::move(record));
                 });
}

lh::Result<std::optional<CommandRecord>> SqliteCommandStore::byId(int64_t id) {
  return guarded([&] { return "cannot read command " + std::to_string(id); },
                 [&]() -> lh::Result<std::optional<CommandRecord>> {
                   SQLite::Statement q(db_.native(), std::string(kCommandSelect) + "WHERE id = ?1");
                   q.bind(1, id);
                   if (!q.executeStep()) {
                     return std::optional<CommandRecord>();
                   }
                   LH_ASSIGN_OR_RETURN(CommandRecord record, readCommand(q));
                   return std::optional<CommandRecord>(std::move(record));
                 });
}

lh::Result<std::vector<CommandRecord>> SqliteCommandStore::listWhere(
    const std::string& where, const std::string& targetConnection, size_t limit, int64_t afterId) {
  return guarded([&] { return "cannot list the commands of '" + targetConnection + "'"; },
                 [&]() -> lh::Result<std::vector<CommandRecord>> {
                   SQLite::Statement q(db_.native(),
                                       std::string(kCommandSelect) +
                                           "WHERE target_connection = ?1 AND " + where +
                                           " AND id > ?3 ORDER BY id LIMIT ?2");
                   q.bind(1, targetConnection);
                   q.bind(2, static_cast<int64_t>(limit));
                   q.bind(3, afterId);
                   std::vector<CommandRecord> records;
                   while (q.executeStep()) {
                     LH_ASSIGN_OR_RETURN(CommandRecord record, readCommand(q));
                     records.push_back(std::move(record));
                   }
                   return records;
                 });
}

lh::Result<std::vector<CommandRecord>> SqliteCommandStore::pendingFor(
    const std::string& targetConnection, size_t limit) {
  return listWhere("status = 'pending'", targetConnection, limit);
}

lh::Result<std::vector<CommandRecord>> SqliteCommandStore::pendingAfter(
    const std::string& targetConnection, int64_t afterId, size_t limit) {
  return listWhere("status = 'pending'", targetConnection, limit, afterId);
}

lh::Result<std::vector<CommandRecord>> SqliteCommandStore::needingUpdateFor(
    const std::string& targetConnection, size_t limit) {
  return listWhere("status = 'sent' AND needs_update = 1", targetConnection, limit);
}

lh::Result<int64_t> SqliteCommandStore::countByStatus(
    const std::optional<std::string>& targetConnection, CommandStatus status) {
  return guarded([&] { return std::string("cannot count commands"); },
                 [&]() -> lh::Result<int64_t> {
                   SQLite::Statement q(db_.native(),
                                       targetConnection
                                           ? "SELECT COUNT(*) FROM commands WHERE status = ?1 AND "
                                             "target_connection = ?2"
                                           : "SELECT COUNT(*) FROM commands WHERE status = ?1");
                   q.bind(1, std::string(core::commandStatusName(status)));
                   if (targetConnection) {
                     q.bind(2, *targetConnection);
                   }
                   q.executeStep();
                   return q.getColumn(0).getInt64();
                 });
}

lh::Status SqliteCommandStore::markSent(int64_t id, const std::string& targetId) {
  LH_RETURN_IF_ERROR(db_.requireTransaction("recording a sent command"));
  if (targetId.empty()) {
    return lh::invalidArgument("command " + std::to_string(id) +
                               ": a sent command needs the "
                               "target's id");
  }
  return guarded([&] { return "cannot record command " + std::to_string(id) + " as sent"; },
                 [&]() -> lh::Status {
                   SQLite::Statement q(db_.native(),
                                       std::string("UPDATE commands SET status = 'sent', "
                                                   "target_id = ?2, attempts = attempts + 1, "
                                                   "last_error = '', needs_update = 0, "
                                                   "updated_at = ") +
                                           kNow + " WHERE id = ?1");
                   q.bind(1, id);
                   q.bind(2, targetId);
                   if (q.exec() == 0) {
                     return lh::invalidArgument("no command " + std::to_string(id));
                   }
                   return lh::Status::ok();
                 });
}

lh::Status SqliteCommandStore::markFailed(int64_t id, const std::string& error, bool retryable) {
  LH_RETURN_IF_ERROR(db_.requireTransaction("recording a failed command"));
  return guarded([&] { return "cannot record command " + std::to_string(id) + " as failed"; },
                 [&]() -> lh::Status {
                   // A Sent command whose update failed stays Sent (the object exists); only its
                   // error and attempts move.
                   SQLite::Statement q(
                       db_.native(),
                       std::string("UPDATE commands SET status = CASE WHEN status = 'sent' THEN "
                                   "'sent' WHEN ?3 THEN 'pending' ELSE 'failed' END, "
                                   "attempts = attempts + 1, last_error = ?2, updated_at = ") +
                           kNow + " WHERE id = ?1");
                   q.bind(1, id);
                   q.bind(2, error);
                   q.bind(3, retryable ? 1 : 0);
                   if (q.exec() == 0) {
                     return lh::invalidArgument("no command " + std::to_string(id));
                   }
                   return lh::Status::ok();
                 });
}

lh::Status SqliteCommandStore::markWaiting(int64_t id, const std::string& reason) {
  LH_RETURN_IF_ERROR(db_.requireTransaction("noting why a command waits"));
  return guarded([&] { return "cannot note why command " + std::to_string(id) + " waits"; },
                 [&]() -> lh::Status {
                   SQLite::Statement q(db_.native(),
                                       std::string("UPDATE commands SET last_error = ?2, "
                                                   "updated_at = ") +
                                           kNow + " WHERE id = ?1 AND status = 'pending'");
                   q.bind(1, id);
                   q.bind(2, reason);
                   if (q.exec() == 0) {
                     return lh::invalidArgument("no pending command " + std::to_string(id));
                   }
                   return lh::Status::ok();
                 });
}

lh::Status SqliteCommandStore::hold(int64_t id, bool held) {
  LH_RETURN_IF_ERROR(db_.requireTransaction("holding a command"));
  return guarded(
      [&] {
        return "cannot " + std::string(held ? "hold" : "release") + " command " +
               std::to_string(id);
      },
      [&]() -> lh::Status {
        SQLite::Statement q(db_.native(),
                            std::string("UPDATE commands SET status = ?2, updated_at = ") + kNow +
                                " WHERE id = ?1 AND status <> 'sent'");
        q.bind(1, id);
        q.bind(2, held ? "held" : "pending");
        if (q.exec() == 0) {
          return lh::invalidArgument("no unsent command " + std::to_string(id));
        }
        return lh::Status::ok();
      });
}

lh::Status SqliteCommandStore::recordLink(const CommandLink& link) {
  LH_RETURN_IF_ERROR(db_.requireTransaction("recording a link"));
  if (link.tenant.empty() || link.target_connection.empty() || link.target_type.empty() ||
      link.target_id.empty()) {
    return lh::invalidArgument("a link needs a tenant, target connection, target type and id");
  }
  return guarded(
      [&] { return "cannot record the link of '" + link.source.external_id + "'"; },
      [&]() -> lh::Status {
        SQLite::Statement q(
            db_.native(),
            "INSERT INTO links (tenant, source_connection, source_type, source_external_id, "
            "target_connection, target_type, target_id, command_id) VALUES (?1, ?2, ?3, ?4, ?5, "
            "?6, ?7, ?8) ON CONFLICT (tenant, source_connection, source_type, source_external_id, "
            "target_connection, target_type) DO UPDATE SET target_id = excluded.target_id, "
            "command_id = excluded.command_id");
        q.bind(1, link.tenant);
        q.bind(2, link.source.connection);
        q.bind(3, std::string(core::eventTypeName(link.source.type)));
        q.bind(4, link.source.external_id);
        q.bind(5, link.target_connection);
        q.bind(6, link.target_type);
        q.bind(7, link.target_id);
        if (link.command_id) {
          q.bind(8, *link.command_id);
        } else {
          q.bind(8);
        }
        q.exec();
        return lh::Status::ok();
      });
}

lh::Result<std::vector<CommandLink>> SqliteCommandStore::linksFor(
    const std::string& tenant, const core::EventKey& source,
    const std::optional<std::string>& targetConnection) {
  return guarded(
      [&] { return "cannot read the links of '" + source.external_id + "'"; },
      [&]() -> lh::Result<std::vector<CommandLink>> {
        SQLite::Statement q(
            db_.native(),
            std::string("SELECT target_connection, target_type, target_id, command_id FROM links "
                        "WHERE tenant = ?1 AND source_connection = ?2 AND source_type = ?3 AND "
                        "source_external_id = ?4") +
                (targetConnection ? " AND target_connection = ?5" : "") +
                " ORDER BY target_connection, target_type");
        q.bind(1, tenant);
        q.bind(2, source.connection);
        q.bind(3, std::string(core::eventTypeName(source.type)));
        q.bind(4, source.external_id);
        if (targetConnection) {
          q.bind(5, *targetConnection);
        }
        std::vector<CommandLink> links;
        while (q.executeStep()) {
          CommandLink link;
          link.tenant = tenant;
          link.source = source;
          link.target_connection = q.getColumn(0).getString();
          link.target_type = q.getColumn(1).getString();
          link.target_id = q.getColumn(2).getString();
          if (!q.getColumn(3).isNull()) {
            link.command_id = q.getColumn(3).getInt64();
          }
          links.push_back(std::move(link));
        }
        return links;
      });
}

}  // namespace lh::store
