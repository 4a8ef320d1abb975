#include "plugins/memory_state_store.h"

namespace lh::plugins {

Result<std::optional<std::string>> MemoryStateStore::get(std::string_view key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = values_.find(key);
  if (it == values_.end()) {
    return std::optional<std::string>();
  }
  return std::optional<std::string>(it->second);
}

Status MemoryStateStore::put(std::string_view key, std::optional<std::string_view> value) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!value.has_value()) {
    auto it = values_.find(key);
    if (it != values_.end()) {
      values_.erase(it);
    }
    return Status::ok();
  }
  values_.insert_or_assign(std::string(key), std::string(*value));
  return Status::ok();
}

size_t MemoryStateStore::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return values_.size();
}

}  // namespace lh::plugins
