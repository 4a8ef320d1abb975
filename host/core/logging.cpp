#include "core/logging.h"

#include <fmt/format.h>
#include <spdlog/details/log_msg.h>
#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "core/check.h"
#include "core/redact.h"

namespace lh::log {
namespace {

constexpr const char* kTextPattern = "%Y-%m-%dT%H:%M:%S.%eZ %l [%n] %v";

// This thread's ScopedContext fields, outermost first (duplicates allowed; see currentContext).
thread_local std::vector<ScopedContext::Field> tContext;

std::string isoUtc(spdlog::log_clock::time_point time) {
  const auto sinceEpoch = time.time_since_epoch();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(sinceEpoch);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(sinceEpoch - seconds).count();
  if (millis < 0) {  // before 1970: borrow a second so the fraction stays positive
    seconds -= std::chrono::seconds(1);
    millis += 1000;
  }
  const std::time_t t = static_cast<std::time_t>(seconds.count());
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
}

bool isReservedJsonKey(std::string_view key) {
  return key == "ts" || key == "level" || key == "logger" || key == "msg";
}

// Formats each message as a text or JSON line, redacts it, and hands the finished line to the
// target sink as its payload. Being the logger's only sink, it is the choke point that makes
// redaction impossible to bypass: a later set_pattern/set_formatter only changes the text layout.
class RedactingSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  RedactingSink(Format format, std::shared_ptr<spdlog::sinks::sink> target)
      : format_(format), target_(std::move(target)) {
    set_pattern_(kTextPattern);
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string line = format_ == Format::Json ? formatJson(msg) : formatText(msg);
    spdlog::details::log_msg out = msg;
    out.payload = spdlog::string_view_t(line.data(), line.size());
    out.color_range_start = 0;
    out.color_range_end = 0;
    target_->log(out);
  }

  void flush_() override { target_->flush(); }

  // Patterns are rendered in UTC, like the JSON timestamps, so lines from hosts in different
  // zones sort together.
  void set_pattern_(const std::string& pattern) override {
    formatter_ = std::make_unique<spdlog::pattern_formatter>(
        pattern, spdlog::pattern_time_type::utc, std::string(""));
  }

 private:
  std::string formatText(const spdlog::details::log_msg& msg) {
    std::string payload(msg.payload.data(), msg.payload.size());
    const auto context = currentContext();
    if (!context.empty()) {
      payload += " {";
      for (size_t i = 0; i < context.size(); ++i) {
        if (i > 0) {
          payload += ' ';
        }
        payload += context[i].first;
        payload += '=';
        payload += context[i].second;
      }
      payload += '}';
    }
    spdlog::details::log_msg withContext = msg;
    withContext.payload = spdlog::string_view_t(payload.data(), payload.size());
    spdlog::memory_buf_t buf;
    formatter_->format(withContext, buf);
    std::string line(buf.data(), buf.size());
    // A formatter installed through set_formatter may end lines itself; the target adds "\n".
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
      line.pop_back();
    }
    redactInPlace(line);
    return line;
  }

  static std::string formatJson(const spdlog::details::log_msg& msg) {
    nlohmann::ordered_json object;
    object["ts"] = isoUtc(msg.time);
    const auto level = spdlog::level::to_string_view(msg.level);
    object["level"] = std::string(level.data(), level.size());
    object["logger"] = std::string(msg.logger_name.data(), msg.logger_name.size());
    object["msg"] = redact(std::string_view(msg.payload.data(), msg.payload.size()));
    for (const auto& [key, value] : currentContext()) {
      object[isReservedJsonKey(key) ? "ctx_" + key : key] = redact(value);
    }
    // Invalid UTF-8 (a raw byte from a vendor body) becomes U+FFFD instead of throwing.
    return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }

  Format format_;
  std::shared_ptr<spdlog::sinks::sink> target_;
};

}  // namespace

lh::Result<Format> parseFormat(std::string_view text) {
  if (text == "text") {
    return Format::Text;
  }
  if (text == "json") {
    return Format::Json;
  }
  return lh::invalidArgument("unknown log format '" + std::string(text) +
                             "' (expected text or json)");
}

lh::Result<spdlog::level::level_enum> parseLevel(std::string_view text) {
  if (text == "trace") {
    return spdlog::level::trace;
  }
  if (text == "debug") {
    return spdlog::level::debug;
  }
  if (text == "info") {
    return spdlog::level::info;
  }
  if (text == "warn") {
    return spdlog::level::warn;
  }
  if (text == "error") {
    return spdlog::level::err;
  }
  return lh::invalidArgument("unknown log level '" + std::string(text) +
                             "' (expected trace, debug, info, warn or error)");
}

void init(const Options& options) {
  std::shared_ptr<spdlog::sinks::sink> target = options.sink;
  if (!target) {
    target = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  }
  target->set_pattern("%v");
  target->set_level(spdlog::level::trace);
  auto sink = std::make_shared<RedactingSink>(options.format, std::move(target));
  auto logger = std::make_shared<spdlog::logger>(std::string(kLoggerName), std::move(sink));
  logger->set_level(options.level);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
}

std::shared_ptr<spdlog::logger> child(std::string_view name) {
  auto parent = spdlog::default_logger();
  if (!parent || parent->name() != kLoggerName) {
    init(Options{});
    parent = spdlog::default_logger();
  }
  auto logger = std::make_shared<spdlog::logger>(std::string(name), parent->sinks().begin(),
                                                 parent->sinks().end());
  logger->set_level(parent->level());
  logger->flush_on(spdlog::level::warn);
  return logger;
}

ScopedContext::ScopedContext(std::initializer_list<Field> fields)
    : ScopedContext(std::vector<Field>(fields)) {}

ScopedContext::ScopedContext(std::vector<Field> fields) : count_(fields.size()) {
  for (auto& field : fields) {
    tContext.push_back(std::move(field));
  }
}

ScopedContext::~ScopedContext() {
  LH_CHECK(tContext.size() >= count_);
  tContext.resize(tContext.size() - count_);
}

std::vector<ScopedContext::Field> currentContext() {
  std::vector<ScopedContext::Field> result;
  result.reserve(tContext.size());
  for (const auto& field : tContext) {
    bool replaced = false;
    for (auto& existing : result) {
      if (existing.first == field.first) {
        existing.second = field.second;
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      result.push_back(field);
    }
  }
  return result;
}

}  // namespace lh::log
