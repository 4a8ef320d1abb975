#include "pipeline/delivery_runner.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>
#include <utility>

#include "core/logging.h"
#include "core/payout_composition.h"
#include "pipeline/reauth.h"

namespace lh::pipeline {
namespace {

using nlohmann::json;

// One plugin answer (sdk.h `execute`).
struct Response {
  lh::Code code = lh::Code::Transient;
  std::string target_id;
  std::string target_type;
  std::string message;
};

// The responses of one call by command id; malformed or unknown ones are logged and dropped (the
// command then counts as unanswered: transient).
std::map<int64_t, Response> parseResponses(const std::vector<std::string>& texts,
                                           const std::set<int64_t>& asked,
                                           const std::string& target) {
  std::map<int64_t, Response> out;
  for (const std::string& text : texts) {
    const json r = json::parse(text, nullptr, false);  // respond() already checked: an object
    int64_t id = 0;
    bool known = false;
    if (const auto it = r.find("id"); it != r.end() && it->is_string()) {
      try {
        size_t used = 0;
        id = std::stoll(it->get<std::string>(), &used);
        known = used == it->get<std::string>().size() && asked.count(id) != 0;
      } catch (const std::exception&) {
        known = false;
      }
    }
    if (!known) {
      spdlog::warn("delivery to '{}': dropped a response for no command of this call", target);
      continue;
    }
    if (out.count(id) != 0) {
      spdlog::warn("delivery to '{}': command {} answered twice; the first answer stands", target,
                   id);
      continue;
    }
    Response response;
    const auto status = r.find("status");
    response.code = status != r.end() && status->is_number_integer()
                        ? lh::codeFromInt(status->get<int32_t>())
                        : lh::Code::Internal;
    response.target_id = r.value("target_id", std::string());
    response.target_type = r.value("target_type", std::string());
    response.message = r.value("message", std::string());
    if (status == r.end() || !status->is_number_integer()) {
      response.message = "the plugin's response has no integer status";
    }
    out.emplace(id, std::move(response));
  }
  return out;
}

// "command 12 create_invoice about invoice in_1".
std::string describe(const core::CommandRecord& c) {
  return "command " + std::to_string(c.id) + " " + c.request.command + " about " +
         std::string(core::eventTypeName(c.request.source.type)) + " " +
         c.request.source.external_id;
}

// The target type when the plugin named none: "create_sales_receipt" -> "SalesReceipt".
std::string typeFromCommand(const std::string& command) {
  std::string name = command.rfind("create_", 0) == 0 ? command.substr(7) : command;
  std::string out;
  bool upper = true;
  for (char c : name) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out.push_back(upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    upper = false;
  }
  return out;
}

}  // namespace

bool DeliveryResult::ok() const {
  return std::all_of(targets.begin(), targets.end(), [](const TargetDelivery& t) {
    return t.status.isOk() && t.failed == 0;
  });
}

TargetDelivery DeliveryResult::totals() const {
  TargetDelivery total;
  total.target = "*";
  for (const TargetDelivery& t : targets) {
    total.sent += t.sent;
    total.failed += t.failed;
    total.waiting += t.waiting;
    total.held += t.held;
    total.passes += t.passes;
    total.calls += t.calls;
    total.problems.insert(total.problems.end(), t.problems.begin(), t.problems.end());
    if (total.status.isOk() && !t.status.isOk()) {
      total.status = t.status;
    }
  }
  return total;
}

std::vector<std::string> deliveryTargetsFor(const Config& config,
                                            const std::vector<std::string>& connections) {
  std::vector<std::string> out;
  const auto add = [&](const std::string& name) {
    if (std::find(out.begin(), out.end(), name) == out.end()) {
      out.push_back(name);
    }
  };
  const std::vector<core::DeliveryRule> rules = config.deliveryRules();
  for (const core::DeliveryRule& rule : rules) {
    const bool applies = std::any_of(connections.begin(), connections.end(), [&](const auto& name) {
      if (name == rule.target_connection) {
        return true;
      }
      if (!rule.connections.empty()) {
        return std::find(rule.connections.begin(), rule.connections.end(), name) !=
               rule.connections.end();
      }
      const Connection* c = config.findConnection(name);
      return c != nullptr && c->tenant == rule.tenant;
    });
    if (applies) {
      add(rule.target_connection);
    }
  }
  return out;
}

// One target's run: the passes, its caches and its counts.
class DeliveryRunner::Target {
 public:
  Target(Runtime& runtime, DeliveryProgress* progress, const DeliveryOptions& options,
         std::string target)
      : runtime_(runtime), progress_(progress), options_(options) {
    result_.target = std::move(target);
  }

  TargetDelivery run() {
    const std::string& target = result_.target;
    lh::log::ScopedContext logContext{{"delivery_target", target}};
    if (progress_ != nullptr) {
      progress_->targetStarted(target);
    }
    // A connection marked by an earlier AuthRequired (sync's or delivery's) is not called until
    // `ledgerhost connect` clears the mark (pipeline/reauth.h).
    if (lh::Status marked = refuseIfNeedsReauth(runtime_, target); !marked.isOk()) {
      return finish(std::move(marked));
    }
    lh::Result<std::unique_ptr<ConnectionSession>> session = runtime_.connect(target);
    if (!session.isOk()) {
      return finish(session.status().withContext("delivery to '" + target + "'"));
    }
    session_ = std::move(session).value();
    for (int pass = 1; pass <= options_.max_passes; ++pass) {
      ++result_.passes;
      int64_t sentBefore = result_.sent;
      lh::Status status = runPass();
      if (status.code() == lh::Code::AuthRequired) {
        // The plugin's: mark the connection and say what to run, as SyncRunner does.
        recordIfNeedsReauth(runtime_, target, status);
        return finish(status.withContext("connection needs re-authorisation: " +
                                         connectHint(runtime_, target)));
      }
      if (!status.isOk()) {
        return finish(std::move(status));
      }
      if (result_.sent == sentBefore) {
        break;
      }
    }
    return finish(lh::Status::ok());
  }

 private:
  TargetDelivery finish(lh::Status status) {
    result_.status = std::move(status);
    result_.waiting = static_cast<int64_t>(waiting_.size());
    result_.held = static_cast<int64_t>(held_.size());
    for (const auto& [id, why] : held_) {
      result_.problems.push_back(why);
    }
    if (result_.status.isOk()) {
      spdlog::info("delivery to '{}' done: {} sent, {} failed, {} waiting, {} held in {} passes",
                   result_.target, result_.sent, result_.failed, result_.waiting, result_.held,
                   result_.passes);
    } else {
      spdlog::error("delivery to '{}' stopped after {} sent: {}", result_.target, result_.sent,
                    result_.status.toString());
    }
    if (progress_ != nullptr) {
      progress_->targetFinished(result_);
    }
    return result_;
  }

  // One walk over every pending command of the target, in batches.
  lh::Status runPass() {
    int64_t afterId = 0;
    for (;;) {
      LH_ASSIGN_OR_RETURN(
          std::vector<core::CommandRecord> batch,
          runtime_.commands().pendingAfter(result_.target, afterId, options_.batch));
      if (batch.empty()) {
        return lh::Status::ok();
      }
      afterId = batch.back().id;
      LH_RETURN_IF_ERROR(sendBatch(batch));
    }
  }

  lh::Status sendBatch(const std::vector<core::CommandRecord>& batch) {
    LH_RETURN_IF_ERROR(loadCompositions(batch));
    std::vector<const core::CommandRecord*> toSend;
    json commands = json::array();
    std::vector<std::pair<int64_t, std::string>> newHolds;  // id -> "held: ..." to note
    for (const core::CommandRecord& c : batch) {
      if (transient_[c.id] >= options_.max_transient_per_run) {
        continue;  // left for the next run; still counted as waiting
      }
      LH_ASSIGN_OR_RETURN(json payload, payloadOf(c));
      if (payload.contains("composition")) {
        const std::string mismatch = payload["composition"].value("mismatch", std::string());
        payload["composition"].erase("mismatch");
        if (!mismatch.empty()) {
          const std::string why = "held: " + mismatch;
          held_[c.id] = describe(c) + ": " + why;
          if (c.last_error != why) {
            newHolds.emplace_back(c.id, why);
          }
          continue;
        }
      }
      held_.erase(c.id);
      commands.push_back({{"id", std::to_string(c.id)},
                          {"type", c.request.command},
                          {"idempotency_key", c.request.idempotency_key},
                          {"payload", std::move(payload)}});
      toSend.push_back(&c);
    }
    if (!newHolds.empty()) {
      LH_RETURN_IF_ERROR(runtime_.unit().run([&]() -> lh::Status {
        for (const auto& [id, why] : newHolds) {
          LH_RETURN_IF_ERROR(runtime_.commands().markWaiting(id, why));
        }
        return lh::Status::ok();
      }));
      for (const auto& [id, why] : newHolds) {
        spdlog::warn("delivery to '{}': command {} {}", result_.target, id, why);
      }
    }
    if (toSend.empty()) {
      return lh::Status::ok();
    }

    std::vector<std::string> texts;
    ++result_.calls;
    const lh::Status call = session_->instance().execute(commands.dump(), &texts);
    if (options_.after_execute) {
      LH_RETURN_IF_ERROR(options_.after_execute(result_.target));
    }
    std::set<int64_t> asked;
    for (const core::CommandRecord* c : toSend) {
      asked.insert(c->id);
    }
    std::map<int64_t, Response> responses = parseResponses(texts, asked, result_.target);
    if (!call.isOk()) {
      spdlog::warn("delivery to '{}': execute of {} commands failed after {} responses: {}",
                   result_.target, toSend.size(), responses.size(), call.toString());
    }
    return apply(toSend, responses, call);
  }

  // Records every answer of one call in one unit of work; counts only once it committed.
  lh::Status apply(const std::vector<const core::CommandRecord*>& sent,
                   const std::map<int64_t, Response>& responses, const lh::Status& call) {
    enum class Outcome { Sent, Retry, Failed, Auth };
    std::vector<std::pair<const core::CommandRecord*, Outcome>> outcomes;
    std::vector<std::string> failures;
    std::optional<lh::Status> auth;
    if (call.code() == lh::Code::AuthRequired) {
      auth = call;
    }
    LH_RETURN_IF_ERROR(runtime_.unit().run([&]() -> lh::Status {
      outcomes.clear();
      failures.clear();
      for (const core::CommandRecord* c : sent) {
        const auto it = responses.find(c->id);
        if (it == responses.end()) {
          if (call.code() == lh::Code::AuthRequired) {
            outcomes.emplace_back(c, Outcome::Auth);
            continue;  // not tried: it keeps its attempts
          }
          const std::string why =
              call.isOk() ? "no response from the plugin" : "no response: " + call.message();
          LH_RETURN_IF_ERROR(runtime_.commands().markFailed(c->id, why, /*retryable=*/true));
          outcomes.emplace_back(c, Outcome::Retry);
          continue;
        }
        const Response& r = it->second;
        switch (r.code) {
          case lh::Code::Ok: {
            if (r.target_id.empty()) {
              const std::string why = "the plugin answered success without a target_id";
              LH_RETURN_IF_ERROR(runtime_.commands().markFailed(c->id, why, false));
              failures.push_back(describe(*c) + ": " + why);
              outcomes.emplace_back(c, Outcome::Failed);
              break;
            }
            LH_RETURN_IF_ERROR(runtime_.commands().markSent(c->id, r.target_id));
            core::CommandLink link;
            link.tenant = c->request.tenant;
            link.source = c->request.source;
            link.target_connection = result_.target;
            link.target_type =
                r.target_type.empty() ? typeFromCommand(c->request.command) : r.target_type;
            link.target_id = r.target_id;
            link.command_id = c->id;
            LH_RETURN_IF_ERROR(runtime_.commands().recordLink(link));
            outcomes.emplace_back(c, Outcome::Sent);
            break;
          }
          case lh::Code::Transient:
          case lh::Code::RateLimited:
            LH_RETURN_IF_ERROR(runtime_.commands().markFailed(
                c->id, r.message.empty() ? std::string(lh::codeName(r.code)) : r.message, true));
            outcomes.emplace_back(c, Outcome::Retry);
            break;
          case lh::Code::AuthRequired:
            if (!auth) {
              auth = lh::authRequired(r.message);
            }
            outcomes.emplace_back(c, Outcome::Auth);
            break;
          default: {
            const std::string why =
                std::string(lh::codeName(r.code)) + (r.message.empty() ? "" : ": " + r.message);
            LH_RETURN_IF_ERROR(runtime_.commands().markFailed(c->id, why, false));
            failures.push_back(describe(*c) + ": " + why);
            outcomes.emplace_back(c, Outcome::Failed);
            break;
          }
        }
      }
      return lh::Status::ok();
    }));
    for (const auto& [c, outcome] : outcomes) {
      switch (outcome) {
        case Outcome::Sent:
          ++result_.sent;
          waiting_.erase(c->id);
          break;
        case Outcome::Retry:
          ++transient_[c->id];
          waiting_.insert(c->id);
          break;
        case Outcome::Failed:
          ++result_.failed;
          waiting_.erase(c->id);
          break;
        case Outcome::Auth:
          waiting_.insert(c->id);
          break;
      }
    }
    for (const std::string& failure : failures) {
      spdlog::warn("delivery to '{}': {}", result_.target, failure);
      result_.problems.push_back(failure);
    }
    result_.waiting = static_cast<int64_t>(waiting_.size());
    result_.held = static_cast<int64_t>(held_.size());
    if (progress_ != nullptr) {
      progress_->batchDone(result_);
    }
    if (auth) {
      return *auth;
    }
    return lh::Status::ok();
  }

  // The payload the plugin gets: the stored one plus "targets" (and "composition" for a payout,
  // with a "mismatch" member the caller removes).
  lh::Result<json> payloadOf(const core::CommandRecord& c) {
    json payload = json::parse(c.request.payload_json, nullptr, false);
    if (!payload.is_object()) {
      return lh::permanent(describe(c) + ": its stored payload is not a JSON object");
    }
    const json& event = payload.contains("event") ? payload["event"] : json::object();
    LH_ASSIGN_OR_RETURN(json targets, targetsOf(c.request.tenant, c.request.source.connection,
                                                event.value("links", json::object())));
    payload["targets"] = std::move(targets);
    if (c.request.source.type == core::EventType::Payout) {
      LH_ASSIGN_OR_RETURN(json composition, compositionOf(c, event));
      payload["composition"] = std::move(composition);
    }
    return payload;
  }

  // {"<link name>": {"type", "id"}} for the links of `links` that this target already holds.
  lh::Result<json> targetsOf(const std::string& tenant, const std::string& sourceConnection,
                             const json& links) {
    json targets = json::object();
    if (!links.is_object()) {
      return targets;
    }
    for (const auto& [name, value] : links.items()) {
      if (!value.is_string()) {
        continue;
      }
      lh::Result<core::EventType> type = core::parseEventType(name);
      if (!type.isOk()) {
        continue;  // e.g. "charge", "balance_transaction": not an object the host delivers
      }
      const core::EventKey key{sourceConnection, *type, value.get<std::string>()};
      LH_ASSIGN_OR_RETURN(std::vector<core::CommandLink> found,
                          runtime_.commands().linksFor(tenant, key, result_.target));
      if (!found.empty()) {
        targets[name] = {{"type", found.front().target_type}, {"id", found.front().target_id}};
      }
    }
    return targets;
  }

  // Fetches, in one store call per (tenant, source connection), the settled events of every
  // payout in `batch` not seen yet in this run.
  lh::Status loadCompositions(const std::vector<core::CommandRecord>& batch) {
    std::map<std::pair<std::string, std::string>, std::vector<std::string>> wanted;
    for (const core::CommandRecord& c : batch) {
      if (c.request.source.type != core::EventType::Payout) {
        continue;
      }
      const auto key = std::make_tuple(c.request.tenant, c.request.source.connection,
                                       c.request.source.external_id);
      if (linked_.count(key) == 0) {
        linked_[key];  // known from now on, even if nothing links to it
        wanted[{c.request.tenant, c.request.source.connection}].push_back(
            c.request.source.external_id);
      }
    }
    for (const auto& [where, payouts] : wanted) {
      LH_ASSIGN_OR_RETURN(
          std::vector<core::StoredEvent> events,
          runtime_.events().currentLinkedTo(where.first, where.second, "payout", payouts));
      for (core::StoredEvent& e : events) {
        const json& links = e.event.body.value("links", json::object());
        const std::string payout = links.value("payout", std::string());
        linked_[std::make_tuple(where.first, where.second, payout)].push_back(std::move(e));
      }
    }
    return lh::Status::ok();
  }

  lh::Result<json> compositionOf(const core::CommandRecord& c, const json& eventBody) {
    core::StoredEvent payout;
    payout.tenant = c.request.tenant;
    payout.connection = c.request.source.connection;
    payout.event.type = core::EventType::Payout;
    payout.event.external_id = c.request.source.external_id;
    payout.event.body = eventBody;
    const std::vector<core::StoredEvent>& linked = linked_[std::make_tuple(
        c.request.tenant, c.request.source.connection, c.request.source.external_id)];
    lh::Result<core::PayoutComposition> composed = core::composePayout(payout, linked);
    if (!composed.isOk()) {
      // A payout without a readable amount cannot be checked: held, with the reason.
      return json{{"events", json::array()},
                  {"net_total", nullptr},
                  {"mismatch", composed.status().message()}};
    }
    json events = std::move(composed->events);
    for (json& e : events) {
      LH_ASSIGN_OR_RETURN(json targets,
                          targetsOf(c.request.tenant, c.request.source.connection, e["links"]));
      e["targets"] = std::move(targets);
      // The event's own object at this target (the Payment made for a charge), for deposit lines
      // that link to it: additive to the contract's members.
      LH_ASSIGN_OR_RETURN(core::EventType type, core::parseEventType(e["type"].get<std::string>()));
      const core::EventKey own{c.request.source.connection, type,
                               e["external_id"].get<std::string>()};
      LH_ASSIGN_OR_RETURN(std::vector<core::CommandLink> made,
                          runtime_.commands().linksFor(c.request.tenant, own, result_.target));
      e["target"] = made.empty() ? json(nullptr)
                                 : json{{"type", made.front().target_type},
                                        {"id", made.front().target_id}};
    }
    return json{{"events", std::move(events)},
                {"net_total", composed->net_total ? core::toJson(*composed->net_total) : json()},
                {"mismatch", composed->mismatch}};
  }

  Runtime& runtime_;
  DeliveryProgress* progress_;
  const DeliveryOptions& options_;
  TargetDelivery result_;
  std::unique_ptr<ConnectionSession> session_;
  std::map<int64_t, int> transient_;           // command id -> transient answers in this run
  std::set<int64_t> waiting_;                  // answered transiently, not sent since
  std::map<int64_t, std::string> held_;        // command id -> why (held at its last look)
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<core::StoredEvent>>
      linked_;  // (tenant, source connection, payout id) -> its settled events, for the run
};

DeliveryRunner::DeliveryRunner(Runtime& runtime, DeliveryProgress* progress)
    : runtime_(runtime), progress_(progress) {}

lh::Result<DeliveryResult> DeliveryRunner::deliver(const std::vector<std::string>& targets,
                                                   const DeliveryOptions& options) {
  if (options.batch < 1) {
    return lh::invalidArgument("the delivery batch must be at least 1 command");
  }
  if (options.max_transient_per_run < 1 || options.max_passes < 1) {
    return lh::invalidArgument("max_transient_per_run and max_passes must be at least 1");
  }
  DeliveryResult result;
  for (const std::string& target : targets) {
    result.targets.push_back(Target(runtime_, progress_, options, target).run());
  }
  return result;
}

}  // namespace lh::pipeline
