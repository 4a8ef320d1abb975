#include "core/ledger_memory_store.h"

#include <algorithm>
#include <limits>
#include <map>
#include <utility>

#include "core/hash_chain.h"

namespace lh::core {
namespace {

bool inRange(const std::string& date, const std::optional<std::string>& from,
             const std::optional<std::string>& to) {
  return (!from || date >= *from) && (!to || date <= *to);
}

bool matches(const LedgerEntry& entry, const EntryQuery& query) {
  if (entry.tenant != query.tenant ||
      !inRange(entry.effective_date, query.from_date, query.to_date)) {
    return false;
  }
  if (query.rule_id && entry.rule_id != *query.rule_id) {
    return false;
  }
  if (query.event_id && entry.event_id != *query.event_id) {
    return false;
  }
  if (query.event_external_id && entry.event_external_id != *query.event_external_id) {
    return false;
  }
  if (query.account) {
    return std::any_of(entry.lines.begin(), entry.lines.end(),
                       [&](const LedgerLine& line) { return line.account == *query.account; });
  }
  return true;
}

lh::Result<int64_t> narrow(__int128 v, const std::string& what) {
  if (v > std::numeric_limits<int64_t>::max() || v < std::numeric_limits<int64_t>::min()) {
    return lh::invalidArgument(what + ": sum does not fit int64");
  }
  return static_cast<int64_t>(v);
}

}  // namespace

lh::Result<LedgerEntry> MemoryLedgerStore::appendEntry(const LedgerEntry& entry) {
  LH_RETURN_IF_ERROR(checkBalanced(entry.lines));
  if ((entry.kind == EntryKind::Reversal) != entry.reverses.has_value()) {
    return lh::invalidArgument(
        "a reversal entry must name the entry it reverses, and only a "
        "reversal may");
  }
  const LedgerEntry* previous = nullptr;
  for (const LedgerEntry& e : entries_) {
    if (e.tenant != entry.tenant) {
      continue;
    }
    previous = &e;
    if (entry.kind == EntryKind::Normal && e.kind == EntryKind::Normal &&
        e.rule_id == entry.rule_id && e.event_id == entry.event_id) {
      return lh::conflict("rule '" + entry.rule_id + "' already posted event version " +
                          std::to_string(entry.event_id) + " (entry " + std::to_string(e.id) + ")");
    }
    if (entry.reverses && e.reverses == entry.reverses) {
      return lh::conflict("entry " + std::to_string(*entry.reverses) + " is already reversed by " +
                          std::to_string(e.id));
    }
  }
  if (entry.reverses) {
    const int64_t target = *entry.reverses;
    if (target < 1 || target > static_cast<int64_t>(entries_.size()) ||
        entries_[static_cast<size_t>(target - 1)].tenant != entry.tenant) {
      return lh::conflict("entry to reverse " + std::to_string(target) +
                          " is not an entry of "
                          "tenant '" +
                          entry.tenant + "'");
    }
  }
  LedgerEntry stored = entry;
  stored.id = static_cast<int64_t>(entries_.size()) + 1;
  stored.seq = previous == nullptr ? 1 : previous->seq + 1;
  stored.prev_hash = previous == nullptr ? std::string(kGenesisHash) : previous->hash;
  stored.hash = computeEntryHash(stored);
  entries_.push_back(stored);
  return stored;
}

lh::Result<EventPostings> MemoryLedgerStore::postingsForEvent(const std::string& tenant,
                                                              const EventKey& key) {
  EventPostings postings;
  for (const LedgerEntry& e : entries_) {
    if (e.tenant != tenant || e.eventKey() != key) {
      continue;
    }
    postings.latest_version = std::max(postings.latest_version, e.event_version);
    if (e.kind != EntryKind::Normal) {
      continue;
    }
    const bool reversed = std::any_of(entries_.begin(), entries_.end(), [&](const LedgerEntry& r) {
      return r.reverses && *r.reverses == e.id;
    });
    if (!reversed) {
      postings.live.push_back(e);
    }
  }
  return postings;
}

lh::Status MemoryLedgerStore::recordRate(const std::string& tenant, const RecordedRate& rate) {
  for (const auto& [t, r] : rates_) {
    if (t == tenant && r.event_id == rate.event_id) {
      return lh::Status::ok();
    }
  }
  rates_.emplace_back(tenant, rate);
  return lh::Status::ok();
}

lh::Result<std::optional<RecordedRate>> MemoryLedgerStore::latestRecordedRate(
    const std::string& tenant, const std::string& from, const std::string& to,
    const std::string& onOrBefore) {
  std::optional<RecordedRate> best;
  for (const auto& [t, r] : rates_) {
    if (t == tenant && r.rate.from == from && r.rate.to == to && r.rate.date <= onOrBefore &&
        (!best || r.rate.date >= best->rate.date)) {
      best = r;
    }
  }
  return best;
}

lh::Status MemoryLedgerStore::forEachEntry(
    const EntryQuery& query, const std::function<lh::Status(const LedgerEntry&)>& visit) {
  for (const LedgerEntry& e : entries_) {
    if (matches(e, query)) {
      LH_RETURN_IF_ERROR(visit(e));
    }
  }
  return lh::Status::ok();
}

lh::Result<std::vector<AccountTotal>> MemoryLedgerStore::accountTotals(
    const std::string& tenant, const std::optional<std::string>& from,
    const std::optional<std::string>& to) {
  std::map<std::pair<std::string, Currency>, std::pair<__int128, __int128>> sums;
  for (const LedgerEntry& e : entries_) {
    if (e.tenant != tenant || !inRange(e.effective_date, from, to)) {
      continue;
    }
    for (const LedgerLine& line : e.lines) {
      auto& s = sums[{line.account, line.currency}];
      s.first += line.debit_minor;
      s.second += line.credit_minor;
    }
  }
  std::vector<AccountTotal> totals;
  for (const auto& [key, s] : sums) {
    const std::string what = "account '" + key.first + "' in " + std::string(key.second.code());
    LH_ASSIGN_OR_RETURN(int64_t debit, narrow(s.first, what));
    LH_ASSIGN_OR_RETURN(int64_t credit, narrow(s.second, what));
    totals.push_back(AccountTotal{key.first, key.second, debit, credit});
  }
  return totals;
}

lh::Result<std::vector<DailyTotal>> MemoryLedgerStore::dailyTotals(
    const std::string& tenant, const std::vector<std::string>& accounts,
    const std::optional<std::string>& from, const std::optional<std::string>& to) {
  std::map<std::pair<std::string, Currency>, std::pair<__int128, __int128>> sums;
  for (const LedgerEntry& e : entries_) {
    if (e.tenant != tenant || !inRange(e.effective_date, from, to)) {
      continue;
    }
    for (const LedgerLine& line : e.lines) {
      if (std::find(accounts.begin(), accounts.end(), line.account) == accounts.end()) {
        continue;
      }
      auto& s = sums[{e.effective_date, line.currency}];
      s.first += line.debit_minor;
      s.second += line.credit_minor;
    }
  }
  std::vector<DailyTotal> totals;
  for (const auto& [key, s] : sums) {
    const std::string what = key.first + " in " + std::string(key.second.code());
    LH_ASSIGN_OR_RETURN(int64_t debit, narrow(s.first, what));
    LH_ASSIGN_OR_RETURN(int64_t credit, narrow(s.second, what));
    totals.push_back(DailyTotal{key.first, key.second, debit, credit});
  }
  return totals;
}

}  // namespace lh::core
