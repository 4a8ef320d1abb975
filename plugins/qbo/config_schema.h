// The JSON Schema (draft-07) of a QuickBooks Online connection's `config` object.
#pragma once

namespace lh::qbo {

// The text of plugins/qbo/config.schema.json, embedded at build time (plugins/CMakeLists.txt).
// NUL-terminated; a plugin static, valid until the library is unloaded.
extern const char kConfigSchema[];

}  // namespace lh::qbo
