// PluginLibrary: one loaded plugin shared library and its validated descriptor.
//
// `load` opens the file with Boost.DLL, finds `lh_plugin_entry`, asks it for the descriptor of the
// host's ABI, and checks everything the host relies on before any instance is created: the ABI
// major, the descriptor's struct_size, and each required field. Every failure is one Status whose
// message starts with the file path and says the reason, e.g.
//   "/opt/p/stripe.so: plugin ABI 2.0 is not supported by this host (ABI 1.0)".
//
// Lifetime: the library stays loaded as long as any shared_ptr to it lives. Every PluginInstance
// holds one, so a library is never unloaded while an instance, a function pointer or a descriptor
// string from it is in use.
//
// Thread safety: immutable after `load`; every const method may be called from any thread.
#pragma once

#include <ledgerhost/sdk.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace boost::dll {
class shared_library;
}

namespace lh::plugins {

// The size of the ABI 1.0 descriptor: every plugin's struct_size must reach at least this far.
inline constexpr size_t kDescriptorV1Size =
    offsetof(lh_plugin_descriptor, get_extension) + sizeof(lh_plugin_descriptor::get_extension);

// "processor", "accounting", "bank", or "unknown".
std::string_view kindName(int32_t kind);

// "major.minor" of a packed abi_version.
std::string abiString(uint32_t abiVersion);

class PluginLibrary {
 public:
  // Loads and validates the plugin at `file`. Error codes: InvalidArgument for a file that is not a
  // usable plugin (missing, not a shared object, no entry symbol, bad descriptor), NotSupported
  // for an ABI major this host does not speak (either side refusing), Internal when the entry
  // point throws.
  static Result<std::shared_ptr<PluginLibrary>> load(const std::filesystem::path& file);

  ~PluginLibrary();
  PluginLibrary(const PluginLibrary&) = delete;
  PluginLibrary& operator=(const PluginLibrary&) = delete;

  // The path the library was loaded from, as given to `load`.
  const std::filesystem::path& file() const { return file_; }

  // The plugin's descriptor, copied into a zeroed struct of this host's size: members the plugin
  // was not compiled with read as 0/NULL. Its pointers point into the library.
  const lh_plugin_descriptor& descriptor() const { return descriptor_; }

  const std::string& name() const { return name_; }
  const std::string& version() const { return version_; }
  const std::string& description() const { return description_; }
  int32_t kind() const { return descriptor_.kind; }
  // The abi_version the plugin was compiled with.
  uint32_t abiVersion() const { return descriptor_.abi_version; }
  // True when the descriptor declares LH_PLUGIN_FLAG_WEBHOOKS.
  bool declaresWebhooks() const { return (descriptor_.flags & LH_PLUGIN_FLAG_WEBHOOKS) != 0; }
  // True when the descriptor declares LH_PLUGIN_FLAG_OAUTH2 (`ledgerhost connect`).
  bool declaresOAuth2() const { return (descriptor_.flags & LH_PLUGIN_FLAG_OAUTH2) != 0; }
  const std::vector<std::string>& streams() const { return streams_; }
  const std::vector<std::string>& commands() const { return commands_; }
  // The config JSON Schema (a JSON object).
  const nlohmann::json& configSchema() const { return configSchema_; }

 private:
  PluginLibrary() = default;

  std::filesystem::path file_;
  std::unique_ptr<boost::dll::shared_library> library_;
  lh_plugin_descriptor descriptor_{};
  std::string name_;
  std::string version_;
  std::string description_;
  std::vector<std::string> streams_;
  std::vector<std::string> commands_;
  nlohmann::json configSchema_;
};

}  // namespace lh::plugins
