#include "plugins/plugin_instance.h"

#include <dlfcn.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "plugins/memory_event_sink.h"
#include "plugins/memory_state_store.h"
#include "plugins/unsupported_http_transport.h"
#include "unit/plugins/fake_services.h"
#include "unit/plugins/plugin_test_support.h"

namespace lh::plugins {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::StartsWith;
using testsupport::FakeClock;
using testsupport::ScriptedTransport;
using testsupport::testPlugin;

class PluginInstanceTest : public ::testing::Test {
 protected:
  std::shared_ptr<PluginLibrary> load(std::string_view name) {
    Result<std::shared_ptr<PluginLibrary>> loaded = PluginLibrary::load(testPlugin(name));
    EXPECT_TRUE(loaded.isOk()) << loaded.status();
    return loaded.isOk() ? loaded.value() : nullptr;
  }

  std::unique_ptr<HostContext> context() {
    return std::make_unique<HostContext>(HostServices{&sink_, &state_, &clock_, http_}, "test");
  }

  Result<std::unique_ptr<PluginInstance>> create(std::string_view name,
                                                 std::string_view config = "{}") {
    std::shared_ptr<PluginLibrary> library = load(name);
    if (library == nullptr) {
      return internalError("load failed");
    }
    return PluginInstance::create(std::move(library), context(), config);
  }

  std::unique_ptr<PluginInstance> mustCreate(std::string_view name) {
    Result<std::unique_ptr<PluginInstance>> created = create(name);
    EXPECT_TRUE(created.isOk()) << created.status();
    return created.isOk() ? std::move(created).value() : nullptr;
  }

  MemoryEventSink sink_;
  MemoryStateStore state_;
  FakeClock clock_{1'700'000'000'123};
  UnsupportedHttpTransport noHttp_;
  HttpTransport* http_ = &noHttp_;
};

TEST_F(PluginInstanceTest, CreateReturningInvalidConfigNamesFileAndReason) {
  Result<std::unique_ptr<PluginInstance>> created = create("broken_config");
  ASSERT_FALSE(created.isOk());
  EXPECT_EQ(created.status().code(), Code::InvalidConfig);
  EXPECT_EQ(created.status().message(), testPlugin("broken_config").string() +
                                            ": create failed: invalid_config: api_key is required");
}

TEST_F(PluginInstanceTest, CreateThatThrowsIsAnErrorNotACrash) {
  Result<std::unique_ptr<PluginInstance>> created = create("throws_create");
  ASSERT_FALSE(created.isOk());
  EXPECT_EQ(created.status().code(), Code::Internal);
  EXPECT_THAT(created.status().message(),
              StartsWith(testPlugin("throws_create").string() +
                         ": create failed: internal: connector constructor blew up"));
  EXPECT_THAT(created.status().message(), HasSubstr("exception escaped the plugin"));
}

TEST_F(PluginInstanceTest, ConfigMustBeAJsonObject) {
  Result<std::unique_ptr<PluginInstance>> created = create("good_c", "[1, 2]");
  ASSERT_FALSE(created.isOk());
  EXPECT_EQ(created.status().code(), Code::InvalidConfig);
  EXPECT_THAT(created.status().message(), HasSubstr("the config is not a JSON object"));
}

TEST_F(PluginInstanceTest, PluginHppConstructorErrorKeepsItsCode) {
  Result<std::unique_ptr<PluginInstance>> created = create("good_cpp", R"({"reject": true})");
  ASSERT_FALSE(created.isOk());
  EXPECT_EQ(created.status().code(), Code::InvalidConfig);
  EXPECT_EQ(created.status().message(),
            testPlugin("good_cpp").string() +
                ": create failed: invalid_config: config key 'reject' is not allowed");
}

TEST_F(PluginInstanceTest, CPluginReadCommitsEventsWithTheCursor) {
  auto instance = mustCreate("good_c");
  ASSERT_NE(instance, nullptr);

  ASSERT_TRUE(instance->read("charges", "").isOk());
  std::vector<EventBatch> batches = sink_.batches();
  ASSERT_THAT(batches, SizeIs(1));
  EXPECT_EQ(batches[0].stream, "charges");
  ASSERT_THAT(batches[0].events, SizeIs(2));
  EXPECT_EQ(nlohmann::json::parse(batches[0].events[0]).at("amount_minor"), 1250);
  EXPECT_EQ(nlohmann::json::parse(batches[0].events[1]).at("type"), "fee");
  EXPECT_EQ(batches[0].cursor, std::optional<std::string>(R"({"page":1})"));
  EXPECT_TRUE(batches[0].hasMore);

  ASSERT_TRUE(instance->read("charges", *batches[0].cursor).isOk());
  batches = sink_.batches();
  ASSERT_THAT(batches, SizeIs(2));
  EXPECT_THAT(batches[1].events, IsEmpty());
  EXPECT_EQ(batches[1].cursor, std::optional<std::string>(R"({"page":2})"));
  EXPECT_FALSE(batches[1].hasMore);

  // The plugin counted its reads in host state.
  Result<std::optional<std::string>> reads = state_.get("reads");
  ASSERT_TRUE(reads.isOk());
  EXPECT_EQ(reads.value(), std::optional<std::string>("2"));
}

TEST_F(PluginInstanceTest, FailedReadDiscardsWhatItEmitted) {
  auto instance = mustCreate("good_c");
  ASSERT_NE(instance, nullptr);
  Status status = instance->read("fail", "");
  EXPECT_EQ(status.code(), Code::Transient);
  EXPECT_EQ(status.message(),
            testPlugin("good_c").string() + ": read failed: transient: upstream timed out");
  EXPECT_THAT(sink_.batches(), IsEmpty());
}

TEST_F(PluginInstanceTest, UnknownStreamIsRefusedByTheHost) {
  auto instance = mustCreate("good_c");
  ASSERT_NE(instance, nullptr);
  Status status = instance->read("payouts", "");
  EXPECT_EQ(status.code(), Code::InvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("unknown stream 'payouts' (streams: charges, fail)"));
}

TEST_F(PluginInstanceTest, ExecuteCollectsResponses) {
  auto instance = mustCreate("good_c");
  ASSERT_NE(instance, nullptr);
  std::vector<std::string> responses;
  ASSERT_TRUE(instance->execute(R"([{"id":"cmd_1","type":"create_invoice"}])", &responses).isOk());
  ASSERT_THAT(responses, SizeIs(1));
  EXPECT_EQ(nlohmann::json::parse(responses[0]).at("target_id"), "inv_1");

  Status notArray = instance->execute(R"({"id":"x"})", &responses);
  EXPECT_EQ(notArray.code(), Code::InvalidArgument);
  EXPECT_THAT(responses, IsEmpty());
}

TEST_F(PluginInstanceTest, ConnectorErrorKeepsItsCodeAndMessage) {
  auto instance = mustCreate("good_cpp");
  ASSERT_NE(instance, nullptr);
  Status status = instance->read("limited", "");
  EXPECT_EQ(status.code(), Code::RateLimited);
  EXPECT_EQ(status.message(),
            testPlugin("good_cpp").string() +
                ": read failed: rate_limited: upstream said 429, retry after 30s");
}

TEST_F(PluginInstanceTest, ConnectorStdExceptionBecomesInternal) {
  auto instance = mustCreate("good_cpp");
  ASSERT_NE(instance, nullptr);
  Status status = instance->read("boom", "");
  EXPECT_EQ(status.code(), Code::Internal);
  EXPECT_EQ(status.message(),
            testPlugin("good_cpp").string() + ": read failed: internal: parser exploded on page 3");
  // The instance is still usable after a failed call.
  EXPECT_TRUE(instance->read("invoices", "").isOk());
  ASSERT_THAT(sink_.batches(), SizeIs(1));
  EXPECT_EQ(sink_.batches()[0].cursor, std::optional<std::string>(R"({"after":"in_1"})"));
}

TEST_F(PluginInstanceTest, HttpWithoutATransportIsNotSupported) {
  auto instance = mustCreate("good_cpp");
  ASSERT_NE(instance, nullptr);
  Status status = instance->read("http", "");
  EXPECT_EQ(status.code(), Code::NotSupported);
  EXPECT_THAT(sink_.batches(), IsEmpty());
}

TEST_F(PluginInstanceTest, HttpGoesThroughTheInjectedTransport) {
  HttpResponse answer;
  answer.status = 200;
  answer.headers = {{"Request-Id", "req_123"}};
  answer.body = R"({"data":[]})";
  ScriptedTransport transport(answer);
  http_ = &transport;
  auto instance = mustCreate("good_cpp");
  ASSERT_NE(instance, nullptr);

  ASSERT_TRUE(instance->read("http", "").isOk());
  ASSERT_THAT(transport.requests(), SizeIs(1));
  EXPECT_EQ(transport.requests()[0].method, "GET");
  EXPECT_EQ(transport.requests()[0].url, "https://api.example.test/v1/invoices");
  ASSERT_THAT(transport.requests()[0].headers, SizeIs(1));
  EXPECT_EQ(transport.requests()[0].headers[0].name, "Accept");
  EXPECT_EQ(transport.requests()[0].headers[0].value, "application/json");

  ASSERT_THAT(sink_.batches(), SizeIs(1));
  ASSERT_THAT(sink_.batches()[0].events, SizeIs(1));
  nlohmann::json event = nlohmann::json::parse(sink_.batches()[0].events[0]);
  EXPECT_EQ(event.at("http_status"), 200);
  EXPECT_EQ(event.at("body_bytes"), answer.body.size());
  EXPECT_EQ(event.at("request_id"), "req_123");
}

TEST_F(PluginInstanceTest, WebhookVerifyAndHandle) {
  auto instance = mustCreate("good_cpp");
  ASSERT_NE(instance, nullptr);
  ASSERT_TRUE(instance->supportsWebhooks());

  EXPECT_TRUE(instance->verifyWebhook({{"X-Test-Signature", "valid"}}, "{}").isOk());
  Status bad = instance->verifyWebhook({{"X-Test-Signature", "forged"}}, "{}");
  EXPECT_EQ(bad.code(), Code::InvalidArgument);
  EXPECT_THAT(bad.message(),
              HasSubstr("webhook verify failed: invalid_argument: signature mismatch"));

  std::string delivery;
  ASSERT_TRUE(instance->handleWebhook({}, R"({"id":"evt_1"})", &delivery).isOk());
  EXPECT_EQ(nlohmann::json::parse(delivery).at("event_id"), "evt_1");
  ASSERT_THAT(sink_.batches(), SizeIs(1));
  EXPECT_EQ(sink_.batches()[0].stream, "");
  EXPECT_THAT(sink_.batches()[0].events, SizeIs(1));
}

TEST_F(PluginInstanceTest, WebhooksNotSupportedWithoutTheFlag) {
  auto instance = mustCreate("good_c");
  ASSERT_NE(instance, nullptr);
  EXPECT_FALSE(instance->supportsWebhooks());
  EXPECT_EQ(instance->verifyWebhook({}, "{}").code(), Code::NotSupported);
}

TEST_F(PluginInstanceTest, FrozenV1_0PluginRuns) {
  auto instance = mustCreate("frozen_v1_0");
  ASSERT_NE(instance, nullptr);
  ASSERT_TRUE(instance->read("events", "").isOk());
  ASSERT_THAT(sink_.batches(), SizeIs(1));
  EXPECT_THAT(sink_.batches()[0].events, SizeIs(1));
  EXPECT_EQ(sink_.batches()[0].cursor, std::optional<std::string>(R"("done")"));
}

// True when `file` is currently mapped into this process (RTLD_NOLOAD loads nothing).
bool isLoaded(const std::filesystem::path& file) {
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_NOLOAD);
  if (handle == nullptr) {
    return false;
  }
  dlclose(handle);  // drop the reference RTLD_NOLOAD just took
  return true;
}

TEST_F(PluginInstanceTest, LibraryStaysLoadedWhileAnInstanceLives) {
  const std::filesystem::path file = testPlugin("good_c");
  ASSERT_FALSE(isLoaded(file));
  std::shared_ptr<PluginLibrary> library = load("good_c");
  ASSERT_NE(library, nullptr);
  Result<std::unique_ptr<PluginInstance>> created =
      PluginInstance::create(library, context(), "{}");
  ASSERT_TRUE(created.isOk()) << created.status();
  std::unique_ptr<PluginInstance> instance = std::move(created).value();

  library.reset();  // the registry forgets it; the instance still holds it
  EXPECT_TRUE(isLoaded(file));
  EXPECT_TRUE(instance->read("charges", "").isOk());

  instance.reset();  // last holder: destroy the instance, then unload
  EXPECT_FALSE(isLoaded(file));
}

}  // namespace
}  // namespace lh::plugins
