#include "net/request_logger.h"

#include <algorithm>

#include "core/logging.h"
#include "core/redact.h"
#include "net/url_redaction.h"

namespace lh::net {
namespace {

constexpr size_t kTraceBodyBytes = 512;

}  // namespace

RequestLogger::RequestLogger(std::string label, std::shared_ptr<spdlog::logger> logger,
                             bool quietSuccess)
    : label_(std::move(label)),
      logger_(logger ? std::move(logger) : lh::log::child("http")),
      quietSuccess_(quietSuccess) {}

std::string RequestLogger::format(const AttemptRecord& record) const {
  std::string line = "http ";
  if (!label_.empty()) {
    line += label_ + " ";
  }
  line += record.request.method + " " + redactUrl(record.request.url) + " -> ";
  if (record.outcome.isOk()) {
    line += std::to_string(record.outcome.response().status);
  } else {
    const Error& error = record.outcome.error();
    line += std::string(codeName(error.code)) + " (" + std::string(errorKindName(error.kind)) + ")";
  }
  line += " in " + std::to_string(record.latency.count()) + " ms (attempt " +
          std::to_string(record.attempt) + "/" + std::to_string(record.maxAttempts) + ")";
  if (!record.outcome.isOk()) {
    line += ": " + redact(record.outcome.error().message);
  }
  if (record.retryDelay) {
    line += "; retrying in " + std::to_string(record.retryDelay->count()) + " ms: ";
    line += record.reason;
  } else if (!record.outcome.isOk() || record.outcome.response().status >= 400) {
    line += "; final: ";
    line += record.reason;
  }
  return line;
}

void RequestLogger::onAttempt(const AttemptRecord& record) {
  const bool success =
      !record.retryDelay && record.outcome.isOk() && record.outcome.response().status < 400;
  const auto level =
      success ? (quietSuccess_ ? spdlog::level::debug : spdlog::level::info) : spdlog::level::warn;
  if (logger_->should_log(level)) {
    logger_->log(level, "{}", format(record));
  }
  if (record.outcome.isOk() && logger_->should_log(spdlog::level::trace)) {
    const std::string& body = record.outcome.response().body;
    const size_t shown = std::min(body.size(), kTraceBodyBytes);
    logger_->trace("http {} response body ({} of {} bytes): {}", label_, shown, body.size(),
                   redact(std::string_view(body).substr(0, shown)));
  }
}

}  // namespace lh::net
