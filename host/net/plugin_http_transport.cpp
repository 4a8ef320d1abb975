#include "net/plugin_http_transport.h"

#include <ledgerhost/sdk.h>

#include <utility>

namespace lh::net {

PluginHttpTransport::PluginHttpTransport(HttpClient& client) : client_(client) {}

Request PluginHttpTransport::toNetRequest(const lh::plugins::HttpRequest& in) {
  Request out;
  out.method = in.method;
  out.url = in.url;
  out.headers.reserve(in.headers.size());
  for (const auto& h : in.headers) {
    out.headers.push_back({h.name, h.value});
  }
  out.body = in.body;
  out.timeout = std::chrono::milliseconds(in.timeoutMs);
  out.noRetry = (in.flags & LH_HTTP_NO_RETRY) != 0;
  out.retryUnsafe = (in.flags & LH_HTTP_RETRY_UNSAFE) != 0;
  return out;
}

lh::plugins::HttpResponse PluginHttpTransport::toPluginResponse(Response in) {
  lh::plugins::HttpResponse out;
  out.status = in.status;
  out.headers.reserve(in.headers.size());
  for (auto& h : in.headers) {
    out.headers.push_back({std::move(h.name), std::move(h.value)});
  }
  out.body = std::move(in.body);
  return out;
}

Result<lh::plugins::HttpResponse> PluginHttpTransport::send(
    const lh::plugins::HttpRequest& request) {
  SendResult outcome = client_.send(toNetRequest(request));
  if (!outcome.isOk()) {
    return outcome.error().status();
  }
  return toPluginResponse(std::move(outcome).response());
}

}  // namespace lh::net
