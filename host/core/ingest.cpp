#include "core/ingest.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

namespace lh::core {
namespace {

int64_t systemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The external id of a refused event, when its text is JSON that has one (rejects are rare: the
// second parse costs nothing that matters).
std::optional<std::string> readableExternalId(const std::string& text) {
  const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) {
    return std::nullopt;
  }
  auto id = parsed.find("external_id");
  if (id == parsed.end() || !id->is_string()) {
    return std::nullopt;
  }
  return id->get<std::string>();
}

// "/amount/minor" of "/amount/minor: must be an integer".
std::string fieldOf(const lh::Status& status) {
  const std::string& message = status.message();
  const size_t colon = message.find(": ");
  return colon == std::string::npos ? std::string("(root)") : message.substr(0, colon);
}

}  // namespace

std::string_view faultPointName(FaultPoint point) {
  switch (point) {
    case FaultPoint::BeforeEvent:
      return "before_event";
    case FaultPoint::AfterUpsert:
      return "after_upsert";
    case FaultPoint::AfterOnChanged:
      return "after_on_changed";
    case FaultPoint::BeforeCursor:
      return "before_cursor";
    case FaultPoint::BeforeCommit:
      return "before_commit";
    case FaultPoint::AfterCommit:
      return "after_commit";
  }
  return "unknown";
}

Ingestor::Ingestor(const EventValidator& validator, EventStore& store, UnitOfWork& unit,
                   Clock clock)
    : validator_(validator), store_(store), unit_(unit), clock_(std::move(clock)) {
  if (!clock_) {
    clock_ = systemNowMs;
  }
}

lh::Result<IngestStats> Ingestor::ingest(IngestPage page) {
  if (!page.validated.empty() && page.validated.size() != page.events.size()) {
    return lh::invalidArgument("connection '" + page.connection + "': the page has " +
                               std::to_string(page.events.size()) + " events but " +
                               std::to_string(page.validated.size()) + " validated ones");
  }
  if (page.cursor) {
    if (page.stream.empty()) {
      return lh::invalidArgument("connection '" + page.connection +
                                 "': a page with a cursor must name its stream");
    }
    if (!nlohmann::json::accept(*page.cursor)) {
      return lh::invalidArgument("connection '" + page.connection + "' stream '" + page.stream +
                                 "': the checkpointed cursor is not valid JSON");
    }
  }
  IngestStats stats;
  LH_RETURN_IF_ERROR(unit_.run([&]() -> lh::Status {
    stats = IngestStats{};  // a retried unit starts from nothing
    return ingestInUnit(page, stats);
  }));
  LH_RETURN_IF_ERROR(fault(FaultPoint::AfterCommit, page.events.size()));
  return stats;
}

lh::Status Ingestor::ingestInUnit(IngestPage& page, IngestStats& stats) {
  const int64_t now = clock_();
  for (size_t i = 0; i < page.events.size(); ++i) {
    LH_RETURN_IF_ERROR(fault(FaultPoint::BeforeEvent, i));
    const std::string& text = page.events[i];
    const std::string sha = payloadSha256(text);
    Event event;
    if (!page.validated.empty()) {
      // Already parsed and validated: upsert's key lookup alone decides. Moved, not copied: a unit
      // of work that fails fails the whole call, and the page is not used again.
      event = std::move(page.validated[i]);
    } else {
      // Re-read pages are mostly the same bytes again: one index lookup, no parsing.
      LH_ASSIGN_OR_RETURN(std::optional<EventVersionRef> same,
                          store_.findCurrentByPayload(page.tenant, page.connection, sha));
      if (same) {
        ++stats.unchanged;
        continue;
      }
      lh::Result<Event> validated = validator_.validate(text);
      if (!validated.isOk()) {
        ++stats.rejected;
        stats.rejects.push_back(IngestReject{i, readableExternalId(text),
                                             fieldOf(validated.status()), validated.status()});
        continue;
      }
      event = std::move(validated).value();
    }
    LH_ASSIGN_OR_RETURN(UpsertResult result,
                        store_.upsert(page.tenant, page.connection, event, text, sha, now));
    LH_RETURN_IF_ERROR(fault(FaultPoint::AfterUpsert, i));
    if (result.outcome == UpsertOutcome::Unchanged) {
      ++stats.unchanged;
      continue;
    }
    if (result.outcome == UpsertOutcome::Inserted) {
      ++stats.inserted;
    } else {
      ++stats.new_versions;
    }

    StoredEvent stored;
    stored.id = result.id;
    stored.tenant = page.tenant;
    stored.connection = page.connection;
    stored.version = result.version;
    stored.current = true;
    stored.ingested_at_ms = now;
    stored.event = std::move(event);

    if (onChanged_) {
      std::optional<StoredEvent> superseded;
      if (result.superseded_id) {
        LH_ASSIGN_OR_RETURN(superseded, store_.byId(page.tenant, *result.superseded_id));
        if (!superseded) {
          return lh::internalError("event version " + std::to_string(*result.superseded_id) +
                                   " was superseded but cannot be read back");
        }
      }
      LH_RETURN_IF_ERROR(onChanged_(stored, superseded));
    }
    LH_RETURN_IF_ERROR(fault(FaultPoint::AfterOnChanged, i));
    stats.changed.push_back(std::move(stored));
  }

  LH_RETURN_IF_ERROR(fault(FaultPoint::BeforeCursor, page.events.size()));
  if (page.cursor) {
    LH_RETURN_IF_ERROR(store_.setCursor(page.connection, page.stream, *page.cursor));
    stats.cursor_set = true;
  }
  stats.has_more = page.has_more;
  return fault(FaultPoint::BeforeCommit, page.events.size());
}

}  // namespace lh::core
