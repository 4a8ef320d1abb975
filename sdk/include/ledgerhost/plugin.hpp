// ledgerhost plugin SDK — header-only C++17 layer over sdk.h.
//
// A connector is one class plus one export macro:
//
//   class MyConnector : public ledgerhost::Connector {
//    public:
//     MyConnector(ledgerhost::Host host, std::string_view config_json);
//     void read(std::string_view stream, std::string_view cursor_json) override;
//   };
//   LH_CONNECTOR(MyConnector, ledgerhost::PluginInfo{ .name = "my", ... })
//
// Everything in this header is compiled by the plugin author's compiler and stays inside the
// plugin. The trampolines it generates are the only functions the host calls; each one is
// `noexcept` and turns every exception into a status code: `ledgerhost::Error` keeps its code
// and message, `std::exception` and anything else become LH_E_INTERNAL. No exception crosses the
// boundary.
#pragma once

#include <ledgerhost/sdk.h>

#include <cstdint>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ledgerhost {

// An error with one of the LH_E_* codes. Throw it from a Connector method; the trampoline returns
// `code()` to the host and passes `what()` through `set_error`.
class Error : public std::exception {
 public:
  Error(lh_status code, std::string message) : code_(code), message_(std::move(message)) {}
  lh_status code() const noexcept { return code_; }
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  lh_status code_;
  std::string message_;
};

// One HTTP header as owned strings (for building requests).
struct Header {
  std::string name;
  std::string value;
};

// A response copied out of the host's buffers, so it may outlive the next `http` call.
struct Response {
  int32_t status = 0;
  std::vector<Header> headers;
  std::string body;

  // The first header named `name` (case-insensitive), or nullptr.
  const std::string* header(std::string_view name) const {
    for (const auto& h : headers) {
      if (h.name.size() == name.size()) {
        bool same = true;
        for (size_t i = 0; i < name.size() && same; ++i) {
          same = lower(h.name[i]) == lower(name[i]);
        }
        if (same) {
          return &h.value;
        }
      }
    }
    return nullptr;
  }

 private:
  static char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
};

// The host's services, as handed to the instance. Cheap to copy; valid for the instance's life.
// Every method is [instance-serial] like the entry point that calls it. Methods that can fail throw
// `Error` carrying the host's status, so connector code reads straight through.
class Host {
 public:
  Host(const lh_host_api* api, lh_ctx* ctx) : api_(api), ctx_(ctx) {}

  // Sends a request through the host (rate limits, retries, breaker are the host's). Returns the
  // final response whatever its status; throws Error when no response could be had.
  Response http(std::string_view method, std::string_view url, const std::vector<Header>& headers,
                std::string_view body = {}, uint32_t flags = 0, uint32_t timeout_ms = 0) const {
    std::vector<lh_http_header> raw;
    raw.reserve(headers.size());
    for (const auto& h : headers) {
      raw.push_back({h.name.data(), h.name.size(), h.value.data(), h.value.size()});
    }
    lh_http_request request{};
    request.struct_size = sizeof(request);
    request.abi_version = LH_ABI_VERSION;
    request.method = method.data();
    request.method_len = method.size();
    request.url = url.data();
    request.url_len = url.size();
    request.headers = raw.data();
    request.header_count = raw.size();
    request.body = body.data();
    request.body_len = body.size();
    request.timeout_ms = timeout_ms;
    request.flags = flags;
    lh_http_response response{};
    response.struct_size = sizeof(response);
    response.abi_version = LH_ABI_VERSION;
    check(api_->http(ctx_, &request, &response), "http");
    Response out;
    out.status = response.status;
    out.body.assign(response.body != nullptr ? response.body : "", response.body_len);
    for (size_t i = 0; i < response.header_count; ++i) {
      const auto& h = response.headers[i];
      out.headers.push_back({std::string(h.name, h.name_len), std::string(h.value, h.value_len)});
    }
    return out;
  }

  // Emits one canonical event. Returns the host's status (LH_E_INVALID_ARGUMENT when the event
  // does not validate) rather than throwing, so a connector can report it and go on.
  lh_status emit(std::string_view event_json) const {
    return api_->emit(ctx_, event_json.data(), event_json.size());
  }

  // Records the cursor to resume from and whether more pages follow.
  void checkpoint(std::string_view cursor_json, bool has_more) const {
    check(api_->checkpoint(ctx_, cursor_json.data(), cursor_json.size(), has_more ? 1 : 0),
          "checkpoint");
  }

  // The stored value for `key`, or an empty optional-like pair {false, ""} when absent.
  std::pair<bool, std::string> stateGet(std::string_view key) const {
    const char* value = nullptr;
    size_t len = 0;
    check(api_->state_get(ctx_, key.data(), key.size(), &value, &len), "state_get");
    if (value == nullptr) {
      return {false, std::string()};
    }
    return {true, std::string(value, len)};
  }

  // Stores `value` under `key` durably.
  void statePut(std::string_view key, std::string_view value) const {
    check(api_->state_put(ctx_, key.data(), key.size(), value.data(), value.size()), "state_put");
  }

  // Deletes `key`.
  void stateErase(std::string_view key) const {
    check(api_->state_put(ctx_, key.data(), key.size(), nullptr, 0), "state_put");
  }

  // Logs one line (the host redacts secrets and personal data).
  void log(int32_t level, std::string_view message) const {
    api_->log(ctx_, level, message.data(), message.size());
  }

  // Milliseconds since the Unix epoch, by the host's clock.
  int64_t nowMs() const { return api_->now_ms(ctx_); }

  // Reports one command result during execute().
  void respond(std::string_view result_json) const {
    check(api_->respond(ctx_, result_json.data(), result_json.size()), "respond");
  }

  // `n` random bytes from the host.
  std::string randomBytes(size_t n) const {
    std::string out(n, '\0');
    check(api_->random_bytes(ctx_, reinterpret_cast<uint8_t*>(out.data()), n), "random_bytes");
    return out;
  }

  const lh_host_api* api() const { return api_; }
  lh_ctx* ctx() const { return ctx_; }

 private:
  static void check(lh_status status, const char* what) {
    if (status != LH_OK) {
      throw Error(status, std::string("host service ") + what + " failed");
    }
  }

  const lh_host_api* api_;
  lh_ctx* ctx_;
};

// Base class of a C++ connector. Override what the plugin supports; the defaults answer
// LH_E_NOT_SUPPORTED. Methods throw `Error` (or anything) to fail.
class Connector {
 public:
  explicit Connector(Host host) : host_(host) {}
  virtual ~Connector() = default;
  Connector(const Connector&) = delete;
  Connector& operator=(const Connector&) = delete;

  // See lh_plugin_descriptor.read.
  virtual void read(std::string_view stream, std::string_view cursor_json) {
    (void)stream;
    (void)cursor_json;
    throw Error(LH_E_NOT_SUPPORTED, "this connector has no streams");
  }

  // See lh_plugin_descriptor.execute.
  virtual void execute(std::string_view commands_json) {
    (void)commands_json;
    throw Error(LH_E_NOT_SUPPORTED, "this connector takes no commands");
  }

  // See lh_webhook_ext.verify. Only called when PluginInfo::flags has LH_PLUGIN_FLAG_WEBHOOKS.
  virtual void verifyWebhook(const std::vector<Header>& headers, std::string_view body) {
    (void)headers;
    (void)body;
    throw Error(LH_E_NOT_SUPPORTED, "this connector takes no webhooks");
  }

  // See lh_webhook_ext.handle.
  virtual void handleWebhook(const std::vector<Header>& headers, std::string_view body) {
    (void)headers;
    (void)body;
    throw Error(LH_E_NOT_SUPPORTED, "this connector takes no webhooks");
  }

  // See lh_oauth2_ext.authorization_url: respond() with {"url": ...}. Only called when
  // PluginInfo::flags has LH_PLUGIN_FLAG_OAUTH2.
  virtual void authorizationUrl(std::string_view state, std::string_view redirect_uri) {
    (void)state;
    (void)redirect_uri;
    throw Error(LH_E_NOT_SUPPORTED, "this connector has no OAuth2 consent");
  }

  // See lh_oauth2_ext.complete: exchange the code, statePut the tokens, respond() {"account": ...}.
  virtual void completeAuthorization(std::string_view callback_query,
                                     std::string_view redirect_uri) {
    (void)callback_query;
    (void)redirect_uri;
    throw Error(LH_E_NOT_SUPPORTED, "this connector has no OAuth2 consent");
  }

 protected:
  const Host& host() const { return host_; }

 private:
  Host host_;
};

// What LH_CONNECTOR puts in the descriptor. Strings must be literals or other statics.
struct PluginInfo {
  const char* name;
  const char* version;
  const char* description;
  int32_t kind;
  uint32_t flags;
  const char* config_schema;
  const char* const* streams;   // NULL-terminated
  const char* const* commands;  // NULL-terminated
};

namespace internal {

inline std::vector<Header> copyHeaders(const lh_http_header* headers, size_t count) {
  std::vector<Header> out;
  if (headers == nullptr) {
    return out;
  }
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    out.push_back({std::string(headers[i].name != nullptr ? headers[i].name : "", headers[i].name_len),
                   std::string(headers[i].value != nullptr ? headers[i].value : "",
                               headers[i].value_len)});
  }
  return out;
}

inline std::string_view view(const char* data, size_t len) {
  return data == nullptr ? std::string_view() : std::string_view(data, len);
}

// The instance the host holds: the connector plus what the trampolines need to report errors.
struct Instance {
  const lh_host_api* api;
  lh_ctx* ctx;
  std::unique_ptr<Connector> connector;
  lh_webhook_ext webhook;
  lh_oauth2_ext oauth2;
};

inline Instance* instanceOf(lh_instance* instance) { return reinterpret_cast<Instance*>(instance); }

// Runs `fn`, turning every exception into a status and an error message for the host.
template <typename Fn>
lh_status guarded(const lh_host_api* api, lh_ctx* ctx, Fn&& fn) noexcept {
  auto report = [&](lh_status code, const char* message) noexcept {
    if (api != nullptr && api->set_error != nullptr) {
      std::string_view m(message != nullptr ? message : "");
      api->set_error(ctx, code, m.data(), m.size());
    }
    return code;
  };
  try {
    fn();
    return LH_OK;
  } catch (const Error& e) {
    return report(e.code(), e.what());
  } catch (const std::bad_alloc&) {
    return report(LH_E_INTERNAL, "out of memory");
  } catch (const std::exception& e) {
    return report(LH_E_INTERNAL, e.what());
  } catch (...) {
    return report(LH_E_INTERNAL, "unknown exception");
  }
}

template <typename T>
struct Trampolines {
  static lh_status create(const lh_host_api* api, lh_ctx* ctx, const char* config_json,
                          size_t config_len, lh_instance** out) noexcept {
    if (out == nullptr) {
      return LH_E_INVALID_ARGUMENT;
    }
    *out = nullptr;
    if (api == nullptr) {
      return LH_E_INVALID_ARGUMENT;
    }
    return guarded(api, ctx, [&] {
      auto instance = std::make_unique<Instance>();
      instance->api = api;
      instance->ctx = ctx;
      instance->connector = std::make_unique<T>(Host(api, ctx), view(config_json, config_len));
      instance->webhook = lh_webhook_ext{};
      instance->webhook.struct_size = sizeof(lh_webhook_ext);
      instance->webhook.abi_version = LH_ABI_VERSION;
      instance->webhook.verify = &Trampolines::verify;
      instance->webhook.handle = &Trampolines::handle;
      instance->oauth2 = lh_oauth2_ext{};
      instance->oauth2.struct_size = sizeof(lh_oauth2_ext);
      instance->oauth2.abi_version = LH_ABI_VERSION;
      instance->oauth2.authorization_url = &Trampolines::authorizationUrl;
      instance->oauth2.complete = &Trampolines::completeAuthorization;
      *out = reinterpret_cast<lh_instance*>(instance.release());
    });
  }

  static void destroy(lh_instance* instance) noexcept {
    // A destructor that throws would terminate; connectors' destructors are noexcept by default.
    delete instanceOf(instance);
  }

  static lh_status read(lh_instance* instance, const char* stream, size_t stream_len,
                        const char* cursor, size_t cursor_len) noexcept {
    if (instance == nullptr) {
      return LH_E_INVALID_ARGUMENT;
    }
    Instance* self = instanceOf(instance);
    return guarded(self->api, self->ctx, [&] {
      self->connector->read(view(stream, stream_len), view(cursor, cursor_len));
    });
  }

  static lh_status execute(lh_instance* instance, const char* commands, size_t len) noexcept {
    if (instance == nullptr) {
      return LH_E_INVALID_ARGUMENT;
    }
    Instance* self = instanceOf(instance);
    return guarded(self->api, self->ctx,
                   [&] { self->connector->execute(view(commands, len)); });
  }

  static lh_status verify(lh_instance* instance, const lh_http_header* headers, size_t count,
                          const char* body, size_t body_len) noexcept {
    if (instance == nullptr) {
      return LH_E_INVALID_ARGUMENT;
    }
    Instance* self = instanceOf(instance);
    return guarded(self->api, self->ctx, [&] {
      self->connector->verifyWebhook(copyHeaders(headers, count), view(body, body_len));
    });
  }

  static lh_status handle(lh_instance* instance, const lh_http_header* headers, size_t count,
                          const char* body, size_t body_len) noexcept {
    if (instance == nullptr) {
      return LH_E_INVALID_ARGUMENT;
    }
    Instance* self = instanceOf(instance);
    return guarded(self->api, self->ctx, [&] {
      self->connector->handleWebhook(copyHeaders(headers, count), view(body, body_len));
    });
  }

  static lh_status authorizationUrl(lh_instance* instance, const char* state, size_t state_len,
                                    const char* redirect, size_t redirect_len) noexcept {
    if (instance == nullptr) {
      return LH_E_INVALID_ARGUMENT;
    }
    Instance* self = instanceOf(instance);
    return guarded(self->api, self->ctx, [&] {
      self->connector->authorizationUrl(view(state, state_len), view(redirect, redirect_len));
    });
  }

  static lh_status completeAuthorization(lh_instance* instance, const char* query, size_t query_len,
                                         const char* redirect, size_t redirect_len) noexcept {
    if (instance == nullptr) {
      return LH_E_INVALID_ARGUMENT;
    }
    Instance* self = instanceOf(instance);
    return guarded(self->api, self->ctx, [&] {
      self->connector->completeAuthorization(view(query, query_len), view(redirect, redirect_len));
    });
  }

  static const void* getExtension(lh_instance* instance, const char* id) noexcept {
    if (instance == nullptr || id == nullptr) {
      return nullptr;
    }
    if (std::string_view(id) == LH_EXT_WEBHOOK) {
      return &instanceOf(instance)->webhook;
    }
    if (std::string_view(id) == LH_EXT_OAUTH2) {
      return &instanceOf(instance)->oauth2;
    }
    return nullptr;
  }

  static lh_plugin_descriptor describe(const PluginInfo& info) noexcept {
    lh_plugin_descriptor d{};
    d.struct_size = sizeof(lh_plugin_descriptor);
    d.abi_version = LH_ABI_VERSION;
    d.name = info.name;
    d.version = info.version;
    d.description = info.description;
    d.kind = info.kind;
    d.flags = info.flags;
    d.config_schema = info.config_schema;
    d.streams = info.streams;
    d.commands = info.commands;
    d.create = &Trampolines::create;
    d.destroy = &Trampolines::destroy;
    d.read = &Trampolines::read;
    d.execute = &Trampolines::execute;
    d.get_extension = &Trampolines::getExtension;
    return d;
  }
};

}  // namespace internal
}  // namespace ledgerhost

// Defines the plugin's entry point for connector class `ConnectorClass` (constructible from
// `(ledgerhost::Host, std::string_view config_json)`) described by the `ledgerhost::PluginInfo`
// expression `info`. Use once per plugin, at namespace scope.
#define LH_CONNECTOR(ConnectorClass, info)                                                   \
  LH_PLUGIN_ENTRY_DECL {                                                                     \
    static const lh_plugin_descriptor descriptor =                                           \
        ::ledgerhost::internal::Trampolines<ConnectorClass>::describe(info);                 \
    return LH_ABI_MAJOR_OF(host_abi) == LH_ABI_MAJOR ? &descriptor : nullptr;                \
  }
