#include "core/payout_composition.h"

namespace lh::core {
namespace {

using nlohmann::json;

// The money at `field` of `body`, or nullopt when absent or null.
lh::Result<std::optional<Money>> moneyField(const json& body, const char* field) {
  const auto it = body.find(field);
  if (it == body.end() || it->is_null()) {
    return std::optional<Money>();
  }
  LH_ASSIGN_OR_RETURN(Money money, moneyFromJson(*it));
  return std::optional<Money>(money);
}

json moneyOrNull(const json& body, const char* field) {
  const auto it = body.find(field);
  return it == body.end() ? json(nullptr) : *it;
}

}  // namespace

lh::Result<std::optional<Money>> payoutContribution(const StoredEvent& event) {
  int sign = 0;
  switch (event.event.type) {
    case EventType::Payment:
    case EventType::Adjustment:
      sign = 1;
      break;
    case EventType::Refund:
    case EventType::Fee:
    case EventType::Dispute:
      sign = -1;
      break;
    default:
      return std::optional<Money>();
  }
  const json& body = event.event.body;
  std::optional<Money> value;
  if (const auto settlement = body.find("settlement");
      settlement != body.end() && settlement->is_object()) {
    LH_ASSIGN_OR_RETURN(value, moneyField(*settlement, "net"));
  }
  for (const char* field : {"net", "amount"}) {
    if (!value) {
      LH_ASSIGN_OR_RETURN(value, moneyField(body, field));
    }
  }
  if (!value) {
    return lh::invalidArgument(std::string(eventTypeName(event.event.type)) + " '" +
                               event.event.external_id + "' has no net or amount");
  }
  if (sign < 0) {
    LH_ASSIGN_OR_RETURN(Money negated, negate(*value));
    return std::optional<Money>(negated);
  }
  return value;
}

lh::Result<PayoutComposition> composePayout(const StoredEvent& payout,
                                            std::span<const StoredEvent> linked) {
  if (payout.event.type != EventType::Payout) {
    return lh::invalidArgument("'" + payout.event.external_id + "' is a " +
                               std::string(eventTypeName(payout.event.type)) + ", not a payout");
  }
  LH_ASSIGN_OR_RETURN(std::optional<Money> amount, moneyField(payout.event.body, "amount"));
  if (!amount) {
    return lh::invalidArgument("payout '" + payout.event.external_id + "' has no amount");
  }
  PayoutComposition out;
  out.payout_amount = *amount;
  Money total = zero(amount->currency);
  const EventKey payoutKey = payout.key();
  for (const StoredEvent& event : linked) {
    if (event.key() == payoutKey) {
      continue;
    }
    const json& body = event.event.body;
    out.events.push_back({{"type", std::string(eventTypeName(event.event.type))},
                          {"external_id", event.event.external_id},
                          {"amount", moneyOrNull(body, "amount")},
                          {"fee", moneyOrNull(body, "fee")},
                          {"net", moneyOrNull(body, "net")},
                          {"links", body.value("links", json::object())}});
    if (!out.mismatch.empty()) {
      continue;  // keep listing; the first reason stands
    }
    lh::Result<std::optional<Money>> part = payoutContribution(event);
    if (!part.isOk()) {
      out.mismatch = "cannot sum the composition: " + part.status().message();
      continue;
    }
    if (!*part) {
      continue;
    }
    if ((*part)->currency != amount->currency) {
      out.mismatch = "composition holds " + std::string(eventTypeName(event.event.type)) + " '" +
                     event.event.external_id + "' in " + formatWithCode(**part) +
                     ", payout is in " + std::string(amount->currency.code());
      continue;
    }
    lh::Result<Money> added = add(total, **part);
    if (!added.isOk()) {
      out.mismatch = "cannot sum the composition: " + added.status().message();
      continue;
    }
    total = *added;
  }
  if (out.mismatch.empty()) {
    out.net_total = total;
    if (total != *amount) {
      out.mismatch =
          "composition sums to " + formatWithCode(total) + ", payout is " + formatWithCode(*amount);
    }
  }
  return out;
}

}  // namespace lh::core
