// ReplayRunner: runs posting and delivery again over the events already stored (issue 4 item 8):
// what `ledgerhost replay` runs after a rule changed, or to fill the ledger and the outbox of
// events ingested before their rules existed.
//
// For each tenant of the config, the current versions of its events (optionally of one connection,
// optionally occurred on or after a date) are scanned in id order, streaming, and each is handed to
// the Runtime's hook (posting + delivery, the very hook ingestion runs) with no superseded version.
// Work is cut into units of work of `batch_size` events: each unit commits, so a replay of a
// million events holds one unit's writes at a time, and an interrupted replay can simply be run
// again.
//
// Idempotent: the ledger keeps one entry per (rule, event version) and the outbox one command per
// (rule, event key), so a second replay (or a replay after a sync) writes nothing and reports
// 0 posted, 0 queued. A rule whose drafts changed since an event version was posted does NOT
// repost that version (corrections come from new event versions, never from edits); new rules
// post, new delivery rules queue, and changed delivery options update unsent commands.
//
// Thread safety: one replay at a time per Runtime.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/status.h"
#include "pipeline/runtime.h"

namespace lh::pipeline {

struct ReplayOptions {
  std::optional<std::string> connection;  // only this connection's events
  std::optional<std::string> from;        // YYYY-MM-DD: events that occurred on or after (UTC)
  size_t batch_size = 1000;               // events per unit of work (>= 1)
};

struct ReplayResult {
  int64_t events = 0;  // current versions visited
  int64_t units = 0;   // units of work committed
  int64_t entries_posted = 0;
  int64_t reversals = 0;
  int64_t commands_queued = 0;
  int64_t commands_updated = 0;
  int64_t commands_unchanged = 0;
};

class ReplayRunner {
 public:
  // After each committed unit, with the totals so far.
  using Progress = std::function<void(const ReplayResult&)>;

  explicit ReplayRunner(Runtime& runtime, Progress progress = nullptr);

  // Replays (see the file comment). Errors: an unknown connection or a bad date
  // (InvalidArgument); the first error of the hook or the store, after rolling back that unit
  // (earlier units stay committed; the totals returned with the error are not available, the
  // log says how far it got).
  lh::Result<ReplayResult> replay(const ReplayOptions& options);

 private:
  Runtime& runtime_;
  Progress progress_;
};

}  // namespace lh::pipeline
