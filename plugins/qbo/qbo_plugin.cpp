// The QuickBooks Online plugin's descriptor and its one exported symbol, lh_plugin_entry.
#include "config_schema.h"
#include "qbo_connector.h"

LH_CONNECTOR(lh::qbo::QboConnector,
             (ledgerhost::PluginInfo{
                 .name = "qbo",
                 .version = "0.1.0",
                 .description = "QuickBooks Online: creates customers, invoices, payments, "
                                "refunds, credit memos, deposits, journal entries; reads changes",
                 .kind = LH_KIND_ACCOUNTING,
                 .flags = LH_PLUGIN_FLAG_WEBHOOKS | LH_PLUGIN_FLAG_OAUTH2,
                 .config_schema = lh::qbo::kConfigSchema,
                 .streams = lh::qbo::kStreams,
                 .commands = lh::qbo::kCommands,
             }))
