// EventStore: where canonical events and connector cursors are kept (DESIGN.md "Data flow" 2).
// Declared by core, implemented by lh_store (store/sqlite_event_store.h).
//
// What it keeps, for every version of every event, forever (append-only):
//   - the idempotency key (tenant, connection, type, external_id) and a version number. The first
//     event for a key is version 1; an event whose checksum (Event::checksum) differs from the
//     current version's is version N+1, and version N stays, marked not current; the same checksum
//     again changes nothing. The current version of a key is always its highest version.
//   - the raw payload: the event exactly as the connector emitted it (its JSON text, byte for
//     byte, including the source object `raw`) with the sha256 of those bytes (payloadSha256,
//     event_validator.h): the audit trail. Deduplicated before writing: bytes identical to the
//     key's current version, or any text with the same checksum, store nothing; nor does a stale
//     state (below).
// And the cursors: each connection's position in each of its streams (the connector's JSON).
//
// Stale states: deliveries arrive out of order (a webhook for an invoice's `finalized` after the
// `paid` one was read), so a text whose checksum differs from the current version's is not always
// newer. It is Stale, and nothing is written, when
//   - it and the current version both carry a `revision` (Event::revision) and its is lower; or
//   - it carries no revision and its checksum is that of an earlier version of the key (a state
//     the object already left).
// Otherwise it is a new version. Equal revisions with different content are a new version (the
// connector's mapping changed).
//
// Transactions: no method begins, commits or rolls back. Every write (upsert, setCursor,
// resetCursor, resetCursors) runs inside the caller's write transaction, the UnitOfWork
// (unit_of_work.h) that also stores the postings of those events, so events, postings and the
// cursor commit together or not at all; an implementation refuses a write outside one (Internal).
// Reads may run inside or outside one.
//
// Tenants: every event read takes the tenant and returns nothing of another tenant; only the
// methods named `...AllTenants` cross tenants, for operator tools. Cursors belong to connections,
// which belong to one tenant each (the configuration guarantees connection names are unique).
//
// Errors: lh::Status codes of core/status.h. Transient when the database is busy past its timeout
// or the disk fails; Conflict when a write breaks a store rule (e.g. a cursor that is not JSON);
// Permanent when stored data cannot be read back (a damaged or edited database); Internal for
// misuse (a write outside a transaction) and bugs.
//
// Thread safety: as the connection under it; the SQLite implementation is one connection, used
// from one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "core/status.h"

namespace lh::core {

// What upsert did.
enum class UpsertOutcome {
  Inserted,    // first event for the key: version 1
  NewVersion,  // new checksum for the key: version N+1, which superseded version N
  Unchanged,   // same checksum as the current version: nothing written
  Stale,       // an older state than the current version (see "Stale states"): nothing written
};

// "inserted", "new_version", "unchanged".
inline std::string_view upsertOutcomeName(UpsertOutcome outcome) {
  switch (outcome) {
    case UpsertOutcome::Inserted:
      return "inserted";
    case UpsertOutcome::NewVersion:
      return "new_version";
    case UpsertOutcome::Unchanged:
      return "unchanged";
    case UpsertOutcome::Stale:
      return "stale";
  }
  return "unknown";
}

struct UpsertResult {
  UpsertOutcome outcome = UpsertOutcome::Inserted;
  int64_t id = 0;       // the key's current version after the call (the existing one if Unchanged)
  int32_t version = 0;  // its version number
  std::optional<int64_t> superseded_id;  // NewVersion only: the version it replaced
};

// A stored version, named without its body.
struct EventVersionRef {
  int64_t id = 0;
  int32_t version = 0;
};

// Which events a scan or count visits. Unset fields do not filter.
struct EventFilter {
  std::optional<std::string> connection;
  std::optional<EventType> type;
  std::optional<int64_t> occurred_from_ms;    // occurred_at >= this (ms since the Unix epoch)
  std::optional<int64_t> occurred_before_ms;  // occurred_at < this
  bool current_only = true;                   // false: superseded versions too
  int64_t after_id = 0;                       // only ids > this: resumes an interrupted scan
};

// A connection's cursor for one stream.
struct CursorRecord {
  std::string connection;
  std::string stream;
  std::string cursor_json;  // the connector's own JSON, as it checkpointed it
  std::string updated_at;   // ISO-8601 UTC with milliseconds, when it was last set
};

class EventStore {
 public:
  // Called once per event by scans. A non-OK status stops the scan, which returns it.
  using Visitor = std::function<lh::Status(const StoredEvent&)>;

  virtual ~EventStore() = default;

  // Stores `event` for `tenant` and `connection` under its key (see the file comment), with
  // `payload` (the exact text it was validated from; `payloadSha256` = payloadSha256(payload)) as
  // the raw payload of a new version. One indexed lookup decides (a second one, on the same
  // index, only for a changed text without a revision); Unchanged and Stale calls write nothing. `event` must come from EventValidator (type, external id, occurred_at and checksum
  // consistent with its body); `ingestedAtMs` is recorded on a new version. Write; needs the
  // caller's transaction.
  virtual lh::Result<UpsertResult> upsert(const std::string& tenant, const std::string& connection,
                                          const Event& event, const std::string& payload,
                                          const std::string& payloadSha256,
                                          int64_t ingestedAtMs) = 0;

  // The current version of `key` in `tenant` when its raw payload has exactly this sha256; nullopt
  // when the key has no version or its current one came from other bytes. One lookup on the key
  // index, nothing parsed: how a re-read page is recognised as unchanged from its bytes (the
  // caller reads the key cheaply with peekEventKey, ingest.h). The sha256 match, not the peeked
  // key, is what makes the answer trustworthy: equal bytes were validated under that very key.
  virtual lh::Result<std::optional<EventVersionRef>> findCurrentWithPayload(
      const std::string& tenant, const EventKey& key, const std::string& payloadSha256) = 0;

  // The current version of `key` in `tenant`, or nullopt.
  virtual lh::Result<std::optional<StoredEvent>> current(const std::string& tenant,
                                                         const EventKey& key) = 0;

  // The version with row id `id`, current or not, if it belongs to `tenant`; else nullopt.
  virtual lh::Result<std::optional<StoredEvent>> byId(const std::string& tenant, int64_t id) = 0;

  // Every version of `key` in `tenant`, oldest first.
  virtual lh::Result<std::vector<StoredEvent>> versions(const std::string& tenant,
                                                        const EventKey& key) = 0;

  // The current events of `tenant` from `connection` whose `links.<link>` (docs/events.md "Links
  // and dates") equals one of `values`, in id order: e.g. everything a payout settled
  // (link "payout"), for the delivery of its deposit (pipeline/delivery_runner.h). `link` must be
  // a link name ([a-z_]+), else InvalidArgument; no values: an empty answer. Cost: there is no
  // index on links (each index costs ingest a page write per event), so this reads every version
  // of the connection's events through the key index's (tenant, connection) prefix and extracts
  // the link from each payload: O(events of the connection) per call, whatever the number of
  // values. Callers ask for many values in one call rather than one call per value.
  virtual lh::Result<std::vector<StoredEvent>> currentLinkedTo(
      const std::string& tenant, const std::string& connection, const std::string& link,
      const std::vector<std::string>& values) = 0;

  // Calls `visit` for each of `tenant`'s events matching `filter`, in id order (the order they
  // were stored). Streams: holds one event at a time, whatever the table's size. `visit` may call
  // this store (reads, and writes inside a transaction the caller holds), but rows it writes may or
  // may not be visited.
  virtual lh::Status scan(const std::string& tenant, const EventFilter& filter,
                          const Visitor& visit) = 0;

  // How many of `tenant`'s events match `filter`.
  virtual lh::Result<int64_t> count(const std::string& tenant, const EventFilter& filter) = 0;

  // scan and count over every tenant: for operator tools (replay of a whole store, statistics).
  virtual lh::Status scanAllTenants(const EventFilter& filter, const Visitor& visit) = 0;
  virtual lh::Result<int64_t> countAllTenants(const EventFilter& filter) = 0;

  // The cursor `connection` last committed for `stream`, or nullopt when it has none.
  virtual lh::Result<std::optional<std::string>> getCursor(const std::string& connection,
                                                           const std::string& stream) = 0;

  // Sets the cursor of (connection, stream) to `cursorJson` (a JSON text; Conflict otherwise).
  // Write; needs the caller's transaction, so it commits with the events read up to it.
  virtual lh::Status setCursor(const std::string& connection, const std::string& stream,
                               const std::string& cursorJson) = 0;

  // The cursors of `connection` (every connection's when nullopt), by connection then stream.
  virtual lh::Result<std::vector<CursorRecord>> listCursors(
      const std::optional<std::string>& connection) = 0;

  // Forgets the cursor of (connection, stream), so the next sync reads that stream from its
  // start. Returns whether there was one. Write; needs the caller's transaction.
  virtual lh::Result<bool> resetCursor(const std::string& connection,
                                       const std::string& stream) = 0;

  // Forgets every cursor of `connection`; returns how many there were. Write; needs the caller's
  // transaction.
  virtual lh::Result<int64_t> resetCursors(const std::string& connection) = 0;
};

}  // namespace lh::core
