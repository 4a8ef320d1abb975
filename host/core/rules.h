// Posting and delivery rules: what the pipeline YAML compiles into, and what the engine runs.
//
// Vendor- and YAML-neutral: host/pipeline builds these from the config (keeping file:line:col for
// its own error messages); core only evaluates them. Values; not thread-safe to mutate.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/event.h"

namespace lh::core {

// One test on an event's JSON body. `path` is dotted ("status", "links.invoice",
// "attributes.kind"); a missing field compares unequal to everything.
struct Condition {
  enum class Op { Eq, Ne, In, NotIn, Exists, Missing };
  std::string path;
  Op op = Op::Eq;
  std::vector<nlohmann::json> values;  // one for Eq/Ne, any number for In/NotIn, none otherwise
};

// True when every condition holds for `body` (an empty list always matches).
bool matches(const std::vector<Condition>& where, const nlohmann::json& body);

// One side of a posting: an account, debit or credit, and which money field of the event
// ("amount", "fee", "net", "tax", "settlement.amount", "settlement.net", ...) gives the amount.
struct PostingLine {
  enum class Side { Debit, Credit };
  std::string account;  // account code in the tenant's chart
  Side side = Side::Debit;
  std::string amount_field;
};

// Turns each matching event version into one balanced ledger entry.
// Identity: `id` is stable across config reloads; the ledger keeps one entry per
// (rule id, event version), so a replay never posts twice.
struct PostingRule {
  std::string id;
  std::string tenant;
  std::vector<std::string> connections;  // empty: any connection of the tenant
  EventType on = EventType::Payment;
  std::vector<Condition> where;
  std::vector<PostingLine> lines;        // balances by construction (checked by config check)
  std::string date_field = "occurred_at";  // event field giving the entry's effective date
  std::string memo;                      // optional template text for the entry memo
};

// Queues one command for an accounting connection for each matching event version.
// Identity: one command per (rule id, event key); a new event version re-sends only when the
// target connector supports updates.
struct DeliveryRule {
  std::string id;
  std::string tenant;
  std::vector<std::string> connections;  // empty: any connection of the tenant
  EventType on = EventType::Payment;
  std::vector<Condition> where;
  std::string target_connection;
  std::string command;                   // one of the target plugin's commands
  nlohmann::json options = nlohmann::json::object();  // passed through to the command payload
};

}  // namespace lh::core
