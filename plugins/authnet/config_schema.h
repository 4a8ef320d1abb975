// The JSON Schema (draft-07) of an Authorize.net connection's `config` object.
#pragma once

namespace lh::authnet {

// The text of plugins/authnet/config.schema.json, embedded at build time (plugins/CMakeLists.txt).
// NUL-terminated; a plugin static, valid until the library is unloaded.
extern const char kConfigSchema[];

}  // namespace lh::authnet
