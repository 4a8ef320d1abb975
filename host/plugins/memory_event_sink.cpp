#include "plugins/memory_event_sink.h"

#include <utility>

namespace lh::plugins {

Status MemoryEventSink::validate(std::string_view eventJson) {
  (void)eventJson;  // the HostContext has already checked that it is a JSON object
  return Status::ok();
}

Status MemoryEventSink::commit(EventBatch batch) {
  std::lock_guard<std::mutex> lock(mu_);
  batches_.push_back(std::move(batch));
  return Status::ok();
}

std::vector<EventBatch> MemoryEventSink::batches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return batches_;
}

}  // namespace lh::plugins
