#include "cli/sync_command.h"

#include <unistd.h>

#include <cstdio>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/engine_setup.h"
#include "pipeline/delivery_runner.h"
#include "pipeline/sync_runner.h"

namespace lh::cli {
namespace {

namespace po = boost::program_options;

std::string rate(const pipeline::StreamResult& r) {
  if (r.elapsed_ms <= 0) {
    return "-";
  }
  std::ostringstream out;
  out << (r.events + r.rejected) * 1000 / r.elapsed_ms << " ev/s";
  return out.str();
}

// Live line on a terminal, plain lines otherwise; both on stderr.
class CliProgress final : public pipeline::SyncProgress {
 public:
  explicit CliProgress(bool live) : live_(live) {}

  void streamStarted(const std::string& connection, const std::string& stream,
                     const std::optional<std::string>& cursor) override {
    if (!live_) {
      std::cerr << connection << '/' << stream << ": starting "
                << (cursor ? "from its cursor" : "from the beginning") << '\n';
    }
  }
  void pageDone(const std::string& connection, const pipeline::StreamResult& r) override {
    if (live_) {
      std::cerr << "\r\033[K" << connection << '/' << r.stream << ": " << r.pages << " pages, "
                << r.events << " events, " << rate(r) << std::flush;
    } else {
      std::cerr << connection << '/' << r.stream << ": page " << r.pages << " stored (" << r.events
                << " events so far)\n";
    }
  }
  void streamFinished(const std::string& connection, const pipeline::StreamResult& r) override {
    if (live_) {
      std::cerr << "\r\033[K";
    }
    std::cerr << connection << '/' << r.stream << ": " << (r.status.isOk() ? "done" : "FAILED")
              << ", " << r.pages << " pages, " << r.events << " events in " << r.elapsed_ms
              << " ms\n";
  }

 private:
  bool live_;
};

// Delivery progress in the same two shapes: one live line per target, or a line per call.
class CliDeliveryProgress final : public pipeline::DeliveryProgress {
 public:
  explicit CliDeliveryProgress(bool live) : live_(live) {}

  void targetStarted(const std::string& target) override {
    if (!live_) {
      std::cerr << target << ": delivering pending commands\n";
    }
  }
  void batchDone(const pipeline::TargetDelivery& t) override {
    if (live_) {
      std::cerr << "\r\033[K" << target(t) << ": delivering: " << counts(t) << std::flush;
    } else {
      std::cerr << target(t) << ": call " << t.calls << " done (" << counts(t) << " so far)\n";
    }
  }
  void targetFinished(const pipeline::TargetDelivery& t) override {
    if (live_) {
      std::cerr << "\r\033[K";
    }
    std::cerr << target(t) << ": " << (t.status.isOk() ? "delivered" : "delivery STOPPED") << ", "
              << counts(t) << ", " << t.held << " held in " << t.passes << " passes\n";
  }

 private:
  static const std::string& target(const pipeline::TargetDelivery& t) { return t.target; }
  static std::string counts(const pipeline::TargetDelivery& t) {
    return std::to_string(t.sent) + " sent, " + std::to_string(t.failed) + " failed, " +
           std::to_string(t.waiting) + " waiting";
  }
  bool live_;
};

nlohmann::json deliveryJson(const pipeline::TargetDelivery& t) {
  nlohmann::json j = {{"target", t.target},   {"sent", t.sent},         {"failed", t.failed},
                      {"waiting", t.waiting}, {"held", t.held},         {"passes", t.passes},
                      {"calls", t.calls},     {"problems", t.problems},
                      {"ok", t.status.isOk() && t.failed == 0}};
  if (!t.status.isOk()) {
    j["error"] = {{"code", std::string(codeName(t.status.code()))},
                  {"message", t.status.message()}};
  }
  return j;
}

void printDeliveries(const pipeline::DeliveryResult& result) {
  std::cout << "deliver\n";
  std::cout << "  " << std::left << std::setw(24) << "target" << std::right << std::setw(7)
            << "sent" << std::setw(8) << "failed" << std::setw(9) << "waiting" << std::setw(6)
            << "held"
            << "  status\n";
  for (const pipeline::TargetDelivery& t : result.targets) {
    std::cout << "  " << std::left << std::setw(24) << t.target << std::right << std::setw(7)
              << t.sent << std::setw(8) << t.failed << std::setw(9) << t.waiting << std::setw(6)
              << t.held << "  "
              << (!t.status.isOk() ? "STOPPED" : t.failed != 0 ? "FAILED" : "ok") << '\n';
    for (const std::string& problem : t.problems) {
      std::cout << "    " << problem << '\n';
    }
  }
}

nlohmann::json streamJson(const pipeline::StreamResult& r) {
  nlohmann::json j = {{"stream", r.stream},
                      {"pages", r.pages},
                      {"events", r.events},
                      {"inserted", r.inserted},
                      {"new_versions", r.new_versions},
                      {"unchanged", r.unchanged},
                      {"rejected", r.rejected},
                      {"entries_posted", r.entries_posted},
                      {"reversals", r.reversals},
                      {"commands_queued", r.commands_queued},
                      {"commands_updated", r.commands_updated},
                      {"elapsed_ms", r.elapsed_ms},
                      {"ok", r.status.isOk() && !r.skipped},
                      {"skipped", r.skipped}};
  if (!r.status.isOk()) {
    j["error"] = {{"code", std::string(codeName(r.status.code()))},
                  {"message", r.status.message()}};
  }
  return j;
}

void printTable(const pipeline::SyncResult& result) {
  std::cout << "sync " << result.connection << " (correlation id " << result.correlation_id
            << ")\n";
  const auto row = [](const std::string& name, const pipeline::StreamResult& r,
                      const std::string& state) {
    std::cout << "  " << std::left << std::setw(24) << name << std::right << std::setw(7) << r.pages
              << std::setw(10) << r.inserted << std::setw(10) << r.new_versions << std::setw(11)
              << r.unchanged << std::setw(10) << r.rejected << std::setw(9) << r.entries_posted
              << std::setw(11) << r.reversals << std::setw(8) << r.commands_queued << "  " << state
              << '\n';
  };
  std::cout << "  " << std::left << std::setw(24) << "stream" << std::right << std::setw(7)
            << "pages" << std::setw(10) << "inserted" << std::setw(10) << "new_vers"
            << std::setw(11) << "unchanged" << std::setw(10) << "rejected" << std::setw(9)
            << "posted" << std::setw(11) << "reversals" << std::setw(8) << "queued"
            << "  status\n";
  for (const pipeline::StreamResult& r : result.streams) {
    row(r.stream, r, r.skipped ? "skipped" : r.status.isOk() ? "ok" : "FAILED");
  }
  const pipeline::StreamResult total = result.totals();
  row("total", total, result.ok() ? "ok" : "FAILED");
}

}  // namespace

int runSync(const std::vector<std::string>& args, GlobalOptions globals) {
  EngineSetupOptions setup;
  std::string connection;
  std::vector<std::string> streams;
  std::string since;
  std::string format = "text";
  po::options_description options(
      "Usage: ledgerhost sync --config FILE [--connection NAME] [--stream S]... "
      "[--since YYYY-MM-DD | --full] [--no-deliver]\nOptions");
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("config", po::value<std::string>(&setup.configFile)->value_name("FILE"), "the config file")
      ("connection", po::value<std::string>(&connection)->value_name("NAME"),
       "the connection to read (default: every enabled connection with streams)")
      ("stream", po::value<std::vector<std::string>>(&streams)->value_name("S"),
       "read only this stream (repeatable; needs --connection)")
      ("since", po::value<std::string>(&since)->value_name("YYYY-MM-DD"),
       "start each stream at this UTC day instead of its cursor")
      ("full", po::bool_switch(), "forget the streams' cursors and read everything again")
      ("no-deliver", po::bool_switch(),
       "do not send the pending commands to the accounting connections afterwards")
      ("plugin-dir", po::value<std::string>(&setup.pluginDir)->value_name("DIR"),
       "load plugins from DIR before the default plugin directory")
      ("format", po::value<std::string>(&format)->value_name("text|json"),
       "summary format on stdout (default text)");
  // clang-format on
  options.add(loggingOptions(&globals));
  po::variables_map vm;
  int exitCode = kExitOk;
  if (!parseArgs("sync", args, options, {}, &vm, &exitCode)) {
    return exitCode;
  }
  if (vm.count("help") != 0) {
    std::cout << options;
    return kExitOk;
  }
  const bool full = vm["full"].as<bool>();
  if (full && !since.empty()) {
    return usageError("sync", "--since and --full exclude each other");
  }
  if (!streams.empty() && connection.empty()) {
    return usageError("sync", "--stream needs --connection");
  }
  if (format != "text" && format != "json") {
    return usageError("sync", "--format must be text or json");
  }
  if (!since.empty()) {
    if (Result<std::string> cursor = pipeline::sinceCursor(since); !cursor.isOk()) {
      return usageError("sync", "--since: " + cursor.status().message());
    }
  }
  if (int rc = startLogging(globals); rc != kExitOk) {
    return rc;
  }
  Engine engine;
  if (int rc = openEngine("sync", setup, &engine); rc != kExitOk) {
    return rc;
  }
  pipeline::Runtime& runtime = *engine.runtime;

  std::vector<std::string> targets;
  if (!connection.empty()) {
    targets.push_back(connection);
  } else {
    for (const pipeline::Connection& c : runtime.config().connections) {
      auto library = engine.registry->find(c.plugin);
      if (c.enabled && library && !library->streams().empty()) {
        targets.push_back(c.name);
      }
    }
    if (targets.empty()) {
      printError("sync", "no enabled connection with streams in " + setup.configFile);
      return kExitUsage;
    }
  }

  pipeline::SyncOptions syncOptions;
  syncOptions.streams = streams;
  syncOptions.full = full;
  if (!since.empty()) {
    syncOptions.since = since;
  }
  CliProgress progress(isatty(STDERR_FILENO) == 1);
  pipeline::SyncRunner runner(runtime, &progress);
  nlohmann::json report = {{"connections", nlohmann::json::array()}};
  bool allOk = true;
  for (const std::string& name : targets) {
    Result<pipeline::SyncResult> result = runner.sync(name, syncOptions);
    if (!result.isOk()) {
      const Code code = result.status().code();
      printError("sync", name + ": " + result.status().message());
      // A bad name or option is the operator's to fix before anything ran: usage. A plugin that
      // refuses its config is a configuration error too.
      if (code == Code::InvalidArgument || code == Code::InvalidConfig) {
        return kExitUsage;
      }
      allOk = false;
      continue;
    }
    for (const pipeline::StreamResult& s : result->streams) {
      if (!s.status.isOk()) {
        printError("sync", name + "/" + s.stream + ": " + s.status.toString());
      }
    }
    allOk = allOk && result->ok();
    if (format == "json") {
      nlohmann::json streamsJson = nlohmann::json::array();
      for (const pipeline::StreamResult& s : result->streams) {
        streamsJson.push_back(streamJson(s));
      }
      report["connections"].push_back({{"connection", name},
                                       {"correlation_id", result->correlation_id},
                                       {"ok", result->ok()},
                                       {"streams", streamsJson},
                                       {"totals", streamJson(result->totals())}});
    } else {
      printTable(*result);
    }
  }
  // Then the outbox: every target the synced connections' pipelines deliver to (docs/delivery.md).
  if (!vm["no-deliver"].as<bool>()) {
    const std::vector<std::string> deliverTo = pipeline::deliveryTargetsFor(runtime.config(), targets);
    CliDeliveryProgress deliveryProgress(isatty(STDERR_FILENO) == 1);
    pipeline::DeliveryRunner delivery(runtime, &deliveryProgress);
    Result<pipeline::DeliveryResult> delivered = delivery.deliver(deliverTo);
    if (!delivered.isOk()) {
      printError("sync", "delivery: " + delivered.status().message());
      allOk = false;
    } else {
      for (const pipeline::TargetDelivery& t : delivered->targets) {
        if (!t.status.isOk()) {
          printError("sync", "delivery to " + t.target + ": " + t.status.toString());
        }
      }
      allOk = allOk && delivered->ok();
      if (format == "json") {
        report["deliveries"] = nlohmann::json::array();
        for (const pipeline::TargetDelivery& t : delivered->targets) {
          report["deliveries"].push_back(deliveryJson(t));
        }
      } else if (!delivered->targets.empty()) {
        printDeliveries(*delivered);
      }
    }
  }
  if (format == "json") {
    std::cout << report.dump(2) << '\n';
  }
  return allOk ? kExitOk : kExitFailure;
}

}  // namespace lh::cli
