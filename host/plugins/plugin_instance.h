// PluginInstance: one live instance of a plugin (an `lh_instance*`), owned RAII-style.
//
// It keeps its PluginLibrary loaded (shared_ptr) and owns its HostContext, and destroys the plugin
// instance before either goes away. Every call into the plugin is guarded: a status code from the
// plugin becomes an lh::Status with the same code (unknown codes read as Internal) and the detail
// the plugin gave through set_error; an exception that escapes a plugin not built with plugin.hpp
// becomes Internal instead of a crash. Every error message starts with the plugin's file, e.g.
//   "/p/stripe.so: read failed: rate_limited: Stripe returned 429".
//
// Events a call emits and the cursor it checkpoints reach the EventSink (EventSink::commit) only
// when the call succeeds; a failed call's are discarded.
//
// Thread safety: [instance-serial]: one call at a time, from any thread. Different instances,
// even of the same library, may be used concurrently.
#pragma once

#include <ledgerhost/sdk.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "plugins/host_context.h"
#include "plugins/host_services.h"
#include "plugins/plugin_library.h"

namespace lh::plugins {

class PluginInstance {
 public:
  // Creates an instance of `library` with `configJson` (must be a JSON object; secrets already
  // substituted), serving it through `context`. Errors: InvalidConfig for a config that is not a
  // JSON object; otherwise the plugin's own code, e.g.
  //   "<file>: create failed: invalid_config: api_key is required".
  static Result<std::unique_ptr<PluginInstance>> create(std::shared_ptr<PluginLibrary> library,
                                                        std::unique_ptr<HostContext> context,
                                                        std::string_view configJson);

  // Destroys the plugin instance (then the context, then releases the library).
  ~PluginInstance();
  PluginInstance(const PluginInstance&) = delete;
  PluginInstance& operator=(const PluginInstance&) = delete;

  const PluginLibrary& library() const { return *library_; }
  HostContext& context() { return *context_; }

  // Reads one page of `stream` (one of library().streams()) from `cursorJson` (empty: from the
  // start). On success the page's events and the plugin's checkpoint are committed to the
  // EventSink as one EventBatch; a successful read that never called checkpoint is an Internal
  // error. On failure nothing is committed.
  Status read(std::string_view stream, std::string_view cursorJson);

  // Runs delivery commands (`commandsJson`, a JSON array). `responses` (required) receives every
  // result the plugin reported with respond, in order, also when the call fails part-way.
  Status execute(std::string_view commandsJson, std::vector<std::string>* responses);

  // True when the plugin declares LH_PLUGIN_FLAG_WEBHOOKS and provides the lh.webhook/1
  // extension.
  bool supportsWebhooks() const { return hasWebhook_; }

  // Verifies one webhook delivery. NotSupported when !supportsWebhooks().
  Status verifyWebhook(const std::vector<HttpHeader>& headers, std::string_view body);

  // Turns a verified delivery into events (committed as one EventBatch with an empty stream on
  // success). `deliveryJson` (required) receives the plugin's respond() object, or stays empty.
  Status handleWebhook(const std::vector<HttpHeader>& headers, std::string_view body,
                       std::string* deliveryJson);

  // True when the plugin declares LH_PLUGIN_FLAG_OAUTH2 and provides the lh.oauth2/1 extension
  // (both functions non-NULL).
  bool supportsOAuth2() const { return hasOAuth2_; }

  // lh.oauth2/1 authorization_url: the vendor's consent URL for `state` and `redirectUri`, from the
  // plugin's respond() {"url": "..."}. NotSupported when !supportsOAuth2(); the plugin's error
  // (e.g. InvalidConfig: no client id); Internal when it responded no non-empty "url" string.
  Result<std::string> authorizationUrl(std::string_view state, std::string_view redirectUri);

  // lh.oauth2/1 complete: hands the redirect's raw query (its state already checked by the
  // caller) to the plugin, which exchanges the code and stores the tokens through state_put.
  // Returns the "account" of its respond() {"account": "..."} (empty when it gave none).
  // NotSupported when !supportsOAuth2(); otherwise the plugin's error, e.g. AuthRequired when the
  // vendor refused the code.
  Result<std::string> completeAuthorization(std::string_view callbackQuery,
                                            std::string_view redirectUri);

 private:
  PluginInstance(std::shared_ptr<PluginLibrary> library, std::unique_ptr<HostContext> context);

  // Turns a finished call's raw status and record into a Status naming the file and the call.
  Status callStatus(const char* call, lh_status raw, const HostContext::CallRecord& record) const;
  Status escaped(const char* call, const char* what) const;
  // Copies the extension `id` (an Ext of at least `v1Size` bytes) into `*out`, left zeroed when
  // the plugin does not offer it.
  template <typename Ext>
  Status copyExtension(const char* id, size_t v1Size, Ext* out);
  Status webhookCall(bool verify, const std::vector<HttpHeader>& headers, std::string_view body,
                     std::string* deliveryJson);
  // Runs one lh.oauth2/1 function; `field` of its last respond() object goes to `*out`.
  Status oauthCall(bool complete, std::string_view first, std::string_view redirectUri,
                   const char* field, std::string* out);

  // Declared first so it is released last: the library outlives everything taken from it.
  std::shared_ptr<PluginLibrary> library_;
  std::unique_ptr<HostContext> context_;
  lh_instance* instance_ = nullptr;
  bool hasWebhook_ = false;
  lh_webhook_ext webhook_{};
  bool hasOAuth2_ = false;
  lh_oauth2_ext oauth2_{};
};

}  // namespace lh::plugins
