// sdk/template/src/template_connector.cpp, built in tree with the same lh_add_plugin a third
// party uses, driven through its C ABI with a scripted host: it pages through the host's HTTP
// service, emits canonical events that satisfy sdk/schema/canonical-event.schema.json, checkpoints
// the right cursor, and maps every failure to the status with the right retry meaning.
#include <dlfcn.h>

#include <gtest/gtest.h>
#include <ledgerhost/sdk.h>

#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include <deque>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

using nlohmann::json;

struct CannedResponse {
  int32_t status;
  std::string body;
};

struct SentRequest {
  std::string method;
  std::string url;
  std::map<std::string, std::string> headers;
};

// A host whose `http` answers from a script and records what was asked, and which records
// emitted events, checkpoints and errors.
struct ScriptedHost {
  lh_host_api api{};
  std::deque<CannedResponse> script;
  std::vector<SentRequest> requests;
  std::vector<json> events;
  std::vector<std::pair<json, bool>> checkpoints;
  lh_status last_code = LH_OK;
  std::string last_message;
  CannedResponse current;  // owns the bytes lent to the plugin until the next http call

  ScriptedHost() {
    api.struct_size = sizeof(api);
    api.abi_version = LH_ABI_VERSION;
    api.http = [](lh_ctx* c, const lh_http_request* rq, lh_http_response* rs) -> lh_status {
      ScriptedHost* h = self(c);
      SentRequest sent{std::string(rq->method, rq->method_len), std::string(rq->url, rq->url_len),
                       {}};
      for (size_t i = 0; i < rq->header_count; ++i) {
        sent.headers[std::string(rq->headers[i].name, rq->headers[i].name_len)] =
            std::string(rq->headers[i].value, rq->headers[i].value_len);
      }
      h->requests.push_back(sent);
      if (h->script.empty()) {
        return LH_E_TRANSIENT;
      }
      h->current = h->script.front();
      h->script.pop_front();
      rs->status = h->current.status;
      rs->headers = nullptr;
      rs->header_count = 0;
      rs->body = h->current.body.data();
      rs->body_len = h->current.body.size();
      return LH_OK;
    };
    api.emit = [](lh_ctx* c, const char* e, size_t n) -> lh_status {
      self(c)->events.push_back(json::parse(std::string(e, n)));
      return LH_OK;
    };
    api.checkpoint = [](lh_ctx* c, const char* cur, size_t n, int32_t more) -> lh_status {
      self(c)->checkpoints.emplace_back(json::parse(std::string(cur, n)), more != 0);
      return LH_OK;
    };
    api.state_get = [](lh_ctx*, const char*, size_t, const char**, size_t*) -> lh_status {
      return LH_E_NOT_SUPPORTED;
    };
    api.state_put = [](lh_ctx*, const char*, size_t, const char*, size_t) -> lh_status {
      return LH_E_NOT_SUPPORTED;
    };
    api.log = [](lh_ctx*, int32_t, const char*, size_t) {};
    api.now_ms = [](lh_ctx*) -> int64_t { return 0; };
    api.set_error = [](lh_ctx* c, lh_status code, const char* m, size_t n) {
      self(c)->last_code = code;
      self(c)->last_message.assign(m, n);
    };
    api.respond = [](lh_ctx*, const char*, size_t) -> lh_status { return LH_E_NOT_SUPPORTED; };
    api.random_bytes = [](lh_ctx*, uint8_t*, size_t) -> lh_status { return LH_E_NOT_SUPPORTED; };
    api.get_extension = [](lh_ctx*, const char*) -> const void* { return nullptr; };
  }
  ScriptedHost(const ScriptedHost&) = delete;
  ScriptedHost& operator=(const ScriptedHost&) = delete;

  lh_ctx* ctx() { return reinterpret_cast<lh_ctx*>(this); }
  static ScriptedHost* self(lh_ctx* c) { return reinterpret_cast<ScriptedHost*>(c); }
};

json readJson(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

std::vector<std::string> validate(const json& schema, const json& document) {
  valijson::Schema parsed;
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
  valijson::adapters::NlohmannJsonAdapter schema_adapter(schema);
  parser.populateSchema(schema_adapter, parsed);
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter document_adapter(document);
  std::vector<std::string> errors;
  if (!validator.validate(parsed, document_adapter, &results)) {
    valijson::ValidationResults::Error error;
    while (results.popError(error)) {
      errors.push_back(error.description);
    }
  }
  return errors;
}

class TemplateConnectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    handle_ = dlopen(LH_TEMPLATE_PLUGIN, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(handle_, nullptr) << dlerror();
    auto entry = reinterpret_cast<lh_plugin_entry_fn>(dlsym(handle_, LH_PLUGIN_ENTRY_SYMBOL));
    ASSERT_NE(entry, nullptr);
    descriptor_ = entry(LH_ABI_VERSION);
    ASSERT_NE(descriptor_, nullptr);
    const std::string config =
        R"({"api_key": "sk_test_template", "base_url": "https://api.test", "page_size": 2})";
    ASSERT_EQ(descriptor_->create(&host_.api, host_.ctx(), config.data(), config.size(),
                                  &instance_),
              LH_OK)
        << host_.last_message;
  }

  void TearDown() override {
    if (descriptor_ != nullptr) {
      descriptor_->destroy(instance_);
    }
    if (handle_ != nullptr) {
      dlclose(handle_);
    }
  }

  lh_status read(const std::string& cursor, const std::string& stream = "payments") {
    return descriptor_->read(instance_, stream.data(), stream.size(), cursor.data(),
                             cursor.size());
  }

  ScriptedHost host_;
  void* handle_ = nullptr;
  const lh_plugin_descriptor* descriptor_ = nullptr;
  lh_instance* instance_ = nullptr;
};

const char kPage1[] = R"({"data": [
  {"id": "pay_1", "amount": 1230, "currency": "usd", "created_at": "2025-01-31T12:00:00Z",
   "status": "succeeded"},
  {"id": "pay_2", "amount": 99, "currency": "JPY", "created_at": "2025-01-31T12:05:00+09:00"}
], "has_more": true})";

TEST_F(TemplateConnectorTest, DescriptorIsTheTemplate) {
  EXPECT_STREQ(descriptor_->name, "template");
  EXPECT_EQ(descriptor_->kind, LH_KIND_PROCESSOR);
  ASSERT_NE(descriptor_->streams[0], nullptr);
  EXPECT_STREQ(descriptor_->streams[0], "payments");
  EXPECT_EQ(descriptor_->streams[1], nullptr);
  const json schema = json::parse(descriptor_->config_schema);
  EXPECT_EQ(schema["additionalProperties"], false);
}

TEST_F(TemplateConnectorTest, FirstPageEmitsValidCanonicalEventsAndCheckpointsTheLastId) {
  host_.script.push_back({200, kPage1});
  ASSERT_EQ(read(""), LH_OK) << host_.last_message;

  ASSERT_EQ(host_.requests.size(), 1u);
  EXPECT_EQ(host_.requests[0].method, "GET");
  EXPECT_EQ(host_.requests[0].url, "https://api.test/v1/payments?limit=2");
  EXPECT_EQ(host_.requests[0].headers["Authorization"], "Bearer sk_test_template");

  const json event_schema = readJson(LH_SOURCE_DIR "/sdk/schema/canonical-event.schema.json");
  ASSERT_EQ(host_.events.size(), 2u);
  for (const json& event : host_.events) {
    EXPECT_EQ(validate(event_schema, event), std::vector<std::string>{}) << event.dump();
  }
  EXPECT_EQ(host_.events[0]["type"], "payment");
  EXPECT_EQ(host_.events[0]["external_id"], "pay_1");
  EXPECT_EQ(host_.events[0]["amount"], json({{"minor", 1230}, {"currency", "USD"}}));
  EXPECT_EQ(host_.events[0]["status"], "succeeded");
  EXPECT_EQ(host_.events[0]["raw"]["id"], "pay_1");
  EXPECT_EQ(host_.events[1]["amount"], json({{"minor", 99}, {"currency", "JPY"}}));
  EXPECT_FALSE(host_.events[1].contains("status"));

  ASSERT_EQ(host_.checkpoints.size(), 1u);
  EXPECT_EQ(host_.checkpoints[0].first, json({{"starting_after", "pay_2"}}));
  EXPECT_TRUE(host_.checkpoints[0].second);
}

TEST_F(TemplateConnectorTest, NextPageResumesFromTheCursorAndStopsWhenNoMore) {
  host_.script.push_back(
      {200, R"({"data": [{"id": "pay 3/x", "amount": 5, "currency": "EUR",
                          "created_at": "2025-02-01T00:00:00Z"}], "has_more": false})"});
  ASSERT_EQ(read(R"({"starting_after": "pay_2"})"), LH_OK) << host_.last_message;
  ASSERT_EQ(host_.requests.size(), 1u);
  EXPECT_EQ(host_.requests[0].url, "https://api.test/v1/payments?limit=2&starting_after=pay_2");
  ASSERT_EQ(host_.checkpoints.size(), 1u);
  EXPECT_EQ(host_.checkpoints[0].first, json({{"starting_after", "pay 3/x"}}));
  EXPECT_FALSE(host_.checkpoints[0].second);

  host_.script.push_back({200, R"({"data": [], "has_more": false})"});
  ASSERT_EQ(read(host_.checkpoints[0].first.dump()), LH_OK);
  EXPECT_EQ(host_.requests[1].url,
            "https://api.test/v1/payments?limit=2&starting_after=pay%203%2Fx");
}

TEST_F(TemplateConnectorTest, HttpStatusesMapToRetryMeanings) {
  const std::vector<std::pair<int32_t, lh_status>> cases = {
      {401, LH_E_AUTH_REQUIRED}, {403, LH_E_AUTH_REQUIRED}, {429, LH_E_RATE_LIMITED},
      {500, LH_E_TRANSIENT},     {503, LH_E_TRANSIENT},     {404, LH_E_PERMANENT},
  };
  for (const auto& [status, expected] : cases) {
    host_.script.push_back({status, R"({"error": "x"})"});
    EXPECT_EQ(read(""), expected) << "HTTP " << status;
    EXPECT_EQ(host_.last_message, "template: API answered HTTP " + std::to_string(status));
  }
  EXPECT_TRUE(host_.events.empty());
  EXPECT_TRUE(host_.checkpoints.empty()) << "a failed read never moves the cursor";
}

TEST_F(TemplateConnectorTest, MalformedInputIsRefusedWithTheRightCode) {
  host_.script.push_back({200, R"({"data": [{"id": "pay_1", "amou)"});  // cut off
  EXPECT_EQ(read(""), LH_E_TRANSIENT);
  host_.script.push_back(
      {200, R"({"data": [{"id": "p", "amount": 12.3, "currency": "USD",
                          "created_at": "2025-01-31T12:00:00Z"}], "has_more": false})"});
  EXPECT_EQ(read(""), LH_E_PERMANENT) << "a float amount is never money";
  EXPECT_EQ(read("[1]"), LH_E_INVALID_ARGUMENT);
  EXPECT_EQ(read("", "refunds"), LH_E_INVALID_ARGUMENT);
  EXPECT_EQ(host_.last_message, "template: unknown stream 'refunds'");
  EXPECT_TRUE(host_.checkpoints.empty());
}

TEST_F(TemplateConnectorTest, NoResponseFromTheHostIsPassedOn) {
  // The host's own error (here: transient, no response after its retries) reaches the caller.
  EXPECT_EQ(read(""), LH_E_TRANSIENT);
  EXPECT_TRUE(host_.checkpoints.empty());
}

}  // namespace
