#include "core/delivery.h"

#include <algorithm>

namespace lh::core {

bool deliveryRuleApplies(const DeliveryRule& rule, const StoredEvent& event) {
  if (rule.tenant != event.tenant || rule.on != event.event.type) {
    return false;
  }
  if (!rule.connections.empty() && std::find(rule.connections.begin(), rule.connections.end(),
                                             event.connection) == rule.connections.end()) {
    return false;
  }
  return matches(rule.where, event.event.body);
}

std::vector<CommandDraft> applyDeliveryRules(std::span<const DeliveryRule> rules,
                                             const StoredEvent& event) {
  std::vector<CommandDraft> out;
  for (const DeliveryRule& rule : rules) {
    if (!deliveryRuleApplies(rule, event)) {
      continue;
    }
    CommandDraft draft;
    draft.rule_id = rule.id;
    draft.target_connection = rule.target_connection;
    draft.command = rule.command;
    draft.options = rule.options;
    draft.source = event.key();
    out.push_back(std::move(draft));
  }
  return out;
}

}  // namespace lh::core
