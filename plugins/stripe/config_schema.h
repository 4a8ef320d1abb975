// The JSON Schema (draft-07) of a Stripe connection's `config` object.
#pragma once

namespace lh::stripe {

// The text of plugins/stripe/config.schema.json, embedded at build time (plugins/CMakeLists.txt).
// NUL-terminated; a plugin static, valid until the library is unloaded.
extern const char kConfigSchema[];

}  // namespace lh::stripe
