// Test plugins for the engine tests (runtime, sync, replay, the sync/replay/cursors CLI).
//
// Built twice from this file (tests/unit/pipeline/CMakeLists.txt):
//   pager  (PAGER_SOURCE): a processor with streams "payments" and "fees" that pages through a
//   fixed
//          in-memory data set with a {"offset": N} cursor. Config:
//            count         events per stream (default 25)
//            page_size     events per read (default 10)
//            amount_bump   added to every payment amount: a different bump = new versions
//            fail_at_page  the read of this 0-based page fails (with fail_code) instead
//            fail_code     "transient" (default), "auth", "permanent"
//            reject_index  the event at this index is emitted without its currency (invalid)
//          Payment i: external id "pay_<i>", amount 1000 + i + amount_bump, fee 30, net = the rest,
//          occurred on 2026-01-(1 + i / 4) (non-decreasing with i). Fee i: "fee_<i>", 5 USD.
//          A {"since": "YYYY-MM-DD"} cursor starts at the first event occurring on or after it.
//   books  (BOOKS_TARGET): an accounting plugin with no streams and the command
//          "create_sales_receipt", as a delivery target: execute accepts every command (a
//          SalesReceipt "sr-<idempotency key>"); the scripted target is delivery_plugins.cpp.
#include <ledgerhost/plugin.hpp>
#include <nlohmann/json.hpp>
#include <string>

namespace {

using ledgerhost::Error;
using nlohmann::json;

#if defined(PAGER_SOURCE)

std::string dateOf(int i) {
  const int day = 1 + (i / 4 > 27 ? 27 : i / 4);
  return std::string("2026-01-") + (day < 10 ? "0" : "") + std::to_string(day);
}

class Pager : public ledgerhost::Connector {
 public:
  Pager(ledgerhost::Host host, std::string_view configJson) : Connector(host) {
    json config = json::parse(configJson, nullptr, false);
    if (!config.is_object()) {
      throw Error(LH_E_INVALID_CONFIG, "config is not an object");
    }
    count_ = config.value("count", 25);
    pageSize_ = config.value("page_size", 10);
    bump_ = config.value("amount_bump", 0);
    failAtPage_ = config.value("fail_at_page", -1);
    failCode_ = config.value("fail_code", std::string("transient"));
    rejectIndex_ = config.value("reject_index", -1);
    if (pageSize_ < 1) {
      throw Error(LH_E_INVALID_CONFIG, "page_size must be >= 1");
    }
  }

  void read(std::string_view stream, std::string_view cursorJson) override {
    int offset = 0;
    if (!cursorJson.empty()) {
      json cursor = json::parse(cursorJson, nullptr, false);
      if (cursor.is_object() && cursor.contains("offset")) {
        offset = cursor["offset"].get<int>();
      } else if (cursor.is_object() && cursor.contains("since")) {
        const std::string since = cursor["since"].get<std::string>();
        while (offset < count_ && dateOf(offset) < since) {
          ++offset;
        }
      } else {
        throw Error(LH_E_INVALID_ARGUMENT, "cursor is neither {\"offset\"} nor {\"since\"}");
      }
    }
    if (offset / pageSize_ == failAtPage_) {
      const lh_status code = failCode_ == "auth"        ? LH_E_AUTH_REQUIRED
                             : failCode_ == "permanent" ? LH_E_PERMANENT
                                                        : LH_E_TRANSIENT;
      throw Error(code, "scripted failure at page " + std::to_string(failAtPage_));
    }
    const int end = offset + pageSize_ < count_ ? offset + pageSize_ : count_;
    for (int i = offset; i < end; ++i) {
      host().emit(event(stream, i).dump());
    }
    host().checkpoint(json{{"offset", end}}.dump(), end < count_);
  }

 private:
  json event(std::string_view stream, int i) const {
    const std::string occurred = dateOf(i) + "T12:00:00Z";
    json e;
    if (stream == "fees") {
      e = {{"type", "fee"},
           {"external_id", "fee_" + std::to_string(i)},
           {"occurred_at", occurred},
           {"amount", {{"minor", 500}, {"currency", "USD"}}},
           {"raw", {{"id", "fee_" + std::to_string(i)}}}};
    } else {
      const int64_t amount = 1000 + i + bump_;
      e = {{"type", "payment"},
           {"external_id", "pay_" + std::to_string(i)},
           {"occurred_at", occurred},
           {"amount", {{"minor", amount}, {"currency", "USD"}}},
           {"fee", {{"minor", 30}, {"currency", "USD"}}},
           {"net", {{"minor", amount - 30}, {"currency", "USD"}}},
           {"raw", {{"id", "pay_" + std::to_string(i)}, {"amount", amount}}}};
    }
    if (i == rejectIndex_) {
      e["amount"].erase("currency");
    }
    return e;
  }

  int count_ = 25;
  int pageSize_ = 10;
  int64_t bump_ = 0;
  int failAtPage_ = -1;
  std::string failCode_;
  int rejectIndex_ = -1;
};

constexpr const char* kStreams[] = {"payments", "fees", nullptr};
constexpr const char* kNoCommands[] = {nullptr};
constexpr const char* kSchema = R"({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "count": {"type": "integer", "minimum": 0},
    "page_size": {"type": "integer", "minimum": 1},
    "amount_bump": {"type": "integer"},
    "fail_at_page": {"type": "integer"},
    "fail_code": {"enum": ["transient", "auth", "permanent"]},
    "reject_index": {"type": "integer"}
  }
})";

}  // namespace

LH_CONNECTOR(Pager, (ledgerhost::PluginInfo{"pager", "1.0.0", "test source paging a fixed data set",
                                            LH_KIND_PROCESSOR, 0, kSchema, kStreams, kNoCommands}))

#elif defined(BOOKS_TARGET)

class Books : public ledgerhost::Connector {
 public:
  Books(ledgerhost::Host host, std::string_view) : Connector(host) {}

  // Accepts every command: the SalesReceipt "sr-<idempotency key>" (the same on every re-send).
  void execute(std::string_view commandsJson) override {
    for (const json& command : json::parse(commandsJson)) {
      host().respond(json{{"id", command["id"]},
                          {"status", LH_OK},
                          {"target_id", "sr-" + command["idempotency_key"].get<std::string>()},
                          {"target_type", "SalesReceipt"}}
                         .dump());
    }
  }
};

constexpr const char* kNoStreams[] = {nullptr};
constexpr const char* kCommands[] = {"create_sales_receipt", nullptr};
constexpr const char* kSchema = R"({"$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object"})";

}  // namespace

LH_CONNECTOR(Books, (ledgerhost::PluginInfo{"books", "1.0.0", "test accounting target",
                                            LH_KIND_ACCOUNTING, 0, kSchema, kNoStreams, kCommands}))

#else
#error "define PAGER_SOURCE or BOOKS_TARGET"
#endif
