// MemoryStateStore: a StateStore kept in process memory, for tests, `plugins check` and one-shot
// runs that need no durable state. Nothing is encrypted or persisted.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "plugins/host_services.h"

namespace lh::plugins {

// Thread safety: every method may be called from any thread, concurrently.
class MemoryStateStore : public StateStore {
 public:
  Result<std::optional<std::string>> get(std::string_view key) override;
  Status put(std::string_view key, std::optional<std::string_view> value) override;

  // Number of keys stored (for tests).
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::string, std::less<>> values_;  // guarded by mu_
};

}  // namespace lh::plugins
