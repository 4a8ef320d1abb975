#include "pipeline/posting_preview.h"

#include "core/event_validator.h"

namespace lh::pipeline {

lh::Result<core::Event> eventFromJson(const nlohmann::json& json) {
  // Compiling the schema is the expensive part: once per process. validateJson is thread-safe.
  static const core::EventValidator validator;
  return validator.validateJson(json);
}

Preview previewEvents(const Config& config, std::span<const PreviewEvent> events) {
  const std::vector<core::PostingRule> postingRules = config.postingRules();
  const std::vector<core::DeliveryRule> deliveryRules = config.deliveryRules();
  Preview preview;
  for (size_t i = 0; i < events.size(); ++i) {
    const PreviewEvent& input = events[i];
    const Connection* connection = config.findConnection(input.connection);
    if (connection == nullptr) {
      preview.errors.push_back({i, "connection '" + input.connection + "' is not in the config"});
      continue;
    }
    core::StoredEvent stored;
    stored.id = static_cast<int64_t>(i) + 1;
    stored.tenant = connection->tenant;
    stored.connection = connection->name;
    stored.event = input.event;

    lh::Result<core::PostingPlan> plan = core::applyPostingRules(postingRules, stored);
    if (!plan.isOk()) {
      preview.errors.push_back({i, plan.status().message()});
    } else {
      for (core::PostingDraft& draft : plan->entries) {
        preview.postings.push_back({i, std::move(draft)});
      }
      for (core::SkippedRule& skipped : plan->skipped) {
        preview.skipped.push_back({i, std::move(skipped)});
      }
    }
    for (core::CommandDraft& command : core::applyDeliveryRules(deliveryRules, stored)) {
      preview.commands.push_back({i, std::move(command)});
    }
  }
  return preview;
}

}  // namespace lh::pipeline
