#include "net/pooled_client.h"

#include <utility>

#include "core/check.h"

namespace lh::net {

PooledClient::PooledClient(Factory factory, size_t maxIdle)
    : factory_(std::move(factory)), maxIdle_(maxIdle) {
  LH_CHECK(factory_ != nullptr);
}

SendResult PooledClient::send(const Request& request) {
  std::unique_ptr<HttpClient> client;
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      client = std::move(idle_.back());
      idle_.pop_back();
    } else {
      ++created_;
    }
  }
  if (!client) {
    client = factory_();
    LH_CHECK(client != nullptr);
  }
  SendResult outcome = client->send(request);
  {
    std::lock_guard lock(mu_);
    if (idle_.size() < maxIdle_) {
      idle_.push_back(std::move(client));
    }
  }
  return outcome;
}

size_t PooledClient::created() const {
  std::lock_guard lock(mu_);
  return created_;
}

size_t PooledClient::idle() const {
  std::lock_guard lock(mu_);
  return idle_.size();
}

}  // namespace lh::net
