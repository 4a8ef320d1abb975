// Applying delivery rules to one event: which commands to queue for accounting connections.
//
// Like posting.h, pure and shared by the delivery queue and `ledgerhost config test`. A rule
// applies when the tenant matches, the rule lists the event's connection or none, the type matches
// and every `where` condition holds; each applying rule yields one command.
//
// Pure functions; any thread.
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "core/event.h"
#include "core/rules.h"

namespace lh::core {

// One command to send to a target connection about one event.
struct CommandDraft {
  std::string rule_id;
  std::string target_connection;
  std::string command;
  nlohmann::json options = nlohmann::json::object();  // the rule's options, passed through
  EventKey source;                                    // the event it is about
};

// True when `rule` applies to `event`.
bool deliveryRuleApplies(const DeliveryRule& rule, const StoredEvent& event);

// The commands `rules` yield for `event`, in rule order.
std::vector<CommandDraft> applyDeliveryRules(std::span<const DeliveryRule> rules,
                                             const StoredEvent& event);

}  // namespace lh::core
