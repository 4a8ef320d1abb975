// The Authorize.net plugin's descriptor and its one exported symbol, lh_plugin_entry.
#include "authnet_connector.h"
#include "config_schema.h"

namespace {

// Authorize.net takes no delivery commands: it is a source, not a target.
const char* const kCommands[] = {nullptr};

}  // namespace

LH_CONNECTOR(lh::authnet::AuthnetConnector,
             (ledgerhost::PluginInfo{
                 .name = "authnet",
                 .version = "0.1.0",
                 .description = "Authorize.net: settled batches and their transactions, "
                                "unsettled transactions; signed webhooks",
                 .kind = LH_KIND_PROCESSOR,
                 .flags = LH_PLUGIN_FLAG_WEBHOOKS,
                 .config_schema = lh::authnet::kConfigSchema,
                 .streams = lh::authnet::kStreams,
                 .commands = kCommands,
             }))
