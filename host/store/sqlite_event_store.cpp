#include "store/sqlite_event_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include <algorithm>
#include <exception>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/event_validator.h"
#include "store/internal/sqlite_error.h"

namespace lh::store {
namespace {

using core::EventFilter;
using core::EventKey;
using core::EventVersionRef;
using core::StoredEvent;
using core::UpsertOutcome;
using core::UpsertResult;

// Columns 0..11 of a full event row: what readEvent decodes.
constexpr const char* kEventSelect =
    "SELECT e.id, e.tenant, e.connection, e.type, e.external_id, e.version, e.is_current, "
    "e.checksum, e.occurred_at, e.ingested_at_ms, e.payload, e.revision FROM events e ";

// Resets a cached statement whatever happens: the next use starts clean, and a half-read SELECT
// does not keep a read snapshot open on the connection.
class ResetOnExit {
 public:
  explicit ResetOnExit(SQLite::Statement& statement) : statement_(statement) {}
  ~ResetOnExit() { statement_.tryReset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  SQLite::Statement& statement_;
};

lh::Status unreadable(int64_t id, const std::string& why) {
  return lh::permanent("stored event " + std::to_string(id) + " cannot be read: " + why +
                       " (was the database edited behind ledgerhost's back?)");
}

// Decodes the current row of a kEventSelect query. The body is parsed from the raw payload: the
// exact text the event was validated from.
lh::Result<StoredEvent> readEvent(SQLite::Statement& row) {
  StoredEvent stored;
  stored.id = row.getColumn(0).getInt64();
  stored.tenant = row.getColumn(1).getString();
  stored.connection = row.getColumn(2).getString();
  lh::Result<core::EventType> type = core::parseEventType(row.getColumn(3).getString());
  if (!type.isOk()) {
    return unreadable(stored.id, type.status().message());
  }
  stored.event.type = *type;
  stored.event.external_id = row.getColumn(4).getString();
  stored.version = row.getColumn(5).getInt();
  stored.current = row.getColumn(6).getInt() == 1;
  stored.event.checksum = row.getColumn(7).getString();
  stored.event.occurred_at = row.getColumn(8).getString();
  stored.ingested_at_ms = row.getColumn(9).getInt64();
  const SQLite::Column payload = row.getColumn(10);
  const char* text = payload.getText();
  try {
    stored.event.body = nlohmann::json::parse(text, text + payload.getBytes());
  } catch (const nlohmann::json::exception&) {
    return unreadable(stored.id, "its raw payload is not JSON");
  }
  if (!row.getColumn(11).isNull()) {
    stored.event.revision = row.getColumn(11).getInt64();
  }
  return stored;
}

// The WHERE clause (after "WHERE ") and binder of a scan or count. `ordered`: keep SQLite on the
// table's id order (unary + stops it from choosing an index and sorting afterwards), so a scan
// streams its first row at once and never sorts the table.
struct FilterSql {
  std::string where;
  std::vector<std::function<void(SQLite::Statement&, int)>> binders;

  void add(const std::string& condition, std::function<void(SQLite::Statement&, int)> binder) {
    where += where.empty() ? "" : " AND ";
    where += condition;
    binders.push_back(std::move(binder));
  }

  void bindAll(SQLite::Statement& statement) const {
    for (size_t i = 0; i < binders.size(); ++i) {
      binders[i](statement, static_cast<int>(i + 1));
    }
  }
};

FilterSql filterSql(const std::string* tenant, const EventFilter& filter, bool ordered) {
  const std::string p = ordered ? "+" : "";
  FilterSql sql;
  sql.add("e.id > ?", [id = filter.after_id](SQLite::Statement& s, int i) { s.bind(i, id); });
  if (tenant != nullptr) {
    sql.add(p + "e.tenant = ?", [tenant](SQLite::Statement& s, int i) { s.bind(i, *tenant); });
  }
  if (filter.connection) {
    sql.add(p + "e.connection = ?",
            [c = *filter.connection](SQLite::Statement& s, int i) { s.bind(i, c); });
  }
  if (filter.type) {
    sql.add(p + "e.type = ?", [t = std::string(core::eventTypeName(*filter.type))](
                                  SQLite::Statement& s, int i) { s.bind(i, t); });
  }
  if (filter.occurred_from_ms) {
    sql.add("e.occurred_at_ms >= ?",
            [v = *filter.occurred_from_ms](SQLite::Statement& s, int i) { s.bind(i, v); });
  }
  if (filter.occurred_before_ms) {
    sql.add("e.occurred_at_ms < ?",
            [v = *filter.occurred_before_ms](SQLite::Statement& s, int i) { s.bind(i, v); });
  }
  if (filter.current_only) {
    sql.where += " AND e.is_current = 1";
  }
  return sql;
}

void bindKey(SQLite::Statement& statement, const std::string& tenant, const EventKey& key,
             const std::string& typeName) {
  statement.bindNoCopy(1, tenant);
  statement.bindNoCopy(2, key.connection);
  statement.bindNoCopy(3, typeName);
  statement.bindNoCopy(4, key.external_id);
}

// Nothing leaves lh_store as an exception; contexts are lambdas, built only on error (they are on
// every event's path).
using internal::guarded;

}  // namespace

// The statements of the per-event paths, prepared once per store.
struct SqliteEventStore::Statements {
  explicit Statements(SQLite::Database& db)
      : latestByKey(db,
                    "SELECT id, version, is_current, checksum, payload_sha256, revision "
                    "FROM events "
                    "WHERE tenant = ?1 AND connection = ?2 AND type = ?3 AND external_id = ?4 "
                    "ORDER BY version DESC LIMIT 1"),
        earlierChecksum(db,
                        "SELECT 1 FROM events WHERE tenant = ?1 AND connection = ?2 AND "
                        "type = ?3 AND external_id = ?4 AND checksum = ?5 LIMIT 1"),
        insertEvent(db,
                    "INSERT INTO events (tenant, connection, type, external_id, version, "
                    "is_current, checksum, payload, payload_sha256, occurred_at, occurred_at_ms, "
                    "ingested_at_ms, revision) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"),
        supersede(db,
                  "UPDATE events SET is_current = 0, superseded_by = ?1 "
                  "WHERE id = ?2 AND is_current = 1"),
        byId(db, std::string(kEventSelect) + "WHERE e.id = ?1 AND e.tenant = ?2"),
        currentByKey(db, std::string(kEventSelect) +
                             "WHERE e.tenant = ?1 AND e.connection = ?2 AND e.type = ?3 AND "
                             "e.external_id = ?4 ORDER BY e.version DESC LIMIT 1"),
        versions(db, std::string(kEventSelect) +
                         "WHERE e.tenant = ?1 AND e.connection = ?2 AND e.type = ?3 AND "
                         "e.external_id = ?4 ORDER BY e.version"),
        getCursor(db, "SELECT cursor_json FROM cursors WHERE connection = ?1 AND stream = ?2"),
        setCursor(db,
                  "INSERT INTO cursors (connection, stream, cursor_json, updated_at) "
                  "VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) "
                  "ON CONFLICT (connection, stream) DO UPDATE SET "
                  "cursor_json = excluded.cursor_json, updated_at = excluded.updated_at"),
        resetCursor(db, "DELETE FROM cursors WHERE connection = ?1 AND stream = ?2"),
        resetCursors(db, "DELETE FROM cursors WHERE connection = ?1"),
        listCursors(db,
                    "SELECT connection, stream, cursor_json, updated_at FROM cursors "
                    "ORDER BY connection, stream"),
        listCursorsOf(db,
                      "SELECT connection, stream, cursor_json, updated_at FROM cursors "
                      "WHERE connection = ?1 ORDER BY stream") {}

  SQLite::Statement latestByKey;
  SQLite::Statement earlierChecksum;
  SQLite::Statement insertEvent;
  SQLite::Statement supersede;
  SQLite::Statement byId;
  SQLite::Statement currentByKey;
  SQLite::Statement versions;
  SQLite::Statement getCursor;
  SQLite::Statement setCursor;
  SQLite::Statement resetCursor;
  SQLite::Statement resetCursors;
  SQLite::Statement listCursors;
  SQLite::Statement listCursorsOf;
};

SqliteEventStore::SqliteEventStore(Database& db) : db_(db) {}

SqliteEventStore::~SqliteEventStore() = default;

SqliteEventStore::Statements& SqliteEventStore::statements() {
  if (!statements_) {
    statements_ = std::make_unique<Statements>(db_.native());
  }
  return *statements_;
}

lh::Result<UpsertResult> SqliteEventStore::upsert(
    const std::string& tenant, const std::string& connection, const core::Event& event,
    const std::string& payload, const std::string& payloadSha256, int64_t ingestedAtMs) {
  const auto context = [&] {
    return "cannot store event " + std::string(core::eventTypeName(event.type)) + " '" +
           event.external_id + "' of connection '" + connection + "'";
  };
  LH_RETURN_IF_ERROR(db_.requireTransaction("storing an event"));
  lh::Result<int64_t> occurredAtMs = core::parseDateTimeMs(event.occurred_at);
  if (!occurredAtMs.isOk()) {
    return occurredAtMs.status().withContext(context() + ": occurred_at");
  }
  return guarded(context, [&]() -> lh::Result<UpsertResult> {
    Statements& s = statements();
    const std::string typeName(core::eventTypeName(event.type));

    // The one lookup every upsert makes: the key's newest (= current) version and its checksum.
    std::optional<EventVersionRef> previous;
    {
      ResetOnExit reset(s.latestByKey);
      s.latestByKey.bindNoCopy(1, tenant);
      s.latestByKey.bindNoCopy(2, connection);
      s.latestByKey.bindNoCopy(3, typeName);
      s.latestByKey.bindNoCopy(4, event.external_id);
      if (s.latestByKey.executeStep()) {
        previous = EventVersionRef{s.latestByKey.getColumn(0).getInt64(),
                                   s.latestByKey.getColumn(1).getInt()};
        if (s.latestByKey.getColumn(2).getInt() != 1) {
          return unreadable(previous->id, "the newest version of its key is not marked current");
        }
        const SQLite::Column checksum = s.latestByKey.getColumn(3);
        if (std::string_view(checksum.getText(), static_cast<size_t>(checksum.getBytes())) ==
            event.checksum) {
          return UpsertResult{UpsertOutcome::Unchanged, previous->id, previous->version,
                              std::nullopt};
        }
        // An older state of the object than the current version, by the source's own order.
        const SQLite::Column revision = s.latestByKey.getColumn(5);
        if (event.revision && !revision.isNull() && *event.revision < revision.getInt64()) {
          return UpsertResult{UpsertOutcome::Stale, previous->id, previous->version, std::nullopt};
        }
      }
    }
    // Without a revision to order by, a state the key already had before is a late replay (a
    // webhook delivered out of order, an old page read again), not a change back: objects that
    // carry money move forward (open -> paid, pending -> booked).
    if (previous && !event.revision) {
      ResetOnExit reset(s.earlierChecksum);
      s.earlierChecksum.bindNoCopy(1, tenant);
      s.earlierChecksum.bindNoCopy(2, connection);
      s.earlierChecksum.bindNoCopy(3, typeName);
      s.earlierChecksum.bindNoCopy(4, event.external_id);
      s.earlierChecksum.bindNoCopy(5, event.checksum);
      if (s.earlierChecksum.executeStep()) {
        return UpsertResult{UpsertOutcome::Stale, previous->id, previous->version, std::nullopt};
      }
    }

    const int32_t version = previous ? previous->version + 1 : 1;
    int64_t id = 0;
    {
      ResetOnExit reset(s.insertEvent);
      s.insertEvent.bindNoCopy(1, tenant);
      s.insertEvent.bindNoCopy(2, connection);
      s.insertEvent.bindNoCopy(3, typeName);
      s.insertEvent.bindNoCopy(4, event.external_id);
      s.insertEvent.bind(5, version);
      s.insertEvent.bindNoCopy(6, event.checksum);
      s.insertEvent.bindNoCopy(7, payload);
      s.insertEvent.bindNoCopy(8, payloadSha256);
      s.insertEvent.bindNoCopy(9, event.occurred_at);
      s.insertEvent.bind(10, *occurredAtMs);
      s.insertEvent.bind(11, ingestedAtMs);
      if (event.revision) {
        s.insertEvent.bind(12, *event.revision);
      } else {
        s.insertEvent.bind(12);
      }
      s.insertEvent.exec();
      id = db_.native().getLastInsertRowid();
    }
    if (!previous) {
      return UpsertResult{UpsertOutcome::Inserted, id, version, std::nullopt};
    }
    {
      ResetOnExit reset(s.supersede);
      s.supersede.bind(1, id);
      s.supersede.bind(2, previous->id);
      if (s.supersede.exec() != 1) {
        return lh::internalError(context() + ": version " + std::to_string(previous->version) +
                                 " was not current any more");
      }
    }
    return UpsertResult{UpsertOutcome::NewVersion, id, version, previous->id};
  });
}

lh::Result<std::optional<EventVersionRef>> SqliteEventStore::findCurrentWithPayload(
    const std::string& tenant, const EventKey& key, const std::string& payloadSha256) {
  return guarded(
      [&] { return "cannot look up event '" + key.external_id + "'"; },
      [&]() -> lh::Result<std::optional<EventVersionRef>> {
        Statements& s = statements();
        ResetOnExit reset(s.latestByKey);
        const std::string typeName(core::eventTypeName(key.type));
        bindKey(s.latestByKey, tenant, key, typeName);
        if (!s.latestByKey.executeStep() || s.latestByKey.getColumn(2).getInt() != 1) {
          return std::optional<EventVersionRef>();
        }
        const SQLite::Column sha = s.latestByKey.getColumn(4);
        if (std::string_view(sha.getText(), static_cast<size_t>(sha.getBytes())) != payloadSha256) {
          return std::optional<EventVersionRef>();
        }
        return std::optional<EventVersionRef>(EventVersionRef{s.latestByKey.getColumn(0).getInt64(),
                                                              s.latestByKey.getColumn(1).getInt()});
      });
}

lh::Result<std::optional<StoredEvent>> SqliteEventStore::current(const std::string& tenant,
                                                                 const EventKey& key) {
  return guarded([&] { return "cannot read event '" + key.external_id + "'"; },
                 [&]() -> lh::Result<std::optional<StoredEvent>> {
                   Statements& s = statements();
                   ResetOnExit reset(s.currentByKey);
                   const std::string typeName(core::eventTypeName(key.type));
                   bindKey(s.currentByKey, tenant, key, typeName);
                   if (!s.currentByKey.executeStep()) {
                     return std::optional<StoredEvent>();
                   }
                   LH_ASSIGN_OR_RETURN(StoredEvent stored, readEvent(s.currentByKey));
                   return std::optional<StoredEvent>(std::move(stored));
                 });
}

lh::Result<std::optional<StoredEvent>> SqliteEventStore::byId(const std::string& tenant,
                                                              int64_t id) {
  return guarded([&] { return "cannot read event " + std::to_string(id); },
                 [&]() -> lh::Result<std::optional<StoredEvent>> {
                   Statements& s = statements();
                   ResetOnExit reset(s.byId);
                   s.byId.bind(1, id);
                   s.byId.bindNoCopy(2, tenant);
                   if (!s.byId.executeStep()) {
                     return std::optional<StoredEvent>();
                   }
                   LH_ASSIGN_OR_RETURN(StoredEvent stored, readEvent(s.byId));
                   return std::optional<StoredEvent>(std::move(stored));
                 });
}

lh::Result<std::vector<StoredEvent>> SqliteEventStore::versions(const std::string& tenant,
                                                                const EventKey& key) {
  return guarded([&] { return "cannot read the versions of event '" + key.external_id + "'"; },
                 [&]() -> lh::Result<std::vector<StoredEvent>> {
                   Statements& s = statements();
                   ResetOnExit reset(s.versions);
                   const std::string typeName(core::eventTypeName(key.type));
                   bindKey(s.versions, tenant, key, typeName);
                   std::vector<StoredEvent> all;
                   while (s.versions.executeStep()) {
                     LH_ASSIGN_OR_RETURN(StoredEvent stored, readEvent(s.versions));
                     all.push_back(std::move(stored));
                   }
                   return all;
                 });
}

lh::Status SqliteEventStore::scanImpl(const std::string* tenant, const EventFilter& filter,
                                      const Visitor& visit) {
  return guarded([&] { return "cannot scan events"; },
                 [&]() -> lh::Status {
                   const FilterSql where = filterSql(tenant, filter, /*ordered=*/true);
                   // Its own statement, not a cached one: `visit` may use the store while this one
                   // is stepping.
                   SQLite::Statement statement(db_.native(), std::string(kEventSelect) + "WHERE " +
                                                                 where.where + " ORDER BY e.id");
                   where.bindAll(statement);
                   while (statement.executeStep()) {
                     LH_ASSIGN_OR_RETURN(StoredEvent stored, readEvent(statement));
                     LH_RETURN_IF_ERROR(visit(stored));
                   }
                   return lh::Status::ok();
                 });
}

lh::Result<int64_t> SqliteEventStore::countImpl(const std::string* tenant,
                                                const EventFilter& filter) {
  return guarded([&] { return "cannot count events"; },
                 [&]() -> lh::Result<int64_t> {
                   const FilterSql where = filterSql(tenant, filter, /*ordered=*/false);
                   SQLite::Statement statement(
                       db_.native(), "SELECT COUNT(*) FROM events e WHERE " + where.where);
                   where.bindAll(statement);
                   statement.executeStep();
                   return statement.getColumn(0).getInt64();
                 });
}

lh::Status SqliteEventStore::scan(const std::string& tenant, const EventFilter& filter,
                                  const Visitor& visit) {
  return scanImpl(&tenant, filter, visit);
}

lh::Result<int64_t> SqliteEventStore::count(const std::string& tenant, const EventFilter& filter) {
  return countImpl(&tenant, filter);
}

lh::Status SqliteEventStore::scanAllTenants(const EventFilter& filter, const Visitor& visit) {
  return scanImpl(nullptr, filter, visit);
}

lh::Result<int64_t> SqliteEventStore::countAllTenants(const EventFilter& filter) {
  return countImpl(nullptr, filter);
}

lh::Result<std::optional<std::string>> SqliteEventStore::getCursor(const std::string& connection,
                                                                   const std::string& stream) {
  return guarded(
      [&] { return "cannot read the cursor of '" + connection + "' stream '" + stream + "'"; },
      [&]() -> lh::Result<std::optional<std::string>> {
        Statements& s = statements();
        ResetOnExit reset(s.getCursor);
        s.getCursor.bindNoCopy(1, connection);
        s.getCursor.bindNoCopy(2, stream);
        if (!s.getCursor.executeStep()) {
          return std::optional<std::string>();
        }
        return std::optional<std::string>(s.getCursor.getColumn(0).getString());
      });
}

lh::Status SqliteEventStore::setCursor(const std::string& connection, const std::string& stream,
                                       const std::string& cursorJson) {
  LH_RETURN_IF_ERROR(db_.requireTransaction("setting a cursor"));
  return guarded(
      [&] { return "cannot set the cursor of '" + connection + "' stream '" + stream + "'"; },
      [&]() -> lh::Status {
        Statements& s = statements();
        ResetOnExit reset(s.setCursor);
        s.setCursor.bindNoCopy(1, connection);
        s.setCursor.bindNoCopy(2, stream);
        s.setCursor.bindNoCopy(3, cursorJson);
        s.setCursor.exec();
        return lh::Status::ok();
      });
}

lh::Result<std::vector<core::CursorRecord>> SqliteEventStore::listCursors(
    const std::optional<std::string>& connection) {
  return guarded([&] { return "cannot list cursors"; },
                 [&]() -> lh::Result<std::vector<core::CursorRecord>> {
                   Statements& s = statements();
                   SQLite::Statement& statement = connection ? s.listCursorsOf : s.listCursors;
                   ResetOnExit reset(statement);
                   if (connection) {
                     statement.bindNoCopy(1, *connection);
                   }
                   std::vector<core::CursorRecord> records;
                   while (statement.executeStep()) {
                     records.push_back(core::CursorRecord{
                         statement.getColumn(0).getString(), statement.getColumn(1).getString(),
                         statement.getColumn(2).getString(), statement.getColumn(3).getString()});
                   }
                   return records;
                 });
}

lh::Result<bool> SqliteEventStore::resetCursor(const std::string& connection,
                                               const std::string& stream) {
  LH_RETURN_IF_ERROR(db_.requireTransaction("resetting a cursor"));
  return guarded(
      [&] { return "cannot reset the cursor of '" + connection + "' stream '" + stream + "'"; },
      [&]() -> lh::Result<bool> {
        Statements& s = statements();
        ResetOnExit reset(s.resetCursor);
        s.resetCursor.bindNoCopy(1, connection);
        s.resetCursor.bindNoCopy(2, stream);
        return s.resetCursor.exec() > 0;
      });
}

lh::Result<int64_t> SqliteEventStore::resetCursors(const std::string& connection) {
  LH_RETURN_IF_ERROR(db_.requireTransaction("resetting cursors"));
  return guarded([&] { return "cannot reset the cursors of '" + connection + "'"; },
                 [&]() -> lh::Result<int64_t> {
                   Statements& s = statements();
                   ResetOnExit reset(s.resetCursors);
                   s.resetCursors.bindNoCopy(1, connection);
                   return static_cast<int64_t>(s.resetCursors.exec());
                 });
}

lh::Result<std::vector<StoredEvent>> SqliteEventStore::currentLinkedTo(
    const std::string& tenant, const std::string& connection, const std::string& link,
    const std::vector<std::string>& values) {
  const bool linkName = !link.empty() && std::all_of(link.begin(), link.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || c == '_';
  });
  if (!linkName) {
    return lh::invalidArgument("'" + link + "' is not a link name");
  }
  if (values.empty()) {
    return std::vector<StoredEvent>();
  }
  return guarded(
      [&] { return "cannot read the events linked to " + link + " ids"; },
      [&]() -> lh::Result<std::vector<StoredEvent>> {
        // Its own statement: rare (once per batch of payout commands) and its cost is the scan.
        // The values travel as one JSON array bound to json_each, so the SQL text is fixed.
        SQLite::Statement statement(
            db_.native(), std::string(kEventSelect) +
                              "WHERE e.tenant = ?1 AND e.connection = ?2 AND e.is_current = 1 "
                              "AND json_extract(e.payload, ?3) IN (SELECT value FROM json_each(?4)) "
                              "ORDER BY e.id");
        statement.bind(1, tenant);
        statement.bind(2, connection);
        statement.bind(3, "$.links." + link);
        statement.bind(4, nlohmann::json(values).dump());
        std::vector<StoredEvent> events;
        while (statement.executeStep()) {
          LH_ASSIGN_OR_RETURN(StoredEvent stored, readEvent(statement));
          events.push_back(std::move(stored));
        }
        return events;
      });
}

}  // namespace lh::store
