#include "plugins/unsupported_http_transport.h"

#include <utility>

namespace lh::plugins {

UnsupportedHttpTransport::UnsupportedHttpTransport(std::string reason)
    : reason_(std::move(reason)) {}

Result<HttpResponse> UnsupportedHttpTransport::send(const HttpRequest& request) {
  // The URL is not echoed: it may carry credentials in its query string.
  return notSupported("outbound HTTP is not available (" + request.method +
                      " request refused): " + reason_);
}

}  // namespace lh::plugins
