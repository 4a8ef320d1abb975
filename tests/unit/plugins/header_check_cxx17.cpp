// Compile check: sdk.h and plugin.hpp are warning-free as C++17 under -Wall -Wextra -pedantic
// -Werror, including the code LH_CONNECTOR instantiates.
#include <ledgerhost/sdk.h>
#include <ledgerhost/plugin.hpp>

namespace {

class CheckConnector : public ledgerhost::Connector {
 public:
  CheckConnector(ledgerhost::Host host, std::string_view config) : Connector(host) { (void)config; }
};

const char* const kNone[] = {nullptr};

}  // namespace

// The entry is never exported from this object library (it is not a plugin); instantiating it
// compiles every trampoline of plugin.hpp under the strict flags.
LH_CONNECTOR(CheckConnector, (ledgerhost::PluginInfo{"check", "0.0.0", "compile check",
                                                     LH_KIND_BANK, 0, "{}", kNone, kNone}))

int lhHeaderCheckCxx17(const lh_plugin_descriptor* d) {
  return LH_HAS_MEMBER(lh_plugin_descriptor, d, get_extension) ? 1 : 0;
}
