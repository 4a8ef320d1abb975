#include "core/ledger_reports.h"

#include <limits>
#include <map>
#include <utility>

#include "core/ledger_rates.h"
#include "core/money.h"

namespace lh::core {
namespace {

constexpr std::string_view kLatest = "9999-12-31";

lh::Status checkDate(const std::optional<std::string>& date, std::string_view what) {
  if (date && !isIsoDate(*date)) {
    return lh::invalidArgument(std::string(what) + " '" + *date + "' is not a YYYY-MM-DD date");
  }
  return lh::Status::ok();
}

lh::Result<int64_t> narrow(__int128 value, std::string_view what) {
  if (value > std::numeric_limits<int64_t>::max() || value < std::numeric_limits<int64_t>::min()) {
    return lh::invalidArgument(std::string(what) + " does not fit int64 minor units");
  }
  return static_cast<int64_t>(value);
}

lh::Result<BalanceRow> balanceRow(const Tenant& tenant, const AccountTotal& total) {
  BalanceRow row{
      total.account, "", std::nullopt, total.currency, total.debit_minor, total.credit_minor, 0, 0};
  LH_ASSIGN_OR_RETURN(row.balance_minor,
                      narrow(static_cast<__int128>(total.debit_minor) - total.credit_minor,
                             "balance of account '" + total.account + "'"));
  row.normal_balance_minor = row.balance_minor;
  if (const Account* account = tenant.findAccount(total.account)) {
    row.name = account->name;
    row.type = account->type;
    if (!isDebitNormal(account->type)) {
      LH_ASSIGN_OR_RETURN(row.normal_balance_minor,
                          narrow(-static_cast<__int128>(row.balance_minor),
                                 "balance of account '" + total.account + "'"));
    }
  }
  return row;
}

lh::Result<Currency> baseCurrency(const Tenant& tenant) {
  lh::Result<Currency> base = currencyFromCode(tenant.base_currency);
  if (!base.isOk()) {
    return lh::invalidConfig("tenant '" + tenant.id +
                             "' base currency: " + base.status().message());
  }
  return base;
}

std::vector<std::string> revenueAccounts(const Tenant& tenant) {
  std::vector<std::string> accounts;
  for (const Account& account : tenant.accounts) {
    if (account.type == AccountType::Revenue) {
      accounts.push_back(account.code);
    }
  }
  return accounts;
}

std::string periodOf(const std::string& date, Period period) {
  return period == Period::Month ? date.substr(0, 7) : date;
}

}  // namespace

lh::Result<std::vector<BalanceRow>> accountBalances(LedgerStore& store, const Tenant& tenant,
                                                    const std::optional<std::string>& asOf) {
  LH_RETURN_IF_ERROR(checkDate(asOf, "as-of date"));
  LH_ASSIGN_OR_RETURN(std::vector<AccountTotal> totals,
                      store.accountTotals(tenant.id, std::nullopt, asOf));
  std::vector<BalanceRow> rows;
  rows.reserve(totals.size());
  for (const AccountTotal& total : totals) {
    LH_ASSIGN_OR_RETURN(BalanceRow row, balanceRow(tenant, total));
    rows.push_back(std::move(row));
  }
  return rows;
}

lh::Result<std::vector<BalanceRow>> accountBalancesInBase(LedgerStore& store, const Tenant& tenant,
                                                          const std::optional<std::string>& asOf) {
  LH_ASSIGN_OR_RETURN(Currency base, baseCurrency(tenant));
  LH_ASSIGN_OR_RETURN(std::vector<BalanceRow> rows, accountBalances(store, tenant, asOf));
  ReportingRates rates(tenant, store);
  const std::string rateDate = asOf.value_or(std::string(kLatest));
  std::vector<BalanceRow> converted;
  for (const BalanceRow& row : rows) {
    LH_ASSIGN_OR_RETURN(Money debit,
                        rates.convertOn(fromMinor(row.debit_minor, row.currency), base, rateDate));
    LH_ASSIGN_OR_RETURN(Money credit,
                        rates.convertOn(fromMinor(row.credit_minor, row.currency), base, rateDate));
    LH_ASSIGN_OR_RETURN(
        Money balance, rates.convertOn(fromMinor(row.balance_minor, row.currency), base, rateDate));
    // Rows arrive by account, then currency: an account's rows are adjacent.
    if (converted.empty() || converted.back().account != row.account) {
      converted.push_back(BalanceRow{row.account, row.name, row.type, base, 0, 0, 0, 0});
    }
    BalanceRow& out = converted.back();
    const std::string what = "base-currency balance of account '" + row.account + "'";
    LH_ASSIGN_OR_RETURN(out.debit_minor,
                        narrow(static_cast<__int128>(out.debit_minor) + debit.minor, what));
    LH_ASSIGN_OR_RETURN(out.credit_minor,
                        narrow(static_cast<__int128>(out.credit_minor) + credit.minor, what));
    LH_ASSIGN_OR_RETURN(out.balance_minor,
                        narrow(static_cast<__int128>(out.balance_minor) + balance.minor, what));
  }
  for (BalanceRow& row : converted) {
    const bool creditNormal = row.type && !isDebitNormal(*row.type);
    LH_ASSIGN_OR_RETURN(row.normal_balance_minor,
                        narrow(creditNormal ? -static_cast<__int128>(row.balance_minor)
                                            : static_cast<__int128>(row.balance_minor),
                               "base-currency balance of account '" + row.account + "'"));
  }
  return converted;
}

lh::Result<TrialBalance> trialBalance(LedgerStore& store, const Tenant& tenant,
                                      const std::optional<std::string>& asOf) {
  LH_RETURN_IF_ERROR(checkDate(asOf, "as-of date"));
  LH_ASSIGN_OR_RETURN(std::vector<AccountTotal> totals,
                      store.accountTotals(tenant.id, std::nullopt, asOf));
  TrialBalance report;
  struct Sums {
    __int128 debit = 0;
    __int128 credit = 0;
  };
  std::map<Currency, Sums> sums;
  for (const AccountTotal& total : totals) {
    TrialBalanceRow row{total.account, total.currency, total.debit_minor, total.credit_minor, 0};
    LH_ASSIGN_OR_RETURN(row.balance_minor,
                        narrow(static_cast<__int128>(total.debit_minor) - total.credit_minor,
                               "balance of account '" + total.account + "'"));
    Sums& s = sums[total.currency];
    s.debit += total.debit_minor;
    s.credit += total.credit_minor;
    report.rows.push_back(std::move(row));
  }
  for (const auto& [currency, s] : sums) {
    const std::string what = "trial balance total in " + std::string(currency.code());
    TrialBalanceTotal total{currency, 0, 0, 0};
    LH_ASSIGN_OR_RETURN(total.debit_minor, narrow(s.debit, what));
    LH_ASSIGN_OR_RETURN(total.credit_minor, narrow(s.credit, what));
    LH_ASSIGN_OR_RETURN(total.balance_minor, narrow(s.debit - s.credit, what));
    report.totals.push_back(total);
  }
  return report;
}

std::string_view periodName(Period period) { return period == Period::Month ? "month" : "day"; }

lh::Result<Period> parsePeriod(std::string_view name) {
  if (name == "day") {
    return Period::Day;
  }
  if (name == "month") {
    return Period::Month;
  }
  return lh::invalidArgument("unknown period '" + std::string(name) + "' (expected day or month)");
}

lh::Result<std::vector<RevenueRow>> revenueByPeriod(LedgerStore& store, const Tenant& tenant,
                                                    const std::optional<std::string>& from,
                                                    const std::optional<std::string>& to,
                                                    Period period) {
  LH_RETURN_IF_ERROR(checkDate(from, "from date"));
  LH_RETURN_IF_ERROR(checkDate(to, "to date"));
  LH_ASSIGN_OR_RETURN(std::vector<DailyTotal> days,
                      store.dailyTotals(tenant.id, revenueAccounts(tenant), from, to));
  // Days arrive by date, then currency, so periods come in order; within a month the currencies
  // of different days interleave, hence the small per-period map.
  std::vector<RevenueRow> rows;
  std::string current;
  std::map<Currency, __int128> sums;
  auto flush = [&]() -> lh::Status {
    for (const auto& [currency, sum] : sums) {
      LH_ASSIGN_OR_RETURN(int64_t revenue, narrow(sum, "revenue of " + current + " in " +
                                                           std::string(currency.code())));
      rows.push_back(RevenueRow{current, currency, revenue});
    }
    sums.clear();
    return lh::Status::ok();
  };
  for (const DailyTotal& day : days) {
    const std::string key = periodOf(day.date, period);
    if (key != current) {
      LH_RETURN_IF_ERROR(flush());
      current = key;
    }
    sums[day.currency] += static_cast<__int128>(day.credit_minor) - day.debit_minor;
  }
  LH_RETURN_IF_ERROR(flush());
  return rows;
}

lh::Result<std::vector<RevenueRow>> revenueByPeriodInBase(LedgerStore& store, const Tenant& tenant,
                                                          const std::optional<std::string>& from,
                                                          const std::optional<std::string>& to,
                                                          Period period) {
  LH_ASSIGN_OR_RETURN(Currency base, baseCurrency(tenant));
  // Per day first: each day's revenue is converted at that day's rate.
  LH_ASSIGN_OR_RETURN(std::vector<RevenueRow> days,
                      revenueByPeriod(store, tenant, from, to, Period::Day));
  ReportingRates rates(tenant, store);
  std::vector<RevenueRow> rows;
  __int128 sum = 0;
  std::string current;
  auto flush = [&]() -> lh::Status {
    if (!current.empty()) {
      LH_ASSIGN_OR_RETURN(int64_t revenue, narrow(sum, "revenue of " + current));
      rows.push_back(RevenueRow{current, base, revenue});
    }
    sum = 0;
    return lh::Status::ok();
  };
  for (const RevenueRow& day : days) {
    const std::string key = periodOf(day.period, period);
    if (key != current) {
      LH_RETURN_IF_ERROR(flush());
      current = key;
    }
    LH_ASSIGN_OR_RETURN(Money converted, rates.convertOn(fromMinor(day.revenue_minor, day.currency),
                                                         base, day.period));
    sum += converted.minor;
  }
  LH_RETURN_IF_ERROR(flush());
  return rows;
}

lh::Status listEntries(LedgerStore& store, const EntryQuery& query,
                       const std::function<lh::Status(const LedgerEntry&)>& visit) {
  LH_RETURN_IF_ERROR(checkDate(query.from_date, "from date"));
  LH_RETURN_IF_ERROR(checkDate(query.to_date, "to date"));
  return store.forEachEntry(query, visit);
}

}  // namespace lh::core
