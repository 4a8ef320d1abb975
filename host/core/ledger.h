// Ledger: posts stored event versions as balanced, immutable entries (DESIGN.md "Data flow" step
// 3), with reversals as the only way to correct.
//
// Input: a stored event version and the tenant's posting rules (post), or the drafts those rules
// made of it (postEvent; one PostingDraft per matching rule, from applyPostingRules in
// core/posting.h, the same function `config test` runs). The Ledger checks the drafts against the
// tenant's chart, decides what to write by comparing them with what the ledger already holds for
// the event's key, and appends through a LedgerStore:
//
//   - Nothing for the key yet: each draft becomes a normal entry.
//   - A rule already has an entry for this very event version: nothing (replays are no-ops; the
//     store also refuses a second normal entry per (rule, event version)).
//   - A rule has a live entry from an older version of the event:
//       * the new draft has exactly the same effective date, memo and lines: nothing is written,
//         and the old entry stays the rule's live entry. Chosen so that a new version that changes
//         nothing the books care about (a status, a description, a link) does not fill the ledger
//         with reversal pairs that net to zero. The old entry keeps naming the version it came
//         from.
//       * otherwise: a reversal of the old entry (its mirror image, linked to it by `reverses`,
//         with the old entry's effective date, so balances at every date read as if only the new
//         version had ever existed), then the new draft as a normal entry.
//       * the rule no longer matches the new version (no draft): the reversal only.
//   - The ledger already holds a newer version of the event (or `event.current` is false): the
//     call is stale and writes nothing, so a late replay of an old version cannot undo a newer
//     one.
//
// Lines with a zero amount are dropped before anything else (a payment without a fee posts
// no fee line); a draft left without lines is treated as "the rule posts nothing for this event".
//
// Rates: an event whose settlement currency differs from its presentment currency and which
// carries settlement.exchange_rate has that rate recorded (LedgerStore::recordRate) for reporting
// in the base currency (ledger_reports.h). A rate that is not an exact decimal string is ignored.
//
// Transactions: every write goes through the store inside the caller's transaction; on an error
// the caller rolls back, so a failed call leaves nothing behind.
//
// Thread safety: as the LedgerStore it uses (one thread at a time for SQLite). The store must
// outlive the Ledger.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/chart.h"
#include "core/event.h"
#include "core/ledger_entry.h"
#include "core/ledger_store.h"
#include "core/posting.h"
#include "core/rules.h"
#include "core/status.h"

namespace lh::core {

// What one postEvent call did.
struct PostOutcome {
  std::vector<int64_t> posted;  // ids of the new normal entries, in draft order
  std::vector<int64_t>
      reversals;               // ids of the new reversal entries, in the reversed entries' order
  int32_t unchanged = 0;       // rules whose older-version entry equals the new draft (kept as is)
  int32_t already_posted = 0;  // rules that already have an entry for this event version
  bool stale = false;          // a newer version is already posted (or the event is not current)
  std::vector<SkippedRule> skipped;  // post() only: rules that applied but made no entry, and why

  // True when the call wrote no entry.
  bool nothingWritten() const { return posted.empty() && reversals.empty(); }
};

class Ledger {
 public:
  explicit Ledger(LedgerStore& store) : store_(store) {}

  // Posts `drafts` for `event` (a version of one of `tenant`'s events) at `nowMs` (Unix epoch
  // milliseconds, from the caller's clock; it becomes posted_at). Errors, before anything is
  // written: `event.tenant` is not `tenant.id`, two drafts for one rule, a draft without a rule id
  // or with an effective date that is not YYYY-MM-DD (InvalidArgument); a line on an account
  // outside the tenant's chart, an unbalanced draft (InvalidArgument naming the rule and the
  // imbalance). Store errors pass through.
  lh::Result<PostOutcome> postEvent(const Tenant& tenant, const StoredEvent& event,
                                    std::span<const PostingDraft> drafts, int64_t nowMs);

  // applyPostingRules(rules, event), then postEvent with its drafts; the rules that applied but
  // made no entry are listed in PostOutcome::skipped. This is the call the unit of work makes for
  // each new or changed event version. Errors: those of applyPostingRules (an event whose amounts
  // cannot balance under a rule) and of postEvent.
  lh::Result<PostOutcome> post(const Tenant& tenant, std::span<const PostingRule> rules,
                               const StoredEvent& event, int64_t nowMs);

 private:
  lh::Status recordEventRate(const Tenant& tenant, const StoredEvent& event);

  LedgerStore& store_;
};

}  // namespace lh::core
