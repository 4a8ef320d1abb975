#include "core/ledger.h"

#include <map>
#include <optional>
#include <set>
#include <utility>

#include "core/fx.h"

namespace lh::core {
namespace {

// A draft after validation, with its zero lines dropped.
struct CheckedDraft {
  const PostingDraft* draft;
  std::vector<LedgerLine> lines;
};

bool sameContent(const LedgerEntry& entry, const CheckedDraft& draft) {
  return entry.effective_date == draft.draft->date && entry.memo == draft.draft->memo &&
         entry.lines == draft.lines;
}

LedgerLine ledgerLine(const DraftLine& line) {
  const bool debit = line.side == PostingLine::Side::Debit;
  return LedgerLine{line.account, line.amount.currency, debit ? line.amount.minor : 0,
                    debit ? 0 : line.amount.minor};
}

LedgerEntry entryFor(const Tenant& tenant, const StoredEvent& event, const std::string& postedAt) {
  LedgerEntry entry;
  entry.tenant = tenant.id;
  entry.event_connection = event.connection;
  entry.event_type = event.event.type;
  entry.event_external_id = event.event.external_id;
  entry.event_id = event.id;
  entry.event_version = event.version;
  entry.event_checksum = event.event.checksum;
  entry.posted_at = postedAt;
  return entry;
}

lh::Result<std::vector<CheckedDraft>> checkDrafts(const Tenant& tenant, const StoredEvent& event,
                                                  std::span<const PostingDraft> drafts) {
  std::vector<CheckedDraft> checked;
  std::set<std::string> rules;
  for (const PostingDraft& draft : drafts) {
    const std::string where = "posting rule '" + draft.rule_id + "' on event " +
                              std::string(eventTypeName(event.event.type)) + " '" +
                              event.event.external_id + "' (version " +
                              std::to_string(event.version) + ")";
    if (draft.rule_id.empty()) {
      return lh::invalidArgument("an entry draft has no rule id");
    }
    if (!rules.insert(draft.rule_id).second) {
      return lh::invalidArgument(where +
                                 ": two drafts for one rule; the ledger keeps one entry "
                                 "per (rule, event version)");
    }
    if (!isIsoDate(draft.date)) {
      return lh::invalidArgument(where + ": effective date '" + draft.date +
                                 "' is not a YYYY-MM-DD date");
    }
    CheckedDraft c{&draft, {}};
    for (const DraftLine& line : draft.lines) {
      if (line.amount.minor != 0) {
        c.lines.push_back(ledgerLine(line));
      }
    }
    if (c.lines.empty()) {
      continue;  // the rule posts nothing for this event (e.g. a zero fee)
    }
    LH_RETURN_IF_ERROR(checkAccounts(tenant, c.lines).withContext(where));
    LH_RETURN_IF_ERROR(checkBalanced(c.lines).withContext(where));
    checked.push_back(std::move(c));
  }
  return checked;
}

}  // namespace

lh::Result<PostOutcome> Ledger::postEvent(const Tenant& tenant, const StoredEvent& event,
                                          std::span<const PostingDraft> drafts, int64_t nowMs) {
  if (event.tenant != tenant.id) {
    return lh::invalidArgument("event " + std::to_string(event.id) + " belongs to tenant '" +
                               event.tenant + "', not '" + tenant.id + "'");
  }
  LH_ASSIGN_OR_RETURN(std::vector<CheckedDraft> checked, checkDrafts(tenant, event, drafts));

  PostOutcome outcome;
  LH_ASSIGN_OR_RETURN(EventPostings existing, store_.postingsForEvent(tenant.id, event.key()));
  if (!event.current || existing.latest_version > event.version) {
    outcome.stale = true;
    return outcome;
  }

  // Plan: which live entries to reverse, which drafts to post.
  std::map<std::string, const LedgerEntry*> liveByRule;
  for (const LedgerEntry& entry : existing.live) {
    liveByRule.emplace(entry.rule_id, &entry);
  }
  std::set<int64_t> keep;  // live entries that stay live
  std::vector<const CheckedDraft*> toPost;
  for (const CheckedDraft& draft : checked) {
    auto it = liveByRule.find(draft.draft->rule_id);
    const LedgerEntry* live = it == liveByRule.end() ? nullptr : it->second;
    if (live != nullptr && live->event_id == event.id) {
      ++outcome.already_posted;
      keep.insert(live->id);
    } else if (live != nullptr && sameContent(*live, draft)) {
      ++outcome.unchanged;
      keep.insert(live->id);
    } else {
      toPost.push_back(&draft);
    }
  }

  const std::string postedAt = formatUtcMillis(nowMs);
  for (const LedgerEntry& live : existing.live) {
    // An entry of this very version whose rule made no draft this time (the rules changed since):
    // one entry per (rule, event version) stands; replays do not rewrite history.
    if (keep.count(live.id) != 0 || live.event_id == event.id) {
      continue;
    }
    LedgerEntry reversal = entryFor(tenant, event, postedAt);
    reversal.rule_id = live.rule_id;
    reversal.effective_date = live.effective_date;
    reversal.memo = "reversal of entry " + std::to_string(live.id) + ": event version " +
                    std::to_string(live.event_version) + " superseded by version " +
                    std::to_string(event.version);
    reversal.kind = EntryKind::Reversal;
    reversal.reverses = live.id;
    reversal.lines = mirrorLines(live.lines);
    LH_ASSIGN_OR_RETURN(LedgerEntry stored, store_.appendEntry(reversal));
    outcome.reversals.push_back(stored.id);
  }
  for (const CheckedDraft* draft : toPost) {
    LedgerEntry entry = entryFor(tenant, event, postedAt);
    entry.rule_id = draft->draft->rule_id;
    entry.effective_date = draft->draft->date;
    entry.memo = draft->draft->memo;
    entry.kind = EntryKind::Normal;
    entry.lines = draft->lines;
    LH_ASSIGN_OR_RETURN(LedgerEntry stored, store_.appendEntry(entry));
    outcome.posted.push_back(stored.id);
  }
  LH_RETURN_IF_ERROR(recordEventRate(tenant, event));
  return outcome;
}

lh::Result<PostOutcome> Ledger::post(const Tenant& tenant, std::span<const PostingRule> rules,
                                     const StoredEvent& event, int64_t nowMs) {
  LH_ASSIGN_OR_RETURN(PostingPlan plan, applyPostingRules(rules, event));
  LH_ASSIGN_OR_RETURN(PostOutcome outcome, postEvent(tenant, event, plan.entries, nowMs));
  outcome.skipped = std::move(plan.skipped);
  return outcome;
}

lh::Status Ledger::recordEventRate(const Tenant& tenant, const StoredEvent& event) {
  const nlohmann::json& body = event.event.body;
  if (!body.is_object()) {
    return lh::Status::ok();
  }
  const auto settlement = body.find("settlement");
  const auto amount = body.find("amount");
  if (settlement == body.end() || amount == body.end() || !settlement->is_object()) {
    return lh::Status::ok();
  }
  const auto rateText = settlement->find("exchange_rate");
  const auto settledAmount = settlement->find("amount");
  if (rateText == settlement->end() || !rateText->is_string() ||
      settledAmount == settlement->end()) {
    return lh::Status::ok();
  }
  lh::Result<Money> from = moneyFromJson(*amount);
  lh::Result<Money> to = moneyFromJson(*settledAmount);
  lh::Result<ExactRate> rate = ExactRate::parse(rateText->get<std::string>());
  if (!from.isOk() || !to.isOk() || !rate.isOk() || from->currency == to->currency) {
    return lh::Status::ok();  // nothing usable for reporting; the event itself was validated
  }
  const std::string date = event.event.occurred_at.substr(0, 10);
  if (!isIsoDate(date)) {
    return lh::Status::ok();
  }
  RecordedRate recorded;
  recorded.rate = ExchangeRate{date, std::string(from->currency.code()),
                               std::string(to->currency.code()), rateText->get<std::string>()};
  recorded.event_id = event.id;
  return store_.recordRate(tenant.id, recorded);
}

}  // namespace lh::core
