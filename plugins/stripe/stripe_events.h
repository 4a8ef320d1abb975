// Stripe objects → canonical events (docs/events.md, sdk/schema/canonical-event.schema.json).
//
// Balance transactions are the source of truth for money (they are immutable and carry what
// reached the Stripe balance, net of fees). balanceTransactionEvent maps one, by `type` (and for
// adjustments `reporting_category`):
//   charge, payment (amount >= 0)             → payment: amount/fee/net, fees[] from fee_details by
//                                                type, links charge/customer/invoice
//   refund, payment_refund (amount <= 0)      → refund: magnitudes, links refund/charge/original
//   adjustment with category dispute (<= 0)   → dispute: amount withdrawn, dispute fee, net (what
//                                                left the balance = amount + fee), links
//   stripe_fee, stripe_fx_fee, tax_fee (<= 0) → fee: amount and fees[{type}]
//   payout, payout_cancel, payout_failure     → nothing (the payout event stands for them)
//   anything else                             → adjustment: signed amount/fee/net as Stripe gives
// Every one links its balance_transaction and, when known (per-payout reads), its payout; carries
// dates.available_on, status and attributes {balance_transaction_type, reporting_category}; raw is
// the balance transaction exactly as received (with `source` expanded when it was requested).
//
// Multi-currency: when `source` is expanded and the charge/refund's currency differs from the
// balance transaction's (a EUR charge settled in USD), `amount` is the presentment amount (EUR) and
// `settlement` holds the balance transaction's amount/fee/net (USD) with `exchange_rate` as Stripe
// gave it (settlement units per presentment unit), digit for digit: `bt` must come from parseExact
// (exact_json.h), and the event must be written with dumpExact. Top-level fee/net are omitted
// because they are not known exactly in the presentment currency; fees[] stay in the settlement
// currency.
//
// Metadata events (charges, refunds, disputes streams and webhooks) carry the object's own id
// (ch_, re_, dp_), its status, links and dates, and NO money fields: the money of these objects
// posts once, from their balance transactions.
//
// Every function throws ledgerhost::Error(LH_E_PERMANENT) for an object it cannot map exactly (a
// missing required field, an amount not representable in ISO minor units), naming the object id.
//
// Thread safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace lh::stripe {

// The canonical event of balance transaction `bt`, or null json when the type maps to nothing.
// `payoutId` is the payout it was read through ("" when unknown).
nlohmann::json balanceTransactionEvent(const nlohmann::json& bt, const std::string& payoutId);

nlohmann::json payoutEvent(const nlohmann::json& payout);
nlohmann::json invoiceEvent(const nlohmann::json& invoice);
nlohmann::json creditNoteEvent(const nlohmann::json& creditNote);
nlohmann::json customerEvent(const nlohmann::json& customer);

// Metadata events (no money fields).
nlohmann::json chargeEvent(const nlohmann::json& charge);
nlohmann::json refundEvent(const nlohmann::json& refund);
nlohmann::json disputeEvent(const nlohmann::json& dispute);

// The id of an expandable field: the string itself, or the expanded object's "id"; "" otherwise.
std::string expandableId(const nlohmann::json& field);

}  // namespace lh::stripe
