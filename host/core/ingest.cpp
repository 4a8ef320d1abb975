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

bool isJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// A cursor over the text for peekEventKey. Every step checks bounds; any surprise is `false`.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  void skipSpace() {
    while (pos_ < text_.size() && isJsonSpace(text_[pos_])) {
      ++pos_;
    }
  }
  bool consume(char c) {
    skipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool peekIs(char c) {
    skipSpace();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  // A string without escapes (the opening quote next); its contents into `out`.
  bool plainString(std::string_view& out) {
    if (!consume('"')) {
      return false;
    }
    const size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (text_[pos_] == '\\') {
        return false;
      }
      ++pos_;
    }
    if (pos_ >= text_.size()) {
      return false;
    }
    out = text_.substr(start, pos_ - start);
    ++pos_;
    return true;
  }
  // Any JSON value, not checked beyond its extent: strings (escapes included), nested objects and
  // arrays (brackets counted outside strings), numbers and literals.
  bool skipValue() {
    skipSpace();
    if (pos_ >= text_.size()) {
      return false;
    }
    int depth = 0;
    do {
      if (pos_ >= text_.size()) {
        return false;
      }
      const char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        while (pos_ < text_.size() && text_[pos_] != '"') {
          pos_ += text_[pos_] == '\\' ? 2 : 1;
        }
        if (pos_ >= text_.size()) {
          return false;
        }
        ++pos_;
      } else if (c == '{' || c == '[') {
        ++depth;
        ++pos_;
      } else if (c == '}' || c == ']') {
        if (depth == 0) {
          return false;
        }
        --depth;
        ++pos_;
      } else if (depth == 0 && (c == ',' || isJsonSpace(c))) {
        return false;  // an empty scalar
      } else {
        ++pos_;
        if (depth == 0) {
          // A number or literal: runs to the next delimiter.
          while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '}' &&
                 text_[pos_] != ']' && !isJsonSpace(text_[pos_])) {
            ++pos_;
          }
        }
      }
    } while (depth > 0);
    return true;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

std::optional<PeekedKey> peekEventKey(std::string_view text) {
  Scanner scan(text);
  if (!scan.consume('{')) {
    return std::nullopt;
  }
  std::optional<std::string_view> type;
  std::optional<std::string_view> externalId;
  if (!scan.peekIs('}')) {
    do {
      std::string_view key;
      if (!scan.plainString(key) || !scan.consume(':')) {
        return std::nullopt;
      }
      if (key == "type" || key == "external_id") {
        std::optional<std::string_view>& slot = key == "type" ? type : externalId;
        std::string_view value;
        if (slot.has_value() || !scan.plainString(value)) {
          return std::nullopt;  // a duplicate key, or not a plain string: let the parser decide
        }
        slot = value;
      } else if (!scan.skipValue()) {
        return std::nullopt;
      }
    } while (scan.consume(','));
  }
  if (!scan.consume('}') || !type || !externalId) {
    return std::nullopt;
  }
  lh::Result<EventType> parsed = parseEventType(*type);
  if (!parsed.isOk()) {
    return std::nullopt;
  }
  return PeekedKey{*parsed, *externalId};
}

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
      // Re-read pages are mostly the same bytes again: a byte scan for the key, one index lookup,
      // no parsing.
      if (const std::optional<PeekedKey> peeked = peekEventKey(text)) {
        LH_ASSIGN_OR_RETURN(
            std::optional<EventVersionRef> same,
            store_.findCurrentWithPayload(
                page.tenant,
                EventKey{page.connection, peeked->type, std::string(peeked->external_id)}, sha));
        if (same) {
          ++stats.unchanged;
          continue;
        }
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
    if (result.outcome == UpsertOutcome::Unchanged || result.outcome == UpsertOutcome::Stale) {
      ++stats.unchanged;
      stats.stale += result.outcome == UpsertOutcome::Stale ? 1 : 0;
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
