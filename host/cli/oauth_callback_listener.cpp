#include "cli/oauth_callback_listener.h"

#include <httplib.h>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace lh::cli {
namespace {

constexpr std::chrono::seconds kHoldBrowserFor{60};

std::string htmlEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

struct OAuthCallbackListener::Impl {
  httplib::Server server;
  std::thread thread;
  int port = 0;

  std::mutex mu;
  std::condition_variable cv;
  std::optional<std::string> query;  // set by the first callback
  std::optional<std::pair<bool, std::string>> outcome;  // set by finish()
};

OAuthCallbackListener::OAuthCallbackListener() : impl_(std::make_unique<Impl>()) {}

OAuthCallbackListener::~OAuthCallbackListener() { stop(); }

lh::Status OAuthCallbackListener::start(int port) {
  Impl& impl = *impl_;
  impl.server.set_keep_alive_max_count(1);
  impl.server.Get("/callback", [&impl](const httplib::Request& req, httplib::Response& res) {
    std::unique_lock<std::mutex> lock(impl.mu);
    if (impl.query) {
      res.status = 409;
      res.set_content("This authorisation was already received.", "text/plain");
      return;
    }
    const size_t q = req.target.find('?');
    impl.query = q == std::string::npos ? std::string() : req.target.substr(q + 1);
    impl.cv.notify_all();
    // Hold the browser until the terminal side knows the outcome.
    impl.cv.wait_for(lock, kHoldBrowserFor, [&impl] { return impl.outcome.has_value(); });
    const bool ok = impl.outcome && impl.outcome->first;
    const std::string message =
        impl.outcome ? impl.outcome->second : std::string("See the terminal for the result.");
    res.status = ok ? 200 : 400;
    res.set_content("<!doctype html><html><head><meta charset=\"utf-8\"><title>ledgerhost</title>"
                    "</head><body><h1>" +
                        std::string(ok ? "Connected" : "Not connected") + "</h1><p>" +
                        htmlEscape(message) +
                        "</p><p>You can close this tab and return to the terminal.</p></body>"
                        "</html>",
                    "text/html; charset=utf-8");
  });
  if (port == 0) {
    impl.port = impl.server.bind_to_any_port("127.0.0.1");
    if (impl.port <= 0) {
      return lh::invalidConfig("cannot listen on 127.0.0.1 (no free port)");
    }
  } else {
    if (!impl.server.bind_to_port("127.0.0.1", port)) {
      return lh::invalidConfig("cannot listen on 127.0.0.1:" + std::to_string(port) +
                               " (in use?); choose another with --listen PORT, or use --paste");
    }
    impl.port = port;
  }
  impl.thread = std::thread([&impl] { impl.server.listen_after_bind(); });
  return lh::Status::ok();
}

int OAuthCallbackListener::port() const { return impl_->port; }

std::string OAuthCallbackListener::redirectUri() const {
  return "http://localhost:" + std::to_string(impl_->port) + "/callback";
}

std::optional<std::string> OAuthCallbackListener::waitForCallback(
    std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(impl_->mu);
  impl_->cv.wait_for(lock, timeout, [this] { return impl_->query.has_value(); });
  return impl_->query;
}

void OAuthCallbackListener::finish(bool ok, const std::string& message) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  if (!impl_->outcome) {
    impl_->outcome = std::make_pair(ok, message);
  }
  impl_->cv.notify_all();
}

void OAuthCallbackListener::stop() {
  if (!impl_->thread.joinable()) {
    return;
  }
  finish(false, "ledgerhost stopped waiting. See the terminal for the result.");
  impl_->server.stop();
  impl_->thread.join();
}

}  // namespace lh::cli
