#include "core/chart.h"

namespace lh::core {

std::string_view accountTypeName(AccountType type) {
  switch (type) {
    case AccountType::Asset: return "asset";
    case AccountType::Liability: return "liability";
    case AccountType::Equity: return "equity";
    case AccountType::Revenue: return "revenue";
    case AccountType::Expense: return "expense";
  }
  return "asset";
}

lh::Result<AccountType> parseAccountType(std::string_view name) {
  for (AccountType t : {AccountType::Asset, AccountType::Liability, AccountType::Equity,
                        AccountType::Revenue, AccountType::Expense}) {
    if (accountTypeName(t) == name) {
      return t;
    }
  }
  return lh::invalidArgument("unknown account type '" + std::string(name) +
                             "' (expected asset, liability, equity, revenue or expense)");
}

bool isDebitNormal(AccountType type) {
  return type == AccountType::Asset || type == AccountType::Expense;
}

const Account* Tenant::findAccount(std::string_view code) const {
  for (const auto& account : accounts) {
    if (account.code == code) {
      return &account;
    }
  }
  return nullptr;
}

}  // namespace lh::core
