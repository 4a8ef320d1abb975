// Reading the books: balances, trial balance, entry listings and revenue by period, per currency
// or converted into the tenant's base currency (issue 4 item 7).
//
// Every report reads through a LedgerStore and never holds the whole ledger: the store aggregates
// (one row per account and currency, or per day and currency) or streams entries one at a time.
// Run a report inside one read transaction to see one consistent snapshot.
//
// Sign convention (one for every report): `balance_minor` is debits minus credits, so a debit
// balance is positive and a credit balance negative (asset and expense accounts are normally
// positive; liability, equity and revenue accounts normally negative), and a currency's balances
// sum to zero across all accounts. `normal_balance_minor` (balances only) is the same amount signed
// by the account's normal side: positive when the account sits where its type normally does
// (revenue earned reads positive). Revenue reports credits minus debits of revenue accounts, so
// earned revenue is positive and refunds posted against revenue reduce it.
//
// Dates are YYYY-MM-DD effective dates, bounds inclusive; an absent bound does not filter.
//
// Thread safety: as the store (one thread at a time for SQLite).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/chart.h"
#include "core/currency.h"
#include "core/ledger_entry.h"
#include "core/ledger_store.h"
#include "core/status.h"

namespace lh::core {

// One account's position in one currency.
struct BalanceRow {
  std::string account;
  std::string name;  // from the chart ("" if the account left the chart since it was posted)
  std::optional<AccountType> type;  // nullopt for an account no longer in the chart
  Currency currency;
  int64_t debit_minor = 0;
  int64_t credit_minor = 0;
  int64_t balance_minor = 0;         // debit - credit
  int64_t normal_balance_minor = 0;  // balance_minor, negated for credit-normal accounts
};

// Balances by account and currency of entries effective on or before `asOf` (all entries when
// nullopt), ordered by account code, then currency. Accounts without lines are omitted. Errors:
// `asOf` not a date (InvalidArgument); a total beyond int64 (InvalidArgument); store errors.
lh::Result<std::vector<BalanceRow>> accountBalances(LedgerStore& store, const Tenant& tenant,
                                                    const std::optional<std::string>& asOf);

// As accountBalances, but one row per account with every currency converted into the tenant's
// base currency at the rate on `asOf` (the latest known rate when nullopt; ledger_rates.h) and
// summed: each (account, currency) balance is converted once, rounded half to even, then added.
// Debit and credit totals are converted the same way, each on its own, so in a converted row
// balance_minor may differ from debit_minor - credit_minor by the rounding of each conversion
// (balance_minor is the converted balance, which is what a base-currency report should show).
// Errors as accountBalances, plus InvalidConfig for a missing rate (naming the pair) and
// InvalidArgument for a sum beyond int64.
lh::Result<std::vector<BalanceRow>> accountBalancesInBase(LedgerStore& store, const Tenant& tenant,
                                                          const std::optional<std::string>& asOf);

struct TrialBalanceRow {
  std::string account;
  Currency currency;
  int64_t debit_minor = 0;
  int64_t credit_minor = 0;
  int64_t balance_minor = 0;  // debit - credit
};

// Column sums of one currency. In a sound ledger debit == credit and balance == 0.
struct TrialBalanceTotal {
  Currency currency;
  int64_t debit_minor = 0;
  int64_t credit_minor = 0;
  int64_t balance_minor = 0;
};

struct TrialBalance {
  std::vector<TrialBalanceRow> rows;      // by account code, then currency
  std::vector<TrialBalanceTotal> totals;  // by currency code
};

// The trial balance as of `asOf` (all entries when nullopt). Errors as accountBalances.
lh::Result<TrialBalance> trialBalance(LedgerStore& store, const Tenant& tenant,
                                      const std::optional<std::string>& asOf);

enum class Period { Day, Month };

// "day", "month"; parsePeriod is the inverse (InvalidArgument otherwise).
std::string_view periodName(Period period);
lh::Result<Period> parsePeriod(std::string_view name);

// Revenue of one period in one currency.
struct RevenueRow {
  std::string period;  // "2026-01-15" (day) or "2026-01" (month)
  Currency currency;
  int64_t revenue_minor = 0;  // credits - debits on revenue accounts
};

// Revenue (accounts of type revenue in the tenant's chart) per period and currency for effective
// dates in [from, to], ordered by period, then currency. Periods without revenue lines are
// omitted. Errors: a bound not a date (InvalidArgument); totals beyond int64; store errors.
lh::Result<std::vector<RevenueRow>> revenueByPeriod(LedgerStore& store, const Tenant& tenant,
                                                    const std::optional<std::string>& from,
                                                    const std::optional<std::string>& to,
                                                    Period period);

// As revenueByPeriod, in the tenant's base currency: each day's revenue in each currency is
// converted at that day's rate (ledger_rates.h), rounded half to even, and the converted days are
// summed into the period, so a month is priced at the rates of the days its revenue was earned.
// Errors as revenueByPeriod, plus InvalidConfig for a missing rate.
lh::Result<std::vector<RevenueRow>> revenueByPeriodInBase(LedgerStore& store, const Tenant& tenant,
                                                          const std::optional<std::string>& from,
                                                          const std::optional<std::string>& to,
                                                          Period period);

// Streams the entries matching `query` (its dates are checked: InvalidArgument when not dates) to
// `visit`, in posting order. Stops at and returns the first non-OK status of `visit`.
lh::Status listEntries(LedgerStore& store, const EntryQuery& query,
                       const std::function<lh::Status(const LedgerEntry&)>& visit);

}  // namespace lh::core
