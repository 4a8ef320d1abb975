// PooledClient: a thread-safe HttpClient over thread-compatible ones (CurlClient). Each send
// borrows an idle client (or makes one), so concurrent sends run on separate connections and a
// finished one goes back to the pool with its keep-alive connection warm.
//
// Thread safety: thread-safe. The factory is called under no lock, possibly concurrently.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "net/http_client.h"

namespace lh::net {

class PooledClient final : public HttpClient {
 public:
  using Factory = std::function<std::unique_ptr<HttpClient>()>;

  // `factory` makes one client per concurrent sender; at most `maxIdle` idle clients are kept
  // (the rest are destroyed when returned, closing their connections).
  explicit PooledClient(Factory factory, size_t maxIdle = 16);

  SendResult send(const Request& request) override;

  // Clients made so far (for tests and metrics).
  size_t created() const;
  size_t idle() const;

 private:
  Factory factory_;
  size_t maxIdle_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<HttpClient>> idle_;  // guarded by mu_
  size_t created_ = 0;                             // guarded by mu_
};

}  // namespace lh::net
