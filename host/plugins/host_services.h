// The services the host hands to a plugin instance, as C++ interfaces.
//
// A HostContext (host_context.h) turns the C callbacks of `lh_host_api` into calls on these
// interfaces, so the pipeline, the daemon and the tests decide what "emit", "state", "time" and
// "HTTP" mean for an instance by injecting implementations. Each interface states its own thread
// rules; the C boundary already guarantees one call at a time per instance ([instance-serial]),
// except for the clock, which any thread may read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace lh::plugins {

// One HTTP header (owned copy).
struct HttpHeader {
  std::string name;
  std::string value;
};

// An outbound request, copied out of the plugin's `lh_http_request`.
struct HttpRequest {
  std::string method;
  std::string url;
  std::vector<HttpHeader> headers;
  std::string body;
  uint32_t timeoutMs = 0;  // 0: the transport's default
  uint32_t flags = 0;      // LH_HTTP_* flags
};

// The final response to an HttpRequest, whatever its status code.
struct HttpResponse {
  int32_t status = 0;
  std::vector<HttpHeader> headers;
  std::string body;
};

// Sends a plugin's HTTP requests. The real transport (rate limits, retries, breaker, redaction,
// recording) lives in host/net; tests inject scripted ones.
//
// Thread safety: called for one instance at a time; an implementation shared by several instances
// must be safe to call concurrently.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;

  // Sends `request` and returns the final response (any status code). Errors use the SDK's retry
  // meanings: Transient when no response arrived after retries, RateLimited when the host's
  // limiter or breaker refuses to send now, InvalidArgument for a malformed request.
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
};

// The events and cursor one successful plugin call produced, handed over in one piece so that a
// store can commit them in one transaction ("a crash never loses or doubles anything").
struct EventBatch {
  std::string stream;                 // the stream read; empty for a webhook delivery
  std::vector<std::string> events;    // canonical event JSON objects, in emit order
  std::optional<std::string> cursor;  // cursor JSON from checkpoint (reads only)
  bool hasMore = false;               // the plugin said more pages follow
};

// Receives what a plugin emits. The HostContext buffers events and the checkpoint during a call
// and discards them when the call fails; only a successful call's batch reaches `commit`.
//
// Thread safety: called for one instance at a time; an implementation shared by several instances
// must be safe to call concurrently.
class EventSink {
 public:
  virtual ~EventSink() = default;

  // Checks one event (already known to be a JSON object) as it is emitted. A non-OK status
  // (InvalidArgument, message naming the field) rejects that event; the plugin sees the code and
  // may go on emitting others.
  virtual Status validate(std::string_view eventJson) = 0;

  // Commits the batch of one successful call atomically. A failure here fails the call.
  virtual Status commit(EventBatch batch) = 0;
};

// Per-connection key/value state (cursors live elsewhere; this is OAuth tokens, consent ids...).
// The store a HostContext gets is already scoped to its connection. Durable implementations
// encrypt values at rest.
//
// Thread safety: called for one instance at a time; an implementation shared by several instances
// must be safe to call concurrently.
class StateStore {
 public:
  virtual ~StateStore() = default;

  // The value stored under `key`, or nullopt when there is none.
  virtual Result<std::optional<std::string>> get(std::string_view key) = 0;

  // Stores `value` under `key` durably before returning; nullopt deletes the key.
  virtual Status put(std::string_view key, std::optional<std::string_view> value) = 0;
};

// The host's clock (injected so tests control time).
//
// Thread safety: any thread, concurrently.
class Clock {
 public:
  virtual ~Clock() = default;

  // Milliseconds since the Unix epoch.
  virtual int64_t nowMs() const = 0;
};

// The services one HostContext forwards to. Non-owning: every pointer must be non-null and outlive
// the HostContext (and so the PluginInstance) it is given to.
struct HostServices {
  EventSink* events = nullptr;
  StateStore* state = nullptr;
  Clock* clock = nullptr;
  HttpTransport* http = nullptr;
};

}  // namespace lh::plugins
