// The Stripe plugin's descriptor and its one exported symbol, lh_plugin_entry.
#include "config_schema.h"
#include "stripe_connector.h"

namespace {

// Stripe takes no delivery commands: it is a source, not a target.
const char* const kCommands[] = {nullptr};

}  // namespace

LH_CONNECTOR(lh::stripe::StripeConnector,
             (ledgerhost::PluginInfo{
                 .name = "stripe",
                 .version = "0.1.0",
                 .description = "Stripe: payouts, balance transactions, charges, refunds, "
                                "disputes, invoices, credit notes, customers; signed webhooks",
                 .kind = LH_KIND_PROCESSOR,
                 .flags = LH_PLUGIN_FLAG_WEBHOOKS,
                 .config_schema = lh::stripe::kConfigSchema,
                 .streams = lh::stripe::kStreams,
                 .commands = kCommands,
             }))
