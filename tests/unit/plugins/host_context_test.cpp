#include "plugins/host_context.h"

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <cstring>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "plugins/memory_event_sink.h"
#include "plugins/memory_state_store.h"
#include "plugins/unsupported_http_transport.h"
#include "unit/plugins/fake_services.h"

namespace lh::plugins {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using testsupport::FakeClock;
using testsupport::ScriptedTransport;
using Call = HostContext::Call;

// Drives the C callbacks directly, as a plugin would.
class HostContextTest : public ::testing::Test {
 protected:
  HostContextTest() : host_(HostServices{&sink_, &state_, &clock_, &transport_}, "conn-1") {}

  const lh_host_api& api() { return *host_.api(); }
  lh_ctx* ctx() { return host_.ctx(); }

  lh_status emit(std::string_view json) { return api().emit(ctx(), json.data(), json.size()); }
  lh_status respond(std::string_view json) {
    return api().respond(ctx(), json.data(), json.size());
  }

  static HttpResponse answer() {
    HttpResponse r;
    r.status = 429;
    r.headers = {{"Retry-After", "7"}, {"Content-Type", "application/json"}};
    r.body = R"({"error":"slow down"})";
    return r;
  }

  MemoryEventSink sink_;
  MemoryStateStore state_;
  FakeClock clock_{1'700'000'000'123};
  ScriptedTransport transport_{answer()};
  HostContext host_;
};

TEST_F(HostContextTest, ApiTableIsVersionedAndComplete) {
  EXPECT_EQ(api().struct_size, sizeof(lh_host_api));
  EXPECT_EQ(api().abi_version, LH_ABI_VERSION);
  EXPECT_NE(api().http, nullptr);
  EXPECT_NE(api().get_extension, nullptr);
  EXPECT_EQ(api().get_extension(ctx(), "lh.anything/1"), nullptr);
  EXPECT_EQ(static_cast<void*>(ctx()), static_cast<void*>(&host_));
}

TEST_F(HostContextTest, EmitBuffersValidObjectsDuringRead) {
  host_.beginCall(Call::Read);
  EXPECT_EQ(emit(R"({"type":"payment"})"), LH_OK);
  EXPECT_EQ(emit(R"([1,2])"), LH_E_INVALID_ARGUMENT);
  HostContext::CallRecord afterArray = host_.endCall();
  EXPECT_THAT(afterArray.events, ElementsAre(R"({"type":"payment"})"));
  EXPECT_EQ(afterArray.errorCode, LH_E_INVALID_ARGUMENT);
  EXPECT_EQ(afterArray.errorMessage, "emit: the event is a JSON array, not an object");
  // Nothing reaches the sink until PluginInstance commits.
  EXPECT_THAT(sink_.batches(), IsEmpty());
}

TEST_F(HostContextTest, EmitOfBadJsonDoesNotEchoTheText) {
  host_.beginCall(Call::Read);
  EXPECT_EQ(emit(R"({"email":"jane@example.com",)"), LH_E_INVALID_ARGUMENT);
  HostContext::CallRecord record = host_.endCall();
  EXPECT_THAT(record.errorMessage, HasSubstr("emit: the event is not valid JSON (error at byte"));
  EXPECT_THAT(record.errorMessage, Not(HasSubstr("jane")));
  EXPECT_THAT(record.events, IsEmpty());
}

TEST_F(HostContextTest, ServicesOutsideTheirCallsAreRefused) {
  host_.beginCall(Call::Create);
  EXPECT_EQ(emit(R"({})"), LH_E_INVALID_ARGUMENT);
  EXPECT_EQ(api().checkpoint(ctx(), "1", 1, 0), LH_E_INVALID_ARGUMENT);
  EXPECT_EQ(respond(R"({})"), LH_E_INVALID_ARGUMENT);
  lh_http_request request{};
  request.struct_size = sizeof(request);
  lh_http_response response{};
  response.struct_size = sizeof(response);
  EXPECT_EQ(api().http(ctx(), &request, &response), LH_E_INVALID_ARGUMENT);
  HostContext::CallRecord record = host_.endCall();
  EXPECT_EQ(record.errorMessage, "host service http is not allowed during create");
  EXPECT_THAT(transport_.requests(), IsEmpty());
}

TEST_F(HostContextTest, NullArgumentsAreRejectedNotDereferenced) {
  host_.beginCall(Call::Read);
  EXPECT_EQ(api().emit(ctx(), nullptr, 5), LH_E_INVALID_ARGUMENT);
  EXPECT_EQ(api().emit(nullptr, "{}", 2), LH_E_INVALID_ARGUMENT);
  EXPECT_EQ(api().checkpoint(ctx(), nullptr, 3, 0), LH_E_INVALID_ARGUMENT);
  EXPECT_EQ(api().state_get(ctx(), "k", 1, nullptr, nullptr), LH_E_INVALID_ARGUMENT);
  EXPECT_EQ(api().state_put(ctx(), nullptr, 0, "v", 1), LH_E_INVALID_ARGUMENT);
  EXPECT_EQ(api().random_bytes(ctx(), nullptr, 16), LH_E_INVALID_ARGUMENT);
  EXPECT_EQ(api().random_bytes(ctx(), nullptr, 0), LH_OK);
  EXPECT_EQ(api().http(ctx(), nullptr, nullptr), LH_E_INVALID_ARGUMENT);
  api().log(ctx(), LH_LOG_INFO, nullptr, 10);  // ignored, no crash
  api().set_error(ctx(), LH_E_PERMANENT, nullptr, 10);
  EXPECT_EQ(api().now_ms(nullptr), 0);
  HostContext::CallRecord record = host_.endCall();
  EXPECT_EQ(record.errorCode, LH_E_PERMANENT);
  EXPECT_EQ(record.errorMessage, "(set_error: NULL message)");
}

TEST_F(HostContextTest, CheckpointOncePerRead) {
  host_.beginCall(Call::Read);
  EXPECT_EQ(api().checkpoint(ctx(), "{\"a\":1}", 7, 1), LH_OK);
  EXPECT_EQ(api().checkpoint(ctx(), "{\"a\":2}", 7, 0), LH_E_INVALID_ARGUMENT);
  HostContext::CallRecord record = host_.endCall();
  EXPECT_EQ(record.cursor, std::optional<std::string>("{\"a\":1}"));
  EXPECT_TRUE(record.hasMore);
  EXPECT_EQ(record.errorMessage, "checkpoint: called more than once in one read");

  host_.beginCall(Call::Read);
  EXPECT_EQ(api().checkpoint(ctx(), "not json", 8, 0), LH_E_INVALID_ARGUMENT);
  EXPECT_FALSE(host_.endCall().cursor.has_value());
}

TEST_F(HostContextTest, SetErrorKeepsTheLastAndCapsItsLength) {
  host_.beginCall(Call::Read);
  api().set_error(ctx(), LH_E_TRANSIENT, "first", 5);
  std::string huge(100'000, 'x');
  api().set_error(ctx(), LH_E_AUTH_REQUIRED, huge.data(), huge.size());
  HostContext::CallRecord record = host_.endCall();
  EXPECT_TRUE(record.errorSet);
  EXPECT_EQ(record.errorCode, LH_E_AUTH_REQUIRED);
  EXPECT_EQ(record.errorMessage.size(), HostContext::kMaxErrorMessageBytes + 3);

  host_.beginCall(Call::Read);
  EXPECT_FALSE(host_.endCall().errorSet);  // cleared per call
}

TEST_F(HostContextTest, StateRoundTripLendsTheValue) {
  host_.beginCall(Call::Read);
  const char* value = reinterpret_cast<const char*>(1);
  size_t len = 99;
  ASSERT_EQ(api().state_get(ctx(), "token", 5, &value, &len), LH_OK);
  EXPECT_EQ(value, nullptr);
  EXPECT_EQ(len, 0u);

  ASSERT_EQ(api().state_put(ctx(), "token", 5, "abc\0def", 7), LH_OK);
  ASSERT_EQ(api().state_get(ctx(), "token", 5, &value, &len), LH_OK);
  EXPECT_EQ(std::string(value, len), std::string("abc\0def", 7));

  ASSERT_EQ(api().state_put(ctx(), "token", 5, nullptr, 0), LH_OK);  // NULL deletes
  ASSERT_EQ(api().state_get(ctx(), "token", 5, &value, &len), LH_OK);
  EXPECT_EQ(value, nullptr);
  EXPECT_EQ(state_.size(), 0u);
  host_.endCall();
}

TEST_F(HostContextTest, ClockAndRandomBytes) {
  EXPECT_EQ(api().now_ms(ctx()), 1'700'000'000'123);
  clock_.set(42);
  EXPECT_EQ(api().now_ms(ctx()), 42);

  host_.beginCall(Call::Read);
  uint8_t a[32] = {};
  uint8_t b[32] = {};
  ASSERT_EQ(api().random_bytes(ctx(), a, sizeof a), LH_OK);
  ASSERT_EQ(api().random_bytes(ctx(), b, sizeof b), LH_OK);
  host_.endCall();
  // 256 random bits twice: equal (or all zero) only if the generator is broken.
  EXPECT_NE(std::memcmp(a, b, sizeof a), 0);
  const uint8_t zero[32] = {};
  EXPECT_NE(std::memcmp(a, zero, sizeof a), 0);
}

TEST_F(HostContextTest, HttpCopiesTheRequestAndLendsTheResponse) {
  host_.beginCall(Call::Read);
  const lh_http_header headers[] = {{"Idempotency-Key", 15, "k1", 2}};
  lh_http_request request{};
  request.struct_size = sizeof(request);
  request.abi_version = LH_ABI_VERSION;
  request.method = "POST";
  request.method_len = 4;
  request.url = "https://api.example.test/v1/x";
  request.url_len = std::strlen(request.url);
  request.headers = headers;
  request.header_count = 1;
  request.body = "a=1";
  request.body_len = 3;
  request.timeout_ms = 2500;
  request.flags = LH_HTTP_RETRY_UNSAFE;
  lh_http_response response{};
  response.struct_size = sizeof(response);
  response.abi_version = LH_ABI_VERSION;
  ASSERT_EQ(api().http(ctx(), &request, &response), LH_OK);

  ASSERT_THAT(transport_.requests(), SizeIs(1));
  const HttpRequest& sent = transport_.requests()[0];
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, "https://api.example.test/v1/x");
  EXPECT_EQ(sent.body, "a=1");
  EXPECT_EQ(sent.timeoutMs, 2500u);
  EXPECT_EQ(sent.flags, LH_HTTP_RETRY_UNSAFE);
  ASSERT_THAT(sent.headers, SizeIs(1));
  EXPECT_EQ(sent.headers[0].name, "Idempotency-Key");
  EXPECT_EQ(sent.headers[0].value, "k1");

  EXPECT_EQ(response.status, 429);
  ASSERT_EQ(response.header_count, 2u);
  EXPECT_EQ(std::string(response.headers[0].name, response.headers[0].name_len), "Retry-After");
  EXPECT_EQ(std::string(response.headers[0].value, response.headers[0].value_len), "7");
  EXPECT_EQ(std::string(response.body, response.body_len), R"({"error":"slow down"})");
  host_.endCall();
}

TEST_F(HostContextTest, HttpRefusesStructsSmallerThanV1) {
  host_.beginCall(Call::Read);
  lh_http_request request{};
  request.struct_size = 16;
  request.method = "GET";
  request.method_len = 3;
  request.url = "https://x";
  request.url_len = 9;
  lh_http_response response{};
  response.struct_size = sizeof(response);
  EXPECT_EQ(api().http(ctx(), &request, &response), LH_E_INVALID_ARGUMENT);
  EXPECT_THAT(host_.endCall().errorMessage, HasSubstr("smaller than the ABI 1.0 size"));
  EXPECT_THAT(transport_.requests(), IsEmpty());
}

TEST_F(HostContextTest, TransportErrorsKeepTheirCode) {
  UnsupportedHttpTransport none;
  HostContext host(HostServices{&sink_, &state_, &clock_, &none}, "conn-2");
  host.beginCall(Call::Execute);
  lh_http_request request{};
  request.struct_size = sizeof(request);
  request.method = "GET";
  request.method_len = 3;
  request.url = "https://x";
  request.url_len = 9;
  lh_http_response response{};
  response.struct_size = sizeof(response);
  EXPECT_EQ(host.api()->http(host.ctx(), &request, &response), LH_E_NOT_SUPPORTED);
  HostContext::CallRecord record = host.endCall();
  EXPECT_EQ(record.errorCode, LH_E_NOT_SUPPORTED);
  EXPECT_THAT(record.errorMessage, HasSubstr("http: outbound HTTP is not available"));
}

TEST_F(HostContextTest, RespondCollectsObjectsDuringExecute) {
  host_.beginCall(Call::Execute);
  EXPECT_EQ(respond(R"({"id":"1","status":0})"), LH_OK);
  EXPECT_EQ(respond("42"), LH_E_INVALID_ARGUMENT);
  EXPECT_THAT(host_.endCall().responses, ElementsAre(R"({"id":"1","status":0})"));
}

TEST_F(HostContextTest, LogGoesToTheDefaultLoggerTaggedWithTheLabel) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  auto logger = std::make_shared<spdlog::logger>("host-context-test", sink);
  logger->set_level(spdlog::level::trace);
  logger->set_pattern("%l %v");
  std::shared_ptr<spdlog::logger> previous = spdlog::default_logger();
  spdlog::set_default_logger(logger);

  api().log(ctx(), LH_LOG_WARN, "token refresh failed", 20);
  api().log(ctx(), 77, "unknown level", 13);

  spdlog::set_default_logger(previous);
  EXPECT_EQ(out.str(), "warning [conn-1] token refresh failed\ninfo [conn-1] unknown level\n");
}

}  // namespace
}  // namespace lh::plugins
