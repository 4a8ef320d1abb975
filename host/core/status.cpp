#include "core/status.h"

namespace lh {

Code codeFromInt(int32_t raw) {
  if (raw >= 0 && raw <= static_cast<int32_t>(Code::Internal)) {
    return static_cast<Code>(raw);
  }
  return Code::Internal;
}

std::string_view codeName(Code code) {
  switch (code) {
    case Code::Ok: return "ok";
    case Code::InvalidArgument: return "invalid_argument";
    case Code::InvalidConfig: return "invalid_config";
    case Code::AuthRequired: return "auth_required";
    case Code::RateLimited: return "rate_limited";
    case Code::Transient: return "transient";
    case Code::Conflict: return "conflict";
    case Code::Permanent: return "permanent";
    case Code::NotSupported: return "not_supported";
    case Code::Internal: return "internal";
  }
  return "internal";
}

bool isRetryable(Code code) { return code == Code::RateLimited || code == Code::Transient; }

std::string Status::toString() const {
  if (isOk()) {
    return "ok";
  }
  std::string out(codeName(code_));
  if (!message_.empty()) {
    out += ": ";
    out += message_;
  }
  return out;
}

Status Status::withContext(std::string_view context) const {
  if (isOk()) {
    return *this;
  }
  return Status(code_, std::string(context) + ": " + message_);
}

std::ostream& operator<<(std::ostream& os, const Status& status) { return os << status.toString(); }
std::ostream& operator<<(std::ostream& os, Code code) { return os << codeName(code); }

}  // namespace lh
