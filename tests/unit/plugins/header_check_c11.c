/*
 * Compile check: sdk.h is pure C11 and warning-free under -std=c11 -Wall -Wextra -pedantic
 * -Werror. The _Static_asserts repeat the golden x86_64 layout of sdk_layout_test.cpp as the C
 * compiler sees it, so a C plugin and the C++ host agree byte for byte.
 */
#include <ledgerhost/sdk.h>

#if defined(__x86_64__) && defined(__LP64__)
_Static_assert(sizeof(lh_http_header) == 32, "lh_http_header size");
_Static_assert(sizeof(lh_http_request) == 80, "lh_http_request size");
_Static_assert(offsetof(lh_http_request, flags) == 76, "lh_http_request.flags");
_Static_assert(sizeof(lh_http_response) == 48, "lh_http_response size");
_Static_assert(offsetof(lh_http_response, headers) == 16, "lh_http_response.headers");
_Static_assert(sizeof(lh_host_api) == 96, "lh_host_api size");
_Static_assert(offsetof(lh_host_api, get_extension) == 88, "lh_host_api.get_extension");
_Static_assert(sizeof(lh_plugin_descriptor) == 104, "lh_plugin_descriptor size");
_Static_assert(offsetof(lh_plugin_descriptor, kind) == 32, "lh_plugin_descriptor.kind");
_Static_assert(offsetof(lh_plugin_descriptor, get_extension) == 96, "descriptor.get_extension");
_Static_assert(sizeof(lh_webhook_ext) == 24, "lh_webhook_ext size");
#endif

/* Uses the macros, so a broken macro fails to compile here rather than in a plugin. */
int lh_header_check_c11(const lh_plugin_descriptor* d);
int lh_header_check_c11(const lh_plugin_descriptor* d) {
  const uint32_t v = LH_ABI_VERSION;
  return LH_HAS_MEMBER(lh_plugin_descriptor, d, get_extension) &&
         LH_ABI_MAJOR_OF(v) == LH_ABI_MAJOR && LH_ABI_MINOR_OF(v) == LH_ABI_MINOR;
}
