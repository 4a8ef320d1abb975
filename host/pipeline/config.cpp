#include "pipeline/config.h"

namespace lh::pipeline {

std::string_view reconciliationTypeName(Reconciliation::Type type) {
  switch (type) {
    case Reconciliation::Type::PayoutToBank:
      return "payout_to_bank";
    case Reconciliation::Type::BatchToBank:
      return "batch_to_bank";
    case Reconciliation::Type::LedgerToAccounting:
      return "ledger_to_accounting";
    case Reconciliation::Type::PayoutComposition:
      return "payout_composition";
  }
  return "payout_to_bank";
}

const core::Tenant* Config::findTenant(std::string_view id) const {
  for (const core::Tenant& tenant : tenants) {
    if (tenant.id == id) {
      return &tenant;
    }
  }
  return nullptr;
}

const Connection* Config::findConnection(std::string_view name) const {
  for (const Connection& connection : connections) {
    if (connection.name == name) {
      return &connection;
    }
  }
  return nullptr;
}

const Pipeline* Config::findPipeline(std::string_view name) const {
  for (const Pipeline& pipeline : pipelines) {
    if (pipeline.name == name) {
      return &pipeline;
    }
  }
  return nullptr;
}

std::vector<core::PostingRule> Config::postingRules() const {
  std::vector<core::PostingRule> out;
  for (const Pipeline& pipeline : pipelines) {
    out.insert(out.end(), pipeline.post.begin(), pipeline.post.end());
  }
  return out;
}

std::vector<core::DeliveryRule> Config::deliveryRules() const {
  std::vector<core::DeliveryRule> out;
  for (const Pipeline& pipeline : pipelines) {
    out.insert(out.end(), pipeline.deliver.begin(), pipeline.deliver.end());
  }
  return out;
}

size_t Config::ruleCount() const {
  size_t n = 0;
  for (const Pipeline& pipeline : pipelines) {
    n += pipeline.post.size() + pipeline.deliver.size();
  }
  return n;
}

}  // namespace lh::pipeline
