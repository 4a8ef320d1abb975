// PayoutComposition: what a payout settled, summed, so a deposit is delivered only when its lines
// add up to the money that reached the bank (issue 7: "posted only once the payout's composition
// sums exactly to the payout amount; otherwise it is held and reported, never plugged").
//
// The events a payout settled are the current events of the same tenant and source connection
// whose links.payout is the payout's external id (EventStore::currentLinkedTo). Each one
// contributes what it moved on the processor balance, in the payout's currency:
//   value = settlement.net if present (a charge presented in another currency), else net, else
//           amount;
//   payment            +value                (money in)
//   adjustment         value as signed       (adjustments are signed: docs/events.md "Signs")
//   refund, fee,
//   dispute            -value                (magnitudes of money out)
//   any other type     nothing: listed in the composition, not summed (it moved no balance).
// net_total is the sum; the composition matches when net_total == payout.amount exactly (same
// currency). A contributing event in another currency, an event without a readable value or a
// sum outside int64 is a mismatch too, with its reason: never rounded, converted or plugged.
//
// Pure; any thread.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>

#include "core/event.h"
#include "core/money.h"
#include "core/status.h"

namespace lh::core {

struct PayoutComposition {
  // One object per linked event, in the given order:
  //   {"type", "external_id", "amount", "fee", "net", "links"}; money as {"minor","currency"},
  //   fee/net null when the event has none. The executor adds "targets" to each.
  nlohmann::json events = nlohmann::json::array();
  // The sum of the contributions in the payout's currency; nullopt when it could not be formed
  // (the mismatch says why).
  std::optional<Money> net_total;
  std::optional<Money> payout_amount;  // the payout's amount (set on every successful result)
  // Empty when the composition matches the payout; otherwise why not, e.g.
  //   "composition sums to USD 95.00, payout is USD 96.80".
  std::string mismatch;

  bool matches() const { return mismatch.empty(); }
};

// What `event` contributes to its payout (see the file comment): nullopt for a type that moves no
// balance; InvalidArgument when its money fields cannot be read.
lh::Result<std::optional<Money>> payoutContribution(const StoredEvent& event);

// The composition of `payout` (a payout event) from `linked` (its settled events; an entry with the
// payout's own key is skipped). InvalidArgument when `payout` is not a payout or has no readable
// amount; a composition that does not add up is a result with `mismatch` set, not an error.
lh::Result<PayoutComposition> composePayout(const StoredEvent& payout,
                                            std::span<const StoredEvent> linked);

}  // namespace lh::core
