// Registry: the plugins this host can use, loaded from the plugin directory and explicit paths.
//
// Loading one file never stops the others: each failure is kept as a LoadError (its Status names
// the file and the reason), so `ledgerhost plugins list` can show every good plugin and every bad
// file at once.
//
// Thread safety: not thread-safe while adding; const methods may be called concurrently once
// loading is done.
#pragma once

#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "plugins/plugin_library.h"

namespace lh::plugins {

class Registry {
 public:
  // One file that could not be used.
  struct LoadError {
    std::filesystem::path file;
    Status status;  // message starts with the file path
  };

  // Loads every regular file named *.so directly in `dir` (not recursive), in file-name order.
  // Returns an error only when the directory itself cannot be read (missing, not a directory);
  // per-file failures go to errors().
  Status addDirectory(const std::filesystem::path& dir);

  // Loads one plugin file. Returns its status, which is also recorded in errors() on failure.
  Status addFile(const std::filesystem::path& file);

  // The plugins loaded, in the order they were added.
  const std::vector<std::shared_ptr<PluginLibrary>>& plugins() const { return plugins_; }

  // Every file that failed to load, in the order tried.
  const std::vector<LoadError>& errors() const { return errors_; }

  // The plugin named `name`, or nullptr.
  std::shared_ptr<PluginLibrary> find(std::string_view name) const;

 private:
  std::vector<std::shared_ptr<PluginLibrary>> plugins_;
  std::vector<LoadError> errors_;
};

}  // namespace lh::plugins
