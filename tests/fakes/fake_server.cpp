#include "fakes/fake_server.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <regex>
#include <thread>

namespace lh::fakes {
namespace {

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// application/x-www-form-urlencoded decoding ('+' is a space).
std::string decodeComponent(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size() && hexValue(s[i + 1]) >= 0 &&
               hexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hexValue(s[i + 1]) * 16 + hexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// The query of a request target, decoded, in the order sent (cpp-httplib's own map sorts it).
Headers parseQuery(std::string_view target) {
  Headers out;
  const size_t q = target.find('?');
  if (q == std::string_view::npos) {
    return out;
  }
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      if (eq == std::string_view::npos) {
        out.emplace_back(decodeComponent(pair), std::string());
      } else {
        out.emplace_back(decodeComponent(pair.substr(0, eq)), decodeComponent(pair.substr(eq + 1)));
      }
    }
    if (amp == std::string_view::npos) {
      break;
    }
    query.remove_prefix(amp + 1);
  }
  return out;
}

uint16_t portOf(const sockaddr_storage& addr) {
  if (addr.ss_family == AF_INET) {
    return ntohs(reinterpret_cast<const sockaddr_in&>(addr).sin_port);
  }
  if (addr.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6&>(addr).sin6_port);
  }
  return 0;
}

// cpp-httplib does not hand handlers their socket. The server side of a loopback connection is
// the one socket of this process whose local port is the server's and whose peer port is the
// client's, so it is found among /proc/self/fd. shutdown() (not close(), the fd stays
// cpp-httplib's) makes the client see the connection end with no response; cpp-httplib's own write
// then fails and it closes the fd as usual.
void shutdownConnection(int localPort, int remotePort) {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) {
    return;
  }
  const int ownFd = dirfd(dir);
  while (dirent* entry = readdir(dir)) {
    char* end = nullptr;
    const long fd = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || fd == ownFd) {
      continue;
    }
    struct stat st {};
    if (fstat(static_cast<int>(fd), &st) != 0 || !S_ISSOCK(st.st_mode)) {
      continue;
    }
    sockaddr_storage local{};
    sockaddr_storage peer{};
    socklen_t localLen = sizeof(local);
    socklen_t peerLen = sizeof(peer);
    if (getsockname(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&local), &localLen) != 0 ||
        getpeername(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&peer), &peerLen) != 0) {
      continue;
    }
    if (portOf(local) == localPort && portOf(peer) == remotePort) {
      ::shutdown(static_cast<int>(fd), SHUT_RDWR);
      break;
    }
  }
  closedir(dir);
}

// cpp-httplib listens with a backlog of 5; a burst of concurrent clients would see SYNs dropped
// and one-second retransmits. listen() again on the bound socket raises it.
template <class Base>
class BacklogServer : public Base {
 public:
  using Base::Base;
  void raiseBacklog() { ::listen(this->svr_sock_.load(), 512); }
};

struct Route {
  std::string method;
  std::regex pattern;
  Handler handler;
};

struct PendingFault {
  Fault fault;
  int remaining = 0;
  std::string method;
  std::optional<std::regex> path;
};

bool isPseudoHeader(const std::string& name) {
  return name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
         name == "LOCAL_PORT";
}

}  // namespace

std::optional<std::string> FakeRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (equalsIgnoreCase(k, name)) {
      return v;
    }
  }
  return std::nullopt;
}

std::optional<std::string> FakeRequest::param(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) {
      return v;
    }
  }
  return std::nullopt;
}

std::vector<std::string> FakeRequest::params(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : query) {
    if (k == name) {
      out.push_back(v);
    }
  }
  return out;
}

Fault Fault::respond(int status, std::string body, Headers headers, std::string contentType) {
  Fault f;
  f.kind = Kind::Respond;
  f.status = status;
  f.body = std::move(body);
  f.headers = std::move(headers);
  f.contentType = std::move(contentType);
  return f;
}

Fault Fault::delayFor(std::chrono::milliseconds delay) {
  Fault f;
  f.kind = Kind::Delay;
  f.delay = delay;
  return f;
}

Fault Fault::truncate(size_t keepBytes, bool chunked) {
  Fault f;
  f.kind = Kind::Truncate;
  f.keepBytes = keepBytes;
  f.chunked = chunked;
  return f;
}

Fault Fault::dropBeforeHandler() {
  Fault f;
  f.kind = Kind::DropBeforeHandler;
  return f;
}

Fault Fault::dropAfterHandler() {
  Fault f;
  f.kind = Kind::DropAfterHandler;
  return f;
}

std::string Fault::describe() const {
  switch (kind) {
    case Kind::Respond:
      return "respond " + std::to_string(status);
    case Kind::Delay:
      return "delay " + std::to_string(delay.count()) + "ms";
    case Kind::Truncate:
      return "truncate " + std::to_string(keepBytes) + (chunked ? "/chunked" : "");
    case Kind::DropBeforeHandler:
      return "drop_before_handler";
    case Kind::DropAfterHandler:
      return "drop_after_handler";
  }
  return "unknown";
}

struct FakeServer::Impl {
  explicit Impl(Options o) : options(std::move(o)) {}

  void dispatch(const httplib::Request& req, httplib::Response& res);
  // Waits `delay` or until stop() begins.
  void interruptibleWait(std::chrono::milliseconds delay);
  std::optional<Fault> takeFault(const std::string& method, const std::string& path);

  Options options;
  std::unique_ptr<httplib::Server> server;
  std::function<void()> raiseBacklog;
  std::thread thread;
  std::atomic<int> port{0};
  std::atomic<bool> running{false};

  mutable std::mutex mu;
  std::vector<Route> routes;        // guarded by mu
  std::deque<PendingFault> faults;  // guarded by mu
  std::vector<FakeRequest> log;     // guarded by mu
  size_t inFlight = 0;              // guarded by mu
  size_t maxInFlight = 0;           // guarded by mu
  bool stopping = false;            // guarded by mu
  std::condition_variable stopCv;
};

std::optional<Fault> FakeServer::Impl::takeFault(const std::string& method,
                                                 const std::string& path) {
  for (auto it = faults.begin(); it != faults.end(); ++it) {
    if (!it->method.empty() && it->method != method) {
      continue;
    }
    if (it->path && !std::regex_match(path, *it->path)) {
      continue;
    }
    Fault fault = it->fault;
    if (--it->remaining <= 0) {
      faults.erase(it);
    }
    return fault;
  }
  return std::nullopt;
}

void FakeServer::Impl::interruptibleWait(std::chrono::milliseconds delay) {
  std::unique_lock lock(mu);
  stopCv.wait_for(lock, delay, [this] { return stopping; });
}

void FakeServer::Impl::dispatch(const httplib::Request& req, httplib::Response& res) {
  FakeRequest request;
  request.method = req.method;
  // cpp-httplib serves HEAD with the GET routes (and drops the body); so do we.
  const std::string routeMethod = req.method == "HEAD" ? "GET" : req.method;
  request.path = req.path;
  request.target = req.target;
  request.query = parseQuery(req.target);
  for (const auto& [name, value] : req.headers) {
    if (!isPseudoHeader(name)) {
      request.headers.emplace_back(name, value);
    }
  }
  request.body = req.body;
  request.remotePort = req.remote_port;

  Handler handler;
  std::optional<Fault> fault;
  {
    std::lock_guard lock(mu);
    ++inFlight;
    maxInFlight = std::max(maxInFlight, inFlight);
    for (const Route& route : routes) {
      std::smatch match;
      if (route.method == routeMethod && std::regex_match(request.path, match, route.pattern)) {
        for (size_t i = 1; i < match.size(); ++i) {
          request.pathParams.push_back(match[i].str());
        }
        handler = route.handler;
        break;
      }
    }
    fault = takeFault(routeMethod, request.path);
    if (fault) {
      request.fault = fault->describe();
    }
    log.push_back(request);
  }
  struct InFlightGuard {
    Impl* impl;
    ~InFlightGuard() {
      std::lock_guard lock(impl->mu);
      --impl->inFlight;
    }
  } guard{this};

  auto runHandler = [&](FakeResponse& out) {
    if (!handler) {
      out.json(404, R"({"error":"no route for )" + request.method + " " + request.path + R"("})");
      return;
    }
    try {
      handler(request, out);
    } catch (const std::exception& e) {
      out.json(500, std::string(R"({"error":"fake handler threw: )") + e.what() + "\"}");
    } catch (...) {
      out.json(500, R"({"error":"fake handler threw"})");
    }
  };

  FakeResponse out;
  if (fault && fault->kind == Fault::Kind::Respond) {
    out.status = fault->status;
    out.headers = fault->headers;
    out.body = fault->body;
    out.contentType = fault->contentType;
  } else if (fault && fault->kind == Fault::Kind::DropBeforeHandler) {
    shutdownConnection(req.local_port, req.remote_port);
    res.status = 500;
    return;
  } else {
    if (fault && fault->kind == Fault::Kind::Delay) {
      interruptibleWait(fault->delay);
    }
    runHandler(out);
  }

  if (fault && fault->kind == Fault::Kind::DropAfterHandler) {
    shutdownConnection(req.local_port, req.remote_port);
    res.status = 500;
    return;
  }

  res.status = out.status;
  for (auto& [name, value] : out.headers) {
    res.set_header(name, value);
  }
  if (fault && fault->kind == Fault::Kind::Truncate) {
    auto full = std::make_shared<std::string>(std::move(out.body));
    if (full->empty()) {
      *full = "{}";
    }
    const size_t keep = std::min(fault->keepBytes, full->size() - 1);
    if (fault->chunked) {
      res.set_chunked_content_provider(
          out.contentType, [full, keep](size_t offset, httplib::DataSink& sink) {
            if (offset == 0 && keep > 0) {
              sink.write(full->data(), keep);
              return true;
            }
            return false;  // no terminating chunk: the client must see an incomplete body
          });
    } else {
      res.set_content_provider(
          full->size(), out.contentType,
          [full, keep](size_t offset, size_t, httplib::DataSink& sink) {
            if (offset < keep) {
              sink.write(full->data() + offset, keep - offset);
              return true;
            }
            return false;  // fewer bytes than Content-Length, then the connection closes
          });
    }
    return;
  }
  res.set_content(out.body, out.contentType.c_str());
}

FakeServer::FakeServer() : FakeServer(Options{}) {}

FakeServer::FakeServer(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}

FakeServer::~FakeServer() { stop(); }

void FakeServer::route(std::string method, std::string pathRegex, Handler handler) {
  std::lock_guard lock(impl_->mu);
  impl_->routes.push_back({std::move(method), std::regex(pathRegex), std::move(handler)});
}

Status FakeServer::start() {
  if (impl_->running) {
    return internalError("FakeServer::start: already running");
  }
  // A client that gives up mid-response (timeouts, truncation tests) must not kill the process
  // with SIGPIPE when the server writes to it.
  ::signal(SIGPIPE, SIG_IGN);

  const Options& o = impl_->options;
  if (!o.certPath.empty()) {
    auto tls = std::make_unique<BacklogServer<httplib::SSLServer>>(
        o.certPath.c_str(), o.keyPath.c_str(),
        o.clientCaPath.empty() ? nullptr : o.clientCaPath.c_str());
    if (!tls->is_valid()) {
      return internalError("FakeServer: cannot load TLS certificate/key from " + o.certPath);
    }
    auto* raw = tls.get();
    impl_->raiseBacklog = [raw] { raw->raiseBacklog(); };
    impl_->server = std::move(tls);
  } else {
    auto plain = std::make_unique<BacklogServer<httplib::Server>>();
    auto* raw = plain.get();
    impl_->raiseBacklog = [raw] { raw->raiseBacklog(); };
    impl_->server = std::move(plain);
  }
  httplib::Server& server = *impl_->server;
  const size_t threads = std::max<size_t>(o.threads, 1);
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(o.keepAliveMaxRequests);
  server.set_keep_alive_timeout(o.keepAliveTimeout.count());

  Impl* impl = impl_.get();
  auto dispatch = [impl](const httplib::Request& req, httplib::Response& res) {
    impl->dispatch(req, res);
  };
  server.Get(".*", dispatch);
  server.Post(".*", dispatch);
  server.Put(".*", dispatch);
  server.Patch(".*", dispatch);
  server.Delete(".*", dispatch);
  server.Options(".*", dispatch);

  const int port = server.bind_to_any_port("127.0.0.1");
  if (port <= 0) {
    impl_->server.reset();
    return internalError("FakeServer: cannot bind 127.0.0.1");
  }
  impl_->raiseBacklog();
  impl_->port = port;
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = false;
  }
  impl_->running = true;
  impl_->thread = std::thread([impl] { impl->server->listen_after_bind(); });
  // cpp-httplib's stop() is a no-op until the accept loop runs; wait for it so that a quick
  // start()/stop() cannot leave the loop running forever.
  for (int i = 0; i < 5000 && !server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!server.is_running()) {
    return internalError("FakeServer: the accept loop did not start");
  }
  return Status::ok();
}

void FakeServer::stop() {
  if (!impl_->running) {
    return;
  }
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->stopCv.notify_all();
  impl_->server->stop();
  if (impl_->thread.joinable()) {
    impl_->thread.join();
  }
  impl_->running = false;
}

bool FakeServer::running() const { return impl_->running; }

int FakeServer::port() const { return impl_->port; }

std::string FakeServer::baseUrl() const {
  const char* scheme = impl_->options.certPath.empty() ? "http" : "https";
  return std::string(scheme) + "://127.0.0.1:" + std::to_string(impl_->port.load());
}

void FakeServer::inject(Fault fault, int times, std::string method, std::string pathRegex) {
  if (times <= 0) {
    return;
  }
  PendingFault pending;
  pending.fault = std::move(fault);
  pending.remaining = times;
  pending.method = std::move(method);
  if (!pathRegex.empty()) {
    pending.path = std::regex(pathRegex);
  }
  std::lock_guard lock(impl_->mu);
  impl_->faults.push_back(std::move(pending));
}

void FakeServer::clearFaults() {
  std::lock_guard lock(impl_->mu);
  impl_->faults.clear();
}

size_t FakeServer::pendingFaults() const {
  std::lock_guard lock(impl_->mu);
  size_t total = 0;
  for (const PendingFault& f : impl_->faults) {
    total += static_cast<size_t>(f.remaining);
  }
  return total;
}

std::vector<FakeRequest> FakeServer::requests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->log;
}

size_t FakeServer::requestCount() const {
  std::lock_guard lock(impl_->mu);
  return impl_->log.size();
}

size_t FakeServer::requestCount(std::string_view method, std::string_view path) const {
  std::lock_guard lock(impl_->mu);
  return static_cast<size_t>(
      std::count_if(impl_->log.begin(), impl_->log.end(),
                    [&](const FakeRequest& r) { return r.method == method && r.path == path; }));
}

void FakeServer::clearRequests() {
  std::lock_guard lock(impl_->mu);
  impl_->log.clear();
}

size_t FakeServer::maxConcurrentRequests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->maxInFlight;
}

void FakeServer::resetMaxConcurrentRequests() {
  std::lock_guard lock(impl_->mu);
  impl_->maxInFlight = impl_->inFlight;
}

}  // namespace lh::fakes
