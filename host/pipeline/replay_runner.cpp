#include "pipeline/replay_runner.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "pipeline/sync_runner.h"

namespace lh::pipeline {

ReplayRunner::ReplayRunner(Runtime& runtime, Progress progress)
    : runtime_(runtime), progress_(std::move(progress)) {}

lh::Result<ReplayResult> ReplayRunner::replay(const ReplayOptions& options) {
  const Config& config = runtime_.config();
  core::EventFilter filter;
  filter.current_only = true;
  if (options.connection) {
    if (config.findConnection(*options.connection) == nullptr) {
      return lh::invalidArgument("no connection '" + *options.connection + "' in " +
                                 config.file.string());
    }
    filter.connection = options.connection;
  }
  if (options.from) {
    // Same date rules as --since.
    LH_RETURN_IF_ERROR(sinceCursor(*options.from).status().withContext("--from"));
    LH_ASSIGN_OR_RETURN(filter.occurred_from_ms,
                        core::parseDateTimeMs(*options.from + "T00:00:00Z"));
  }
  const size_t batch = options.batch_size == 0 ? 1 : options.batch_size;

  ReplayResult total;
  for (const core::Tenant& tenant : config.tenants) {
    int64_t afterId = 0;
    for (;;) {
      size_t inUnit = 0;
      bool unitFull = false;
      int64_t lastId = afterId;
      const EngineCounters before = runtime_.counters();
      lh::Status status = runtime_.unit().run([&]() -> lh::Status {
        core::EventFilter page = filter;
        page.after_id = afterId;
        lh::Status scanned =
            runtime_.events().scan(tenant.id, page, [&](const core::StoredEvent& event) {
              LH_RETURN_IF_ERROR(runtime_.hook()(event, std::nullopt));
              lastId = event.id;
              if (++inUnit < batch) {
                return lh::Status::ok();
              }
              // Stops the scan; told apart from a real error by the flag.
              unitFull = true;
              return lh::conflict("replay unit full");
            });
        return unitFull ? lh::Status::ok() : scanned;
      });
      if (!status.isOk()) {
        runtime_.restoreCounters(before);
        spdlog::error("replay stopped in tenant '{}' after event id {}: {}", tenant.id, afterId,
                      status.toString());
        return status;
      }
      const EngineCounters after = runtime_.counters();
      total.events += static_cast<int64_t>(inUnit);
      total.entries_posted += after.entries_posted - before.entries_posted;
      total.reversals += after.reversals - before.reversals;
      total.commands_queued += after.commands.queued - before.commands.queued;
      total.commands_updated += after.commands.updated - before.commands.updated;
      total.commands_unchanged += after.commands.unchanged - before.commands.unchanged;
      if (inUnit == 0) {
        break;
      }
      ++total.units;
      afterId = lastId;
      if (progress_) {
        progress_(total);
      }
      if (inUnit < batch) {
        break;
      }
    }
  }
  return total;
}

}  // namespace lh::pipeline
