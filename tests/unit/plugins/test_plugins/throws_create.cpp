// A plugin written in raw C++ against sdk.h alone, without plugin.hpp's noexcept trampolines: its
// create() lets an exception escape. The host must turn that into an error, not a crash.
#include <ledgerhost/sdk.h>

#include <stdexcept>

namespace {

const char* const kNone[] = {nullptr};

lh_status create(const lh_host_api*, lh_ctx*, const char*, size_t, lh_instance**) {
  throw std::runtime_error("connector constructor blew up");
}

void destroy(lh_instance*) {}

lh_status read(lh_instance*, const char*, size_t, const char*, size_t) {
  return LH_E_NOT_SUPPORTED;
}

lh_status execute(lh_instance*, const char*, size_t) { return LH_E_NOT_SUPPORTED; }

lh_plugin_descriptor makeDescriptor() {
  lh_plugin_descriptor d{};
  d.struct_size = sizeof(d);
  d.abi_version = LH_ABI_VERSION;
  d.name = "throws_create";
  d.version = "0.0.1";
  d.description = "test plugin whose create throws";
  d.kind = LH_KIND_PROCESSOR;
  d.config_schema = "{\"type\": \"object\"}";
  d.streams = kNone;
  d.commands = kNone;
  d.create = &create;
  d.destroy = &destroy;
  d.read = &read;
  d.execute = &execute;
  return d;
}

const lh_plugin_descriptor kDescriptor = makeDescriptor();

}  // namespace

LH_PLUGIN_ENTRY_DECL { return LH_ABI_MAJOR_OF(host_abi) == LH_ABI_MAJOR ? &kDescriptor : nullptr; }
