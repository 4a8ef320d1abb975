/*
 * A plugin built against the FROZEN copy of the ABI 1.0 header next to this file
 * (abi_v1_0/ledgerhost/sdk.h, copied from sdk/include when 1.0 shipped and never edited). The
 * quoted include is resolved relative to this file first, so it cannot pick up the current header.
 * If a later header change breaks 1.0 plugins, the host test that loads this one fails.
 */
#include "ledgerhost/sdk.h"

#include <stdlib.h>

struct frozen_instance {
  const lh_host_api* host;
  lh_ctx* ctx;
};

static const char* const kStreams[] = {"events", NULL};
static const char* const kNone[] = {NULL};

static lh_status frozen_create(const lh_host_api* host, lh_ctx* ctx, const char* config_json,
                               size_t config_len, lh_instance** out) {
  struct frozen_instance* self;
  (void)config_json;
  (void)config_len;
  *out = NULL;
  self = (struct frozen_instance*)calloc(1, sizeof *self);
  if (self == NULL) {
    return LH_E_INTERNAL;
  }
  self->host = host;
  self->ctx = ctx;
  *out = (lh_instance*)self;
  return LH_OK;
}

static void frozen_destroy(lh_instance* instance) { free(instance); }

static lh_status frozen_read(lh_instance* instance, const char* stream, size_t stream_len,
                             const char* cursor, size_t cursor_len) {
  static const char kEvent[] = "{\"type\":\"bank_transaction\",\"external_id\":\"tx_1\"}";
  static const char kCursor[] = "\"done\"";
  struct frozen_instance* self = (struct frozen_instance*)instance;
  lh_status status;
  (void)stream;
  (void)stream_len;
  (void)cursor;
  (void)cursor_len;
  status = self->host->emit(self->ctx, kEvent, sizeof kEvent - 1);
  if (status != LH_OK) {
    return status;
  }
  return self->host->checkpoint(self->ctx, kCursor, sizeof kCursor - 1, 0);
}

static lh_status frozen_execute(lh_instance* instance, const char* commands, size_t len) {
  (void)instance;
  (void)commands;
  (void)len;
  return LH_E_NOT_SUPPORTED;
}

static const lh_plugin_descriptor kDescriptor = {
    sizeof(lh_plugin_descriptor),
    LH_ABI_VERSION,
    "frozen_v1_0",
    "1.0.0",
    "test plugin built from the frozen ABI 1.0 header",
    LH_KIND_BANK,
    0,
    "{\"type\": \"object\"}",
    kStreams,
    kNone,
    frozen_create,
    frozen_destroy,
    frozen_read,
    frozen_execute,
    NULL,
};

LH_PLUGIN_ENTRY_DECL { return LH_ABI_MAJOR_OF(host_abi) == 1 ? &kDescriptor : NULL; }
