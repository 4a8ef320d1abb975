// MemoryEventSink: an EventSink that keeps every committed batch in memory, for tests and
// `plugins check`. It accepts every JSON object (canonical-event validation belongs to core and is
// injected by the pipeline's sink).
#pragma once

#include <mutex>
#include <vector>

#include "plugins/host_services.h"

namespace lh::plugins {

// Thread safety: every method may be called from any thread, concurrently.
class MemoryEventSink : public EventSink {
 public:
  Status validate(std::string_view eventJson) override;
  Status commit(EventBatch batch) override;

  // A copy of every batch committed so far, in commit order.
  std::vector<EventBatch> batches() const;

 private:
  mutable std::mutex mu_;
  std::vector<EventBatch> batches_;  // guarded by mu_
};

}  // namespace lh::plugins
