// The UK Open Banking plugin's descriptor and its one exported symbol, lh_plugin_entry.
#include "config_schema.h"
#include "openbanking_connector.h"

namespace {

// A bank is a source only: no delivery commands.
const char* const kCommands[] = {nullptr};

}  // namespace

LH_CONNECTOR(lh::openbanking::OpenBankingConnector,
             (ledgerhost::PluginInfo{
                 .name = "openbanking",
                 .version = "0.1.0",
                 .description = "UK Open Banking (AISP): accounts, balances and bank transactions",
                 .kind = LH_KIND_BANK,
                 .flags = 0,
                 .config_schema = lh::openbanking::kConfigSchema,
                 .streams = lh::openbanking::kStreams,
                 .commands = kCommands,
             }))
