// Tamper evidence for the ledger: each tenant's entries form a hash chain (issue 4 item 11).
//
// Every entry's hash is sha256 over a canonical serialisation of the previous entry's hash and
// all of the entry's own fields, its lines in order, and the checksum of the source event version
// (so the raw event's audit trail links into the chain). Changing any stored byte of an entry or
// line, deleting or inserting an entry in the middle of a chain, or reordering entries makes
// verifyChain report the first entry whose stored hash, prev_hash or seq no longer matches.
//
// What a chain alone cannot show: the removal of a tenant's *last* entries (the shortened chain
// is still consistent). Compare the head (seq, hash) that verifyChain returns with one kept
// elsewhere (a report, a backup, an external notary) to cover that.
//
// Thread safety: pure functions, except verifyChain, which reads the store it is given (see
// LedgerStore).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/ledger_entry.h"
#include "core/ledger_store.h"
#include "core/status.h"

namespace lh::core {

// The canonical bytes an entry's hash covers. Version-tagged ("lh-ledger-entry/1"), then each
// field as `<byte length>:<bytes>\n`, so no choice of field contents can make two different
// entries serialise alike: prev_hash, id, seq, tenant, rule_id, event connection, event type name,
// event external id, event id, event version, event checksum, effective date, memo, kind name,
// reverses ("" when none), posted_at, the number of lines, and per line: account, currency code,
// debit_minor, credit_minor (decimal integers). `hash` itself is not covered.
std::string canonicalEntryBytes(const LedgerEntry& entry);

// Lower-case hex sha256 of canonicalEntryBytes(entry).
std::string computeEntryHash(const LedgerEntry& entry);

// Lower-case hex sha256 of `bytes` (OpenSSL).
std::string sha256Hex(std::string_view bytes);

// Where a chain stops matching.
struct ChainBreak {
  int64_t entry_id = 0;  // the first entry that does not match
  int64_t seq = 0;       // its stored seq
  std::string reason;    // e.g. "stored hash does not match the entry's contents"
};

// The outcome of verifyChain.
struct ChainVerification {
  int64_t entries_checked = 0;            // entries read up to and including the break (or all)
  std::optional<ChainBreak> first_break;  // nullopt: the whole chain matches
  int64_t head_seq = 0;   // seq and hash of the last entry read (0, kGenesisHash when
  std::string head_hash;  // the tenant has no entries)

  bool ok() const { return !first_break.has_value(); }
};

// Optional cross-check against the event store: the checksum of event version `eventId` as the
// event store holds it now, or nullopt when it holds no such version.
using EventChecksumLookup = std::function<lh::Result<std::optional<std::string>>(int64_t eventId)>;

// Recomputes `tenant`'s chain from its first entry, streaming (one entry in memory at a time), and
// stops at the first entry that does not match: seq not following its predecessor's (an entry
// missing or inserted), prev_hash not the predecessor's hash, the stored hash not the hash of the
// stored contents, lines that do not balance, or (with `eventChecksum`) an event checksum that
// differs from the event store's. Errors only when the store cannot be read; a broken chain is a
// result, not an error.
lh::Result<ChainVerification> verifyChain(LedgerStore& store, const std::string& tenant,
                                          const EventChecksumLookup& eventChecksum = nullptr);

}  // namespace lh::core
