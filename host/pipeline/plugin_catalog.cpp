#include "pipeline/plugin_catalog.h"

#include <algorithm>

namespace lh::pipeline {

void PluginCatalog::add(PluginInfo plugin) {
  for (PluginInfo& existing : plugins_) {
    if (existing.name == plugin.name) {
      existing = std::move(plugin);
      return;
    }
  }
  plugins_.push_back(std::move(plugin));
}

const PluginInfo* PluginCatalog::find(std::string_view name) const {
  for (const PluginInfo& plugin : plugins_) {
    if (plugin.name == name) {
      return &plugin;
    }
  }
  return nullptr;
}

std::vector<std::string> PluginCatalog::names() const {
  std::vector<std::string> out;
  out.reserve(plugins_.size());
  for (const PluginInfo& plugin : plugins_) {
    out.push_back(plugin.name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace lh::pipeline
