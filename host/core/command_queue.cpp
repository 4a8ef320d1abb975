#include "core/command_queue.h"

#include <nlohmann/json.hpp>
#include <string>

#include "core/event_validator.h"

namespace lh::core {

std::string_view commandStatusName(CommandStatus status) {
  switch (status) {
    case CommandStatus::Pending:
      return "pending";
    case CommandStatus::Sent:
      return "sent";
    case CommandStatus::Failed:
      return "failed";
    case CommandStatus::Held:
      return "held";
  }
  return "unknown";
}

lh::Result<CommandStatus> parseCommandStatus(std::string_view name) {
  for (CommandStatus status :
       {CommandStatus::Pending, CommandStatus::Sent, CommandStatus::Failed, CommandStatus::Held}) {
    if (commandStatusName(status) == name) {
      return status;
    }
  }
  return lh::invalidArgument("unknown command status '" + std::string(name) +
                             "' (expected pending, sent, failed or held)");
}

std::string_view enqueueOutcomeName(EnqueueOutcome outcome) {
  switch (outcome) {
    case EnqueueOutcome::Queued:
      return "queued";
    case EnqueueOutcome::Updated:
      return "updated";
    case EnqueueOutcome::Unchanged:
      return "unchanged";
  }
  return "unknown";
}

std::string commandIdempotencyKey(const std::string& tenant, const std::string& ruleId,
                                  const EventKey& key) {
  // NUL separators: no value can contain one, so two different tuples never encode alike. The
  // version prefix lets a future scheme coexist without colliding with this one.
  std::string material = "ledgerhost.command/1";
  for (std::string_view part :
       {std::string_view(tenant), std::string_view(ruleId), std::string_view(key.connection),
        eventTypeName(key.type), std::string_view(key.external_id)}) {
    material.push_back('\0');
    material.append(part);
  }
  // 32 hex characters = 128 bits: collision-free in practice, and within QBO's 36.
  return payloadSha256(material).substr(0, 32);
}

std::string commandPayloadJson(const CommandDraft& draft, const StoredEvent& event) {
  nlohmann::json payload = {
      {"event", event.event.body},
      {"options", draft.options.is_null() ? nlohmann::json::object() : draft.options},
      {"source",
       {{"connection", event.connection},
        {"type", std::string(eventTypeName(event.event.type))},
        {"external_id", event.event.external_id},
        {"version", event.version}}}};
  // `replace`: an option from YAML with invalid UTF-8 must not throw out of core.
  return payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

CommandRequest CommandRequest::from(const CommandDraft& draft, const StoredEvent& event) {
  CommandRequest request;
  request.tenant = event.tenant;
  request.rule_id = draft.rule_id;
  request.source = event.key();
  request.event_id = event.id;
  request.event_version = event.version;
  request.target_connection = draft.target_connection;
  request.command = draft.command;
  request.idempotency_key = commandIdempotencyKey(event.tenant, draft.rule_id, request.source);
  request.payload_json = commandPayloadJson(draft, event);
  return request;
}

}  // namespace lh::core
