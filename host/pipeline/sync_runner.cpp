#include "pipeline/sync_runner.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <random>
#include <utility>

#include "core/event_validator.h"
#include "core/logging.h"
#include "pipeline/reauth.h"

namespace lh::pipeline {
namespace {

int64_t steadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string newCorrelationId() {
  std::random_device device;
  std::uniform_int_distribution<int> hex(0, 15);
  std::string id;
  for (int i = 0; i < 16; ++i) {
    id.push_back("0123456789abcdef"[hex(device)]);
  }
  return id;
}

void addInto(StreamResult& total, const StreamResult& s) {
  total.pages += s.pages;
  total.events += s.events;
  total.inserted += s.inserted;
  total.new_versions += s.new_versions;
  total.unchanged += s.unchanged;
  total.rejected += s.rejected;
  total.entries_posted += s.entries_posted;
  total.reversals += s.reversals;
  total.commands_queued += s.commands_queued;
  total.commands_updated += s.commands_updated;
  total.elapsed_ms += s.elapsed_ms;
  if (total.status.isOk() && !s.status.isOk()) {
    total.status = s.status;
  }
}

}  // namespace

bool SyncResult::ok() const {
  return std::all_of(streams.begin(), streams.end(),
                     [](const StreamResult& s) { return s.status.isOk() && !s.skipped; });
}

StreamResult SyncResult::totals() const {
  StreamResult total;
  total.stream = "*";
  for (const StreamResult& s : streams) {
    addInto(total, s);
  }
  return total;
}

lh::Result<std::string> sinceCursor(const std::string& date) {
  const bool shaped = date.size() == 10 && date[4] == '-' && date[7] == '-' &&
                      std::all_of(date.begin(), date.end(),
                                  [](char c) { return c == '-' || (c >= '0' && c <= '9'); });
  if (!shaped || !core::parseDateTimeMs(date + "T00:00:00Z").isOk()) {
    return lh::invalidArgument("expected a date YYYY-MM-DD, got '" + date + "'");
  }
  return nlohmann::json{{"since", date}}.dump();
}

SyncRunner::SyncRunner(Runtime& runtime, SyncProgress* progress)
    : runtime_(runtime), progress_(progress) {}

lh::Result<SyncResult> SyncRunner::sync(const std::string& connection, const SyncOptions& options) {
  if (options.full && options.since) {
    return lh::invalidArgument("--since and --full exclude each other");
  }
  std::optional<std::string> since;
  if (options.since) {
    lh::Result<std::string> cursor = sinceCursor(*options.since);
    if (!cursor.isOk()) {
      return cursor.status().withContext("--since");
    }
    since = *cursor;
  }
  SyncResult result;
  result.connection = connection;
  result.correlation_id = newCorrelationId();
  lh::log::ScopedContext logContext{{"connection", connection},
                                    {"correlation_id", result.correlation_id}};

  // A connection marked by an earlier AuthRequired is not called until `ledgerhost connect`.
  LH_RETURN_IF_ERROR(refuseIfNeedsReauth(runtime_, connection));
  LH_ASSIGN_OR_RETURN(std::unique_ptr<ConnectionSession> session, runtime_.connect(connection));
  const std::vector<std::string>& declared = session->streams();
  std::vector<std::string> streams = options.streams.empty() ? declared : options.streams;
  for (const std::string& stream : streams) {
    if (std::find(declared.begin(), declared.end(), stream) == declared.end()) {
      std::string known;
      for (const std::string& s : declared) {
        known += (known.empty() ? "" : ", ") + s;
      }
      return lh::invalidArgument("connection '" + connection + "' (plugin '" +
                                 session->connection().plugin + "') has no stream '" + stream +
                                 "' (streams: " + (known.empty() ? "none" : known) + ")");
    }
  }

  if (options.full) {
    LH_RETURN_IF_ERROR(runtime_.unit().run([&]() -> lh::Status {
      for (const std::string& stream : streams) {
        LH_ASSIGN_OR_RETURN(bool had, runtime_.events().resetCursor(connection, stream));
        if (had) {
          spdlog::info("--full: forgot the cursor of stream '{}'", stream);
        }
      }
      return lh::Status::ok();
    }));
  }

  bool authFailed = false;
  for (const std::string& stream : streams) {
    if (authFailed) {
      StreamResult skipped;
      skipped.stream = stream;
      skipped.skipped = true;
      result.streams.push_back(std::move(skipped));
      continue;
    }
    StreamResult streamResult = syncStream(*session, stream, since);
    authFailed = streamResult.status.code() == lh::Code::AuthRequired;
    recordIfNeedsReauth(runtime_, connection, streamResult.status);
    result.streams.push_back(std::move(streamResult));
  }
  return result;
}

StreamResult SyncRunner::syncStream(ConnectionSession& session, const std::string& stream,
                                    std::optional<std::string> firstCursor) {
  const std::string& connection = session.connection().name;
  const int64_t started = steadyMs();
  StreamResult r;
  r.stream = stream;
  std::string cursor;
  if (firstCursor) {
    cursor = *firstCursor;
  } else {
    lh::Result<std::optional<std::string>> stored = runtime_.events().getCursor(connection, stream);
    if (!stored.isOk()) {
      r.status = stored.status();
      return r;
    }
    cursor = stored->value_or("");
  }
  if (progress_ != nullptr) {
    progress_->streamStarted(connection, stream,
                             cursor.empty() ? std::nullopt : std::optional<std::string>(cursor));
  }
  spdlog::info("sync of stream '{}' starts {}", stream,
               firstCursor      ? "from " + *firstCursor
               : cursor.empty() ? std::string("from the beginning")
                                : std::string("from its cursor"));

  const auto finish = [&](lh::Status status) {
    r.status = std::move(status);
    r.elapsed_ms = steadyMs() - started;
    if (!r.status.isOk()) {
      spdlog::error("sync of stream '{}' stopped after {} pages: {}", stream, r.pages,
                    r.status.toString());
    } else {
      spdlog::info(
          "sync of stream '{}' done: {} pages, {} inserted, {} new versions, "
          "{} unchanged, {} rejected",
          stream, r.pages, r.inserted, r.new_versions, r.unchanged, r.rejected);
    }
    if (progress_ != nullptr) {
      progress_->streamFinished(connection, r);
    }
    return r;
  };

  for (;;) {
    lh::Result<ReadPage> read = session.readPage(stream, cursor);
    if (!read.isOk()) {
      lh::Status status = read.status();
      if (status.code() == lh::Code::AuthRequired) {
        status = status.withContext("connection needs re-authorisation: run `ledgerhost connect " +
                                    connection + "`");
      }
      return finish(std::move(status));
    }
    for (const std::string& reject : read->rejects) {
      spdlog::warn("stream '{}': event refused: {}", stream, reject);
    }
    const std::optional<std::string> pageCursor = read->page.cursor;
    const bool hasMore = read->page.has_more;
    const EngineCounters before = runtime_.counters();
    lh::Result<core::IngestStats> stats = runtime_.ingestor().ingest(std::move(read->page));
    if (!stats.isOk()) {
      runtime_.restoreCounters(before);  // the page rolled back: so do its counts
      return finish(stats.status().withContext("storing a page of stream '" + stream + "'"));
    }
    const EngineCounters after = runtime_.counters();
    for (const core::IngestReject& reject : stats->rejects) {
      spdlog::warn("stream '{}': event refused: {}{}", stream, reject.status.message(),
                   reject.external_id ? " (external_id " + *reject.external_id + ")" : "");
    }
    ++r.pages;
    r.inserted += stats->inserted;
    r.new_versions += stats->new_versions;
    r.unchanged += stats->unchanged;
    r.events += stats->inserted + stats->new_versions + stats->unchanged;
    r.rejected += stats->rejected + static_cast<int64_t>(read->rejects.size());
    r.entries_posted += after.entries_posted - before.entries_posted;
    r.reversals += after.reversals - before.reversals;
    r.commands_queued += after.commands.queued - before.commands.queued;
    r.commands_updated += after.commands.updated - before.commands.updated;
    if (pageCursor) {
      r.cursor = pageCursor;
    }
    r.elapsed_ms = steadyMs() - started;
    if (progress_ != nullptr) {
      progress_->pageDone(connection, r);
    }
    if (!hasMore) {
      return finish(lh::Status::ok());
    }
    if (!pageCursor || *pageCursor == cursor) {
      return finish(lh::internalError(
          "plugin '" + session.connection().plugin + "' said more pages follow in stream '" +
          stream +
          "' but did not move its cursor; stopped instead of reading the same page "
          "forever"));
    }
    cursor = *pageCursor;
  }
}

}  // namespace lh::pipeline
