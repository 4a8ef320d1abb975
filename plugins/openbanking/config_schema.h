// The JSON Schema (draft-07) of a UK Open Banking connection's `config` object.
#pragma once

namespace lh::openbanking {

// The text of plugins/openbanking/config.schema.json, embedded at build time (plugins/CMakeLists.txt).
// NUL-terminated; a plugin static, valid until the library is unloaded.
extern const char kConfigSchema[];

}  // namespace lh::openbanking
