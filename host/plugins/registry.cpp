#include "plugins/registry.h"

#include <algorithm>
#include <system_error>

namespace lh::plugins {

Status Registry::addDirectory(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return invalidArgument(
        "plugin directory " + dir.string() +
        (std::filesystem::exists(dir, ec) ? ": not a directory" : ": does not exist"));
  }
  std::vector<std::filesystem::path> files;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) {
    return invalidArgument("plugin directory " + dir.string() + ": " + ec.message());
  }
  // increment(ec) ends the loop on an error; the check after it reports that.
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    const std::filesystem::path& path = it->path();
    std::error_code typeEc;
    if (path.extension() == ".so" && it->is_regular_file(typeEc)) {
      files.push_back(path);
    }
  }
  if (ec) {
    return invalidArgument("plugin directory " + dir.string() + ": " + ec.message());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    (void)addFile(file);  // recorded in errors_
  }
  return Status::ok();
}

Status Registry::addFile(const std::filesystem::path& file) {
  Result<std::shared_ptr<PluginLibrary>> loaded = PluginLibrary::load(file);
  if (!loaded.isOk()) {
    errors_.push_back({file, loaded.status()});
    return loaded.status();
  }
  std::shared_ptr<PluginLibrary> library = std::move(loaded).value();
  if (std::shared_ptr<PluginLibrary> other = find(library->name())) {
    Status status = invalidArgument(file.string() + ": plugin name '" + library->name() +
                                    "' is already provided by " + other->file().string());
    errors_.push_back({file, status});
    return status;
  }
  plugins_.push_back(std::move(library));
  return Status::ok();
}

std::shared_ptr<PluginLibrary> Registry::find(std::string_view name) const {
  for (const auto& plugin : plugins_) {
    if (plugin->name() == name) {
      return plugin;
    }
  }
  return nullptr;
}

}  // namespace lh::plugins
