// Posting preview: runs a Config's pipelines on events in memory — the postings and delivery
// commands the host would produce, with no store, ledger or network. `ledgerhost config test`
// compares them with a case's expectations; nothing is written anywhere.
//
// The rule application itself is core's (core/posting.h, core/delivery.h), the same code the
// ledger and the delivery queue run, so what a preview shows is what production posts.
//
// Pure functions; any thread.
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "core/delivery.h"
#include "core/event.h"
#include "core/posting.h"
#include "core/status.h"
#include "pipeline/config.h"

namespace lh::pipeline {

// One input event: the connection it came from and the canonical event.
struct PreviewEvent {
  std::string connection;
  core::Event event;
};

// Builds a core::Event from canonical event JSON, validated exactly as the host validates what a
// connector emits (core::EventValidator: the canonical event schema, money, signs, dates), with
// its checksum. InvalidArgument "<JSON pointer>: <reason>" for the first bad field.
lh::Result<core::Event> eventFromJson(const nlohmann::json& json);

struct PreviewPosting {
  size_t event_index = 0;  // into the events given
  core::PostingDraft draft;
};

struct PreviewCommand {
  size_t event_index = 0;
  core::CommandDraft command;
};

struct PreviewSkip {
  size_t event_index = 0;
  core::SkippedRule skipped;
};

// An event the rules could not post (e.g. its amounts break amount = net + fee).
struct PreviewError {
  size_t event_index = 0;
  std::string message;
};

struct Preview {
  std::vector<PreviewPosting> postings;  // event order, then rule order
  std::vector<PreviewCommand> commands;  // event order, then rule order
  std::vector<PreviewSkip> skipped;
  std::vector<PreviewError> errors;
};

// Applies every pipeline of `config` to each event, as the event's connection's tenant. An event
// whose connection is not in the config is an error entry (the others still run).
Preview previewEvents(const Config& config, std::span<const PreviewEvent> events);

}  // namespace lh::pipeline
