// Helpers the built-in connectors share to take in their `config` and check stream/command names.
//
// Header-only and plugin-side: it includes only the SDK and nlohmann/json, so every plugin that
// uses it stays a self-contained .so. Functions throw ledgerhost::Error, which plugin.hpp's
// trampolines turn into a status code at the boundary. No function here puts a config *value* in
// an error message: configs carry secrets, so messages name keys only.
// Thread safety: stateless; safe from any thread.
#pragma once

#include <ledgerhost/plugin.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

namespace lh::plugin_common {

// Parses the connection's config (JSON object text, secrets already substituted by the host).
// The host validates it against the plugin's config schema before `create`; this re-checks only
// what the connector cannot run without, so a host that skipped validation still gets a clear
// LH_E_INVALID_CONFIG rather than a crash. `required` lists keys that must be non-empty strings.
inline nlohmann::json parseConfig(std::string_view plugin, std::string_view config_json,
                                  std::initializer_list<const char*> required) {
  nlohmann::json config = nlohmann::json::parse(config_json.begin(), config_json.end(), nullptr,
                                                /*allow_exceptions=*/false);
  if (config.is_discarded() || !config.is_object()) {
    throw ledgerhost::Error(LH_E_INVALID_CONFIG,
                            std::string(plugin) + ": config must be a JSON object");
  }
  for (const char* key : required) {
    auto it = config.find(key);
    if (it == config.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
      throw ledgerhost::Error(LH_E_INVALID_CONFIG, std::string(plugin) + ": config." + key +
                                                       " is required (a non-empty string)");
    }
  }
  return config;
}

// True when `name` is one of the entries of the NULL-terminated descriptor table `table`.
inline bool inTable(const char* const* table, std::string_view name) {
  for (std::size_t i = 0; table != nullptr && table[i] != nullptr; ++i) {
    if (name == table[i]) {
      return true;
    }
  }
  return false;
}

// Throws LH_E_INVALID_ARGUMENT unless `stream` is in the plugin's stream table: the caller asked
// for something the descriptor never offered, which is a caller bug, not a missing feature.
inline void requireStream(std::string_view plugin, const char* const* streams,
                          std::string_view stream) {
  if (!inTable(streams, stream)) {
    throw ledgerhost::Error(LH_E_INVALID_ARGUMENT,
                            std::string(plugin) + ": unknown stream '" + std::string(stream) + "'");
  }
}

}  // namespace lh::plugin_common
