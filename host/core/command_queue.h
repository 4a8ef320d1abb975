// CommandStore: the delivery outbox (DESIGN.md "Data flow" step 4). Declared by core, implemented
// by lh_store (store/sqlite_command_store.h).
//
// Delivery rules (core/delivery.h) turn an event version into commands for accounting connections
// ("create_invoice on qbo about stripe payment ch_1"). The outbox keeps exactly ONE command per
// (tenant, delivery rule id, event key), whatever the number of versions, replays or re-reads:
//
//   - the first version that a rule matches queues the command: status Pending;
//   - the same version again (a replay, a re-read page) with the same payload changes nothing;
//   - a newer version (or, for the same version, a payload that changed because the rule's options
//     changed in the config) replaces the stored payload and event version, never adds a row:
//       * not yet sent (Pending, Held): the payload is simply replaced; the status stays;
//       * Failed: replaced and set back to Pending, because new data is a reason to try again;
//       * Sent: replaced, status stays Sent, and `needs_update` is set: the target already holds
//         the object; whether it can be updated is the target connector's business (issue 7);
//   - an older version than the stored one (a late replay) changes nothing.
// A rule that stops matching a newer version leaves its command as it is (withdrawing a sent
// object is a delivery decision of the executor, not of the outbox).
//
// Each command carries a stable idempotency key (commandIdempotencyKey): the same for every version
// of the event, at most 36 characters, so it fits QBO's `requestid` and batch `bId` and a retried
// send is recognised by the target.
//
// Executing commands against accounting plugins is NOT here: the executor
// (pipeline/delivery_runner.h, docs/delivery.md) reads pendingAfter(target connection), calls the
// plugin's `execute`, then markSent / markFailed and recordLink inside one UnitOfWork.
//
// Transactions: no method begins or commits. Every write (enqueue, markSent, markFailed,
// markWaiting, hold, recordLink) runs inside the caller's UnitOfWork, on the same connection as the event and ledger
// stores, so the commands an event version queues commit with the version and its postings or not
// at all. Writes outside one fail with Internal.
//
// Errors: lh::Status codes of core/status.h (as event_store.h): Transient for a busy or failing
// database, Conflict for a broken store rule, Permanent for a stored row that no longer decodes,
// InvalidArgument for a bad request or an unknown command id, Internal for misuse (a write outside
// a transaction) and bugs.
//
// Thread safety: as the connection under it (SQLite: one thread at a time).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/delivery.h"
#include "core/event.h"
#include "core/status.h"

namespace lh::core {

// Where a command is in its life.
enum class CommandStatus {
  Pending,  // waiting to be sent (or re-sent after a retryable failure)
  Sent,     // the target accepted it; `target_id` names what it created
  Failed,   // the target refused it for good (permanent error); an operator must look
  Held,     // kept back on purpose (an operator or a rule); the executor skips it
};

// "pending", "sent", "failed", "held".
std::string_view commandStatusName(CommandStatus status);

// The inverse of commandStatusName; InvalidArgument for anything else.
lh::Result<CommandStatus> parseCommandStatus(std::string_view name);

// Longest idempotency key commandIdempotencyKey returns (QBO batch `bId` allows 36).
inline constexpr size_t kMaxIdempotencyKeyLength = 36;

// The idempotency key of the command `ruleId` makes about event `key` of `tenant`: the first 32
// lower-case hex characters of a sha256 over a versioned, NUL-separated encoding of the four
// values. Stable across versions, replays, processes and releases; changes if any input changes.
// Pure; any thread.
std::string commandIdempotencyKey(const std::string& tenant, const std::string& ruleId,
                                  const EventKey& key);

// The payload JSON text of the command `draft` makes about `event`:
//   {"event": <the canonical event body>, "options": <rule options>,
//    "source": {"connection", "type", "external_id", "version"}}
// keys sorted (nlohmann), compact. The target connector reads the event and the options from it.
// A pure function of the event's content and the rule (no row ids), so a resumed sync and a clean
// one queue byte-identical payloads.
std::string commandPayloadJson(const CommandDraft& draft, const StoredEvent& event);

// A command to queue: one CommandDraft about one stored event version.
struct CommandRequest {
  std::string tenant;
  std::string rule_id;
  EventKey source;
  int64_t event_id = 0;       // events.id of the version it was made from
  int32_t event_version = 1;  // that version's number
  std::string target_connection;
  std::string command;  // the target plugin's command type, e.g. "create_invoice"
  std::string idempotency_key;
  std::string payload_json;

  // The request `draft` (from applyDeliveryRules) makes about `event`.
  static CommandRequest from(const CommandDraft& draft, const StoredEvent& event);
};

// A stored command.
struct CommandRecord {
  int64_t id = 0;
  CommandRequest request;  // as last queued or updated
  CommandStatus status = CommandStatus::Pending;
  bool needs_update = false;  // Sent, and a newer version or payload arrived since (see above)
  int32_t attempts = 0;       // sends tried (markSent / markFailed calls)
  std::string last_error;     // the last failure's message; empty when none
  std::optional<std::string> target_id;  // the id the target gave the created object
  std::string created_at;                // ISO-8601 UTC with milliseconds
  std::string updated_at;
};

// What enqueue did.
enum class EnqueueOutcome {
  Queued,     // a new command
  Updated,    // the existing command's payload/version was replaced (see the file comment)
  Unchanged,  // same version and payload, or an older version: nothing written
};

// "queued", "updated", "unchanged".
std::string_view enqueueOutcomeName(EnqueueOutcome outcome);

// One source object and what a target connection made of it (the `links` table): lets the
// accounting connector link a Payment to the Invoice created for the invoice it pays.
struct CommandLink {
  std::string tenant;
  EventKey source;
  std::string target_connection;
  std::string target_type;  // the target's object type, e.g. "Invoice", "Payment"
  std::string target_id;
  std::optional<int64_t> command_id;  // the command that created it, when known
};

class CommandStore {
 public:
  virtual ~CommandStore() = default;

  // Queues or updates the command of (request.tenant, request.rule_id, request.source) as the file
  // comment says. InvalidArgument for an empty rule id, target, command or idempotency key, or a
  // payload that is not a JSON object. Write; needs the caller's transaction.
  virtual lh::Result<EnqueueOutcome> enqueue(const CommandRequest& request) = 0;

  // The command of (tenant, rule id, event key), or nullopt.
  virtual lh::Result<std::optional<CommandRecord>> find(const std::string& tenant,
                                                        const std::string& ruleId,
                                                        const EventKey& source) = 0;

  // The command with row id `id`, or nullopt.
  virtual lh::Result<std::optional<CommandRecord>> byId(int64_t id) = 0;

  // Up to `limit` Pending commands for `targetConnection`, oldest first (by id): what the
  // executor sends next. Held, Sent and Failed commands are not returned.
  virtual lh::Result<std::vector<CommandRecord>> pendingFor(const std::string& targetConnection,
                                                            size_t limit) = 0;

  // Up to `limit` Pending commands for `targetConnection` with an id greater than `afterId`,
  // oldest first: lets the executor walk every pending command once per pass, past commands it
  // keeps back (a held payout) that pendingFor would return again and again.
  virtual lh::Result<std::vector<CommandRecord>> pendingAfter(const std::string& targetConnection,
                                                              int64_t afterId, size_t limit) = 0;

  // Sent commands with needs_update set, for `targetConnection`, oldest first.
  virtual lh::Result<std::vector<CommandRecord>> needingUpdateFor(
      const std::string& targetConnection, size_t limit) = 0;

  // How many commands of `targetConnection` (every target when nullopt) have `status`.
  virtual lh::Result<int64_t> countByStatus(const std::optional<std::string>& targetConnection,
                                            CommandStatus status) = 0;

  // Records a successful send: status Sent, `targetId` kept, attempts + 1, last_error and
  // needs_update cleared. InvalidArgument for an unknown id. Write; needs the caller's transaction.
  virtual lh::Status markSent(int64_t id, const std::string& targetId) = 0;

  // Records a failed send: attempts + 1, last_error = `error`, status Pending when `retryable`
  // (the executor tries again later), Failed otherwise. InvalidArgument for an unknown id.
  // Write; needs the caller's transaction.
  virtual lh::Status markFailed(int64_t id, const std::string& error, bool retryable) = 0;

  // Notes why a Pending command was not sent this time (the executor kept it back, e.g. "held:
  // composition sums to X, payout is Y"): last_error = `reason`; status and attempts unchanged,
  // since nothing was tried. InvalidArgument for an unknown id or a command that is not Pending.
  // Write; needs the caller's transaction.
  virtual lh::Status markWaiting(int64_t id, const std::string& reason) = 0;

  // Holds (`held` true) or releases (false: back to Pending) a command that is not Sent.
  // InvalidArgument for an unknown id or a Sent command. Write; needs the caller's transaction.
  virtual lh::Status hold(int64_t id, bool held) = 0;

  // Records (or replaces, for the same source, target connection and target type) a link.
  // Write; needs the caller's transaction.
  virtual lh::Status recordLink(const CommandLink& link) = 0;

  // The links of one source object at `targetConnection` (every target when nullopt), by target
  // connection then type.
  virtual lh::Result<std::vector<CommandLink>> linksFor(
      const std::string& tenant, const EventKey& source,
      const std::optional<std::string>& targetConnection) = 0;
};

}  // namespace lh::core
