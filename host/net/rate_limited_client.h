// RateLimitedClient: takes a RateLimiter permit before each attempt and holds it (in-flight slot)
// until the response is in. A 429 carrying Retry-After pauses the whole limit key, so every
// worker on the same realm backs off, not only the one that was told.
//
// Which key and class a request belongs to is decided by a Classifier, configured per connection
// rather than coded per vendor (pathClassifier covers "per QBO realm, batch calls apart").
//
// A refusal (a non-blocking limiter, or a wait longer than maxWait) is an Error of kind
// RateLimited, code RateLimited, requestMaybeSent false, retryAfter = when a slot opens.
//
// Thread safety: thread-safe when the inner client and the classifier are.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "net/clock.h"
#include "net/http_client.h"
#include "net/rate_limiter.h"

namespace lh::net {

// Where a request counts.
struct LimitKey {
  std::string key;           // e.g. the QBO realm id
  std::string requestClass;  // e.g. "batch"; empty: only the key's general limit
};

using Classifier = std::function<LimitKey(const Request&)>;

struct PathClassifierOptions {
  // The key when the URL names none (usually the connection's name).
  std::string defaultKey;
  // When set, the path segment after the first segment equal to this is the key
  // ("company" → `/v3/company/<realm>/query` counts under <realm>).
  std::optional<std::string> keyAfterSegment;
  // Path suffix → class, first match wins ({"/batch", "batch"}). Matched on the path without
  // the query.
  std::vector<std::pair<std::string, std::string>> classBySuffix;
};

// A Classifier built from `options`.
Classifier pathClassifier(PathClassifierOptions options);

class RateLimitedClient final : public HttpClient {
 public:
  // `inner`, `limiter` and `clock` are borrowed and must outlive this. `maxWait` as in
  // RateLimiter::acquire.
  RateLimitedClient(HttpClient& inner, RateLimiter& limiter, Classifier classifier,
                    const Clock& clock,
                    std::optional<std::chrono::milliseconds> maxWait = std::nullopt);

  SendResult send(const Request& request) override;

 private:
  HttpClient& inner_;
  RateLimiter& limiter_;
  Classifier classifier_;
  const Clock& clock_;
  std::optional<std::chrono::milliseconds> maxWait_;
};

}  // namespace lh::net
