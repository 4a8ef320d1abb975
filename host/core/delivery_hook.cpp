#include "core/delivery_hook.h"

#include <utility>

#include "core/delivery.h"

namespace lh::core {

Ingestor::ChangedHook makeDeliveryHook(CommandStore& commands, std::vector<DeliveryRule> rules,
                                       DeliveryCounters* counters) {
  return
      [&commands, rules = std::move(rules), counters](
          const StoredEvent& now, const std::optional<StoredEvent>& /*superseded*/) -> lh::Status {
        for (const CommandDraft& draft : applyDeliveryRules(rules, now)) {
          lh::Result<EnqueueOutcome> outcome = commands.enqueue(CommandRequest::from(draft, now));
          if (!outcome.isOk()) {
            return outcome.status().withContext("delivery rule '" + draft.rule_id + "'");
          }
          if (counters != nullptr) {
            switch (*outcome) {
              case EnqueueOutcome::Queued:
                ++counters->queued;
                break;
              case EnqueueOutcome::Updated:
                ++counters->updated;
                break;
              case EnqueueOutcome::Unchanged:
                ++counters->unchanged;
                break;
            }
          }
        }
        return lh::Status::ok();
      };
}

Ingestor::ChangedHook combineHooks(std::vector<Ingestor::ChangedHook> hooks) {
  return [hooks = std::move(hooks)](const StoredEvent& now,
                                    const std::optional<StoredEvent>& superseded) -> lh::Status {
    for (const Ingestor::ChangedHook& hook : hooks) {
      if (hook) {
        LH_RETURN_IF_ERROR(hook(now, superseded));
      }
    }
    return lh::Status::ok();
  };
}

}  // namespace lh::core
