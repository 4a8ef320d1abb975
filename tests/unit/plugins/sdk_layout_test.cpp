// Golden layout of every public struct of sdk.h on x86_64 LP64, and the values of its constants.
// These numbers are the ABI: if one changes, every plugin built before the change breaks. Append a
// member (and its golden offset) instead of editing one.
#include <ledgerhost/sdk.h>

#include <cstddef>

#include <gtest/gtest.h>

namespace {

#if defined(__x86_64__) && defined(__LP64__)

TEST(SdkLayoutTest, HttpHeader) {
  EXPECT_EQ(sizeof(lh_http_header), 32u);
  EXPECT_EQ(alignof(lh_http_header), 8u);
  EXPECT_EQ(offsetof(lh_http_header, name), 0u);
  EXPECT_EQ(offsetof(lh_http_header, name_len), 8u);
  EXPECT_EQ(offsetof(lh_http_header, value), 16u);
  EXPECT_EQ(offsetof(lh_http_header, value_len), 24u);
}

TEST(SdkLayoutTest, HttpRequest) {
  EXPECT_EQ(sizeof(lh_http_request), 80u);
  EXPECT_EQ(offsetof(lh_http_request, struct_size), 0u);
  EXPECT_EQ(offsetof(lh_http_request, abi_version), 4u);
  EXPECT_EQ(offsetof(lh_http_request, method), 8u);
  EXPECT_EQ(offsetof(lh_http_request, method_len), 16u);
  EXPECT_EQ(offsetof(lh_http_request, url), 24u);
  EXPECT_EQ(offsetof(lh_http_request, url_len), 32u);
  EXPECT_EQ(offsetof(lh_http_request, headers), 40u);
  EXPECT_EQ(offsetof(lh_http_request, header_count), 48u);
  EXPECT_EQ(offsetof(lh_http_request, body), 56u);
  EXPECT_EQ(offsetof(lh_http_request, body_len), 64u);
  EXPECT_EQ(offsetof(lh_http_request, timeout_ms), 72u);
  EXPECT_EQ(offsetof(lh_http_request, flags), 76u);
}

TEST(SdkLayoutTest, HttpResponse) {
  EXPECT_EQ(sizeof(lh_http_response), 48u);
  EXPECT_EQ(offsetof(lh_http_response, struct_size), 0u);
  EXPECT_EQ(offsetof(lh_http_response, abi_version), 4u);
  EXPECT_EQ(offsetof(lh_http_response, status), 8u);
  EXPECT_EQ(offsetof(lh_http_response, headers), 16u);
  EXPECT_EQ(offsetof(lh_http_response, header_count), 24u);
  EXPECT_EQ(offsetof(lh_http_response, body), 32u);
  EXPECT_EQ(offsetof(lh_http_response, body_len), 40u);
}

TEST(SdkLayoutTest, HostApi) {
  EXPECT_EQ(sizeof(lh_host_api), 96u);
  EXPECT_EQ(offsetof(lh_host_api, struct_size), 0u);
  EXPECT_EQ(offsetof(lh_host_api, abi_version), 4u);
  EXPECT_EQ(offsetof(lh_host_api, http), 8u);
  EXPECT_EQ(offsetof(lh_host_api, emit), 16u);
  EXPECT_EQ(offsetof(lh_host_api, checkpoint), 24u);
  EXPECT_EQ(offsetof(lh_host_api, state_get), 32u);
  EXPECT_EQ(offsetof(lh_host_api, state_put), 40u);
  EXPECT_EQ(offsetof(lh_host_api, log), 48u);
  EXPECT_EQ(offsetof(lh_host_api, now_ms), 56u);
  EXPECT_EQ(offsetof(lh_host_api, set_error), 64u);
  EXPECT_EQ(offsetof(lh_host_api, respond), 72u);
  EXPECT_EQ(offsetof(lh_host_api, random_bytes), 80u);
  EXPECT_EQ(offsetof(lh_host_api, get_extension), 88u);
}

TEST(SdkLayoutTest, PluginDescriptor) {
  EXPECT_EQ(sizeof(lh_plugin_descriptor), 104u);
  EXPECT_EQ(offsetof(lh_plugin_descriptor, struct_size), 0u);
  EXPECT_EQ(offsetof(lh_plugin_descriptor, abi_version), 4u);
  EXPECT_EQ(offsetof(lh_plugin_descriptor, name), 8u);
  EXPECT_EQ(offsetof(lh_plugin_descriptor, version), 16u);
  EXPECT_EQ(offsetof(lh_plugin_descriptor, description), 24u);
  EXPECT_EQ(offsetof(lh_plugin_descriptor, kind), 32u);
  EXPECT_EQ(offsetof(lh_plugin_descriptor, flags), 36u);
  EXPECT_EQ(offsetof(lh_plugin_descriptor, config_schema), 40u);
  EXPECT_EQ(offsetof(lh_plugin_descriptor, streams), 48u);
  EXPECT_EQ(offsetof(lh_plugin_descriptor, commands), 56u);
  EXPECT_EQ(offsetof(lh_plugin_descriptor, create), 64u);
  EXPECT_EQ(offsetof(lh_plugin_descriptor, destroy), 72u);
  EXPECT_EQ(offsetof(lh_plugin_descriptor, read), 80u);
  EXPECT_EQ(offsetof(lh_plugin_descriptor, execute), 88u);
  EXPECT_EQ(offsetof(lh_plugin_descriptor, get_extension), 96u);
}

TEST(SdkLayoutTest, WebhookExt) {
  EXPECT_EQ(sizeof(lh_webhook_ext), 24u);
  EXPECT_EQ(offsetof(lh_webhook_ext, struct_size), 0u);
  EXPECT_EQ(offsetof(lh_webhook_ext, abi_version), 4u);
  EXPECT_EQ(offsetof(lh_webhook_ext, verify), 8u);
  EXPECT_EQ(offsetof(lh_webhook_ext, handle), 16u);
}

#endif  // x86_64 LP64

TEST(SdkLayoutTest, VersionAndConstants) {
  EXPECT_EQ(LH_ABI_MAJOR, 1);
  EXPECT_EQ(LH_ABI_MINOR, 0);
  EXPECT_EQ(LH_ABI_VERSION, 0x00010000u);
  EXPECT_EQ(LH_ABI_PACK(2, 3), 0x00020003u);
  EXPECT_EQ(LH_ABI_MAJOR_OF(0x00020003u), 2u);
  EXPECT_EQ(LH_ABI_MINOR_OF(0x00020003u), 3u);

  EXPECT_EQ(LH_OK, 0);
  EXPECT_EQ(LH_E_INVALID_ARGUMENT, 1);
  EXPECT_EQ(LH_E_INVALID_CONFIG, 2);
  EXPECT_EQ(LH_E_AUTH_REQUIRED, 3);
  EXPECT_EQ(LH_E_RATE_LIMITED, 4);
  EXPECT_EQ(LH_E_TRANSIENT, 5);
  EXPECT_EQ(LH_E_CONFLICT, 6);
  EXPECT_EQ(LH_E_PERMANENT, 7);
  EXPECT_EQ(LH_E_NOT_SUPPORTED, 8);
  EXPECT_EQ(LH_E_INTERNAL, 9);

  EXPECT_EQ(LH_KIND_PROCESSOR, 1);
  EXPECT_EQ(LH_KIND_ACCOUNTING, 2);
  EXPECT_EQ(LH_KIND_BANK, 3);
  EXPECT_EQ(LH_PLUGIN_FLAG_WEBHOOKS, 0x1u);
  EXPECT_EQ(LH_LOG_TRACE, 0);
  EXPECT_EQ(LH_LOG_ERROR, 4);
  EXPECT_EQ(LH_HTTP_NO_RETRY, 0x1u);
  EXPECT_EQ(LH_HTTP_RETRY_UNSAFE, 0x2u);
  EXPECT_STREQ(LH_PLUGIN_ENTRY_SYMBOL, "lh_plugin_entry");
  EXPECT_STREQ(LH_EXT_WEBHOOK, "lh.webhook/1");
}

// LH_HAS_MEMBER reads the sender's struct_size: a 1.0-sized struct reaches its last member, a
// truncated one does not.
TEST(SdkLayoutTest, HasMemberUsesTheSendersSize) {
  lh_plugin_descriptor d{};
  d.struct_size = sizeof(d);
  EXPECT_TRUE(LH_HAS_MEMBER(lh_plugin_descriptor, &d, get_extension));
  d.struct_size = offsetof(lh_plugin_descriptor, get_extension);
  EXPECT_FALSE(LH_HAS_MEMBER(lh_plugin_descriptor, &d, get_extension));
  EXPECT_TRUE(LH_HAS_MEMBER(lh_plugin_descriptor, &d, execute));
  const lh_plugin_descriptor* none = nullptr;
  EXPECT_FALSE(LH_HAS_MEMBER(lh_plugin_descriptor, none, name));
}

}  // namespace
