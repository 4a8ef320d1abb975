#include "plugins/host_context.h"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <exception>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/check.h"

namespace lh::plugins {
namespace {

// Size of the 1.0 layout of a struct: the end of its last 1.0 member. A sender's struct must be at
// least this large; anything it has beyond our sizeof is ignored.
constexpr size_t kHttpRequestV1Size =
    offsetof(lh_http_request, flags) + sizeof(lh_http_request::flags);
constexpr size_t kHttpResponseV1Size =
    offsetof(lh_http_response, body_len) + sizeof(lh_http_response::body_len);

// A pointer+length from the plugin is usable when the pointer is non-null or the length is 0.
bool validSpan(const void* data, size_t len) { return data != nullptr || len == 0; }

std::string_view view(const char* data, size_t len) {
  return data == nullptr ? std::string_view() : std::string_view(data, len);
}

// Why `text` is not JSON of the wanted shape, or empty when it is. Never echoes the text: it may
// carry personal data.
std::string jsonProblem(std::string_view text, bool mustBeObject) {
  nlohmann::json parsed;
  try {
    parsed = nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    return "not valid JSON (error at byte " + std::to_string(e.byte) + ")";
  } catch (const nlohmann::json::exception&) {
    return "not valid JSON";
  }
  if (mustBeObject && !parsed.is_object()) {
    return std::string("a JSON ") + parsed.type_name() + ", not an object";
  }
  return {};
}

spdlog::level::level_enum spdlogLevel(int32_t level) {
  switch (level) {
    case LH_LOG_TRACE: return spdlog::level::trace;
    case LH_LOG_DEBUG: return spdlog::level::debug;
    case LH_LOG_INFO: return spdlog::level::info;
    case LH_LOG_WARN: return spdlog::level::warn;
    case LH_LOG_ERROR: return spdlog::level::err;
    default: return spdlog::level::info;  // a newer plugin's level we do not know
  }
}

lh_status toRaw(Code code) { return static_cast<lh_status>(code); }

}  // namespace

const char* callName(HostContext::Call call) {
  switch (call) {
    case HostContext::Call::None: return "none";
    case HostContext::Call::Create: return "create";
    case HostContext::Call::Read: return "read";
    case HostContext::Call::Execute: return "execute";
    case HostContext::Call::VerifyWebhook: return "webhook verify";
    case HostContext::Call::HandleWebhook: return "webhook handle";
    case HostContext::Call::Destroy: return "destroy";
    case HostContext::Call::OAuthUrl: return "oauth2 authorization_url";
    case HostContext::Call::OAuthComplete: return "oauth2 complete";
  }
  return "unknown";
}

HostContext::HostContext(HostServices services, std::string label)
    : services_(services), label_(std::move(label)) {
  LH_CHECK(services_.events != nullptr);
  LH_CHECK(services_.state != nullptr);
  LH_CHECK(services_.clock != nullptr);
  LH_CHECK(services_.http != nullptr);
  api_.struct_size = sizeof(lh_host_api);
  api_.abi_version = LH_ABI_VERSION;
  api_.http = &HostContext::httpCb;
  api_.emit = &HostContext::emitCb;
  api_.checkpoint = &HostContext::checkpointCb;
  api_.state_get = &HostContext::stateGetCb;
  api_.state_put = &HostContext::statePutCb;
  api_.log = &HostContext::logCb;
  api_.now_ms = &HostContext::nowMsCb;
  api_.set_error = &HostContext::setErrorCb;
  api_.respond = &HostContext::respondCb;
  api_.random_bytes = &HostContext::randomBytesCb;
  api_.get_extension = &HostContext::getExtensionCb;
}

void HostContext::beginCall(Call call) {
  call_ = call;
  record_ = CallRecord();
  checkpointed_ = false;
  lastResponse_ = HttpResponse();
  lastResponseHeaders_.clear();
  lastStateValue_.clear();
}

HostContext::CallRecord HostContext::endCall() {
  CallRecord out = std::move(record_);
  beginCall(Call::None);
  return out;
}

void HostContext::recordError(lh_status code, std::string message) {
  if (message.size() > kMaxErrorMessageBytes) {
    message.resize(kMaxErrorMessageBytes);
    message += "...";
  }
  record_.errorSet = true;
  record_.errorCode = code;
  record_.serviceError = message;
  record_.errorMessage = std::move(message);
}

bool HostContext::allowed(std::initializer_list<Call> calls, const char* service) {
  if (std::find(calls.begin(), calls.end(), call_) != calls.end()) {
    return true;
  }
  recordError(LH_E_INVALID_ARGUMENT,
              std::string("host service ") + service + " is not allowed during " + callName(call_));
  return false;
}

lh_status HostContext::httpCb(lh_ctx* ctx, const lh_http_request* request,
                              lh_http_response* response) noexcept {
  if (ctx == nullptr) {
    return LH_E_INVALID_ARGUMENT;
  }
  HostContext* host = self(ctx);
  try {
    if (!host->allowed({Call::Read, Call::Execute, Call::HandleWebhook, Call::OAuthComplete},
                       "http")) {
      return LH_E_INVALID_ARGUMENT;
    }
    if (request == nullptr || response == nullptr) {
      host->recordError(LH_E_INVALID_ARGUMENT, "http: request and response must not be NULL");
      return LH_E_INVALID_ARGUMENT;
    }
    if (request->struct_size < kHttpRequestV1Size || response->struct_size < kHttpResponseV1Size) {
      host->recordError(LH_E_INVALID_ARGUMENT,
                        "http: request or response struct_size is smaller than the ABI 1.0 size");
      return LH_E_INVALID_ARGUMENT;
    }
    lh_http_request req{};
    std::memcpy(&req, request, std::min<size_t>(request->struct_size, sizeof(req)));
    if (req.method == nullptr || req.method_len == 0 || req.url == nullptr || req.url_len == 0 ||
        !validSpan(req.headers, req.header_count) || !validSpan(req.body, req.body_len)) {
      host->recordError(LH_E_INVALID_ARGUMENT,
                        "http: method and url are required; headers/body may be NULL only with "
                        "a zero count/length");
      return LH_E_INVALID_ARGUMENT;
    }
    HttpRequest out;
    out.method.assign(req.method, req.method_len);
    out.url.assign(req.url, req.url_len);
    out.body.assign(view(req.body, req.body_len));
    out.timeoutMs = req.timeout_ms;
    out.flags = req.flags;
    out.headers.reserve(req.header_count);
    for (size_t i = 0; i < req.header_count; ++i) {
      const lh_http_header& h = req.headers[i];
      if (!validSpan(h.name, h.name_len) || !validSpan(h.value, h.value_len) || h.name_len == 0) {
        host->recordError(LH_E_INVALID_ARGUMENT,
                          "http: header " + std::to_string(i) + " has a NULL or empty name/value");
        return LH_E_INVALID_ARGUMENT;
      }
      out.headers.push_back(
          {std::string(h.name, h.name_len), std::string(view(h.value, h.value_len))});
    }

    Result<HttpResponse> result = host->services_.http->send(out);
    if (!result.isOk()) {
      const Status status = result.status();
      host->recordError(toRaw(status.code()), "http: " + status.message());
      return toRaw(status.code());
    }
    host->lastResponse_ = std::move(result).value();
    host->lastResponseHeaders_.clear();
    host->lastResponseHeaders_.reserve(host->lastResponse_.headers.size());
    for (const HttpHeader& h : host->lastResponse_.headers) {
      host->lastResponseHeaders_.push_back(
          {h.name.data(), h.name.size(), h.value.data(), h.value.size()});
    }
    // Write only as much of the struct as the plugin's own sizeof holds.
    lh_http_response filled{};
    filled.struct_size =
        static_cast<uint32_t>(std::min<size_t>(response->struct_size, sizeof(lh_http_response)));
    filled.abi_version = LH_ABI_VERSION;
    filled.status = host->lastResponse_.status;
    filled.headers = host->lastResponseHeaders_.data();
    filled.header_count = host->lastResponseHeaders_.size();
    filled.body = host->lastResponse_.body.c_str();  // never NULL, as promised
    filled.body_len = host->lastResponse_.body.size();
    std::memcpy(response, &filled, filled.struct_size);
    return LH_OK;
  } catch (...) {
    return LH_E_INTERNAL;
  }
}

lh_status HostContext::emitCb(lh_ctx* ctx, const char* json, size_t len) noexcept {
  if (ctx == nullptr) {
    return LH_E_INVALID_ARGUMENT;
  }
  HostContext* host = self(ctx);
  try {
    if (!host->allowed({Call::Read, Call::HandleWebhook}, "emit")) {
      return LH_E_INVALID_ARGUMENT;
    }
    if (json == nullptr || len == 0) {
      host->recordError(LH_E_INVALID_ARGUMENT, "emit: the event is empty");
      return LH_E_INVALID_ARGUMENT;
    }
    std::string_view text(json, len);
    std::string problem = jsonProblem(text, /*mustBeObject=*/true);
    if (!problem.empty()) {
      host->recordError(LH_E_INVALID_ARGUMENT, "emit: the event is " + problem);
      return LH_E_INVALID_ARGUMENT;
    }
    Status valid = host->services_.events->validate(text);
    if (!valid.isOk()) {
      host->recordError(toRaw(valid.code()), "emit: " + valid.message());
      return toRaw(valid.code());
    }
    host->record_.events.emplace_back(text);
    return LH_OK;
  } catch (...) {
    return LH_E_INTERNAL;
  }
}

lh_status HostContext::checkpointCb(lh_ctx* ctx, const char* json, size_t len,
                                    int32_t hasMore) noexcept {
  if (ctx == nullptr) {
    return LH_E_INVALID_ARGUMENT;
  }
  HostContext* host = self(ctx);
  try {
    if (!host->allowed({Call::Read}, "checkpoint")) {
      return LH_E_INVALID_ARGUMENT;
    }
    if (host->checkpointed_) {
      host->recordError(LH_E_INVALID_ARGUMENT, "checkpoint: called more than once in one read");
      return LH_E_INVALID_ARGUMENT;
    }
    if (!validSpan(json, len)) {
      host->recordError(LH_E_INVALID_ARGUMENT, "checkpoint: cursor is NULL with a non-zero length");
      return LH_E_INVALID_ARGUMENT;
    }
    std::string_view text = view(json, len);
    std::string problem = jsonProblem(text, /*mustBeObject=*/false);
    if (!problem.empty()) {
      host->recordError(LH_E_INVALID_ARGUMENT, "checkpoint: the cursor is " + problem);
      return LH_E_INVALID_ARGUMENT;
    }
    host->checkpointed_ = true;
    host->record_.cursor = std::string(text);
    host->record_.hasMore = hasMore != 0;
    return LH_OK;
  } catch (...) {
    return LH_E_INTERNAL;
  }
}

lh_status HostContext::stateGetCb(lh_ctx* ctx, const char* key, size_t keyLen, const char** value,
                                  size_t* valueLen) noexcept {
  if (ctx == nullptr) {
    return LH_E_INVALID_ARGUMENT;
  }
  HostContext* host = self(ctx);
  try {
    if (key == nullptr || keyLen == 0 || value == nullptr || valueLen == nullptr) {
      host->recordError(LH_E_INVALID_ARGUMENT,
                        "state_get: key must be non-empty and value/value_len non-NULL");
      return LH_E_INVALID_ARGUMENT;
    }
    *value = nullptr;
    *valueLen = 0;
    Result<std::optional<std::string>> got =
        host->services_.state->get(std::string_view(key, keyLen));
    if (!got.isOk()) {
      const Status status = got.status();
      host->recordError(toRaw(status.code()), "state_get: " + status.message());
      return toRaw(status.code());
    }
    if (got.value().has_value()) {
      host->lastStateValue_ = std::move(*got.value());
      *value = host->lastStateValue_.data();
      *valueLen = host->lastStateValue_.size();
    }
    return LH_OK;
  } catch (...) {
    return LH_E_INTERNAL;
  }
}

lh_status HostContext::statePutCb(lh_ctx* ctx, const char* key, size_t keyLen, const char* value,
                                  size_t valueLen) noexcept {
  if (ctx == nullptr) {
    return LH_E_INVALID_ARGUMENT;
  }
  HostContext* host = self(ctx);
  try {
    if (key == nullptr || keyLen == 0) {
      host->recordError(LH_E_INVALID_ARGUMENT, "state_put: key must be non-empty");
      return LH_E_INVALID_ARGUMENT;
    }
    std::optional<std::string_view> v;
    if (value != nullptr) {
      v = std::string_view(value, valueLen);
    }
    Status status = host->services_.state->put(std::string_view(key, keyLen), v);
    if (!status.isOk()) {
      host->recordError(toRaw(status.code()), "state_put: " + status.message());
      return toRaw(status.code());
    }
    return LH_OK;
  } catch (...) {
    return LH_E_INTERNAL;
  }
}

void HostContext::logCb(lh_ctx* ctx, int32_t level, const char* message, size_t len) noexcept {
  if (ctx == nullptr || !validSpan(message, len)) {
    return;
  }
  try {
    // The default logger carries the process-wide redaction sink (core/logging.h), so a secret a
    // plugin logs is masked before it is written.
    spdlog::default_logger_raw()->log(spdlogLevel(level), "[{}] {}", self(ctx)->label_,
                                      view(message, len));
  } catch (...) {
    // Logging must never fail a plugin call.
  }
}

int64_t HostContext::nowMsCb(lh_ctx* ctx) noexcept {
  if (ctx == nullptr) {
    return 0;
  }
  try {
    return self(ctx)->services_.clock->nowMs();
  } catch (...) {
    return 0;
  }
}

void HostContext::setErrorCb(lh_ctx* ctx, lh_status code, const char* message,
                             size_t len) noexcept {
  if (ctx == nullptr) {
    return;
  }
  try {
    std::string text = validSpan(message, len) ? std::string(view(message, len))
                                               : std::string("(set_error: NULL message)");
    HostContext* host = self(ctx);
    // The plugin's own detail: it replaces the message, not the service error kept beside it.
    const std::string serviceError = std::move(host->record_.serviceError);
    host->recordError(code, std::move(text));
    host->record_.serviceError = serviceError;
  } catch (...) {
    // Out of memory while copying the message: the status code still reaches the host.
  }
}

lh_status HostContext::respondCb(lh_ctx* ctx, const char* json, size_t len) noexcept {
  if (ctx == nullptr) {
    return LH_E_INVALID_ARGUMENT;
  }
  HostContext* host = self(ctx);
  try {
    if (!host->allowed(
            {Call::Execute, Call::HandleWebhook, Call::OAuthUrl, Call::OAuthComplete}, "respond")) {
      return LH_E_INVALID_ARGUMENT;
    }
    if (json == nullptr || len == 0) {
      host->recordError(LH_E_INVALID_ARGUMENT, "respond: the result is empty");
      return LH_E_INVALID_ARGUMENT;
    }
    std::string_view text(json, len);
    std::string problem = jsonProblem(text, /*mustBeObject=*/true);
    if (!problem.empty()) {
      host->recordError(LH_E_INVALID_ARGUMENT, "respond: the result is " + problem);
      return LH_E_INVALID_ARGUMENT;
    }
    host->record_.responses.emplace_back(text);
    return LH_OK;
  } catch (...) {
    return LH_E_INTERNAL;
  }
}

lh_status HostContext::randomBytesCb(lh_ctx* ctx, uint8_t* buffer, size_t length) noexcept {
  if (ctx == nullptr) {
    return LH_E_INVALID_ARGUMENT;
  }
  HostContext* host = self(ctx);
  try {
    if (buffer == nullptr && length > 0) {
      host->recordError(LH_E_INVALID_ARGUMENT, "random_bytes: buffer is NULL");
      return LH_E_INVALID_ARGUMENT;
    }
    // RAND_bytes takes an int; fill larger buffers in chunks.
    size_t done = 0;
    while (done < length) {
      const size_t chunk = std::min<size_t>(length - done, INT_MAX);
      if (RAND_bytes(buffer + done, static_cast<int>(chunk)) != 1) {
        host->recordError(LH_E_INTERNAL, "random_bytes: the OpenSSL random generator failed");
        return LH_E_INTERNAL;
      }
      done += chunk;
    }
    return LH_OK;
  } catch (...) {
    return LH_E_INTERNAL;
  }
}

const void* HostContext::getExtensionCb(lh_ctx* ctx, const char* id) noexcept {
  (void)ctx;
  (void)id;
  // The host offers no extensions in ABI 1.0.
  return nullptr;
}

}  // namespace lh::plugins
