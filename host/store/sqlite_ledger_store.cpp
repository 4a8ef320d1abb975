#include "store/sqlite_ledger_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "core/hash_chain.h"
#include "store/internal/sqlite_error.h"

namespace lh::store {
namespace {

using core::AccountTotal;
using core::DailyTotal;
using core::EntryKind;
using core::LedgerEntry;
using core::LedgerLine;

// The entry columns (0..16) followed by one line's columns (17..21), NULL when the entry has no
// lines (only possible after an edit behind the host's back; verify then reports it).
constexpr const char* kEntrySelect =
    "SELECT e.id, e.seq, e.tenant, e.rule_id, e.event_connection, e.event_type, "
    "e.event_external_id, e.event_id, e.event_version, e.event_checksum, e.effective_date, e.memo, "
    "e.kind, e.reverses_entry_id, e.posted_at, e.prev_hash, e.hash, "
    "l.line_no, l.account, l.currency, l.debit_minor, l.credit_minor "
    "FROM ledger_entries e LEFT JOIN ledger_lines l ON l.entry_id = e.id ";

// Resets a cached statement whatever happens, so the next use starts clean.
class ResetOnExit {
 public:
  explicit ResetOnExit(SQLite::Statement& statement) : statement_(statement) {}
  ~ResetOnExit() { statement_.tryReset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  SQLite::Statement& statement_;
};

void bindOptional(SQLite::Statement& statement, int index, const std::optional<std::string>& v) {
  if (v) {
    statement.bind(index, *v);
  } else {
    statement.bind(index);
  }
}

lh::Status unreadable(int64_t entryId, const std::string& why) {
  return lh::permanent("ledger entry " + std::to_string(entryId) + " cannot be read: " + why +
                       " (was the database edited behind ledgerhost's back? run 'ledgerhost "
                       "ledger verify')");
}

// Decodes the entry part of the current row.
lh::Result<LedgerEntry> readEntry(SQLite::Statement& row) {
  LedgerEntry entry;
  entry.id = row.getColumn(0).getInt64();
  entry.seq = row.getColumn(1).getInt64();
  entry.tenant = row.getColumn(2).getString();
  entry.rule_id = row.getColumn(3).getString();
  entry.event_connection = row.getColumn(4).getString();
  lh::Result<core::EventType> type = core::parseEventType(row.getColumn(5).getString());
  if (!type.isOk()) {
    return unreadable(entry.id, type.status().message());
  }
  entry.event_type = *type;
  entry.event_external_id = row.getColumn(6).getString();
  entry.event_id = row.getColumn(7).getInt64();
  entry.event_version = row.getColumn(8).getInt();
  entry.event_checksum = row.getColumn(9).getString();
  entry.effective_date = row.getColumn(10).getString();
  entry.memo = row.getColumn(11).getString();
  lh::Result<EntryKind> kind = core::parseEntryKind(row.getColumn(12).getString());
  if (!kind.isOk()) {
    return unreadable(entry.id, kind.status().message());
  }
  entry.kind = *kind;
  if (!row.getColumn(13).isNull()) {
    entry.reverses = row.getColumn(13).getInt64();
  }
  entry.posted_at = row.getColumn(14).getString();
  entry.prev_hash = row.getColumn(15).getString();
  entry.hash = row.getColumn(16).getString();
  return entry;
}

// Decodes the line part of the current row into `entry` (nothing when the row has no line).
lh::Status readLine(SQLite::Statement& row, LedgerEntry& entry) {
  if (row.getColumn(17).isNull()) {
    return lh::Status::ok();
  }
  lh::Result<core::Currency> currency = core::currencyFromCode(row.getColumn(19).getString());
  if (!currency.isOk()) {
    return unreadable(entry.id, "line " + std::to_string(row.getColumn(17).getInt64()) + ": " +
                                    currency.status().message());
  }
  entry.lines.push_back(LedgerLine{row.getColumn(18).getString(), *currency,
                                   row.getColumn(20).getInt64(), row.getColumn(21).getInt64()});
  return lh::Status::ok();
}

// Steps `statement` (a kEntrySelect query ordered by seq, line_no) and calls `visit` once per
// entry with all its lines.
lh::Status streamEntries(SQLite::Statement& statement,
                         const std::function<lh::Status(const LedgerEntry&)>& visit) {
  std::optional<LedgerEntry> current;
  while (statement.executeStep()) {
    const int64_t id = statement.getColumn(0).getInt64();
    if (current && current->id != id) {
      LH_RETURN_IF_ERROR(visit(*current));
      current.reset();
    }
    if (!current) {
      LH_ASSIGN_OR_RETURN(LedgerEntry entry, readEntry(statement));
      current = std::move(entry);
    }
    LH_RETURN_IF_ERROR(readLine(statement, *current));
  }
  if (current) {
    LH_RETURN_IF_ERROR(visit(*current));
  }
  return lh::Status::ok();
}

// SUM() raises "integer overflow" instead of wrapping: a report total beyond int64.
lh::Status statusFromReport(const SQLite::Exception& e, const std::string& context) {
  if (std::string(e.what()).find("integer overflow") != std::string::npos) {
    return lh::invalidArgument(context + ": a total does not fit int64 minor units");
  }
  return internal::statusFromSqlite(e, context);
}

}  // namespace

// The statements of the posting path, prepared once per store.
struct SqliteLedgerStore::Statements {
  explicit Statements(SQLite::Database& db)
      : head(db,
             "SELECT seq, hash FROM ledger_entries WHERE tenant = ?1 ORDER BY seq DESC LIMIT 1"),
        nextId(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM ledger_entries"),
        reversedTenant(db, "SELECT tenant FROM ledger_entries WHERE id = ?1"),
        insertEntry(db,
                    "INSERT INTO ledger_entries (id, tenant, seq, rule_id, event_connection, "
                    "event_type, event_external_id, event_id, event_version, event_checksum, "
                    "effective_date, memo, kind, reverses_entry_id, posted_at, prev_hash, hash) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
                    "?16, ?17)"),
        insertLine(db,
                   "INSERT INTO ledger_lines (entry_id, line_no, account, currency, debit_minor, "
                   "credit_minor) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
        latestVersion(
            db,
            "SELECT COALESCE(MAX(event_version), 0) FROM ledger_entries WHERE tenant = ?1 "
            "AND event_connection = ?2 AND event_type = ?3 AND event_external_id = ?4"),
        live(db, std::string(kEntrySelect) +
                     "WHERE e.tenant = ?1 AND e.event_connection = ?2 AND e.event_type = ?3 AND "
                     "e.event_external_id = ?4 AND e.kind = 'normal' AND NOT EXISTS (SELECT 1 "
                     "FROM ledger_entries r WHERE r.reverses_entry_id = e.id) "
                     "ORDER BY e.seq, l.line_no"),
        insertRate(db,
                   "INSERT INTO ledger_fx_rates (tenant, event_id, rate_date, from_currency, "
                   "to_currency, rate) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                   "ON CONFLICT (tenant, event_id) DO NOTHING"),
        latestRate(db,
                   "SELECT rate_date, rate, event_id FROM ledger_fx_rates WHERE tenant = ?1 AND "
                   "from_currency = ?2 AND to_currency = ?3 AND rate_date <= ?4 "
                   "ORDER BY rate_date DESC, rowid DESC LIMIT 1") {}

  SQLite::Statement head;
  SQLite::Statement nextId;
  SQLite::Statement reversedTenant;
  SQLite::Statement insertEntry;
  SQLite::Statement insertLine;
  SQLite::Statement latestVersion;
  SQLite::Statement live;
  SQLite::Statement insertRate;
  SQLite::Statement latestRate;
};

SqliteLedgerStore::SqliteLedgerStore(Database& db) : db_(db) {}

SqliteLedgerStore::~SqliteLedgerStore() = default;

SqliteLedgerStore::Statements& SqliteLedgerStore::statements() {
  if (!statements_) {
    statements_ = std::make_unique<Statements>(db_.native());
  }
  return *statements_;
}

lh::Result<LedgerEntry> SqliteLedgerStore::appendEntry(const LedgerEntry& entry) {
  LH_RETURN_IF_ERROR(db_.requireTransaction("appending a ledger entry"));
  const std::string context = "cannot append a ledger entry for tenant '" + entry.tenant +
                              "', rule '" + entry.rule_id + "'";
  LH_RETURN_IF_ERROR(core::checkBalanced(entry.lines).withContext(context));
  if ((entry.kind == EntryKind::Reversal) != entry.reverses.has_value()) {
    return lh::invalidArgument(context +
                               ": a reversal must name the entry it reverses, and only a reversal "
                               "may");
  }
  if (!core::isIsoDate(entry.effective_date)) {
    return lh::invalidArgument(context + ": effective date '" + entry.effective_date +
                               "' is not a YYYY-MM-DD date");
  }
  try {
    Statements& s = statements();
    if (entry.reverses) {
      ResetOnExit reset(s.reversedTenant);
      s.reversedTenant.bind(1, *entry.reverses);
      if (!s.reversedTenant.executeStep() ||
          s.reversedTenant.getColumn(0).getString() != entry.tenant) {
        return lh::conflict(context + ": entry " + std::to_string(*entry.reverses) +
                            " to reverse is not an entry of this tenant");
      }
    }
    LedgerEntry stored = entry;
    {
      ResetOnExit reset(s.head);
      s.head.bind(1, entry.tenant);
      if (s.head.executeStep()) {
        stored.seq = s.head.getColumn(0).getInt64() + 1;
        stored.prev_hash = s.head.getColumn(1).getString();
      } else {
        stored.seq = 1;
        stored.prev_hash = std::string(core::kGenesisHash);
      }
    }
    {
      ResetOnExit reset(s.nextId);
      s.nextId.executeStep();
      stored.id = s.nextId.getColumn(0).getInt64();
    }
    stored.hash = core::computeEntryHash(stored);

    ResetOnExit resetEntry(s.insertEntry);
    s.insertEntry.bind(1, stored.id);
    s.insertEntry.bind(2, stored.tenant);
    s.insertEntry.bind(3, stored.seq);
    s.insertEntry.bind(4, stored.rule_id);
    s.insertEntry.bind(5, stored.event_connection);
    s.insertEntry.bind(6, std::string(core::eventTypeName(stored.event_type)));
    s.insertEntry.bind(7, stored.event_external_id);
    s.insertEntry.bind(8, stored.event_id);
    s.insertEntry.bind(9, stored.event_version);
    s.insertEntry.bind(10, stored.event_checksum);
    s.insertEntry.bind(11, stored.effective_date);
    s.insertEntry.bind(12, stored.memo);
    s.insertEntry.bind(13, std::string(core::entryKindName(stored.kind)));
    if (stored.reverses) {
      s.insertEntry.bind(14, *stored.reverses);
    } else {
      s.insertEntry.bind(14);
    }
    s.insertEntry.bind(15, stored.posted_at);
    s.insertEntry.bind(16, stored.prev_hash);
    s.insertEntry.bind(17, stored.hash);
    s.insertEntry.exec();

    ResetOnExit resetLine(s.insertLine);
    for (size_t i = 0; i < stored.lines.size(); ++i) {
      const LedgerLine& line = stored.lines[i];
      s.insertLine.reset();
      s.insertLine.bind(1, stored.id);
      s.insertLine.bind(2, static_cast<int64_t>(i));
      s.insertLine.bind(3, line.account);
      s.insertLine.bind(4, std::string(line.currency.code()));
      s.insertLine.bind(5, line.debit_minor);
      s.insertLine.bind(6, line.credit_minor);
      s.insertLine.exec();
    }
    return stored;
  } catch (const SQLite::Exception& e) {
    return internal::statusFromSqlite(e, context);
  } catch (const std::exception& e) {
    return internal::statusFromException(e, context);
  }
}

lh::Result<core::EventPostings> SqliteLedgerStore::postingsForEvent(const std::string& tenant,
                                                                    const core::EventKey& key) {
  const std::string context = "cannot read the ledger entries of event " +
                              std::string(core::eventTypeName(key.type)) + " '" + key.external_id +
                              "' of connection '" + key.connection + "'";
  try {
    Statements& s = statements();
    const std::string type(core::eventTypeName(key.type));
    core::EventPostings postings;
    {
      ResetOnExit reset(s.latestVersion);
      s.latestVersion.bind(1, tenant);
      s.latestVersion.bind(2, key.connection);
      s.latestVersion.bind(3, type);
      s.latestVersion.bind(4, key.external_id);
      s.latestVersion.executeStep();
      postings.latest_version = s.latestVersion.getColumn(0).getInt();
    }
    if (postings.latest_version == 0) {
      return postings;  // nothing posted for the key yet: the common case, one lookup
    }
    ResetOnExit reset(s.live);
    s.live.bind(1, tenant);
    s.live.bind(2, key.connection);
    s.live.bind(3, type);
    s.live.bind(4, key.external_id);
    LH_RETURN_IF_ERROR(streamEntries(s.live, [&](const LedgerEntry& entry) {
      postings.live.push_back(entry);
      return lh::Status::ok();
    }));
    return postings;
  } catch (const SQLite::Exception& e) {
    return internal::statusFromSqlite(e, context);
  } catch (const std::exception& e) {
    return internal::statusFromException(e, context);
  }
}

lh::Status SqliteLedgerStore::recordRate(const std::string& tenant,
                                         const core::RecordedRate& rate) {
  LH_RETURN_IF_ERROR(db_.requireTransaction("recording an exchange rate"));
  const std::string context =
      "cannot record the exchange rate of event version " + std::to_string(rate.event_id);
  try {
    Statements& s = statements();
    ResetOnExit reset(s.insertRate);
    s.insertRate.bind(1, tenant);
    s.insertRate.bind(2, rate.event_id);
    s.insertRate.bind(3, rate.rate.date);
    s.insertRate.bind(4, rate.rate.from);
    s.insertRate.bind(5, rate.rate.to);
    s.insertRate.bind(6, rate.rate.rate);
    s.insertRate.exec();
    return lh::Status::ok();
  } catch (const SQLite::Exception& e) {
    return internal::statusFromSqlite(e, context);
  } catch (const std::exception& e) {
    return internal::statusFromException(e, context);
  }
}

lh::Result<std::optional<core::RecordedRate>> SqliteLedgerStore::latestRecordedRate(
    const std::string& tenant, const std::string& from, const std::string& to,
    const std::string& onOrBefore) {
  const std::string context = "cannot read exchange rates " + from + "->" + to;
  try {
    Statements& s = statements();
    ResetOnExit reset(s.latestRate);
    s.latestRate.bind(1, tenant);
    s.latestRate.bind(2, from);
    s.latestRate.bind(3, to);
    s.latestRate.bind(4, onOrBefore);
    if (!s.latestRate.executeStep()) {
      return std::optional<core::RecordedRate>();
    }
    core::RecordedRate recorded;
    recorded.rate = core::ExchangeRate{s.latestRate.getColumn(0).getString(), from, to,
                                       s.latestRate.getColumn(1).getString()};
    recorded.event_id = s.latestRate.getColumn(2).getInt64();
    return std::optional<core::RecordedRate>(std::move(recorded));
  } catch (const SQLite::Exception& e) {
    return internal::statusFromSqlite(e, context);
  } catch (const std::exception& e) {
    return internal::statusFromException(e, context);
  }
}

lh::Status SqliteLedgerStore::forEachEntry(
    const core::EntryQuery& query, const std::function<lh::Status(const LedgerEntry&)>& visit) {
  const std::string context = "cannot read the ledger of tenant '" + query.tenant + "'";
  try {
    // Not cached: `visit` may itself read the ledger (nested queries need their own statement).
    SQLite::Statement statement(
        db_.native(),
        std::string(kEntrySelect) +
            "WHERE e.tenant = ?1 AND (?2 IS NULL OR e.effective_date >= ?2) "
            "AND (?3 IS NULL OR e.effective_date <= ?3) AND (?4 IS NULL OR e.rule_id = ?4) "
            "AND (?5 IS NULL OR e.event_id = ?5) AND (?6 IS NULL OR e.event_external_id = ?6) "
            "AND (?7 IS NULL OR EXISTS (SELECT 1 FROM ledger_lines x WHERE x.entry_id = e.id "
            "AND x.account = ?7)) ORDER BY e.seq, l.line_no");
    statement.bind(1, query.tenant);
    bindOptional(statement, 2, query.from_date);
    bindOptional(statement, 3, query.to_date);
    bindOptional(statement, 4, query.rule_id);
    if (query.event_id) {
      statement.bind(5, *query.event_id);
    } else {
      statement.bind(5);
    }
    bindOptional(statement, 6, query.event_external_id);
    bindOptional(statement, 7, query.account);
    return streamEntries(statement, visit);
  } catch (const SQLite::Exception& e) {
    return internal::statusFromSqlite(e, context);
  } catch (const std::exception& e) {
    return internal::statusFromException(e, context);
  }
}

lh::Result<std::vector<AccountTotal>> SqliteLedgerStore::accountTotals(
    const std::string& tenant, const std::optional<std::string>& from,
    const std::optional<std::string>& to) {
  const std::string context = "cannot total the accounts of tenant '" + tenant + "'";
  try {
    SQLite::Statement statement(
        db_.native(),
        "SELECT l.account, l.currency, SUM(l.debit_minor), SUM(l.credit_minor) "
        "FROM ledger_entries e JOIN ledger_lines l ON l.entry_id = e.id "
        "WHERE e.tenant = ?1 AND (?2 IS NULL OR e.effective_date >= ?2) "
        "AND (?3 IS NULL OR e.effective_date <= ?3) "
        "GROUP BY l.account, l.currency ORDER BY l.account, l.currency");
    statement.bind(1, tenant);
    bindOptional(statement, 2, from);
    bindOptional(statement, 3, to);
    std::vector<AccountTotal> totals;
    while (statement.executeStep()) {
      const std::string account = statement.getColumn(0).getString();
      lh::Result<core::Currency> currency =
          core::currencyFromCode(statement.getColumn(1).getString());
      if (!currency.isOk()) {
        return lh::permanent(context + ": account '" + account + "': " +
                             currency.status().message() + " (run 'ledgerhost ledger verify')");
      }
      totals.push_back(AccountTotal{account, *currency, statement.getColumn(2).getInt64(),
                                    statement.getColumn(3).getInt64()});
    }
    return totals;
  } catch (const SQLite::Exception& e) {
    return statusFromReport(e, context);
  } catch (const std::exception& e) {
    return internal::statusFromException(e, context);
  }
}

lh::Result<std::vector<DailyTotal>> SqliteLedgerStore::dailyTotals(
    const std::string& tenant, const std::vector<std::string>& accounts,
    const std::optional<std::string>& from, const std::optional<std::string>& to) {
  const std::string context = "cannot total the days of tenant '" + tenant + "'";
  if (accounts.empty()) {
    return std::vector<DailyTotal>();
  }
  try {
    SQLite::Statement statement(
        db_.native(),
        "SELECT e.effective_date, l.currency, SUM(l.debit_minor), SUM(l.credit_minor) "
        "FROM ledger_entries e JOIN ledger_lines l ON l.entry_id = e.id "
        "WHERE e.tenant = ?1 AND (?2 IS NULL OR e.effective_date >= ?2) "
        "AND (?3 IS NULL OR e.effective_date <= ?3) "
        "AND l.account IN (SELECT value FROM json_each(?4)) "
        "GROUP BY e.effective_date, l.currency ORDER BY e.effective_date, l.currency");
    statement.bind(1, tenant);
    bindOptional(statement, 2, from);
    bindOptional(statement, 3, to);
    statement.bind(4, nlohmann::json(accounts).dump());
    std::vector<DailyTotal> totals;
    while (statement.executeStep()) {
      const std::string date = statement.getColumn(0).getString();
      lh::Result<core::Currency> currency =
          core::currencyFromCode(statement.getColumn(1).getString());
      if (!currency.isOk()) {
        return lh::permanent(context + ": " + date + ": " + currency.status().message() +
                             " (run 'ledgerhost ledger verify')");
      }
      totals.push_back(DailyTotal{date, *currency, statement.getColumn(2).getInt64(),
                                  statement.getColumn(3).getInt64()});
    }
    return totals;
  } catch (const SQLite::Exception& e) {
    return statusFromReport(e, context);
  } catch (const std::exception& e) {
    return internal::statusFromException(e, context);
  }
}

}  // namespace lh::store
