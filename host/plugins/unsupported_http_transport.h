// UnsupportedHttpTransport: the HttpTransport used until host/net provides the real one (and by
// commands that must never reach the network, such as `plugins check`). Every request fails with
// NotSupported and a message saying why, so a plugin that needs HTTP fails clearly instead of
// appearing to work.
#pragma once

#include <string>

#include "plugins/host_services.h"

namespace lh::plugins {

// Thread safety: any thread, concurrently (immutable after construction).
class UnsupportedHttpTransport : public HttpTransport {
 public:
  // `reason` completes "outbound HTTP is not available: <reason>".
  explicit UnsupportedHttpTransport(
      std::string reason = "this build has no HTTP transport yet (host/net)");

  Result<HttpResponse> send(const HttpRequest& request) override;

 private:
  std::string reason_;
};

}  // namespace lh::plugins
