#include "net/rate_limited_client.h"

#include <string_view>

#include "net/retry_policy.h"

namespace lh::net {
namespace {

// The path of an absolute URL, without query or fragment.
std::string_view urlPath(std::string_view url) {
  size_t start = 0;
  if (const size_t scheme = url.find("://"); scheme != std::string_view::npos) {
    start = url.find('/', scheme + 3);
    if (start == std::string_view::npos) {
      return "/";
    }
  }
  std::string_view path = url.substr(start);
  if (const size_t end = path.find_first_of("?#"); end != std::string_view::npos) {
    path = path.substr(0, end);
  }
  return path;
}

}  // namespace

Classifier pathClassifier(PathClassifierOptions options) {
  return [options = std::move(options)](const Request& request) {
    LimitKey out{options.defaultKey, {}};
    const std::string_view path = urlPath(request.url);
    if (options.keyAfterSegment) {
      bool next = false;
      size_t pos = 0;
      while (pos < path.size()) {
        if (path[pos] == '/') {
          ++pos;
          continue;
        }
        size_t end = path.find('/', pos);
        if (end == std::string_view::npos) {
          end = path.size();
        }
        const std::string_view segment = path.substr(pos, end - pos);
        if (next) {
          out.key = std::string(segment);
          break;
        }
        next = segment == *options.keyAfterSegment;
        pos = end;
      }
    }
    for (const auto& [suffix, requestClass] : options.classBySuffix) {
      if (path.size() >= suffix.size() && path.substr(path.size() - suffix.size()) == suffix) {
        out.requestClass = requestClass;
        break;
      }
    }
    return out;
  };
}

RateLimitedClient::RateLimitedClient(HttpClient& inner, RateLimiter& limiter, Classifier classifier,
                                     const Clock& clock,
                                     std::optional<std::chrono::milliseconds> maxWait)
    : inner_(inner),
      limiter_(limiter),
      classifier_(std::move(classifier)),
      clock_(clock),
      maxWait_(maxWait) {}

SendResult RateLimitedClient::send(const Request& request) {
  const LimitKey where = classifier_ ? classifier_(request) : LimitKey{};
  auto permit = limiter_.acquire(where.key, where.requestClass, maxWait_);
  if (!permit.isOk()) {
    Error error;
    error.kind = ErrorKind::RateLimited;
    error.code = Code::RateLimited;
    error.message = permit.status().message();
    error.requestMaybeSent = false;
    error.retryAfter = limiter_.waitTime(where.key, where.requestClass);
    return error;
  }
  SendResult outcome = inner_.send(request);
  if (outcome.isOk() && outcome.response().status == 429) {
    if (auto value = findHeader(outcome.response().headers, "Retry-After")) {
      if (auto delay = parseRetryAfter(*value, clock_.wallNow())) {
        limiter_.pauseUntil(where.key, clock_.steadyNow() + *delay);
      }
    }
  }
  return outcome;
}

}  // namespace lh::net
