// lh::Status and lh::Result<T>: how every module reports a failure, in place of exceptions.
//
// Codes are the SDK's LH_E_* codes (sdk.h), with the same retry meaning, so a plugin's error
// travels through the host unchanged. Status and Result are values: cheap to move, safe to copy,
// not thread-safe to mutate concurrently (like any value).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace lh {

// The canonical error codes. Values equal the SDK's LH_OK / LH_E_* constants.
enum class Code : int32_t {
  Ok = 0,
  InvalidArgument = 1,  // the caller passed something malformed; do not retry
  InvalidConfig = 2,    // an operator must fix the configuration; do not retry
  AuthRequired = 3,     // re-authorise the connection (`ledgerhost connect`); do not retry
  RateLimited = 4,      // throttled; retry the same call after the advised delay
  Transient = 5,        // passing failure; retry this call with backoff
  Conflict = 6,         // state moved; retry at a higher level (re-read, then redo)
  Permanent = 7,        // refused for good; do not retry until the data is fixed
  NotSupported = 8,     // not implemented here; do not retry
  Internal = 9,         // bug or broken invariant; report it
};

// Maps a raw code from the boundary to a Code; unknown values read as Internal.
Code codeFromInt(int32_t raw);

// Lower-case name of a code, e.g. "rate_limited".
std::string_view codeName(Code code);

// True for the codes whose written meaning is "retry this same call" (RateLimited, Transient).
bool isRetryable(Code code);

// A code and a message. Default-constructed is OK.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return Status(); }

  bool isOk() const { return code_ == Code::Ok; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // "rate_limited: message" (or "ok").
  std::string toString() const;

  // Returns a copy whose message is "context: message"; OK stays OK.
  Status withContext(std::string_view context) const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  Code code_ = Code::Ok;
  std::string message_;
};

std::ostream& operator<<(std::ostream& os, const Status& status);
std::ostream& operator<<(std::ostream& os, Code code);

// Shorthands for building errors.
inline Status invalidArgument(std::string m) { return {Code::InvalidArgument, std::move(m)}; }
inline Status invalidConfig(std::string m) { return {Code::InvalidConfig, std::move(m)}; }
inline Status authRequired(std::string m) { return {Code::AuthRequired, std::move(m)}; }
inline Status rateLimited(std::string m) { return {Code::RateLimited, std::move(m)}; }
inline Status transient(std::string m) { return {Code::Transient, std::move(m)}; }
inline Status conflict(std::string m) { return {Code::Conflict, std::move(m)}; }
inline Status permanent(std::string m) { return {Code::Permanent, std::move(m)}; }
inline Status notSupported(std::string m) { return {Code::NotSupported, std::move(m)}; }
inline Status internalError(std::string m) { return {Code::Internal, std::move(m)}; }

// A value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : data_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (std::get<Status>(data_).isOk()) {
      data_ = Status(Code::Internal, "Result constructed from an OK status without a value");
    }
  }

  bool isOk() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return isOk(); }

  // The status: OK when a value is held.
  Status status() const { return isOk() ? Status::ok() : std::get<Status>(data_); }

  // The value. Calling these on an error is a broken invariant (checked).
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  T valueOr(T fallback) const { return isOk() ? std::get<T>(data_) : std::move(fallback); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace lh

// Returns from the enclosing function when `expr` (a Status) is not OK.
#define LH_RETURN_IF_ERROR(expr)                 \
  do {                                           \
    ::lh::Status lh_status_tmp_ = (expr);        \
    if (!lh_status_tmp_.isOk()) {                \
      return lh_status_tmp_;                     \
    }                                            \
  } while (false)

#define LH_CONCAT_INNER_(a, b) a##b
#define LH_CONCAT_(a, b) LH_CONCAT_INNER_(a, b)

// `LH_ASSIGN_OR_RETURN(auto x, resultExpr);` binds the value or returns the error.
#define LH_ASSIGN_OR_RETURN(decl, expr) \
  LH_ASSIGN_OR_RETURN_IMPL_(LH_CONCAT_(lh_result_tmp_, __LINE__), decl, expr)
#define LH_ASSIGN_OR_RETURN_IMPL_(tmp, decl, expr) \
  auto tmp = (expr);                               \
  if (!tmp.isOk()) {                               \
    return tmp.status();                           \
  }                                                \
  decl = std::move(tmp).value()
