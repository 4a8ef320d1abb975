// The glue between ingestion and the ledger: an Ingestor::ChangedHook that posts every inserted or
// new event version with the tenant's posting rules (DESIGN.md "Data flow" steps 2 -> 3).
//
// The Ingestor calls the hook inside its unit of work, so an event version and its ledger entries
// (and reversals) commit together or not at all; a posting error rolls the whole page back and is
// returned by Ingestor::ingest.
//
//   Ledger ledger(ledgerStore);  // ledgerStore on the same connection as the event store
//   ingestor.setOnChanged(makePostingHook(ledger, config.tenants, config.postingRules(), clock));
//
// Thread safety: the hook is called by one Ingestor at a time; it uses the Ledger (and through it
// the LedgerStore) it was given, which must outlive it.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/chart.h"
#include "core/ingest.h"
#include "core/ledger.h"
#include "core/rules.h"

namespace lh::core {

// The hook. `tenants` and `rules` are copied into it; `clock` (Unix milliseconds) gives posted_at.
// For an event whose tenant is not in `tenants` the hook fails with InvalidConfig (the event store
// holds a tenant the configuration no longer declares). Rules of other tenants never apply
// (applyPostingRules matches the tenant), so one hook serves every tenant.
Ingestor::ChangedHook makePostingHook(Ledger& ledger, std::vector<Tenant> tenants,
                                      std::vector<PostingRule> rules,
                                      std::function<int64_t()> clock);

}  // namespace lh::core
