// SyncRunner: reads a connection's streams page by page and stores each page through the engine
// (DESIGN.md "Data flow" 1-4): what `ledgerhost sync` runs, and later the daemon's scheduler.
//
// For each stream (every stream the plugin declares, in its order, or the ones asked for):
//
//   cursor = stored cursor of (connection, stream)            // EventStore::getCursor
//   loop:
//     page = session.readPage(stream, cursor)                  // plugin `read`: events +
//     checkpoint Ingestor::ingest(page)                                    // ONE unit of work:
//     events,
//                                                               //   postings, commands, cursor
//     report progress; cursor = page.cursor
//   while page.has_more
//
// A read error stops that stream with the plugin's typed status (nothing of the failed call was
// kept: the cursor did not move, so the next sync resumes exactly there); an ingest error (the
// store, a posting rule that cannot balance) stops it too and the page is rolled back whole. An
// AuthRequired error stops the whole connection (every stream would fail alike) with
//   "connection needs re-authorisation: run `ledgerhost connect <name>`: <plugin's message>".
// Other streams still run after a non-auth failure. A plugin that says has_more without moving
// its cursor is stopped (Internal) instead of looping forever.
//
// Options:
//   full   forgets the cursors of the streams to sync first (one unit of work), so they are read
//          from the start; the idempotency key turns the re-read into no new rows.
//   since  YYYY-MM-DD: each stream's FIRST read gets the cursor {"since":"YYYY-MM-DD"} instead of
//          the stored one; later reads use what the plugin checkpointed. The contract for plugin
//          authors is docs/cursors.md: a plugin that supports it reads objects created on or after
//          that UTC day; one that does not refuses the cursor with InvalidArgument.
//
// Logging: one ScopedContext per sync (connection, correlation_id) on every line; rejects are
// logged per event (field and external id, never values).
//
// Thread safety: one sync at a time per Runtime (one SQLite connection).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "pipeline/runtime.h"

namespace lh::pipeline {

struct SyncOptions {
  std::vector<std::string> streams;  // empty: every stream the plugin declares
  std::optional<std::string> since;  // YYYY-MM-DD (see the file comment); exclusive with full
  bool full = false;
};

// What one stream's sync did (so far, while it runs).
struct StreamResult {
  std::string stream;
  int64_t pages = 0;
  int64_t events = 0;  // emitted and valid (inserted + new_versions + unchanged)
  int64_t inserted = 0;
  int64_t new_versions = 0;
  int64_t unchanged = 0;
  int64_t rejected = 0;  // refused at emit time or by the ingestor; not stored
  int64_t entries_posted = 0;
  int64_t reversals = 0;
  int64_t commands_queued = 0;
  int64_t commands_updated = 0;
  std::optional<std::string> cursor;  // the last cursor committed by this run
  int64_t elapsed_ms = 0;
  lh::Status status;     // OK, or what stopped the stream
  bool skipped = false;  // not attempted (an earlier stream needed re-authorisation)
};

struct SyncResult {
  std::string connection;
  std::string correlation_id;
  std::vector<StreamResult> streams;

  bool ok() const;
  // Every stream's counts summed (stream name "*"); status = the first failure.
  StreamResult totals() const;
};

// Callbacks for progress output. Called on the syncing thread; default: nothing.
class SyncProgress {
 public:
  virtual ~SyncProgress() = default;
  virtual void streamStarted(const std::string& /*connection*/, const std::string& /*stream*/,
                             const std::optional<std::string>& /*cursor*/) {}
  // After each committed page, with the stream's totals so far.
  virtual void pageDone(const std::string& /*connection*/, const StreamResult& /*soFar*/) {}
  virtual void streamFinished(const std::string& /*connection*/, const StreamResult& /*result*/) {}
};

// The cursor a plugin gets for `--since DATE`: {"since":"DATE"}. InvalidArgument unless DATE is a
// real YYYY-MM-DD date.
lh::Result<std::string> sinceCursor(const std::string& date);

class SyncRunner {
 public:
  // `runtime` (and `progress`, when given) must outlive the runner.
  explicit SyncRunner(Runtime& runtime, SyncProgress* progress = nullptr);

  // Syncs `connection` (see the file comment). Errors before any page, as the Result's status:
  // unknown connection or stream, both since and full, a bad since date (InvalidArgument /
  // InvalidConfig), the plugin refusing its config at create, a failure to reset cursors. Per
  // stream failures are in the SyncResult (ok() false), not in the status.
  lh::Result<SyncResult> sync(const std::string& connection, const SyncOptions& options);

 private:
  StreamResult syncStream(ConnectionSession& session, const std::string& stream,
                          std::optional<std::string> firstCursor);

  Runtime& runtime_;
  SyncProgress* progress_;
};

}  // namespace lh::pipeline
