// OAuthCallbackListener: the loopback HTTP listener `ledgerhost connect` waits on for the vendor's
// redirect (RFC 8252 section 7.3: http://localhost:PORT/callback, bound to 127.0.0.1 only).
//
//   OAuthCallbackListener listener;
//   LH_RETURN_IF_ERROR(listener.start(8765));          // 0: an ephemeral port
//   redirect_uri = listener.redirectUri();              // "http://localhost:<port>/callback"
//   std::optional<std::string> query = listener.waitForCallback(timeout);   // raw query
//   ... check state, complete ...
//   listener.finish(ok, "connected qbo (123)");          // the page the browser sees
//
// Only GET /callback counts, and only the first one; other paths get 404 (favicon.ico...), a second
// callback gets 409. The browser's request is held open until finish() (or 60 s), so the page
// tells the user the real outcome. cpp-httplib stays inside the .cpp.
//
// Thread safety: start/waitForCallback/finish/stop from one thread; the server runs its own.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "core/status.h"

namespace lh::cli {

class OAuthCallbackListener {
 public:
  OAuthCallbackListener();
  // Stops the server (answering a held browser request with a neutral page first).
  ~OAuthCallbackListener();
  OAuthCallbackListener(const OAuthCallbackListener&) = delete;
  OAuthCallbackListener& operator=(const OAuthCallbackListener&) = delete;

  // Binds 127.0.0.1:`port` (0: ephemeral) and serves in the background. InvalidConfig when the
  // port cannot be bound (in use, no permission).
  lh::Status start(int port);

  int port() const;
  // "http://localhost:<port>/callback".
  std::string redirectUri() const;

  // The raw query string (without '?') of the first GET /callback, or nullopt after `timeout`.
  std::optional<std::string> waitForCallback(std::chrono::milliseconds timeout);

  // Answers the held browser request with a short page: `ok` picks the title, `message` (plain
  // text, HTML-escaped here) the body.
  void finish(bool ok, const std::string& message);

  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lh::cli
