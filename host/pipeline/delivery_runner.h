// DeliveryRunner: the command executor (DESIGN.md "Data flow" 4, issue 7): sends the outbox's
// pending commands to their accounting connections through the plugins' `execute` and records what
// each one answered. What `ledgerhost sync` runs after reading its streams (docs/delivery.md is the
// operator's and plugin author's page; the wire format is sdk.h's `execute`).
//
// For each target connection:
//
//   session = runtime.connect(target)                              // the plugin instance
//   pass:                                                           // repeated, see below
//     for each batch = commands.pendingAfter(target, lastId, batch) // oldest first, every pending
//       build each command's JSON: payload + "targets" (+ "composition" for a payout)
//       payout whose composition does not sum to its amount -> not sent: markWaiting(
//           "held: composition sums to X, payout is Y")            // stays Pending
//       session.instance().execute(commands)                        // the plugin calls respond()
//       ONE UnitOfWork: per response
//         0                             markSent(target_id) + recordLink(source -> target_type/id)
//         TRANSIENT, RATE_LIMITED, none markFailed(retryable): Pending, tried on a later pass/run
//         AUTH_REQUIRED (or the call's)  nothing recorded for it; the target stops, is marked
//                                        needs-reauth (pipeline/reauth.h) and is not called again
//                                        until `ledgerhost connect` clears the mark
//         anything else                  markFailed(permanent): Failed; the others go on
//
// Passes repeat until one sends nothing new, so a Payment answered "waiting for invoice in_1" in
// pass 1 goes out in pass 2, once the Invoice sent in pass 1 is in the links table and therefore
// in the Payment's "targets". A command answered transiently `max_transient_per_run` times is not
// sent again in this run (it stays Pending for the next one), so a run always ends.
//
// "targets": for each link of the command's event (event.links: name -> external id) whose name is
// an event type (invoice, customer, payout, refund, ...), the link recorded for the source object
// (same source connection, type = link name, external id = link value) at THIS target: {"type",
// "id"} (the first by target type when several). A missing key means "not created there (yet)".
//
// "composition" (payout commands only): core/payout_composition.h over the current events of the
// same tenant and source connection whose links.payout is the payout's external id
// (EventStore::currentLinkedTo, one call per batch for all its payouts, cached for the run), each
// with its own "targets" and "target" (its own object at this target, or null); plus "net_total".
// Sent only when net_total equals the payout's amount.
//
// Crash safety: a crash (or an error) after `execute` returned and before the unit of work
// committed records nothing: the commands stay Pending and the next run sends them again with the
// SAME idempotency key (commands.idempotency_key never changes). Not creating a second object is
// then the plugin's job: the key is QBO's `requestid`, and after an ambiguous failure the plugin
// looks its object up by a marker it wrote before creating again (docs/delivery.md).
//
// Thread safety: one run at a time per Runtime (one SQLite connection).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "pipeline/config.h"
#include "pipeline/runtime.h"

namespace lh::pipeline {

struct DeliveryOptions {
  // Commands per `execute` call (the contract's `batch`): 1 or more.
  size_t batch = 30;
  // How often one command may be answered transiently (or not at all) in one run before it is
  // left for the next run: 1 or more.
  int max_transient_per_run = 3;
  // Passes per target at most; a guard only (each pass that goes on has sent something new).
  int max_passes = 1000;
  // Tests only (crash injection): called after each `execute` returned and before its responses
  // are recorded; a non-OK status stops delivery to that target right there, recording nothing, as
  // a crash of the process would.
  std::function<lh::Status(const std::string& target)> after_execute;
};

// What one target's delivery did in this run.
struct TargetDelivery {
  std::string target;
  int64_t sent = 0;     // commands the target accepted (markSent) in this run
  int64_t failed = 0;   // commands it refused for good in this run (status Failed)
  int64_t waiting = 0;  // commands answered transiently (or not at all) and still Pending at the end
  int64_t held = 0;     // payout commands kept back at the end: composition does not sum
  int64_t passes = 0;
  int64_t calls = 0;  // execute calls made
  // Why commands failed or are held, one line each ("command 12 create_deposit about payout po_1:
  // held: composition sums to USD 95.00, payout is USD 96.80"), for the summary.
  std::vector<std::string> problems;
  lh::Status status;  // OK, or what stopped delivery to this target (AuthRequired, a store error)
};

struct DeliveryResult {
  std::vector<TargetDelivery> targets;

  // No target stopped and no command failed for good.
  bool ok() const;
  // Sums of the counts (target "*"); status = the first target's failure.
  TargetDelivery totals() const;
};

// Callbacks for progress output, on the delivering thread; default: nothing.
class DeliveryProgress {
 public:
  virtual ~DeliveryProgress() = default;
  virtual void targetStarted(const std::string& /*target*/) {}
  // After each execute call's responses were recorded, with the target's counts so far.
  virtual void batchDone(const TargetDelivery& /*soFar*/) {}
  virtual void targetFinished(const TargetDelivery& /*result*/) {}
};

// The accounting connections `connections`' events are delivered to: the targets of every delivery
// rule that applies to one of them (a rule with no `from` connections applies to every connection
// of its tenant), plus each of `connections` that is itself a rule's target. Config order, no
// duplicates.
std::vector<std::string> deliveryTargetsFor(const Config& config,
                                            const std::vector<std::string>& connections);

class DeliveryRunner {
 public:
  // `runtime` (and `progress`, when given) must outlive the runner.
  explicit DeliveryRunner(Runtime& runtime, DeliveryProgress* progress = nullptr);

  // Delivers the pending commands of each target in turn (see the file comment). InvalidArgument
  // for bad options; everything else (a plugin that cannot be created, AuthRequired, a store
  // error) is in that target's TargetDelivery::status, and the next target still runs.
  lh::Result<DeliveryResult> deliver(const std::vector<std::string>& targets,
                                     const DeliveryOptions& options = {});

 private:
  class Target;

  Runtime& runtime_;
  DeliveryProgress* progress_;
};

}  // namespace lh::pipeline
