// Applying posting rules to one event: the pure step between a stored event and ledger entries.
//
// applyPostingRules() is what both the ledger (when it posts a stored event version) and
// `ledgerhost config test` (on fixture events, in memory) run, so a mapping tested before deploy
// posts exactly the same way in production. It reads nothing but its arguments.
//
// For each rule that applies to the event (same tenant; the rule lists the event's connection or
// lists none; same event type; every `where` condition holds):
//   - each line's amount is the event's money field named by the line ("amount", "fee", "net",
//     "tax", "settlement.amount", "settlement.fee", "settlement.net"; dotted path into the body);
//   - a negative amount swaps the line's side and posts the magnitude (adjustments and bank
//     transactions are signed: docs/events.md "Signs");
//   - lines whose amount is zero are dropped (a payment without a fee posts no fee line);
//   - the entry date is the date part (YYYY-MM-DD) of the rule's date field (default occurred_at);
//   - the memo is the rule's memo with each {path} replaced by the event's value at that path.
// A rule is SKIPPED, with a reason and no entry, when a money field it names is absent from the
// event, when every amount is zero, or when its date field is absent. An entry that does not
// balance per currency (the event's amounts break amount = net + fee, or a rule mixes currencies)
// is an ERROR: the event must not post half its entries.
//
// Pure functions; any thread.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/event.h"
#include "core/money.h"
#include "core/rules.h"
#include "core/status.h"

namespace lh::core {

// One line of a draft entry: always a positive amount on its final side.
struct DraftLine {
  std::string account;
  PostingLine::Side side = PostingLine::Side::Debit;
  Money amount;
};

// A balanced entry a rule produces for an event, before the ledger stores it.
struct PostingDraft {
  std::string rule_id;
  std::string date;  // YYYY-MM-DD
  std::string memo;
  std::vector<DraftLine> lines;  // rule order, zero lines dropped
};

// A rule that applied to the event but produced no entry, and why.
struct SkippedRule {
  std::string rule_id;
  std::string reason;  // e.g. "money field 'fee' is absent"
};

struct PostingPlan {
  std::vector<PostingDraft> entries;  // in rule order
  std::vector<SkippedRule> skipped;
};

// True when `rule` applies to `event`: tenant, connection, type and conditions (see above).
bool postingRuleApplies(const PostingRule& rule, const StoredEvent& event);

// The entries `rules` produce for `event` (only tenant, connection and event are read).
// Errors (InvalidArgument, naming the rule and the event): a money field that is not canonical
// money ({"minor", "currency"}), an entry that does not balance in some currency, an amount whose
// negation or sum overflows int64, a date field that is not a date.
lh::Result<PostingPlan> applyPostingRules(std::span<const PostingRule> rules,
                                          const StoredEvent& event);

}  // namespace lh::core
