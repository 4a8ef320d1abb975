#include "plugins/plugin_instance.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/check.h"

namespace lh::plugins {
namespace {

constexpr size_t kWebhookExtV1Size =
    offsetof(lh_webhook_ext, handle) + sizeof(lh_webhook_ext::handle);
constexpr size_t kOAuth2ExtV1Size =
    offsetof(lh_oauth2_ext, complete) + sizeof(lh_oauth2_ext::complete);

// Runs one call into the plugin. A plugin built with plugin.hpp never lets an exception out; one
// written by hand might, and the host must survive it.
template <typename Fn>
lh_status guardedCall(Fn&& fn, std::string* escapedWhat) {
  try {
    return fn();
  } catch (const std::exception& e) {
    *escapedWhat = e.what();
  } catch (...) {
    *escapedWhat = "unknown exception";
  }
  return LH_E_INTERNAL;
}

bool isJsonOf(std::string_view text, nlohmann::json::value_t type) {
  try {
    return nlohmann::json::parse(text.begin(), text.end()).type() == type;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

std::vector<lh_http_header> rawHeaders(const std::vector<HttpHeader>& headers) {
  std::vector<lh_http_header> out;
  out.reserve(headers.size());
  for (const HttpHeader& h : headers) {
    out.push_back({h.name.data(), h.name.size(), h.value.data(), h.value.size()});
  }
  return out;
}

}  // namespace

PluginInstance::PluginInstance(std::shared_ptr<PluginLibrary> library,
                               std::unique_ptr<HostContext> context)
    : library_(std::move(library)), context_(std::move(context)) {}

PluginInstance::~PluginInstance() {
  if (instance_ == nullptr) {
    return;
  }
  context_->beginCall(HostContext::Call::Destroy);
  std::string what;
  guardedCall(
      [&] {
        library_->descriptor().destroy(instance_);
        return LH_OK;
      },
      &what);
  context_->endCall();
  if (!what.empty()) {
    spdlog::error("{}: destroy threw an exception: {}", library_->file().string(), what);
  }
  instance_ = nullptr;
}

Result<std::unique_ptr<PluginInstance>> PluginInstance::create(
    std::shared_ptr<PluginLibrary> library, std::unique_ptr<HostContext> context,
    std::string_view configJson) {
  LH_CHECK(library != nullptr);
  LH_CHECK(context != nullptr);
  const std::string file = library->file().string();
  if (!isJsonOf(configJson, nlohmann::json::value_t::object)) {
    return invalidConfig(file + ": create failed: the config is not a JSON object");
  }
  std::unique_ptr<PluginInstance> self(new PluginInstance(std::move(library), std::move(context)));
  const lh_plugin_descriptor& d = self->library_->descriptor();
  HostContext& host = *self->context_;

  lh_instance* created = nullptr;
  std::string what;
  host.beginCall(HostContext::Call::Create);
  const lh_status raw = guardedCall(
      [&] {
        return d.create(host.api(), host.ctx(), configJson.data(), configJson.size(), &created);
      },
      &what);
  HostContext::CallRecord record = host.endCall();
  if (!what.empty()) {
    // Whatever `created` holds now is not trustworthy; the plugin's state is unknown.
    return self->escaped("create", what.c_str());
  }
  if (raw != LH_OK) {
    // sdk.h: on failure *out is left NULL. A plugin that breaks this leaks; freeing a pointer of
    // unknown validity could crash.
    return self->callStatus("create", raw, record);
  }
  if (created == nullptr) {
    return internalError(file + ": create failed: internal: returned ok but no instance");
  }
  self->instance_ = created;

  if (self->library_->declaresWebhooks()) {
    LH_RETURN_IF_ERROR(self->copyExtension(LH_EXT_WEBHOOK, kWebhookExtV1Size, &self->webhook_));
    self->hasWebhook_ = self->webhook_.verify != nullptr && self->webhook_.handle != nullptr;
  }
  if (self->library_->declaresOAuth2()) {
    LH_RETURN_IF_ERROR(self->copyExtension(LH_EXT_OAUTH2, kOAuth2ExtV1Size, &self->oauth2_));
    self->hasOAuth2_ =
        self->oauth2_.authorization_url != nullptr && self->oauth2_.complete != nullptr;
  }
  return self;
}

template <typename Ext>
Status PluginInstance::copyExtension(const char* id, size_t v1Size, Ext* out) {
  const lh_plugin_descriptor& d = library_->descriptor();
  if (d.get_extension == nullptr) {
    return Status::ok();
  }
  const void* ext = nullptr;
  std::string what;
  guardedCall(
      [&] {
        ext = d.get_extension(instance_, id);
        return LH_OK;
      },
      &what);
  if (!what.empty()) {
    return escaped("get_extension", what.c_str());
  }
  const auto* found = static_cast<const Ext*>(ext);
  // Copy what the plugin's struct holds into our zeroed one: newer members read as NULL.
  if (found != nullptr && found->struct_size >= v1Size) {
    std::memcpy(out, found, std::min<size_t>(found->struct_size, sizeof(Ext)));
  }
  return Status::ok();
}

Status PluginInstance::callStatus(const char* call, lh_status raw,
                                  const HostContext::CallRecord& record) const {
  const Code code = codeFromInt(raw);
  std::string detail = record.errorSet && !record.errorMessage.empty()
                           ? record.errorMessage
                           : std::string("no detail given (the plugin did not call set_error)");
  if (code == Code::Internal && raw != LH_E_INTERNAL) {
    detail += " (unknown status code " + std::to_string(raw) + ")";
  }
  if (!record.serviceError.empty() && detail.find(record.serviceError) == std::string::npos) {
    detail += " (host: " + record.serviceError + ")";
  }
  return Status(code, library_->file().string() + ": " + call +
                          " failed: " + std::string(codeName(code)) + ": " + detail);
}

Status PluginInstance::escaped(const char* call, const char* what) const {
  return internalError(library_->file().string() + ": " + call + " failed: internal: " + what +
                       " (an exception escaped the plugin)");
}

Status PluginInstance::read(std::string_view stream, std::string_view cursorJson) {
  const std::string file = library_->file().string();
  const auto& streams = library_->streams();
  if (std::find(streams.begin(), streams.end(), stream) == streams.end()) {
    std::string known;
    for (const auto& s : streams) {
      known += known.empty() ? s : ", " + s;
    }
    return invalidArgument(file + ": read failed: unknown stream '" + std::string(stream) +
                           "' (streams: " + (known.empty() ? "none" : known) + ")");
  }
  std::string what;
  context_->beginCall(HostContext::Call::Read);
  const lh_status raw = guardedCall(
      [&] {
        return library_->descriptor().read(instance_, stream.data(), stream.size(),
                                           cursorJson.data(), cursorJson.size());
      },
      &what);
  HostContext::CallRecord record = context_->endCall();
  if (!what.empty()) {
    return escaped("read", what.c_str());
  }
  if (raw != LH_OK) {
    return callStatus("read", raw, record);
  }
  if (!record.cursor.has_value()) {
    return internalError(file + ": read failed: internal: returned ok without calling checkpoint");
  }
  EventBatch batch;
  batch.stream = std::string(stream);
  batch.events = std::move(record.events);
  batch.cursor = std::move(record.cursor);
  batch.hasMore = record.hasMore;
  Status committed = context_->services().events->commit(std::move(batch));
  if (!committed.isOk()) {
    return committed.withContext(file + ": read of '" + std::string(stream) + "': commit failed");
  }
  return Status::ok();
}

Status PluginInstance::execute(std::string_view commandsJson, std::vector<std::string>* responses) {
  LH_CHECK(responses != nullptr);
  responses->clear();
  if (!isJsonOf(commandsJson, nlohmann::json::value_t::array)) {
    return invalidArgument(library_->file().string() +
                           ": execute failed: the commands are not a JSON array");
  }
  std::string what;
  context_->beginCall(HostContext::Call::Execute);
  const lh_status raw = guardedCall(
      [&] {
        return library_->descriptor().execute(instance_, commandsJson.data(), commandsJson.size());
      },
      &what);
  HostContext::CallRecord record = context_->endCall();
  *responses = std::move(record.responses);
  if (!what.empty()) {
    return escaped("execute", what.c_str());
  }
  if (raw != LH_OK) {
    return callStatus("execute", raw, record);
  }
  return Status::ok();
}

Status PluginInstance::verifyWebhook(const std::vector<HttpHeader>& headers,
                                     std::string_view body) {
  return webhookCall(/*verify=*/true, headers, body, nullptr);
}

Status PluginInstance::handleWebhook(const std::vector<HttpHeader>& headers, std::string_view body,
                                     std::string* deliveryJson) {
  LH_CHECK(deliveryJson != nullptr);
  return webhookCall(/*verify=*/false, headers, body, deliveryJson);
}

Status PluginInstance::webhookCall(bool verify, const std::vector<HttpHeader>& headers,
                                   std::string_view body, std::string* deliveryJson) {
  const char* call = verify ? "webhook verify" : "webhook handle";
  const std::string file = library_->file().string();
  if (deliveryJson != nullptr) {
    deliveryJson->clear();
  }
  if (!hasWebhook_) {
    return notSupported(file + ": " + call + " failed: the plugin does not take webhooks (no " +
                        LH_EXT_WEBHOOK + " extension with LH_PLUGIN_FLAG_WEBHOOKS)");
  }
  const std::vector<lh_http_header> raw = rawHeaders(headers);
  std::string what;
  context_->beginCall(verify ? HostContext::Call::VerifyWebhook : HostContext::Call::HandleWebhook);
  const lh_status status = guardedCall(
      [&] {
        auto fn = verify ? webhook_.verify : webhook_.handle;
        return fn(instance_, raw.data(), raw.size(), body.data(), body.size());
      },
      &what);
  HostContext::CallRecord record = context_->endCall();
  if (!what.empty()) {
    return escaped(call, what.c_str());
  }
  if (status != LH_OK) {
    return callStatus(call, status, record);
  }
  if (verify) {
    return Status::ok();
  }
  if (!record.responses.empty()) {
    *deliveryJson = record.responses.back();
  }
  EventBatch batch;
  batch.events = std::move(record.events);
  Status committed = context_->services().events->commit(std::move(batch));
  if (!committed.isOk()) {
    return committed.withContext(file + ": webhook handle: commit failed");
  }
  return Status::ok();
}

Result<std::string> PluginInstance::authorizationUrl(std::string_view state,
                                                     std::string_view redirectUri) {
  std::string url;
  LH_RETURN_IF_ERROR(oauthCall(/*complete=*/false, state, redirectUri, "url", &url));
  if (url.empty()) {
    return internalError(library_->file().string() +
                         ": oauth2 authorization_url failed: internal: the plugin responded no "
                         "\"url\"");
  }
  return url;
}

Result<std::string> PluginInstance::completeAuthorization(std::string_view callbackQuery,
                                                          std::string_view redirectUri) {
  std::string account;
  LH_RETURN_IF_ERROR(oauthCall(/*complete=*/true, callbackQuery, redirectUri, "account", &account));
  return account;
}

Status PluginInstance::oauthCall(bool complete, std::string_view first,
                                 std::string_view redirectUri, const char* field,
                                 std::string* out) {
  const char* call = complete ? "oauth2 complete" : "oauth2 authorization_url";
  const std::string file = library_->file().string();
  out->clear();
  if (!hasOAuth2_) {
    return notSupported(file + ": " + call + " failed: the plugin has no OAuth2 consent (no " +
                        LH_EXT_OAUTH2 + " extension with LH_PLUGIN_FLAG_OAUTH2)");
  }
  std::string what;
  context_->beginCall(complete ? HostContext::Call::OAuthComplete : HostContext::Call::OAuthUrl);
  const lh_status status = guardedCall(
      [&] {
        auto fn = complete ? oauth2_.complete : oauth2_.authorization_url;
        return fn(instance_, first.data(), first.size(), redirectUri.data(), redirectUri.size());
      },
      &what);
  HostContext::CallRecord record = context_->endCall();
  if (!what.empty()) {
    return escaped(call, what.c_str());
  }
  if (status != LH_OK) {
    return callStatus(call, status, record);
  }
  if (!record.responses.empty()) {
    // respond() already checked it is a JSON object.
    const nlohmann::json response = nlohmann::json::parse(record.responses.back(), nullptr, false);
    if (auto it = response.find(field); it != response.end() && it->is_string()) {
      *out = it->get<std::string>();
    }
  }
  return Status::ok();
}

}  // namespace lh::plugins
