/*
 * A complete plugin written in plain C11 against sdk.h alone (built with -pedantic -Werror).
 *
 * Streams: "charges" emits two events on the first page and none on the second; "fail" emits an
 * event and then fails with LH_E_TRANSIENT (the host must discard the event). Commands: one
 * respond() per call. It also exercises state_get/state_put, now_ms, log and random_bytes.
 */
#include <ledgerhost/sdk.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct good_instance {
  const lh_host_api* host;
  lh_ctx* ctx;
  long reads;
};

static const char* const kStreams[] = {"charges", "fail", NULL};
static const char* const kCommands[] = {"create_invoice", NULL};

static lh_status fail_with(struct good_instance* self, lh_status code, const char* message) {
  self->host->set_error(self->ctx, code, message, strlen(message));
  return code;
}

static lh_status good_create(const lh_host_api* host, lh_ctx* ctx, const char* config_json,
                             size_t config_len, lh_instance** out) {
  struct good_instance* self;
  (void)config_json;
  (void)config_len;
  if (out == NULL || host == NULL) {
    return LH_E_INVALID_ARGUMENT;
  }
  *out = NULL;
  self = (struct good_instance*)calloc(1, sizeof *self);
  if (self == NULL) {
    return LH_E_INTERNAL;
  }
  self->host = host;
  self->ctx = ctx;
  *out = (lh_instance*)self;
  return LH_OK;
}

static void good_destroy(lh_instance* instance) { free(instance); }

static lh_status good_read(lh_instance* instance, const char* stream, size_t stream_len,
                           const char* cursor, size_t cursor_len) {
  static const char kPayment[] =
      "{\"type\":\"payment\",\"external_id\":\"ch_1\",\"amount_minor\":1250,\"currency\":\"USD\"}";
  static const char kFee[] =
      "{\"type\":\"fee\",\"external_id\":\"fee_1\",\"amount_minor\":66,\"currency\":\"USD\"}";
  static const char kPage1[] = "{\"page\":1}";
  static const char kPage2[] = "{\"page\":2}";
  static const char kReadsKey[] = "reads";
  struct good_instance* self = (struct good_instance*)instance;
  const lh_host_api* host = self->host;
  char text[64];
  const char* stored = NULL;
  size_t stored_len = 0;
  uint8_t nonce[16];
  lh_status status;
  int n;

  if (stream_len == 4 && memcmp(stream, "fail", 4) == 0) {
    host->emit(self->ctx, kPayment, sizeof kPayment - 1);
    return fail_with(self, LH_E_TRANSIENT, "upstream timed out");
  }

  /* Count reads in host state: read the old value, store the new one. */
  status = host->state_get(self->ctx, kReadsKey, sizeof kReadsKey - 1, &stored, &stored_len);
  if (status != LH_OK) {
    return status;
  }
  self->reads = 0;
  if (stored != NULL && stored_len < sizeof text) {
    memcpy(text, stored, stored_len);
    text[stored_len] = '\0';
    self->reads = strtol(text, NULL, 10);
  }
  self->reads += 1;
  n = snprintf(text, sizeof text, "%ld", self->reads);
  status = host->state_put(self->ctx, kReadsKey, sizeof kReadsKey - 1, text, (size_t)n);
  if (status != LH_OK) {
    return status;
  }
  if (host->random_bytes(self->ctx, nonce, sizeof nonce) != LH_OK) {
    return fail_with(self, LH_E_INTERNAL, "no random bytes");
  }
  n = snprintf(text, sizeof text, "read at %lld", (long long)host->now_ms(self->ctx));
  host->log(self->ctx, LH_LOG_DEBUG, text, (size_t)n);

  if (cursor_len == 0) {
    if (host->emit(self->ctx, kPayment, sizeof kPayment - 1) != LH_OK ||
        host->emit(self->ctx, kFee, sizeof kFee - 1) != LH_OK) {
      return fail_with(self, LH_E_INTERNAL, "the host refused an event");
    }
    return host->checkpoint(self->ctx, kPage1, sizeof kPage1 - 1, 1);
  }
  (void)cursor;
  return host->checkpoint(self->ctx, kPage2, sizeof kPage2 - 1, 0);
}

static lh_status good_execute(lh_instance* instance, const char* commands, size_t len) {
  static const char kResult[] = "{\"id\":\"cmd_1\",\"status\":0,\"target_id\":\"inv_1\"}";
  struct good_instance* self = (struct good_instance*)instance;
  (void)commands;
  (void)len;
  return self->host->respond(self->ctx, kResult, sizeof kResult - 1);
}

static const lh_plugin_descriptor kDescriptor = {
    sizeof(lh_plugin_descriptor),
    LH_ABI_VERSION,
    "good_c",
    "1.0.0",
    "test plugin written in plain C",
    LH_KIND_PROCESSOR,
    0,
    "{\"type\": \"object\", \"properties\": {}}",
    kStreams,
    kCommands,
    good_create,
    good_destroy,
    good_read,
    good_execute,
    NULL,
};

LH_PLUGIN_ENTRY_DECL { return LH_ABI_MAJOR_OF(host_abi) == LH_ABI_MAJOR ? &kDescriptor : NULL; }
