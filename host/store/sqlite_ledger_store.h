// SqliteLedgerStore: core::LedgerStore on the host's SQLite database (tables of migration
// 0003_ledger: ledger_entries, ledger_lines, ledger_fx_rates).
//
// Append-only twice over: the class has no code path that updates or deletes a ledger row, and
// the schema's triggers refuse UPDATE and DELETE on the ledger tables from any connection.
//
// Transactions: writes (appendEntry, recordRate) must run inside a transaction the caller holds on
// the same Database (the unit of work that stores the events being posted; Transaction::begin);
// outside one they fail with Internal and write nothing. Appending computes the next id and seq
// from the current maxima, which is safe because a write transaction (BEGIN IMMEDIATE) holds
// SQLite's single write lock. Reads run inside or outside a transaction.
//
// Errors: SQLite errors become lh::Status (store/internal/sqlite_error.h): a uniqueness rule hit
// (second normal entry per (rule, event version), second reversal of an entry) is Conflict; a
// report sum beyond int64 is InvalidArgument; a stored row that no longer decodes (an unknown
// currency, event type or kind written behind the host's back) is Permanent and names the entry.
//
// Thread safety: like the Database: one thread at a time. The Database must outlive the store.
// Prepared statements are cached per store, so create one store per Database and keep it.
#pragma once

#include <memory>

#include "core/ledger_store.h"
#include "store/database.h"

namespace lh::store {

class SqliteLedgerStore final : public core::LedgerStore {
 public:
  explicit SqliteLedgerStore(Database& db);
  ~SqliteLedgerStore() override;
  SqliteLedgerStore(const SqliteLedgerStore&) = delete;
  SqliteLedgerStore& operator=(const SqliteLedgerStore&) = delete;

  lh::Result<core::LedgerEntry> appendEntry(const core::LedgerEntry& entry) override;
  lh::Result<core::EventPostings> postingsForEvent(const std::string& tenant,
                                                   const core::EventKey& key) override;
  lh::Status recordRate(const std::string& tenant, const core::RecordedRate& rate) override;
  lh::Result<std::optional<core::RecordedRate>> latestRecordedRate(
      const std::string& tenant, const std::string& from, const std::string& to,
      const std::string& onOrBefore) override;
  lh::Status forEachEntry(
      const core::EntryQuery& query,
      const std::function<lh::Status(const core::LedgerEntry&)>& visit) override;
  lh::Result<std::vector<core::AccountTotal>> accountTotals(
      const std::string& tenant, const std::optional<std::string>& from,
      const std::optional<std::string>& to) override;
  lh::Result<std::vector<core::DailyTotal>> dailyTotals(
      const std::string& tenant, const std::vector<std::string>& accounts,
      const std::optional<std::string>& from, const std::optional<std::string>& to) override;

 private:
  struct Statements;

  Statements& statements();

  Database& db_;
  std::unique_ptr<Statements> statements_;  // prepared on first use
};

}  // namespace lh::store
