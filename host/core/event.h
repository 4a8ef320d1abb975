// Canonical events: the vendor-neutral facts connectors emit (docs/events.md,
// sdk/schema/canonical-event.schema.json), and the envelope the host adds when it stores them.
//
// Values only; not thread-safe to mutate concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace lh::core {

// The ten canonical event types.
enum class EventType : int32_t {
  Payment = 1,
  Refund = 2,
  Fee = 3,
  Payout = 4,
  Adjustment = 5,
  Dispute = 6,
  Invoice = 7,
  CreditNote = 8,
  Customer = 9,
  BankTransaction = 10,
};

// "payment", "credit_note", "bank_transaction", ...
std::string_view eventTypeName(EventType type);

// The inverse of eventTypeName; InvalidArgument for anything else.
lh::Result<EventType> parseEventType(std::string_view name);

// The idempotency key of an event: (connection, type, external_id).
struct EventKey {
  std::string connection;
  EventType type = EventType::Payment;
  std::string external_id;

  friend bool operator==(const EventKey&, const EventKey&) = default;
};

// A canonical event as emitted by a connector, validated, with its checksum.
struct Event {
  EventType type = EventType::Payment;
  std::string external_id;
  std::string occurred_at;  // RFC 3339, as emitted
  nlohmann::json body;      // the whole canonical event, including `raw`
  std::string checksum;     // lower-case hex sha256 of the canonical serialisation of `body`
                            // without `revision`
  // The optional `revision`: the source's ordering of this object's states (docs/events.md).
  // Outside the checksum, so the same state read again later is not a new version.
  std::optional<int64_t> revision;
};

// A stored version of an event: the envelope the host owns plus the event.
struct StoredEvent {
  int64_t id = 0;       // row id of this version; unique across versions
  std::string tenant;
  std::string connection;
  int32_t version = 1;  // 1, 2, ... per EventKey
  bool current = true;  // false once a newer version superseded it
  int64_t ingested_at_ms = 0;
  Event event;

  EventKey key() const { return EventKey{connection, event.type, event.external_id}; }
};

}  // namespace lh::core
