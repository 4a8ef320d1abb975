// HostContext: the host side of one plugin instance's `lh_ctx` and `lh_host_api`.
//
// Each instance gets its own HostContext. It owns the `lh_host_api` table handed to `create`,
// whose C callbacks validate their arguments, copy what the plugin lends, and forward to the
// injected HostServices (events, state, clock, HTTP), to spdlog (log), to OpenSSL (random bytes),
// and to per-call buffers (set_error, emit/checkpoint, respond). PluginInstance brackets every
// entry point with beginCall()/endCall() so that what a call produced is kept or discarded as a
// whole.
//
// Ownership: the HostContext must outlive the instance it serves (PluginInstance owns it and
// destroys the instance first). The services are borrowed (see HostServices).
//
// Thread safety: [instance-serial] like the instance: one call at a time, from any thread. The
// `now_ms` and `get_extension` callbacks may be called from any thread.
#pragma once

#include <ledgerhost/sdk.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "plugins/host_services.h"

namespace lh::plugins {

class HostContext {
 public:
  // The plugin entry point being called; decides which services are allowed (e.g. `emit` only
  // during Read or HandleWebhook, `respond` only during Execute or HandleWebhook, no HTTP during
  // Create, as sdk.h says).
  // OAuthUrl / OAuthComplete are the lh.oauth2/1 calls: `respond` in both, `http` in the second.
  enum class Call {
    None,
    Create,
    Read,
    Execute,
    VerifyWebhook,
    HandleWebhook,
    Destroy,
    OAuthUrl,
    OAuthComplete
  };

  // What the plugin handed back during one call.
  struct CallRecord {
    std::vector<std::string> events;     // emitted events that passed validation, in order
    std::optional<std::string> cursor;   // from checkpoint
    bool hasMore = false;                // from checkpoint
    std::vector<std::string> responses;  // from respond, in order
    bool errorSet = false;               // set_error was called (or a host service failed)
    lh_status errorCode = LH_OK;         // the last error's code
    std::string errorMessage;            // the last error's message (copied, capped)
    // The last error a host service (state_put, http, ...) reported during the call. Kept apart
    // because a plugin's own set_error usually replaces it with less detail ("host service
    // state_put failed"); PluginInstance appends it to the call's error.
    std::string serviceError;
  };

  // Longest error message kept from set_error; longer ones are truncated (a plugin must not be able
  // to fill the host's memory or logs through its error detail).
  static constexpr size_t kMaxErrorMessageBytes = 4096;

  // `services` must all be non-null (checked). `label` names the instance in log lines, e.g. the
  // connection name.
  HostContext(HostServices services, std::string label);
  HostContext(const HostContext&) = delete;
  HostContext& operator=(const HostContext&) = delete;

  // The table to hand to `create`; valid for the life of this object.
  const lh_host_api* api() const { return &api_; }
  // The opaque context to hand to `create`; it is this object.
  lh_ctx* ctx() { return reinterpret_cast<lh_ctx*>(this); }

  const std::string& label() const { return label_; }
  const HostServices& services() const { return services_; }

  // Starts a call: clears the previous call's record and lent buffers.
  void beginCall(Call call);
  // Ends the current call and returns what it produced. Buffers lent to the plugin (HTTP response,
  // state value) become invalid.
  CallRecord endCall();

 private:
  static HostContext* self(lh_ctx* ctx) { return reinterpret_cast<HostContext*>(ctx); }

  // Records a host-side error detail; a later set_error from the plugin overrides it.
  void recordError(lh_status code, std::string message);
  // True when the current call is one of `calls`; otherwise records why `service` is refused.
  bool allowed(std::initializer_list<Call> calls, const char* service);

  static lh_status httpCb(lh_ctx* ctx, const lh_http_request* request,
                          lh_http_response* response) noexcept;
  static lh_status emitCb(lh_ctx* ctx, const char* json, size_t len) noexcept;
  static lh_status checkpointCb(lh_ctx* ctx, const char* json, size_t len,
                                int32_t hasMore) noexcept;
  static lh_status stateGetCb(lh_ctx* ctx, const char* key, size_t keyLen, const char** value,
                              size_t* valueLen) noexcept;
  static lh_status statePutCb(lh_ctx* ctx, const char* key, size_t keyLen, const char* value,
                              size_t valueLen) noexcept;
  static void logCb(lh_ctx* ctx, int32_t level, const char* message, size_t len) noexcept;
  static int64_t nowMsCb(lh_ctx* ctx) noexcept;
  static void setErrorCb(lh_ctx* ctx, lh_status code, const char* message, size_t len) noexcept;
  static lh_status respondCb(lh_ctx* ctx, const char* json, size_t len) noexcept;
  static lh_status randomBytesCb(lh_ctx* ctx, uint8_t* buffer, size_t length) noexcept;
  static const void* getExtensionCb(lh_ctx* ctx, const char* id) noexcept;

  lh_host_api api_{};
  HostServices services_;
  std::string label_;

  Call call_ = Call::None;
  CallRecord record_;
  bool checkpointed_ = false;

  // Lent to the plugin until the next call of the same service or the end of the call.
  HttpResponse lastResponse_;
  std::vector<lh_http_header> lastResponseHeaders_;
  std::string lastStateValue_;
};

// Lower-case name of a call, e.g. "read" (for messages).
const char* callName(HostContext::Call call);

}  // namespace lh::plugins
