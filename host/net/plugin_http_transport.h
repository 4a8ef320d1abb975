// PluginHttpTransport: lh::plugins::HttpTransport (what a plugin's `lh_host_api.http` reaches
// through its HostContext) on top of an lh::net::HttpClient, normally the connection's
// ConnectionClient.
//
// It lives here, in its own small library (lh_net_plugins), so that lh_plugins stays free of
// curl and lh_net free of the plugin loader: both remain leaves, and the cli/daemon, which know
// both, link this adapter to wire them.
//
// Mapping: LH_HTTP_NO_RETRY → Request::noRetry, LH_HTTP_RETRY_UNSAFE → Request::retryUnsafe,
// unknown flag bits (a newer plugin) are ignored; timeout_ms → Request::timeout. A Response of any
// status is returned as is; an Error becomes its Status (Transient, RateLimited, InvalidArgument,
// InvalidConfig, Permanent, Internal), exactly the codes sdk.h documents for `http`.
//
// Thread safety: as thread-safe as the client (ConnectionClient is).
#pragma once

#include "net/http_client.h"
#include "plugins/host_services.h"

namespace lh::net {

class PluginHttpTransport final : public lh::plugins::HttpTransport {
 public:
  // `client` is borrowed and must outlive this transport.
  explicit PluginHttpTransport(HttpClient& client);

  Result<lh::plugins::HttpResponse> send(const lh::plugins::HttpRequest& request) override;

  // The conversions, exposed for tests and other adapters.
  static Request toNetRequest(const lh::plugins::HttpRequest& request);
  static lh::plugins::HttpResponse toPluginResponse(Response response);

 private:
  HttpClient& client_;
};

}  // namespace lh::net
