#include "plugins/plugin_library.h"

#include <dlfcn.h>

#include <algorithm>
#include <boost/dll/shared_library.hpp>
#include <cstring>
#include <exception>
#include <system_error>
#include <utility>

namespace lh::plugins {
namespace {

// A descriptor array (streams, commands) longer than this is taken as missing its NULL terminator.
constexpr size_t kMaxListEntries = 1024;

Status loadError(const std::filesystem::path& file, Code code, const std::string& reason) {
  return Status(code, file.string() + ": " + reason);
}

bool validName(const char* name) {
  if (name == nullptr || *name == '\0') {
    return false;
  }
  for (const char* p = name; *p != '\0'; ++p) {
    const char c = *p;
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
      return false;
    }
  }
  return true;
}

// Copies a NULL-terminated array of non-empty strings, or says what is wrong with it.
Status copyList(const std::filesystem::path& file, const char* field, const char* const* list,
                std::vector<std::string>* out) {
  if (list == nullptr) {
    return loadError(file, Code::InvalidArgument,
                     std::string("descriptor field '") + field +
                         "' is NULL (use an array holding just NULL for none)");
  }
  for (size_t i = 0; list[i] != nullptr; ++i) {
    if (i >= kMaxListEntries) {
      return loadError(file, Code::InvalidArgument,
                       std::string("descriptor field '") + field + "' has more than " +
                           std::to_string(kMaxListEntries) + " entries or no NULL terminator");
    }
    if (*list[i] == '\0') {
      return loadError(
          file, Code::InvalidArgument,
          std::string("descriptor field '") + field + "' entry " + std::to_string(i) + " is empty");
    }
    out->emplace_back(list[i]);
  }
  return Status::ok();
}

// The reason dlopen gave, without the file name it repeats at the front.
std::string dlopenReason(const std::filesystem::path& file) {
  const char* raw = dlerror();
  if (raw == nullptr) {
    return "unknown dlopen error";
  }
  std::string reason(raw);
  const std::string prefix = file.string() + ": ";
  if (reason.rfind(prefix, 0) == 0) {
    reason.erase(0, prefix.size());
  }
  return reason;
}

}  // namespace

std::string_view kindName(int32_t kind) {
  switch (kind) {
    case LH_KIND_PROCESSOR: return "processor";
    case LH_KIND_ACCOUNTING: return "accounting";
    case LH_KIND_BANK: return "bank";
    default: return "unknown";
  }
}

std::string abiString(uint32_t abiVersion) {
  return std::to_string(LH_ABI_MAJOR_OF(abiVersion)) + "." +
         std::to_string(LH_ABI_MINOR_OF(abiVersion));
}

PluginLibrary::~PluginLibrary() = default;

Result<std::shared_ptr<PluginLibrary>> PluginLibrary::load(const std::filesystem::path& file) {
  std::error_code fsError;
  const auto type = std::filesystem::status(file, fsError).type();
  if (type == std::filesystem::file_type::not_found) {
    return loadError(file, Code::InvalidArgument, "no such file");
  }
  if (type != std::filesystem::file_type::regular && type != std::filesystem::file_type::unknown) {
    return loadError(file, Code::InvalidArgument, "not a regular file");
  }

  std::shared_ptr<PluginLibrary> self(new PluginLibrary());
  self->file_ = file;
  self->library_ = std::make_unique<boost::dll::shared_library>();
  boost::dll::shared_library& library = *self->library_;

  // RTLD_NOW: an unresolved symbol fails here, with a message, rather than as a crash mid-sync.
  // RTLD_LOCAL: plugins do not see each other's symbols.
  try {
    std::error_code ec;
    dlerror();  // clear any stale message so the one we report is this load's
    library.load(file, ec, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
    if (ec || !library.is_loaded()) {
      return loadError(file, Code::InvalidArgument,
                       "cannot load as a shared library: " + dlopenReason(file));
    }
  } catch (const std::exception& e) {
    return loadError(file, Code::InvalidArgument,
                     std::string("cannot load as a shared library: ") + e.what());
  }

  const lh_plugin_descriptor* raw = nullptr;
  try {
    if (!library.has(LH_PLUGIN_ENTRY_SYMBOL)) {
      return loadError(file, Code::InvalidArgument,
                       "no " LH_PLUGIN_ENTRY_SYMBOL
                       " symbol: not a ledgerhost plugin, or built without exporting it "
                       "(use lh_add_plugin)");
    }
    auto& entry = library.get<const lh_plugin_descriptor*(uint32_t)>(LH_PLUGIN_ENTRY_SYMBOL);
    raw = entry(LH_ABI_VERSION);
  } catch (const std::exception& e) {
    return loadError(file, Code::Internal,
                     std::string(LH_PLUGIN_ENTRY_SYMBOL " failed: ") + e.what());
  } catch (...) {
    return loadError(file, Code::Internal, LH_PLUGIN_ENTRY_SYMBOL " threw an unknown exception");
  }

  const std::string hostAbi = abiString(LH_ABI_VERSION);
  if (raw == nullptr) {
    return loadError(file, Code::NotSupported,
                     "the plugin refused host ABI " + hostAbi +
                         " (its " LH_PLUGIN_ENTRY_SYMBOL " returned NULL: it does not speak ABI " +
                         std::to_string(LH_ABI_MAJOR) + ".x)");
  }
  // struct_size and abi_version are the first 8 bytes of every version of the descriptor.
  if (LH_ABI_MAJOR_OF(raw->abi_version) != LH_ABI_MAJOR) {
    return loadError(file, Code::NotSupported,
                     "plugin ABI " + abiString(raw->abi_version) +
                         " is not supported by this host (ABI " + hostAbi + ")");
  }
  if (raw->struct_size < kDescriptorV1Size) {
    return loadError(file, Code::InvalidArgument,
                     "descriptor struct_size " + std::to_string(raw->struct_size) +
                         " too small (1.0 needs " + std::to_string(kDescriptorV1Size) + ")");
  }
  // Members this host knows but the plugin was not compiled with read as zero (OBS pattern).
  std::memcpy(&self->descriptor_, raw,
              std::min<size_t>(raw->struct_size, sizeof(lh_plugin_descriptor)));
  const lh_plugin_descriptor& d = self->descriptor_;

  if (!validName(d.name)) {
    return loadError(file, Code::InvalidArgument, "descriptor field 'name' must match [a-z0-9_-]+");
  }
  if (d.version == nullptr || *d.version == '\0') {
    return loadError(file, Code::InvalidArgument, "descriptor field 'version' is missing");
  }
  if (d.description == nullptr) {
    return loadError(file, Code::InvalidArgument, "descriptor field 'description' is NULL");
  }
  if (d.kind < LH_KIND_PROCESSOR || d.kind > LH_KIND_BANK) {
    return loadError(file, Code::InvalidArgument,
                     "descriptor field 'kind' is " + std::to_string(d.kind) +
                         ", not one of processor (1), accounting (2), bank (3)");
  }
  if (d.config_schema == nullptr) {
    return loadError(file, Code::InvalidArgument, "descriptor field 'config_schema' is NULL");
  }
  try {
    self->configSchema_ = nlohmann::json::parse(d.config_schema);
  } catch (const nlohmann::json::exception& e) {
    return loadError(
        file, Code::InvalidArgument,
        std::string("descriptor field 'config_schema' is not valid JSON: ") + e.what());
  }
  if (!self->configSchema_.is_object()) {
    return loadError(file, Code::InvalidArgument,
                     "descriptor field 'config_schema' is not a JSON object");
  }
  LH_RETURN_IF_ERROR(copyList(file, "streams", d.streams, &self->streams_));
  LH_RETURN_IF_ERROR(copyList(file, "commands", d.commands, &self->commands_));
  const std::pair<const char*, bool> functions[] = {
      {"create", d.create != nullptr},
      {"destroy", d.destroy != nullptr},
      {"read", d.read != nullptr},
      {"execute", d.execute != nullptr},
  };
  for (const auto& [field, present] : functions) {
    if (!present) {
      return loadError(file, Code::InvalidArgument,
                       std::string("descriptor function '") + field + "' is NULL");
    }
  }
  self->name_ = d.name;
  self->version_ = d.version;
  self->description_ = d.description;
  return self;
}

}  // namespace lh::plugins
