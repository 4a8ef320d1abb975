// Helpers shared by the lh::net tests.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <deque>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "net/http_client.h"
#include "net/http_types.h"

namespace lh::net::testing {

// Matches a SendResult holding an Error of this kind and code.
MATCHER_P2(IsError, kind, code,
           std::string("is an error of kind ") + std::string(errorKindName(kind))) {
  if (arg.isOk()) {
    *result_listener << "got a response with status " << arg.response().status;
    return false;
  }
  *result_listener << "got " << arg.error().status();
  return arg.error().kind == kind && arg.error().code == code;
}

// Matches a SendResult holding a Response with this status code.
MATCHER_P(IsResponse, status, "is a response with status " + std::to_string(status)) {
  if (!arg.isOk()) {
    *result_listener << "got error " << arg.error().status();
    return false;
  }
  *result_listener << "got status " << arg.response().status;
  return arg.response().status == status;
}

// A directory under the system temp dir, removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "lh_net_test_XXXXXX").string();
    char* made = ::mkdtemp(pattern.data());
    EXPECT_NE(made, nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A loopback port nobody listens on: bound, then closed (and not reused within the test).
inline int unusedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// An HttpClient that answers from a script (then repeats its fallback) and records requests.
// Thread-safe.
class ScriptedClient : public HttpClient {
 public:
  explicit ScriptedClient(SendResult fallback = Response{200, {}, "ok"})
      : fallback_(std::move(fallback)) {}

  void push(SendResult outcome) {
    std::lock_guard lock(mu_);
    script_.push_back(std::move(outcome));
  }

  SendResult send(const Request& request) override {
    std::lock_guard lock(mu_);
    requests_.push_back(request);
    if (script_.empty()) {
      return fallback_;
    }
    SendResult next = std::move(script_.front());
    script_.pop_front();
    return next;
  }

  std::vector<Request> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  size_t calls() const {
    std::lock_guard lock(mu_);
    return requests_.size();
  }

 private:
  mutable std::mutex mu_;
  std::deque<SendResult> script_;
  SendResult fallback_;
  std::vector<Request> requests_;
};

inline Response response(int32_t status, std::vector<Header> headers = {}, std::string body = {}) {
  return Response{status, std::move(headers), std::move(body)};
}

inline Error transientError(ErrorKind kind, bool maybeSent) {
  Error e;
  e.kind = kind;
  e.code = Code::Transient;
  e.message = "scripted";
  e.requestMaybeSent = maybeSent;
  return e;
}

}  // namespace lh::net::testing
