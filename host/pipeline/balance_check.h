// The static balance check of a posting rule: can its lines ever produce a balanced entry?
//
// Each money field of a canonical event is a vector over independent basis fields, with the
// identities of docs/events.md: amount = net + fee, settlement.amount = settlement.net +
// settlement.fee; every other money field (fee, net, tax, settlement.fee, settlement.net) is its
// own basis field. A rule balances iff the sum of its debit lines equals the sum of its credit
// lines as vectors — then every event whose data satisfies the identities posts a balanced entry,
// whatever the amounts. Example: Dr net + Dr fee / Cr amount balances; Dr amount / Cr net leaves
// `fee` over on the debit side.
//
// Pure functions; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/rules.h"

namespace lh::pipeline {

// The money fields a posting line may take its amount from, in documentation order:
// amount, fee, net, tax, settlement.amount, settlement.fee, settlement.net.
const std::vector<std::string>& moneyFields();

bool isMoneyField(std::string_view field);

// nullopt when `lines` balance; otherwise why not, e.g.
// "debits (amount = net + fee) and credits (net) differ by fee on the debit side".
// Fields that are not money fields count as their own basis field.
std::optional<std::string> balanceProblem(const std::vector<core::PostingLine>& lines);

}  // namespace lh::pipeline
