/*
 * ledgerhost plugin SDK — ABI v1.
 *
 * The stable C contract between the ledgerhost host and a connector plugin (a shared library).
 * This header is the manual: every struct, every function, every ownership and threading rule is
 * written here. It is pure C11 and includes only <stdint.h> and <stddef.h>.
 *
 * Shape of the contract
 * ---------------------
 *  - A plugin exports exactly one symbol, `lh_plugin_entry`, which returns a constant
 *    `lh_plugin_descriptor`. The descriptor names the plugin and holds its function table.
 *  - The host creates instances with `descriptor->create`, handing each one the host's service
 *    table (`lh_host_api`) and an opaque per-instance context (`lh_ctx`). A plugin does no I/O of
 *    its own: HTTP, persistent state, logging, time and randomness all go through the host.
 *  - Data crosses as UTF-8 JSON text with an explicit length: config in, cursors in and out,
 *    canonical events out, commands in and command results out.
 *
 * Versioning
 * ----------
 *  - `abi_version` packs `major << 16 | minor`. A major change breaks compatibility; a minor change
 *    only appends. The host refuses a plugin whose major differs from its own, and accepts every
 *    minor both ways.
 *  - Every struct that crosses the boundary starts with `uint32_t struct_size; uint32_t abi_version;`
 *    set by whoever fills it in. A receiver copies `min(struct_size, sizeof)` bytes into a zeroed
 *    local, so a member that the sender did not know reads as 0 / NULL. Use `LH_HAS_MEMBER` on the
 *    original pointer to test whether the sender's struct reaches a member.
 *  - Members are only ever appended: never reordered, retyped or removed. A changed callback is a new
 *    member (`foo2`). Tail groups are marked `since 1.N`. Enumerations are `#define`d constants stored
 *    in `int32_t` fields; no C enum type crosses the boundary.
 *  - Optional capabilities are negotiated by string id with `get_extension` (both sides), which
 *    returns a size-prefixed struct or NULL. Ids look like `lh.webhook/1`; third parties use
 *    `com.vendor.name/1`. A changed interface is a new revision (`/2`).
 *
 * Errors
 * ------
 *  Every fallible function returns an `lh_status`: `LH_OK` or one of the fixed `LH_E_*` codes
 *  below, each with a written retry meaning. A receiver reads a code it does not know as
 *  `LH_E_INTERNAL`. The human-readable detail goes through `lh_host_api.set_error`, which copies;
 *  no error string is ever freed across the boundary. No C++ exception may cross the boundary.
 *
 * Ownership (applies to every function below unless its comment says otherwise)
 * ---------
 *  - Host → plugin data (arguments) is borrowed: valid until the call returns. Copy to keep it.
 *  - Plugin → host data goes through host callbacks that copy it before they return.
 *  - Data the host lends for longer (an HTTP response, a state value) says exactly how long.
 *  - Descriptor strings and tables are plugin statics: they live until the library is unloaded.
 *  - Instances are created and destroyed only by the plugin. Whoever allocates, frees.
 *  - Strings are UTF-8 with an explicit byte length unless documented as NUL-terminated; they need
 *    not be NUL-terminated.
 *
 * Threads (each function is tagged)
 * -------
 *  [any-thread]       may be called from any thread, concurrently.
 *  [instance-serial]  one instance is called from one thread at a time (not always the same one);
 *                     different instances may run concurrently.
 *  [create-destroy]   not concurrent with any other call on the same instance.
 */
#ifndef LEDGERHOST_SDK_H
#define LEDGERHOST_SDK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------
 * Versions
 * ------------------------------------------------------------------------------------------- */

/** The ABI major this header describes. Plugins and hosts must agree on it exactly. */
#define LH_ABI_MAJOR 1
/** The ABI minor this header describes. Any minor is accepted both ways. */
#define LH_ABI_MINOR 0

/** Packs a major and minor into one `abi_version` value. */
#define LH_ABI_PACK(major, minor) ((uint32_t)((((uint32_t)(major)) << 16) | ((uint32_t)(minor))))
/** The `abi_version` this header writes into every struct it fills in. */
#define LH_ABI_VERSION LH_ABI_PACK(LH_ABI_MAJOR, LH_ABI_MINOR)
/** The major of a packed `abi_version`. */
#define LH_ABI_MAJOR_OF(version) ((uint32_t)(version) >> 16)
/** The minor of a packed `abi_version`. */
#define LH_ABI_MINOR_OF(version) ((uint32_t)(version)&0xFFFFu)

/**
 * True when the struct that `ptr` points at, as sized by its sender (`ptr->struct_size`), is large
 * enough to contain `member` of `type`. Check this on the original pointer before reading a member
 * added after 1.0, and also check a function pointer member for NULL before calling it.
 */
#define LH_HAS_MEMBER(type, ptr, member)                                                 \
  ((ptr) != NULL && (size_t)(ptr)->struct_size >=                                         \
                        offsetof(type, member) + sizeof(((const type*)NULL)->member))

/* ---------------------------------------------------------------------------------------------
 * Status codes
 * ------------------------------------------------------------------------------------------- */

/** Result of every fallible call: `LH_OK` or one of the `LH_E_*` codes. */
typedef int32_t lh_status;

/** Success. */
#define LH_OK 0
/** The caller passed something malformed (NULL, bad JSON, unknown stream). Fix the caller; do not retry. */
#define LH_E_INVALID_ARGUMENT 1
/** The connection's configuration is wrong or incomplete. An operator must fix the config; do not retry. */
#define LH_E_INVALID_CONFIG 2
/** Credentials are missing, expired beyond refresh or revoked. The connection needs re-authorisation
 *  (`ledgerhost connect`); do not retry until it has happened. */
#define LH_E_AUTH_REQUIRED 3
/** The remote API throttled us. Retry the same call later, after the advised delay. */
#define LH_E_RATE_LIMITED 4
/** A passing failure (network, 5xx, timeout, truncated response). Retry this same call with backoff. */
#define LH_E_TRANSIENT 5
/** The state moved under us (stale version, concurrent change). Retry at a higher level: re-read, then redo. */
#define LH_E_CONFLICT 6
/** The remote API refused the request for good (validation fault, not found). Do not retry until the
 *  data or mapping is fixed. */
#define LH_E_PERMANENT 7
/** The operation, stream, command or extension is not implemented by this side. Do not retry. */
#define LH_E_NOT_SUPPORTED 8
/** A bug or broken invariant inside the callee (including a caught exception). Do not retry blindly;
 *  report it. Unknown codes from a newer peer read as this one. */
#define LH_E_INTERNAL 9

/* ---------------------------------------------------------------------------------------------
 * Other constants
 * ------------------------------------------------------------------------------------------- */

/** Plugin kinds (`lh_plugin_descriptor.kind`). */
#define LH_KIND_PROCESSOR 1  /**< A payment processor: emits payments, fees, refunds, payouts... */
#define LH_KIND_ACCOUNTING 2 /**< An accounting system: executes delivery commands, reads back. */
#define LH_KIND_BANK 3       /**< A bank: emits bank_transaction events. */

/** Descriptor flags (`lh_plugin_descriptor.flags`). */
#define LH_PLUGIN_FLAG_WEBHOOKS 0x1u /**< Implements the `lh.webhook/1` extension. */
#define LH_PLUGIN_FLAG_OAUTH2 0x2u   /**< Implements the `lh.oauth2/1` extension. */

/** Log levels (`lh_host_api.log`). */
#define LH_LOG_TRACE 0
#define LH_LOG_DEBUG 1
#define LH_LOG_INFO 2
#define LH_LOG_WARN 3
#define LH_LOG_ERROR 4

/** HTTP request flags (`lh_http_request.flags`). */
#define LH_HTTP_NO_RETRY 0x1u /**< The host must not retry this request on its own (one attempt). */
#define LH_HTTP_RETRY_UNSAFE 0x2u /**< Retrying this non-GET is safe (it carries an idempotency key). */

/* ---------------------------------------------------------------------------------------------
 * Opaque handles
 * ------------------------------------------------------------------------------------------- */

/** The host's per-instance context. Passed back to every host service. Owned by the host; valid
 *  from `create` until `destroy` returns. */
typedef struct lh_ctx lh_ctx;

/** A plugin instance. Owned by the plugin; created by `create`, freed by `destroy`. */
typedef struct lh_instance lh_instance;

/* ---------------------------------------------------------------------------------------------
 * HTTP
 * ------------------------------------------------------------------------------------------- */

/** One HTTP header. Names are compared case-insensitively by the host. */
typedef struct lh_http_header {
  const char* name;  /**< header name bytes, not NUL-terminated */
  size_t name_len;   /**< length of `name` in bytes */
  const char* value; /**< header value bytes, not NUL-terminated */
  size_t value_len;  /**< length of `value` in bytes */
} lh_http_header;

/** An outbound HTTP request, filled in by the plugin and borrowed by the host during `http`. */
typedef struct lh_http_request {
  uint32_t struct_size;          /**< sizeof(lh_http_request) as compiled by the sender */
  uint32_t abi_version;          /**< LH_ABI_VERSION of the sender */
  const char* method;            /**< "GET", "POST", ... */
  size_t method_len;             /**< length of `method` */
  const char* url;               /**< absolute URL including the query string */
  size_t url_len;                /**< length of `url` */
  const lh_http_header* headers; /**< request headers; may be NULL when `header_count` is 0 */
  size_t header_count;           /**< number of entries in `headers` */
  const char* body;              /**< request body; may be NULL when `body_len` is 0 */
  size_t body_len;               /**< length of `body` */
  uint32_t timeout_ms;           /**< whole-request timeout; 0 means the host's default */
  uint32_t flags;                /**< LH_HTTP_* flags */
} lh_http_request;

/** An HTTP response, filled in by the host. Every pointer in it is owned by the host and stays valid
 *  until the next `http` call on the same context or until the plugin entry point that is running
 *  returns, whichever comes first. */
typedef struct lh_http_response {
  uint32_t struct_size;          /**< sizeof(lh_http_response) as compiled by the host */
  uint32_t abi_version;          /**< LH_ABI_VERSION of the host */
  int32_t status;                /**< HTTP status code (200, 429, ...) */
  const lh_http_header* headers; /**< response headers, in the order received */
  size_t header_count;           /**< number of entries in `headers` */
  const char* body;              /**< response body (may contain NUL bytes); never NULL */
  size_t body_len;               /**< length of `body` */
} lh_http_response;

/* ---------------------------------------------------------------------------------------------
 * Host services: handed to `create`, kept by the instance (never in a global, so one library can
 * serve two hosts in one process).
 * ------------------------------------------------------------------------------------------- */

/** The host's service table. Owned by the host; valid until the instance's `destroy` returns. */
typedef struct lh_host_api {
  uint32_t struct_size; /**< sizeof(lh_host_api) as compiled by the host */
  uint32_t abi_version; /**< LH_ABI_VERSION of the host */

  /**
   * Sends one HTTP request through the host, which applies the connection's rate limits, retries
   * with jittered backoff (429, 5xx, network errors; `Retry-After` honoured), the circuit breaker,
   * redaction, metrics and recording. [instance-serial]
   *
   * `request` is borrowed for the call. On LH_OK, `*response` (whose struct_size/abi_version the
   * caller sets first) holds the final response, whatever its status code; its data is lent as
   * described on `lh_http_response`. Returns LH_E_TRANSIENT when no response arrived after the
   * host's retries (network failure, timeout), LH_E_RATE_LIMITED when the host's own limiter or
   * breaker refuses to send now, LH_E_INVALID_ARGUMENT for a malformed request. The detail is
   * available through the host's error of this context.
   */
  lh_status (*http)(lh_ctx* ctx, const lh_http_request* request, lh_http_response* response);

  /**
   * Emits one canonical event (JSON object text, see the canonical event schema). The host copies
   * it, validates it and buffers it; events emitted during `read` are committed atomically with the
   * cursor given to `checkpoint`, and discarded if `read` fails. [instance-serial]
   *
   * Returns LH_E_INVALID_ARGUMENT when the event does not validate (the message names the field
   * path); the plugin may go on emitting others.
   */
  lh_status (*emit)(lh_ctx* ctx, const char* event_json, size_t event_len);

  /**
   * Records the cursor to resume `stream` from and whether more pages follow. Called once per
   * successful `read`. The host copies `cursor_json` (any JSON value; the host stores it opaquely)
   * and commits it in the same transaction as the events emitted by this `read`. `has_more` is
   * non-zero when the host should call `read` again right away. [instance-serial]
   */
  lh_status (*checkpoint)(lh_ctx* ctx, const char* cursor_json, size_t cursor_len, int32_t has_more);

  /**
   * Reads a value the instance stored under `key` (OAuth tokens, consent ids, ...). On LH_OK,
   * `*value`/`*value_len` point at host-owned bytes valid until the next `state_get` on this
   * context or until the running entry point returns; `*value` is NULL when nothing is stored.
   * The host encrypts values at rest. [instance-serial]
   */
  lh_status (*state_get)(lh_ctx* ctx, const char* key, size_t key_len, const char** value,
                         size_t* value_len);

  /**
   * Stores `value` under `key` durably before returning (the host copies both). A NULL `value`
   * deletes the key. [instance-serial]
   */
  lh_status (*state_put)(lh_ctx* ctx, const char* key, size_t key_len, const char* value,
                         size_t value_len);

  /** Writes one log line at `level` (LH_LOG_*). The host copies it, tags it with the connection
   *  and correlation id, and redacts secrets and personal data. [instance-serial] */
  void (*log)(lh_ctx* ctx, int32_t level, const char* message, size_t message_len);

  /** The host's clock in milliseconds since the Unix epoch (injected in tests). [any-thread] */
  int64_t (*now_ms)(lh_ctx* ctx);

  /** Sets the detail of the error the plugin is about to return. The host copies `message`; the
   *  last call before the entry point returns wins. [instance-serial] */
  void (*set_error)(lh_ctx* ctx, lh_status code, const char* message, size_t message_len);

  /**
   * Reports the result of one command during `execute` (JSON object text: see `execute`). The
   * host copies it. [instance-serial]
   */
  lh_status (*respond)(lh_ctx* ctx, const char* result_json, size_t result_len);

  /** Fills `buffer` with `length` cryptographically random bytes (seeded in tests). [instance-serial] */
  lh_status (*random_bytes)(lh_ctx* ctx, uint8_t* buffer, size_t length);

  /** Returns the host extension with NUL-terminated `id` (a size-prefixed struct owned by the host,
   *  valid until `destroy` returns), or NULL when the host does not offer it. [any-thread] */
  const void* (*get_extension)(lh_ctx* ctx, const char* id);
} lh_host_api;

/* ---------------------------------------------------------------------------------------------
 * The plugin descriptor
 * ------------------------------------------------------------------------------------------- */

/** Everything the host knows about a plugin. A plugin static: owned by the plugin, constant, valid
 *  until the library is unloaded (the host never unloads a library while it runs). */
typedef struct lh_plugin_descriptor {
  uint32_t struct_size; /**< sizeof(lh_plugin_descriptor) as compiled by the plugin */
  uint32_t abi_version; /**< LH_ABI_VERSION the plugin was compiled with */

  const char* name;        /**< short unique id used in configs, e.g. "stripe" ([a-z0-9_-]+). NUL-terminated. */
  const char* version;     /**< the plugin's own semantic version, e.g. "1.2.0". NUL-terminated. */
  const char* description; /**< one line for `ledgerhost plugins list`. NUL-terminated. */
  int32_t kind;            /**< LH_KIND_PROCESSOR, LH_KIND_ACCOUNTING or LH_KIND_BANK */
  uint32_t flags;          /**< LH_PLUGIN_FLAG_* */

  /** JSON Schema (draft 7) of the connection's `config` object. NUL-terminated. */
  const char* config_schema;
  /** NULL-terminated array of NUL-terminated stream names `read` accepts (may be just { NULL }). */
  const char* const* streams;
  /** NULL-terminated array of NUL-terminated command types `execute` accepts (may be just { NULL }). */
  const char* const* commands;

  /**
   * Creates an instance. [create-destroy]
   *
   * `host` and `ctx` are owned by the host and stay valid until `destroy` of this instance returns;
   * the instance keeps them. `config_json` (the connection's config object, secrets already
   * substituted) is borrowed for the call. On LH_OK, `*out` holds the new instance. On failure
   * `*out` is left NULL and the detail is given through `host->set_error`: LH_E_INVALID_CONFIG for a
   * config the plugin refuses. Does no I/O.
   */
  lh_status (*create)(const lh_host_api* host, lh_ctx* ctx, const char* config_json,
                      size_t config_len, lh_instance** out);

  /** Destroys an instance created by `create`, freeing everything it holds. NULL is a no-op.
   *  [create-destroy] */
  void (*destroy)(lh_instance* instance);

  /**
   * Reads one page of `stream` starting at `cursor_json` (empty: from the beginning, as the
   * config's start date says), emits its events through `host->emit`, and calls
   * `host->checkpoint` once with the cursor to continue from. All borrowed. [instance-serial]
   *
   * On any error nothing it emitted in this call is kept and the cursor does not move, so the host
   * may call it again with the same cursor.
   */
  lh_status (*read)(lh_instance* instance, const char* stream, size_t stream_len,
                    const char* cursor_json, size_t cursor_len);

  /**
   * Executes delivery commands: `commands_json` is a JSON array of command objects
   * `{"id": "...", "type": "<one of commands>", "idempotency_key": "...", "payload": {...}}`
   * (borrowed). For each command, the plugin calls `host->respond` with
   * `{"id": "...", "status": <lh_status>, "target_id": "...", "message": "..."}`; commands without
   * a response are treated as failed with LH_E_TRANSIENT. Returns LH_OK when every command has a
   * response, else the error that stopped the whole call. [instance-serial]
   *
   * Additive members (JSON only; no struct changed; docs/delivery.md is the full contract):
   *  - `idempotency_key` (32 lower-case hex) is the same on every re-send of a command, also after
   *    a crash between `execute` and the host recording its answers: send it as the vendor's
   *    idempotency key (QBO `requestid`) and look an object up by a marker before creating again.
   *  - `payload.targets`: `{"<link name>": {"type": "Invoice", "id": "130"}, ...}` — for each link
   *    of `payload.event.links` whose source object this target connection already holds. A
   *    missing key means "not created there (yet)": answer LH_E_TRANSIENT "waiting for <link>
   *    <id>" and the host sends the command again on a later pass.
   *  - `payload.composition` (commands about a `payout` only): `{"events": [{"type",
   *    "external_id", "amount", "fee", "net", "links", "targets", "target"}, ...], "net_total":
   *    {"minor", "currency"}}`. The host sends a payout command only when net_total equals the
   *    payout's amount; otherwise it holds it back.
   *  - the response's `target_type` (e.g. "Invoice"): the type of the object made, recorded with
   *    `target_id` in the host's link table (what later commands' `targets` name).
   *  Answers: LH_OK (+ target_id) sent; LH_E_TRANSIENT / LH_E_RATE_LIMITED tried again later;
   *  LH_E_AUTH_REQUIRED stops delivery to the connection; anything else fails that command alone.
   */
  lh_status (*execute)(lh_instance* instance, const char* commands_json, size_t commands_len);

  /** Returns the plugin extension with NUL-terminated `id` for this instance (a size-prefixed
   *  struct owned by the plugin, valid until `destroy`), or NULL. [instance-serial] */
  const void* (*get_extension)(lh_instance* instance, const char* id);
} lh_plugin_descriptor;

/* ---------------------------------------------------------------------------------------------
 * Extension "lh.webhook/1": inbound webhooks (plugins with LH_PLUGIN_FLAG_WEBHOOKS)
 * ------------------------------------------------------------------------------------------- */

/** The id of the webhook extension. */
#define LH_EXT_WEBHOOK "lh.webhook/1"

/** Returned by `get_extension(instance, LH_EXT_WEBHOOK)`. Plugin-owned; valid until `destroy`. */
typedef struct lh_webhook_ext {
  uint32_t struct_size; /**< sizeof(lh_webhook_ext) as compiled by the plugin */
  uint32_t abi_version; /**< LH_ABI_VERSION of the plugin */

  /**
   * Verifies the signature of one delivery against the raw body bytes, in constant time.
   * Returns LH_OK when authentic, LH_E_INVALID_ARGUMENT for a missing, malformed or wrong
   * signature or a timestamp outside the tolerance (detail through `set_error`). All borrowed;
   * does no I/O. [instance-serial]
   */
  lh_status (*verify)(lh_instance* instance, const lh_http_header* headers, size_t header_count,
                      const char* body, size_t body_len);

  /**
   * Turns a verified delivery into canonical events through `host->emit` (it may call `host->http`
   * to re-read the object). Calls `host->respond` once with `{"event_id": "<vendor event id>",
   * "event_type": "..."}` so the host can drop duplicate deliveries. An event type the plugin does
   * not handle is LH_OK with no events. All borrowed. [instance-serial]
   */
  lh_status (*handle)(lh_instance* instance, const lh_http_header* headers, size_t header_count,
                      const char* body, size_t body_len);
} lh_webhook_ext;

/* ---------------------------------------------------------------------------------------------
 * Extension "lh.oauth2/1": authorization-code consent (plugins with LH_PLUGIN_FLAG_OAUTH2)
 *
 * `ledgerhost connect CONNECTION` drives it. The host owns the user-facing part: it draws a random
 * 128-bit `state`, shows the URL, receives the redirect (loopback listener or pasted URL) and
 * refuses a redirect whose `state` differs. The plugin owns the vendor part: which URL, which
 * scopes, how the code becomes tokens. Tokens are kept with `state_put` (encrypted at rest by the
 * host) and refreshed by the plugin itself when it makes requests. Extensions are versioned by id;
 * adding this one did not change LH_ABI_VERSION (a plugin without it answers NULL).
 * ------------------------------------------------------------------------------------------- */

/** The id of the OAuth2 extension. */
#define LH_EXT_OAUTH2 "lh.oauth2/1"

/** Returned by `get_extension(instance, LH_EXT_OAUTH2)`. Plugin-owned; valid until `destroy`. */
typedef struct lh_oauth2_ext {
  uint32_t struct_size; /**< sizeof(lh_oauth2_ext) as compiled by the plugin */
  uint32_t abi_version; /**< LH_ABI_VERSION of the plugin */

  /**
   * Builds the vendor's authorization URL for `state` (opaque, URL-safe, to be echoed back by the
   * vendor) and `redirect_uri` (where the vendor sends the browser back). Calls `host->respond`
   * once with `{"url": "<authorization URL>"}`. All borrowed; does no I/O.
   * LH_E_INVALID_CONFIG when the config lacks what the URL needs (client id...). [instance-serial]
   */
  lh_status (*authorization_url)(lh_instance* instance, const char* state, size_t state_len,
                                 const char* redirect_uri, size_t redirect_uri_len);

  /**
   * Completes the consent: `callback_query` is the raw query string of the redirect (without '?',
   * percent-encoded as received; the host has already checked its `state`), `redirect_uri` the same
   * value given to `authorization_url`. The plugin exchanges the code through `host->http`, stores
   * the tokens with `host->state_put`, and calls `host->respond` once with `{"account": "<what was
   * connected, e.g. a QBO realm id>"}`. Returns LH_E_AUTH_REQUIRED when the vendor refused the code
   * or the redirect carries an `error`, with its description through `set_error`. All borrowed.
   * [instance-serial]
   */
  lh_status (*complete)(lh_instance* instance, const char* callback_query, size_t query_len,
                        const char* redirect_uri, size_t redirect_uri_len);
} lh_oauth2_ext;

/* ---------------------------------------------------------------------------------------------
 * The entry point
 * ------------------------------------------------------------------------------------------- */

/** The name of the one symbol a plugin exports. */
#define LH_PLUGIN_ENTRY_SYMBOL "lh_plugin_entry"

/**
 * The plugin's entry point. `host_abi` is the host's LH_ABI_VERSION. Returns the plugin's constant
 * descriptor, or NULL when the plugin cannot speak `host_abi`'s major. Does no I/O, allocates
 * nothing and calls nothing on the host, so listing plugins is cheap and free of side effects.
 * [any-thread]
 */
typedef const lh_plugin_descriptor* (*lh_plugin_entry_fn)(uint32_t host_abi);

/** Marks the entry point exported from a library built with hidden visibility. */
#if defined(_WIN32)
#define LH_EXPORT __declspec(dllexport)
#else
#define LH_EXPORT __attribute__((visibility("default")))
#endif

/** Declares the entry point; a plugin defines it once:
 *  `LH_PLUGIN_ENTRY_DECL { return host_abi >> 16 == LH_ABI_MAJOR ? &descriptor : NULL; }` */
#ifdef __cplusplus
#define LH_PLUGIN_ENTRY_DECL \
  extern "C" LH_EXPORT const lh_plugin_descriptor* lh_plugin_entry(uint32_t host_abi)
#else
#define LH_PLUGIN_ENTRY_DECL LH_EXPORT const lh_plugin_descriptor* lh_plugin_entry(uint32_t host_abi)
#endif

#ifdef __cplusplus
}
#endif

#endif /* LEDGERHOST_SDK_H */
