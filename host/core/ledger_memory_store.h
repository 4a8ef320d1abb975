// MemoryLedgerStore: a LedgerStore held in memory, with the same rules as the SQLite one.
//
// For dry runs that must not touch the database (`ledgerhost config test` compares the postings a
// pipeline makes of fixture events with the expected ones) and for core's unit tests. It has no
// transactions: writes take effect at once and are never undone, so callers that need rollback use
// the SQLite store. Everything else (append-only, hash chain, uniqueness, balance checks, query
// semantics and ordering) matches LedgerStore's contract.
//
// Thread safety: not thread-safe; one thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/ledger_store.h"

namespace lh::core {

class MemoryLedgerStore final : public LedgerStore {
 public:
  lh::Result<LedgerEntry> appendEntry(const LedgerEntry& entry) override;
  lh::Result<EventPostings> postingsForEvent(const std::string& tenant,
                                             const EventKey& key) override;
  lh::Status recordRate(const std::string& tenant, const RecordedRate& rate) override;
  lh::Result<std::optional<RecordedRate>> latestRecordedRate(
      const std::string& tenant, const std::string& from, const std::string& to,
      const std::string& onOrBefore) override;
  lh::Status forEachEntry(const EntryQuery& query,
                          const std::function<lh::Status(const LedgerEntry&)>& visit) override;
  lh::Result<std::vector<AccountTotal>> accountTotals(
      const std::string& tenant, const std::optional<std::string>& from,
      const std::optional<std::string>& to) override;
  lh::Result<std::vector<DailyTotal>> dailyTotals(const std::string& tenant,
                                                  const std::vector<std::string>& accounts,
                                                  const std::optional<std::string>& from,
                                                  const std::optional<std::string>& to) override;

  // Every stored entry of every tenant, in posting order. For tests and dry-run output.
  const std::vector<LedgerEntry>& entries() const { return entries_; }

 private:
  std::vector<LedgerEntry> entries_;                         // id = index + 1
  std::vector<std::pair<std::string, RecordedRate>> rates_;  // (tenant, rate), in record order
};

}  // namespace lh::core
