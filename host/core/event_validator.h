// EventValidator: the host's check of every canonical event a connector emits (issue 4 item 2).
//
// One event's JSON text goes in; a core::Event (type, external id, occurred_at, the parsed body and
// its checksum) or an InvalidArgument naming the first bad field comes out:
//
//   core::EventValidator validator;                      // compiles the schema once
//   lh::Result<core::Event> event = validator.validate(text);
//   // error: "/amount/minor: must be an integer"
//
// Two layers, in this order:
//   1. The canonical event JSON Schema (sdk/schema/canonical-event.schema.json, embedded into the
//      binary at build time; canonicalEventSchemaText()), checked with valijson.
//   2. What a JSON Schema cannot say:
//      - every money field (amount, fee, net, tax, settlement.{amount,fee,net}, fees[].amount,
//        lines[].amount) has a `minor` within int64 and a `currency` that is an ISO 4217 code
//        usable for money (core/currency.h: "XAU" or "ZZZ" are refused);
//      - for payment, refund, fee, payout, dispute, invoice and credit_note, amount, fee, net, tax
//        and settlement.{amount,fee,net} are magnitudes (>= 0; docs/events.md "Signs"); adjustment
//        and bank_transaction are signed;
//      - when both `fees[]` and `fee` are present, every fees[].amount is in fee's currency and
//        they sum exactly to fee;
//      - occurred_at, every dates.* and lines[].period_* value is a real calendar date/time
//        (no 2026-02-30, no 25:00, offsets within +-23:59).
//
// Error messages are "<JSON pointer of the field>: <what is wrong>", the root being "(root)". They
// name fields, types, codes and amounts, never the text of a string value (descriptions, names and
// e-mails are personal data and error messages reach logs).
//
// The checksum (Event::checksum) is the lower-case hex sha256 of canonicalEventJson(body without
// its optional `revision` member, which orders states and is not a state itself): the body
// as nlohmann::json dumps it compactly — object keys sorted bytewise (nlohmann::json keeps objects
// in a std::map), no whitespace, strings in UTF-8 as is (only '"', '\\' and control characters
// escaped), integers in decimal, other numbers in nlohmann's shortest round-trip form. So the
// checksum depends on what the event says, not on how the connector ordered or spaced its keys.
//
// Thread safety: an EventValidator is immutable after construction; validate() may be called from
// any number of threads at once (each thread keeps its own valijson regex cache). The free
// functions are pure.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "core/event.h"
#include "core/status.h"

namespace lh::core {

// The canonical event JSON Schema this binary enforces, exactly as in
// sdk/schema/canonical-event.schema.json when it was built.
std::string_view canonicalEventSchemaText();

// The canonical serialisation of an event body (see the file comment). InvalidArgument if the
// body holds a string that is not valid UTF-8 (never the case for a body parsed from text).
lh::Result<std::string> canonicalEventJson(const nlohmann::json& body);

// Lower-case hex sha256 of canonicalEventJson(body): the value of Event::checksum.
lh::Result<std::string> eventChecksum(const nlohmann::json& body);

// Lower-case hex sha256 of `bytes` as they are. The event store keys raw payloads (an event's JSON
// text exactly as emitted) by this value.
std::string payloadSha256(std::string_view bytes);

// Milliseconds since the Unix epoch (UTC) of an RFC 3339 date-time with an explicit offset
// ("2026-01-01T00:00:00Z", "2026-01-01T01:00:00.5+01:00"); fractions beyond milliseconds are
// truncated; second 60 (a leap second) is accepted and counts as the next minute's 0.
// InvalidArgument for anything else, including impossible dates ("2026-02-30T00:00:00Z").
lh::Result<int64_t> parseDateTimeMs(std::string_view text);

class EventValidator {
 public:
  // Compiles the embedded schema. It is part of the binary, so a schema that does not compile is a
  // broken build: the constructor crashes (LH_CHECK) rather than returning an error.
  EventValidator();
  ~EventValidator();
  EventValidator(const EventValidator&) = delete;
  EventValidator& operator=(const EventValidator&) = delete;

  // Parses and validates one emitted event. Errors: InvalidArgument, "<path>: <reason>" for the
  // first bad field; "(root): not valid JSON (at byte N)" for text that does not parse.
  lh::Result<Event> validate(std::string_view eventJson) const;

  // The same for an already parsed body, which is moved into the returned Event.
  lh::Result<Event> validateJson(nlohmann::json body) const;

 private:
  struct Impl;
  std::unique_ptr<const Impl> impl_;
};

}  // namespace lh::core
