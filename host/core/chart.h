// Tenants and their charts of accounts (from the YAML `tenants` section).
//
// Values; not thread-safe to mutate.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace lh::core {

enum class AccountType { Asset, Liability, Equity, Revenue, Expense };

// "asset", "liability", "equity", "revenue", "expense".
std::string_view accountTypeName(AccountType type);
lh::Result<AccountType> parseAccountType(std::string_view name);

// True for the types whose balance normally sits on the debit side (asset, expense).
bool isDebitNormal(AccountType type);

struct Account {
  std::string code;  // unique within the tenant, e.g. "1100"
  std::string name;  // e.g. "Stripe clearing"
  AccountType type = AccountType::Asset;
};

// A reporting exchange rate: 1 `from` = `rate` `to`, valid from `date` (YYYY-MM-DD) on.
struct ExchangeRate {
  std::string date;
  std::string from;
  std::string to;
  std::string rate;  // exact decimal text, never a float
};

struct Tenant {
  std::string id;
  std::string base_currency;  // ISO 4217, for reporting
  std::vector<Account> accounts;
  std::vector<ExchangeRate> rates;

  // The account with `code`, or nullptr.
  const Account* findAccount(std::string_view code) const;
};

}  // namespace lh::core
