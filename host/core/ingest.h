// Ingestor: stores one page of a connector's output atomically (DESIGN.md "Data flow" 1-2).
//
// A page is what one successful plugin call produced: the event JSON texts it emitted, in order,
// and the cursor it checkpointed. ingest() runs them through one UnitOfWork:
//
//   for each event text, in order:
//     1. its exact bytes are already the current version of its key (peekEventKey reads the key
//        without parsing the event; EventStore::findCurrentWithPayload compares the bytes'
//        sha256) -> unchanged; nothing is parsed or written;
//     2. otherwise it is validated (EventValidator), unless the page brings it validated; an
//        invalid event becomes a reject (field path, external id when readable) and the page goes
//        on;
//     3. otherwise it is upserted: inserted, new version, or unchanged (same checksum, or an older
//        state than the current version: event_store.h "Stale states");
//     4. an inserted or new version is handed to the onChanged hook (posting, delivery: the next
//        stage), in the same unit of work;
//   then the page's cursor is set, and the unit commits.
//
// So the events, whatever the hook wrote for them and the cursor commit together or not at all:
// an error from the store, the hook, the fault injector or the commit rolls the whole page back
// and is returned; the connector resumes from the previous cursor and reads the page again, which
// the idempotency key turns into exactly the same end state. Rejects are not errors.
//
// Thread safety: one ingest() at a time (it uses the store and unit of work it was given, which
// are one connection). The validator may be shared with other threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "core/event_store.h"
#include "core/event_validator.h"
#include "core/status.h"
#include "core/unit_of_work.h"

namespace lh::core {

// One page as a connector produced it.
struct IngestPage {
  std::string tenant;
  std::string connection;  // the YAML connection name
  std::string stream;      // the stream read; empty for a webhook delivery (then no cursor)
  std::vector<std::string> events;    // emitted canonical event JSON texts, in emit order
  std::optional<std::string> cursor;  // the checkpointed cursor JSON; nullopt leaves it as it is
  bool has_more = false;              // the connector said more pages follow
  // Optional: the events already validated, one per text, in the same order (events[i] is what
  // an EventValidator made of events[i]; e.g. an EventSink validates each event as the plugin
  // emits it, so the plugin sees the refusal). Then ingest() neither parses nor validates again:
  // each goes straight to upsert. Empty: ingest() validates.
  std::vector<Event> validated;
};

// An event of the page that was refused. It is not stored; the rest of the page is.
struct IngestReject {
  size_t index = 0;                        // its position in IngestPage::events
  std::optional<std::string> external_id;  // when the text is JSON with a string external_id
  std::string field;                       // JSON pointer of the first bad field, "(root)" for all
  lh::Status status;                       // InvalidArgument, "<field>: <reason>"
};

// What one page did.
struct IngestStats {
  int64_t inserted = 0;
  int64_t new_versions = 0;
  int64_t unchanged = 0;  // by identical bytes or by identical checksum, or stale
  int64_t stale = 0;      // of `unchanged`: older states than the current version (event_store.h)
  int64_t rejected = 0;
  std::vector<IngestReject> rejects;
  // Every inserted or new version, in page order, as stored: for the stages after storage.
  std::vector<StoredEvent> changed;
  bool cursor_set = false;  // the page carried a cursor and it was committed
  bool has_more = false;    // IngestPage::has_more, passed on
};

// Where ingest() calls the fault injector. The crash property test fails a page at each of them.
enum class FaultPoint {
  BeforeEvent,     // inside the unit of work, before event `index` is looked at
  AfterUpsert,     // event `index` went through upsert (any outcome); no hook has run for it
  AfterOnChanged,  // event `index` is a new or changed version and its hook (if any) returned OK
  BeforeCursor,    // every event handled (index = number of events); the cursor is not set
  BeforeCommit,    // the cursor is set; the unit of work has not committed
  AfterCommit,     // committed: an error here stands for a crash before the caller hears of it
};

// "before_event", "after_upsert", "after_on_changed", "before_cursor", "before_commit",
// "after_commit".
std::string_view faultPointName(FaultPoint point);

// The type and external id of an emitted event text, read with a byte scan of its top level
// instead of a full parse (~20x cheaper). Only for the plain case: a JSON object whose top-level
// "type" and "external_id" are strings without escapes, each present once, and whose top-level
// keys have no escapes; nullopt otherwise (the caller then parses). The result is a hint, never
// validation: Ingestor trusts it only together with an identical payload sha256.
struct PeekedKey {
  EventType type = EventType::Payment;
  std::string_view external_id;  // points into the scanned text
};
std::optional<PeekedKey> peekEventKey(std::string_view text);

class Ingestor {
 public:
  // Called for each inserted or new version inside the unit of work, with the version it
  // superseded (read back from the store) for a new version. A non-OK status rolls back the
  // whole page and is returned by ingest().
  using ChangedHook = std::function<lh::Status(const StoredEvent& now,
                                               const std::optional<StoredEvent>& superseded)>;
  // Called at each FaultPoint; a non-OK status fails the page there. Tests only: no-op default.
  using FaultInjector = std::function<lh::Status(FaultPoint point, size_t index)>;
  // Milliseconds since the Unix epoch: the ingested_at of new versions.
  using Clock = std::function<int64_t()>;

  // None of the references is owned; all must outlive the Ingestor. `store` and `unit` must work
  // on the same connection. `clock` defaults to the system clock.
  Ingestor(const EventValidator& validator, EventStore& store, UnitOfWork& unit,
           Clock clock = nullptr);

  // The next stage (posting, delivery). Empty (the default) calls nothing.
  void setOnChanged(ChangedHook hook) { onChanged_ = std::move(hook); }

  // See FaultPoint. Empty (the default) injects nothing.
  void setFaultInjector(FaultInjector injector) { fault_ = std::move(injector); }

  // Stores `page` (see the file comment), taken by value so its validated events move into the
  // store and the stats without a copy. Errors, with nothing of the page kept (except after
  // FaultPoint::AfterCommit, where everything is): InvalidArgument for a cursor that is not JSON,
  // a cursor without a stream, or `validated` not matching `events` one to one; whatever the
  // store, the hook or the unit of work returned.
  lh::Result<IngestStats> ingest(IngestPage page);

 private:
  lh::Status fault(FaultPoint point, size_t index) const {
    return fault_ ? fault_(point, index) : lh::Status::ok();
  }
  lh::Status ingestInUnit(IngestPage& page, IngestStats& stats);

  const EventValidator& validator_;
  EventStore& store_;
  UnitOfWork& unit_;
  Clock clock_;
  ChangedHook onChanged_;
  FaultInjector fault_;
};

}  // namespace lh::core
