// The double-entry ledger's data: entries, their lines, and the checks every entry passes before
// it is stored (DESIGN.md "Data flow" step 3, "Money").
//
// An entry is immutable once stored. It belongs to one tenant, comes from one posting rule applied
// to one stored event version, and balances per currency: for every currency the sum of its debit
// lines equals the sum of its credit lines. Each line carries exactly one non-zero side, as
// non-negative int64 minor units of the line's currency (no floating point, no signed amounts).
// Corrections are new entries (reversals), never edits.
//
// Thread safety: values and pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/chart.h"
#include "core/currency.h"
#include "core/event.h"
#include "core/status.h"

namespace lh::core {

// Normal: what a posting rule made of an event version. Reversal: the mirror image of an earlier
// normal entry, posted when a newer event version superseded the one it came from.
enum class EntryKind { Normal, Reversal };

// "normal", "reversal".
std::string_view entryKindName(EntryKind kind);
// The inverse of entryKindName; InvalidArgument for anything else.
lh::Result<EntryKind> parseEntryKind(std::string_view name);

// One line: an account of the tenant's chart, a currency, and exactly one non-zero side.
struct LedgerLine {
  std::string account;  // account code in the tenant's chart
  Currency currency;
  int64_t debit_minor = 0;   // >= 0
  int64_t credit_minor = 0;  // >= 0; exactly one of debit_minor/credit_minor is non-zero

  friend bool operator==(const LedgerLine&, const LedgerLine&) = default;
};

// A debit line of `minor` (> 0) units; a convenience for rules and tests.
LedgerLine debitLine(std::string account, Currency currency, int64_t minor);
// A credit line of `minor` (> 0) units.
LedgerLine creditLine(std::string account, Currency currency, int64_t minor);

// A stored entry.
//
// The chain fields (id, seq, prev_hash, hash) are assigned by LedgerStore::appendEntry; the rest
// comes from the poster. `hash` covers every other field, the lines in order and the source
// event's checksum (hash_chain.h), so any edit made behind the host's back is detectable.
struct LedgerEntry {
  int64_t id = 0;   // store-wide unique, ascending in posting order
  int64_t seq = 0;  // 1, 2, 3, ... per tenant: the entry's place in the tenant's hash chain
  std::string tenant;
  std::string rule_id;
  // The source event version (StoredEvent): its key, row id, version number and checksum. For a
  // reversal, the event version whose arrival caused it (the reversed entry names the old one).
  std::string event_connection;
  EventType event_type = EventType::Payment;
  std::string event_external_id;
  int64_t event_id = 0;
  int32_t event_version = 0;
  std::string event_checksum;
  std::string effective_date;  // YYYY-MM-DD
  std::string memo;
  EntryKind kind = EntryKind::Normal;
  std::optional<int64_t> reverses;  // the id of the entry this one reverses (Reversal only)
  std::string posted_at;            // ISO-8601 UTC with milliseconds, "2026-01-01T00:00:00.000Z"
  std::string prev_hash;            // hash of the tenant's previous entry (kGenesisHash for seq 1)
  std::string hash;                 // lower-case hex sha256 (hash_chain.h)
  std::vector<LedgerLine> lines;

  EventKey eventKey() const { return EventKey{event_connection, event_type, event_external_id}; }
};

// The prev_hash of a tenant's first entry: 64 zeros.
inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// True for a real calendar date written YYYY-MM-DD (years 0001..9999, leap years honoured).
bool isIsoDate(std::string_view text);

// OK when every line has exactly one non-zero side, both sides are >= 0, and for each currency the
// debits equal the credits. There must be at least one line. Errors (InvalidArgument) name the
// offending line (index, account) or, for an imbalance, every unbalanced currency with its debit
// total, credit total and difference as exact amounts: "entry does not balance: USD debits 100.00,
// credits 90.00 (debits exceed credits by 10.00)". Sums are exact (128-bit); a currency whose
// total does not fit int64 is refused too.
lh::Status checkBalanced(std::span<const LedgerLine> lines);

// OK when every line's account is in `tenant`'s chart; InvalidArgument naming the first unknown
// account and the tenant otherwise.
lh::Status checkAccounts(const Tenant& tenant, std::span<const LedgerLine> lines);

// The lines of a reversal of `lines`: same accounts, currencies and order, debit and credit
// swapped.
std::vector<LedgerLine> mirrorLines(std::span<const LedgerLine> lines);

// `ms` since the Unix epoch as ISO-8601 UTC with milliseconds ("1970-01-01T00:00:00.000Z").
// Negative values are allowed (dates before 1970).
std::string formatUtcMillis(int64_t ms);

}  // namespace lh::core
