// LedgerStore: what the ledger needs from storage. Declared by core, implemented by lh_store
// (store/sqlite_ledger_store.h) and in memory (core/ledger_memory_store.h, for dry runs and tests).
//
// The store keeps entries append-only: there is no method that changes or removes an entry, and
// the SQLite implementation also refuses UPDATE and DELETE on its ledger tables. It owns the
// per-tenant hash chain: appendEntry assigns id, seq and prev_hash and computes hash with
// computeEntryHash (hash_chain.h), so every implementation chains the same way and verifyChain
// can check any of them.
//
// Transactions: no method begins, commits or rolls back. Writes run inside the caller's write
// transaction (the unit of work that also stores the events being posted), so a crash never keeps
// half an entry or an entry without its event; an implementation refuses a write outside one
// (Internal). Reads may run inside or outside one; a report that reads more than once should run
// in one read transaction to see one snapshot.
//
// Tenants: every method takes the tenant; nothing reads or writes across tenants.
//
// Errors: lh::Status codes of core/status.h. A write that would break a store invariant (a second
// normal entry for the same (rule, event version), a second reversal of one entry, an unbalanced
// entry) is refused: Conflict for the uniqueness rules, InvalidArgument for the entry's content.
//
// Thread safety: as the connection under it; the SQLite implementation is one connection, used
// from one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/chart.h"
#include "core/currency.h"
#include "core/event.h"
#include "core/ledger_entry.h"
#include "core/status.h"

namespace lh::core {

// Which entries LedgerStore::forEachEntry visits. Unset fields do not filter. Dates are
// inclusive YYYY-MM-DD effective dates.
struct EntryQuery {
  std::string tenant;
  std::optional<std::string> from_date;
  std::optional<std::string> to_date;
  std::optional<std::string> account;  // entries with at least one line on this account
  std::optional<std::string> rule_id;
  std::optional<int64_t> event_id;               // the source event version's row id
  std::optional<std::string> event_external_id;  // any connection, any type
};

// What the ledger already holds for one event key (connection, type, external id).
struct EventPostings {
  // Normal entries for the key that no reversal points at, in seq order, with their lines.
  std::vector<LedgerEntry> live;
  // The highest event_version of any entry (normal or reversal) for the key; 0 when none.
  int32_t latest_version = 0;
};

// Sum of an account's lines in one currency.
struct AccountTotal {
  std::string account;
  Currency currency;
  int64_t debit_minor = 0;
  int64_t credit_minor = 0;
};

// Sum of the lines of a set of accounts on one effective date in one currency.
struct DailyTotal {
  std::string date;  // YYYY-MM-DD
  Currency currency;
  int64_t debit_minor = 0;
  int64_t credit_minor = 0;
};

// An exchange rate carried by an event (settlement.exchange_rate): 1 `from` = `rate` `to` on
// `date`, recorded when the event version was posted.
struct RecordedRate {
  ExchangeRate rate;
  int64_t event_id = 0;  // the event version that carried it
};

class LedgerStore {
 public:
  virtual ~LedgerStore() = default;

  // Appends `entry` to its tenant's chain. Reads every field but id, seq, prev_hash and hash,
  // which it assigns (seq = previous seq + 1, prev_hash = previous hash or kGenesisHash, hash =
  // computeEntryHash) and returns in the stored entry. Refuses (before writing anything): lines
  // that fail checkBalanced (InvalidArgument); a reversal without `reverses` or a normal entry
  // with it (InvalidArgument); a normal entry for a (tenant, rule_id, event_id) that already has
  // one, or a second reversal of the same entry, or `reverses` naming an entry of another tenant
  // or none (Conflict). Write; needs the caller's transaction.
  virtual lh::Result<LedgerEntry> appendEntry(const LedgerEntry& entry) = 0;

  // What the ledger holds for `key` in `tenant` (see EventPostings).
  virtual lh::Result<EventPostings> postingsForEvent(const std::string& tenant,
                                                     const EventKey& key) = 0;

  // Records a rate carried by an event version. Recording the same event version's rate again is
  // a no-op (replays). Write; needs the caller's transaction.
  virtual lh::Status recordRate(const std::string& tenant, const RecordedRate& rate) = 0;

  // The recorded rate for exactly (from, to) with the latest date <= `onOrBefore` (YYYY-MM-DD);
  // among rates of that date, the last recorded. nullopt when there is none.
  virtual lh::Result<std::optional<RecordedRate>> latestRecordedRate(
      const std::string& tenant, const std::string& from, const std::string& to,
      const std::string& onOrBefore) = 0;

  // Calls `visit` for each entry matching `query`, with its lines in order, in seq order (the
  // chain's order). Streams: holds one entry at a time. Stops at the first non-OK status `visit`
  // returns and returns it.
  virtual lh::Status forEachEntry(const EntryQuery& query,
                                  const std::function<lh::Status(const LedgerEntry&)>& visit) = 0;

  // Per (account, currency): the sums of the tenant's lines with effective dates in [from, to]
  // (either bound may be absent), ordered by account code, then currency code. Only pairs with at
  // least one line appear. A sum beyond int64 is an error, never wrapped.
  virtual lh::Result<std::vector<AccountTotal>> accountTotals(
      const std::string& tenant, const std::optional<std::string>& from,
      const std::optional<std::string>& to) = 0;

  // Per (effective date, currency): the sums of the tenant's lines on `accounts` with effective
  // dates in [from, to], ordered by date, then currency code. An empty `accounts` gives no rows.
  virtual lh::Result<std::vector<DailyTotal>> dailyTotals(const std::string& tenant,
                                                          const std::vector<std::string>& accounts,
                                                          const std::optional<std::string>& from,
                                                          const std::optional<std::string>& to) = 0;
};

}  // namespace lh::core
