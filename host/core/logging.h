// Logging setup for the host: one spdlog logger, text or JSON lines, every line redacted.
//
// `lh::log::init` installs the default spdlog logger, named "ledgerhost". After it, host code
// logs with the plain spdlog calls (`spdlog::info("synced {} events", n)`). Every line that logger
// writes is passed through `lh::redact` (redact.h) inside the sink itself, so no caller, pattern
// change (`spdlog::set_pattern`) or format can bypass redaction: Stripe keys, bearer/basic
// credentials, OAuth tokens, JWTs, emails and card numbers never reach the output.
//
// Formats:
//   Text: `2026-01-02T03:04:05.678Z info [ledgerhost] message {connection=stripe_main ...}`
//         (UTC; the `{...}` suffix appears only when a ScopedContext is active).
//   Json: one object per line, keys `ts` (ISO-8601 UTC with milliseconds), `level`, `logger`,
//         `msg`, then one key per active ScopedContext field (a field named like one of the
//         four fixed keys is written as `ctx_<name>` instead). Escaping is nlohmann_json's.
//
// Thread safety: `init` may be called from any thread but is meant to run once at start-up (and
// again in tests); logging itself is thread-safe (the sink locks). ScopedContext is per thread.
#pragma once

#include <spdlog/common.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/sink.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace lh::log {

// The name of the logger `init` installs as spdlog's default.
inline constexpr std::string_view kLoggerName = "ledgerhost";

enum class Format { Text, Json };

struct Options {
  Format format = Format::Text;
  spdlog::level::level_enum level = spdlog::level::info;
  // Where formatted, redacted lines go. Null: stderr. The sink receives each finished line as
  // the message payload and is given the pattern "%v", so it must not be shared with another
  // logger that expects its own pattern.
  std::shared_ptr<spdlog::sinks::sink> sink;
};

// Parses a `--log-format` value: "text" or "json". Anything else: InvalidArgument naming the
// accepted values.
lh::Result<Format> parseFormat(std::string_view text);

// Parses a `--log-level` value: "trace", "debug", "info", "warn" or "error". Anything else:
// InvalidArgument naming the accepted values.
lh::Result<spdlog::level::level_enum> parseLevel(std::string_view text);

// Installs (or replaces) spdlog's default logger, named "ledgerhost", writing through the
// redaction layer to `options.sink` in `options.format` at `options.level`. Lines at warn and
// above are flushed at once. Idempotent: a second call replaces the first logger; loggers
// obtained earlier keep their old sink.
void init(const Options& options);

// A logger named `name` (e.g. a plugin's or a subsystem's) writing through the same redacting
// sink, format and level as the default logger, so its lines carry `"logger": name` and are
// redacted like all others. Calls init(Options{}) first if init has not run. Not registered with
// spdlog; keep the pointer. A later init() does not redirect loggers made before it.
std::shared_ptr<spdlog::logger> child(std::string_view name);

// Adds structured fields (e.g. connection, correlation_id) to every line logged on this thread
// while the object lives:
//
//   lh::log::ScopedContext ctx{{"connection", name}, {"correlation_id", id}};
//
// Scopes nest; an inner field with the same name hides the outer one until the inner scope ends.
// Field values are redacted like messages. Must be destroyed on the thread that created it, in
// reverse order of creation (the natural order of scoped objects). Only the synchronous logger
// installed by `init` sees the fields (they are read on the logging thread).
class ScopedContext {
 public:
  using Field = std::pair<std::string, std::string>;

  ScopedContext(std::initializer_list<Field> fields);
  explicit ScopedContext(std::vector<Field> fields);
  ~ScopedContext();

  ScopedContext(const ScopedContext&) = delete;
  ScopedContext& operator=(const ScopedContext&) = delete;
  ScopedContext(ScopedContext&&) = delete;
  ScopedContext& operator=(ScopedContext&&) = delete;

 private:
  size_t count_;
};

// The fields currently active on this thread, outermost first, inner duplicates resolved (an
// inner field replaces the outer one in place). Exposed for tests and for code that forwards
// context elsewhere (e.g. to a plugin's log callback).
std::vector<ScopedContext::Field> currentContext();

}  // namespace lh::log
