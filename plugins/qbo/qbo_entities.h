// Delivery commands → QuickBooks Online objects.
//
// A command (sdk.h `execute`, docs/delivery.md) carries the canonical event, the delivery rule's
// options, its source and the `targets` already created for the event's links. buildEntity() turns
// it into the QBO entity name and request body, or throws ledgerhost::Error for that command alone:
//   - LH_E_TRANSIENT "waiting for <link> <id>" when a dependency (the Invoice a Payment applies to,
//     the Customer of an Invoice) has not been created in QBO yet;
//   - LH_E_PERMANENT for what no retry can fix (a missing option, amounts that do not add up).
// Amounts are written as exact decimal tokens of the event's minor units (never double).
// Every body carries the marker "ledgerhost:<idempotency key>" (PrivateNote; Notes for a Customer)
// so the object can be found again after a lost answer.
//
// Thread safety: [instance-serial] (the resolver calls QBO).
#pragma once

#include <string>

#include "qbo_json.h"

namespace lh::qbo {

// One command of `commands_json`.
struct Command {
  std::string id;
  std::string type;
  std::string key;  // idempotency_key
  Json payload;
};

// Looks up the QBO ids that options and links name. Implementations call QBO and cache.
class RefResolver {
 public:
  virtual ~RefResolver() = default;
  // The Id of the Account / Item / Customer named `nameOrId` (digits: taken as an Id). Throws
  // LH_E_PERMANENT naming `option` when QBO has none.
  virtual std::string refId(const std::string& entity, const std::string& nameOrId,
                            const std::string& option) = 0;
  // The CustomerRef value of QBO invoice `invoiceId`.
  virtual std::string invoiceCustomer(const std::string& invoiceId) = 0;
};

struct EntityRequest {
  std::string entity;  // "Invoice", ...
  Json body;
};

// The marker written into the object: "ledgerhost:<key>".
std::string markerOf(const std::string& key);

// The QBO entity a command type creates ("create_invoice" → "Invoice"); "" when unknown.
std::string entityOfCommand(const std::string& type);

// Builds the create request of `command`. Throws ledgerhost::Error as described above.
EntityRequest buildEntity(const Command& command, RefResolver& resolver);

}  // namespace lh::qbo
