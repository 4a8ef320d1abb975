#include "core/ledger_posting_hook.h"

#include <utility>

namespace lh::core {

Ingestor::ChangedHook makePostingHook(Ledger& ledger, std::vector<Tenant> tenants,
                                      std::vector<PostingRule> rules,
                                      std::function<int64_t()> clock) {
  return
      [&ledger, tenants = std::move(tenants), rules = std::move(rules), clock = std::move(clock)](
          const StoredEvent& now, const std::optional<StoredEvent>& /*superseded*/) -> lh::Status {
        // The superseded version is not needed: the ledger finds what it posted for the event's key
        // itself, which also covers versions posted by an earlier run or before a crash.
        const Tenant* tenant = nullptr;
        for (const Tenant& t : tenants) {
          if (t.id == now.tenant) {
            tenant = &t;
            break;
          }
        }
        if (tenant == nullptr) {
          return lh::invalidConfig("event " + std::string(eventTypeName(now.event.type)) + " '" +
                                   now.event.external_id + "' of connection '" + now.connection +
                                   "' belongs to tenant '" + now.tenant +
                                   "', which the configuration does not declare");
        }
        return ledger.post(*tenant, rules, now, clock()).status();
      };
}

}  // namespace lh::core
