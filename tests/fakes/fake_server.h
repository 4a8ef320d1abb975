// FakeServer: the base of every fake vendor API the tests (and the sandbox) run against.
//
// A real HTTP server (cpp-httplib) on 127.0.0.1, port 0, serving from a background thread pool
// with TCP_NODELAY and keep-alive. A vendor fake adds routes (method + path regex → handler) and
// the tests read what arrived through a thread-safe request log, and script failures with faults
// that are applied before the route's handler runs:
//
//   FakeServer server;
//   server.route("GET", "/v1/charges", [](const FakeRequest& req, FakeResponse& res) {
//     res.json(200, R"({"object":"list","data":[]})");
//   });
//   ASSERT_TRUE(server.start().isOk());
//   server.inject(Fault::respond(429, "{}", {{"Retry-After", "2"}}), /*times=*/1);
//   ... point the client at server.baseUrl() ...
//   EXPECT_EQ(server.requestCount(), 2);
//
// cpp-httplib's header stays inside fake_server.cpp: fakes and tests include only this file.
//
// Thread safety: every public method may be called from any thread while the server runs, except
// start() and stop() (call them from the thread that owns the server). Handlers run on the pool's
// threads, concurrently; a fake's own state must be guarded by the fake.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace lh::fakes {

using Headers = std::vector<std::pair<std::string, std::string>>;

// One request as the server received it.
struct FakeRequest {
  std::string method;
  std::string path;    // without the query string, percent-decoded as cpp-httplib gives it
  std::string target;  // the request target as sent (path + raw query)
  Headers query;       // decoded query parameters, in order (repeated names repeat)
  Headers headers;     // in no particular order (cpp-httplib keeps them in a multimap)
  std::string body;
  std::vector<std::string> pathParams;  // the route regex's capture groups
  int remotePort = 0;                   // the client's port: equal ports = a reused connection
  std::string fault;                    // name of the fault applied to it, empty when none

  // The first header named `name` (case-insensitive), or nullopt.
  std::optional<std::string> header(std::string_view name) const;
  // The first query parameter named `name`, or nullopt.
  std::optional<std::string> param(std::string_view name) const;
  // Every value of query parameter `name`, in order (e.g. `expand[]`).
  std::vector<std::string> params(std::string_view name) const;
};

// What a handler answers. Defaults: 200, JSON, empty body.
struct FakeResponse {
  int status = 200;
  Headers headers;
  std::string body;
  std::string contentType = "application/json";

  void json(int statusCode, std::string jsonBody) {
    status = statusCode;
    body = std::move(jsonBody);
    contentType = "application/json";
  }
  void header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
};

using Handler = std::function<void(const FakeRequest&, FakeResponse&)>;

// A scripted failure, applied to a matching request before (or around) its handler.
struct Fault {
  enum class Kind {
    Respond,            // answer with status/headers/body; the handler does not run
    Delay,              // wait, then run the handler normally (client timeouts)
    Truncate,           // run the handler, then send only part of its body and close
    DropBeforeHandler,  // close the connection without running the handler or answering
    DropAfterHandler,   // run the handler (it commits), then close without answering:
                        // "succeeded but the response was lost"
  };

  Kind kind = Kind::Respond;
  int status = 500;
  std::string body;
  Headers headers;
  std::string contentType = "application/json";
  std::chrono::milliseconds delay{0};
  size_t keepBytes = 0;  // Truncate: body bytes actually sent
  bool chunked = false;  // Truncate: chunked encoding instead of a Content-Length

  static Fault respond(int status, std::string body = {}, Headers headers = {},
                       std::string contentType = "application/json");
  static Fault delayFor(std::chrono::milliseconds delay);
  // Sends `keepBytes` of the handler's body, having announced all of it (Content-Length, or
  // chunked without the final chunk), then closes the connection.
  static Fault truncate(size_t keepBytes, bool chunked = false);
  static Fault dropBeforeHandler();
  static Fault dropAfterHandler();

  // "respond 429", "delay 2000ms", "truncate 10/chunked", "drop_before_handler", ...
  std::string describe() const;
};

class FakeServer {
 public:
  struct Options {
    size_t threads = 16;  // worker threads (concurrent connections served)
    // Idle keep-alive connections are closed after this; stop() waits for them at most this long.
    std::chrono::seconds keepAliveTimeout{2};
    size_t keepAliveMaxRequests = 10'000;
    // TLS: when certPath is set the server speaks HTTPS with this certificate and key; with
    // clientCaPath it also requires a client certificate signed by that CA (mutual TLS).
    std::string certPath;
    std::string keyPath;
    std::string clientCaPath;
  };

  FakeServer();
  explicit FakeServer(Options options);
  // Stops the server if it runs.
  ~FakeServer();

  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  // Adds a route: `method` ("GET", "POST", ...; HEAD is served by GET routes) and a regex the whole
  // path must match (ECMAScript). Routes may be added before or after start(); the first added
  // match wins. Unrouted requests get 404 with a JSON body naming the path.
  void route(std::string method, std::string pathRegex, Handler handler);

  // Binds 127.0.0.1 on an ephemeral port and serves in the background. Internal when the socket
  // cannot be bound or the TLS files cannot be loaded. Ignores SIGPIPE for the whole process (a
  // dropped connection must not kill the test).
  Status start();
  // Stops accepting, waits for running handlers (delays are cut short) and joins the threads.
  // Idempotent.
  void stop();

  bool running() const;
  int port() const;
  // "http://127.0.0.1:<port>" (or https://localhost:<port> with TLS, matching the test cert).
  std::string baseUrl() const;

  // Queues `fault` for the next `times` requests matching `method` (empty: any) and `pathRegex`
  // (empty: any path). Faults apply in the order queued; each request takes at most one.
  void inject(Fault fault, int times = 1, std::string method = {}, std::string pathRegex = {});
  void clearFaults();
  // Fault applications still queued.
  size_t pendingFaults() const;

  // The request log: every request received, faulted ones included, in arrival order.
  std::vector<FakeRequest> requests() const;
  size_t requestCount() const;
  // Requests whose method and path equal these exactly.
  size_t requestCount(std::string_view method, std::string_view path) const;
  void clearRequests();

  // The most requests that were being handled at the same moment since start (or reset).
  size_t maxConcurrentRequests() const;
  void resetMaxConcurrentRequests();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lh::fakes
