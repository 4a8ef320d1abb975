// The glue between ingestion and the delivery outbox: an Ingestor::ChangedHook that queues the
// commands the delivery rules make of every inserted or new event version (DESIGN.md "Data flow"
// steps 2 -> 4), and combineHooks to run it after the posting hook in the same unit of work.
//
//   Ledger ledger(ledgerStore);            // all three stores on the one Database connection
//   DeliveryCounters delivered;
//   ingestor.setOnChanged(combineHooks({
//       makePostingHook(ledger, config.tenants, config.postingRules(), clock),
//       makeDeliveryHook(commandStore, config.deliveryRules(), &delivered)}));
//
// So an event version, its ledger entries and the commands it queues commit together or not at
// all: an error from either hook rolls the whole page back (Ingestor::ingest returns it), and a
// re-read of the page reaches exactly the same state (one command per (rule, event key); see
// core/command_queue.h). Replays call the same hook with each stored current version.
//
// Thread safety: a hook is called by one Ingestor (or replay) at a time; it uses the CommandStore
// (and counters) it was given, which must outlive it.
#pragma once

#include <cstdint>
#include <vector>

#include "core/command_queue.h"
#include "core/ingest.h"
#include "core/rules.h"

namespace lh::core {

// What the delivery hook did, summed over its calls. Counted as the calls happen, inside units of
// work that may still roll back: a caller that reports per page snapshots it before the page and
// restores the snapshot when the page fails.
struct DeliveryCounters {
  int64_t queued = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;
};

// The delivery hook. `rules` are copied into it. For each command applyDeliveryRules(rules, now)
// yields, CommandStore::enqueue(CommandRequest::from(draft, now)); the first error is returned.
// `counters` (optional) is incremented per outcome. The superseded version is not needed: the
// outbox compares versions itself, which also covers versions queued by an earlier run.
Ingestor::ChangedHook makeDeliveryHook(CommandStore& commands, std::vector<DeliveryRule> rules,
                                       DeliveryCounters* counters = nullptr);

// One hook calling each of `hooks` in order (empty ones skipped), stopping at the first error,
// which it returns.
Ingestor::ChangedHook combineHooks(std::vector<Ingestor::ChangedHook> hooks);

}  // namespace lh::core
