// QBO objects read back (CDC, webhooks) → canonical events.
//
// The canonical set has no "accounting object" type, so what the connector reads back from QBO is
// emitted under the canonical type of the same business fact, for reconciliation (ledger ↔ books):
//   Invoice → invoice, Payment → payment, CreditMemo → credit_note, RefundReceipt → refund,
//   Customer → customer.
// Deposit, JournalEntry and the other entities have no canonical counterpart and are not emitted
// (docs/events.md has no type for them; inventing one would post them as if they were processor
// facts). Every event carries attributes {qbo_entity, sync_token, doc_number, ledgerhost_key} —
// ledgerhost_key is the idempotency key of the command that wrote the object, read from its marker
// — `revision` = MetaData.LastUpdatedTime in ms (so an older re-read never overwrites a newer
// one), and status "deleted" for a CDC deletion. Events of a qbo connection are posted only by
// rules that name that connection.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>

#include "qbo_config.h"
#include "qbo_json.h"

namespace lh::qbo {

// The canonical event for `obj` of `entity` (parsed with parseExact), or nullopt when the entity
// has none. Write it with dumpExact so `raw` keeps QBO's number tokens.
std::optional<Json> eventOf(const std::string& entity, const Json& obj, const QboConfig& config);

}  // namespace lh::qbo
