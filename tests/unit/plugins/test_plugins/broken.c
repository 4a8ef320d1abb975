/*
 * One broken plugin per BROKEN_* macro, each failing the loader (or create) for exactly one
 * reason. Built as C11 with -pedantic -Werror by lh_add_plugin; see ../CMakeLists.txt.
 * PLUGIN_NAME is the descriptor name (defined per target).
 */
#include <ledgerhost/sdk.h>

static const char* const kNone[] = {NULL};

static lh_status broken_create(const lh_host_api* host, lh_ctx* ctx, const char* config_json,
                               size_t config_len, lh_instance** out) {
  static const char kMessage[] = "api_key is required";
  (void)config_json;
  (void)config_len;
  *out = NULL;
#if defined(BROKEN_CONFIG)
  host->set_error(ctx, LH_E_INVALID_CONFIG, kMessage, sizeof kMessage - 1);
  return LH_E_INVALID_CONFIG;
#else
  (void)host;
  (void)ctx;
  (void)kMessage;
  return LH_E_INTERNAL; /* never reached: the loader refuses these plugins first */
#endif
}

static void broken_destroy(lh_instance* instance) { (void)instance; }

static lh_status broken_read(lh_instance* instance, const char* stream, size_t stream_len,
                             const char* cursor, size_t cursor_len) {
  (void)instance;
  (void)stream;
  (void)stream_len;
  (void)cursor;
  (void)cursor_len;
  return LH_E_NOT_SUPPORTED;
}

static lh_status broken_execute(lh_instance* instance, const char* commands, size_t len) {
  (void)instance;
  (void)commands;
  (void)len;
  return LH_E_NOT_SUPPORTED;
}

static const lh_plugin_descriptor kDescriptor = {
#if defined(BROKEN_SMALL)
    16, /* struct_size: far less than the 1.0 descriptor */
#else
    sizeof(lh_plugin_descriptor),
#endif
#if defined(BROKEN_ABI2)
    LH_ABI_PACK(2, 0),
#else
    LH_ABI_VERSION,
#endif
#if defined(BROKEN_BAD_NAME)
    "Bad Name!",
#else
    PLUGIN_NAME,
#endif
    "0.0.1",
    "a deliberately broken test plugin",
    LH_KIND_BANK,
    0,
#if defined(BROKEN_BAD_SCHEMA)
    "[\"not\", \"an\", \"object\"]",
#else
    "{\"type\": \"object\"}",
#endif
    kNone,
    kNone,
    broken_create,
    broken_destroy,
    broken_read,
    broken_execute,
    NULL,
};

#if !defined(BROKEN_NO_ENTRY)
LH_PLUGIN_ENTRY_DECL {
#if defined(BROKEN_REFUSE)
  /* Behaves like a plugin that only speaks ABI 2: it refuses a 1.x host. */
  return LH_ABI_MAJOR_OF(host_abi) == 2 ? &kDescriptor : NULL;
#else
  /* Returns its descriptor whatever the host speaks, so the host's own checks are exercised. */
  (void)host_abi;
  return &kDescriptor;
#endif
}
#else
/* No entry point: this function is hidden by the version script, like everything but the entry. */
const lh_plugin_descriptor* lh_plugin_entry_misspelt(uint32_t host_abi);
const lh_plugin_descriptor* lh_plugin_entry_misspelt(uint32_t host_abi) {
  (void)host_abi;
  return &kDescriptor;
}
#endif
