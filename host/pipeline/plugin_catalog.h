// PluginCatalog: what the config validator needs to know about the plugins the host can load.
//
// The pipeline does not depend on host/plugins (DESIGN.md: cli -> daemon -> pipeline -> core); the
// CLI fills a catalog from the plugin Registry (name, kind, config JSON Schema, commands, streams)
// and hands it to loadConfig(). Tests fill one by hand.
//
// Values; thread-compatible (const methods may be called concurrently).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace lh::pipeline {

// One loadable plugin as the config sees it.
struct PluginInfo {
  std::string name;                   // the `plugin:` value of a connection, e.g. "stripe"
  std::string kind;                   // "processor", "accounting", "bank" ("" when unknown)
  nlohmann::json config_schema;       // JSON Schema (draft-07) of a connection's `config`
  std::vector<std::string> commands;  // delivery commands it accepts (empty for a pure source)
  std::vector<std::string> streams;   // the streams it reads
};

class PluginCatalog {
 public:
  // Adds (or replaces, by name) one plugin.
  void add(PluginInfo plugin);

  // The plugin named `name`, or nullptr. The pointer is valid until the next add().
  const PluginInfo* find(std::string_view name) const;

  // Every plugin name, sorted.
  std::vector<std::string> names() const;

  const std::vector<PluginInfo>& plugins() const { return plugins_; }

 private:
  std::vector<PluginInfo> plugins_;
};

}  // namespace lh::pipeline
