// Test plugins for the delivery tests (pipeline/delivery_runner.h, `ledgerhost sync` delivering).
//
// Built twice from this file (tests/unit/pipeline/engine_tests.cmake):
//   feed        (FEED_SOURCE): a processor with one stream "events" that emits the canonical events
//               of a JSON array file, `page_size` per read, with an {"offset": N} cursor. Tests
//               append to the file between syncs (a late event). Config:
//                 events_file  the JSON array of canonical events
//                 page_size    events per read (default 100)
//   ledgerbook  (LEDGERBOOK_TARGET): an accounting plugin that plays a remote accounting system kept
//               in a JSON file, so it survives instances and processes (a re-run after a crash sees
//               what the first run created). Every execute appends each command it receives, as
//               received, to "received", and creates objects in "objects". Config:
//                 remote_file  the JSON file (created when missing)
//                 needs        {"<command type>": ["<link name>", ...]}: a command whose event has
//                              that link but whose "targets" lacks it is answered LH_E_TRANSIENT
//                              "waiting for <link> <id>" (a Payment waiting for its Invoice)
//                 fail         {"<source external id>": "permanent"|"transient"|"auth"|
//                              "rate_limited"}: that command's answer
//                 fail_call    "auth" | "transient": execute fails as a whole before answering
//               Idempotent like QBO with requestid: a command whose idempotency_key already made an
//               object is answered with that object's id, and nothing is created.
//               Objects: {"id": "<n>", "type": "Invoice", "key", "command", "source"}; the type is
//               the command type without "create_" in CamelCase.
#include <cctype>
#include <fstream>
#include <ledgerhost/plugin.hpp>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace {

using ledgerhost::Error;
using nlohmann::json;

json readJsonFile(const std::string& path, json fallback) {
  std::ifstream in(path);
  if (!in) {
    return fallback;
  }
  std::stringstream text;
  text << in.rdbuf();
  json parsed = json::parse(text.str(), nullptr, false);
  if (parsed.is_discarded()) {
    throw Error(LH_E_INTERNAL, "test file " + path + " is not JSON");
  }
  return parsed;
}

#if defined(FEED_SOURCE)

class Feed : public ledgerhost::Connector {
 public:
  Feed(ledgerhost::Host host, std::string_view configJson) : Connector(host) {
    json config = json::parse(configJson, nullptr, false);
    if (!config.is_object() || !config.contains("events_file")) {
      throw Error(LH_E_INVALID_CONFIG, "events_file is required");
    }
    file_ = config["events_file"].get<std::string>();
    pageSize_ = config.value("page_size", 100);
  }

  void read(std::string_view, std::string_view cursorJson) override {
    size_t offset = 0;
    if (!cursorJson.empty()) {
      offset = json::parse(cursorJson).value("offset", size_t{0});
    }
    const json events = readJsonFile(file_, json::array());
    size_t end = offset;
    for (; end < events.size() && end < offset + pageSize_; ++end) {
      host().emit(events[end].dump());
    }
    host().checkpoint(json{{"offset", end}}.dump(), end < events.size());
  }

 private:
  std::string file_;
  size_t pageSize_ = 100;
};

constexpr const char* kStreams[] = {"events", nullptr};
constexpr const char* kNoCommands[] = {nullptr};
constexpr const char* kSchema = R"({"$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object", "required": ["events_file"]})";

}  // namespace

LH_CONNECTOR(Feed, (ledgerhost::PluginInfo{"feed", "1.0.0", "test source emitting a file's events",
                                           LH_KIND_PROCESSOR, 0, kSchema, kStreams, kNoCommands}))

#elif defined(LEDGERBOOK_TARGET)

std::string targetType(const std::string& command) {
  std::string name = command.rfind("create_", 0) == 0 ? command.substr(7) : command;
  std::string out;
  bool upper = true;
  for (char c : name) {
    if (c == '_') {
      upper = true;
    } else {
      out.push_back(upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
      upper = false;
    }
  }
  return out;
}

lh_status codeOf(const std::string& name) {
  if (name == "permanent") return LH_E_PERMANENT;
  if (name == "transient") return LH_E_TRANSIENT;
  if (name == "auth") return LH_E_AUTH_REQUIRED;
  if (name == "rate_limited") return LH_E_RATE_LIMITED;
  throw Error(LH_E_INVALID_CONFIG, "unknown failure '" + name + "'");
}

class Ledgerbook : public ledgerhost::Connector {
 public:
  Ledgerbook(ledgerhost::Host host, std::string_view configJson) : Connector(host) {
    config_ = json::parse(configJson, nullptr, false);
    if (!config_.is_object() || !config_.contains("remote_file")) {
      throw Error(LH_E_INVALID_CONFIG, "remote_file is required");
    }
  }

  void execute(std::string_view commandsJson) override {
    const std::string file = config_["remote_file"].get<std::string>();
    json remote = readJsonFile(file, json{{"next_id", 100}, {"objects", json::array()},
                                          {"received", json::array()}, {"calls", 0}});
    remote["calls"] = remote.value("calls", 0) + 1;
    const json commands = json::parse(commandsJson);
    if (const std::string failCall = config_.value("fail_call", std::string());
        !failCall.empty()) {
      save(file, remote);
      throw Error(codeOf(failCall), "scripted " + failCall + " failure of the whole call");
    }
    for (const json& command : commands) {
      remote["received"].push_back(command);
      host().respond(answer(remote, command).dump());
    }
    save(file, remote);
  }

 private:
  json answer(json& remote, const json& command) {
    const std::string id = command["id"];
    const std::string type = command["type"];
    const std::string key = command["idempotency_key"];
    const json& payload = command["payload"];
    const json& event = payload["event"];
    const std::string source = event.value("external_id", std::string());
    if (const json fail = config_.value("fail", json::object()); fail.contains(source)) {
      return {{"id", id},
              {"status", codeOf(fail[source])},
              {"message", "scripted " + fail[source].get<std::string>() + " for " + source}};
    }
    const json needs = config_.value("needs", json::object());
    if (needs.contains(type)) {
      const json links = event.value("links", json::object());
      for (const json& link : needs[type]) {
        const std::string name = link;
        if (links.contains(name) && !payload["targets"].contains(name)) {
          return {{"id", id},
                  {"status", LH_E_TRANSIENT},
                  {"message", "waiting for " + name + " " + links[name].get<std::string>()}};
        }
      }
    }
    for (const json& object : remote["objects"]) {
      if (object["key"] == key) {  // requestid seen before: the same object, nothing created
        return {{"id", id},
                {"status", LH_OK},
                {"target_id", object["id"]},
                {"target_type", object["type"]}};
      }
    }
    const int next = remote["next_id"];
    remote["next_id"] = next + 1;
    json object = {{"id", std::to_string(next)},
                   {"type", targetType(type)},
                   {"key", key},
                   {"command", type},
                   {"source", source}};
    remote["objects"].push_back(object);
    return {{"id", id},
            {"status", LH_OK},
            {"target_id", object["id"]},
            {"target_type", object["type"]}};
  }

  static void save(const std::string& file, const json& remote) {
    std::ofstream(file) << remote.dump(2);
  }

  json config_;
};

constexpr const char* kNoStreams[] = {nullptr};
constexpr const char* kCommands[] = {"create_customer", "create_invoice",        "create_payment",
                                     "create_deposit",  "create_refund_receipt", nullptr};
constexpr const char* kSchema = R"({"$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object", "required": ["remote_file"]})";

}  // namespace

LH_CONNECTOR(Ledgerbook,
             (ledgerhost::PluginInfo{"ledgerbook", "1.0.0", "test accounting system in a file",
                                     LH_KIND_ACCOUNTING, 0, kSchema, kNoStreams, kCommands}))

#else
#error "define FEED_SOURCE or LEDGERBOOK_TARGET"
#endif
