// `ledgerhost ledger balances|trial-balance|entries|revenue|verify`: reading the books (issue 4
// items 7 and 11).
//
//   ledger <report> --config FILE [--tenant T] [--as-of DATE] [--from DATE] [--to DATE]
//                   [--period day|month] [--account CODE] [--rule ID] [--event EXTERNAL_ID]
//                   [--base-currency] [--format table|json|csv]
//
// The config gives the database (`store.path`, which must exist) and the tenant's chart, base
// currency and exchange rates; secrets in it are not resolved (reading the books needs none).
// --tenant may be left out when the config declares exactly one tenant. Each report reads one
// snapshot of the database and streams from it (core/ledger_reports.h):
//
//   balances       per account and currency as of --as-of (default: everything): debit, credit,
//                  balance (debit - credit) and normal balance (positive on the account's normal
//                  side). --base-currency: one row per account in the tenant's base currency.
//   trial-balance  per account and currency as of --as-of: debit_minor, credit_minor,
//                  balance_minor (debit - credit), with the per-currency totals in table form.
//                  JSON: an array of {account, currency, debit_minor, credit_minor, balance_minor}.
//   entries        every entry with its lines, in posting order, filtered by --from/--to
//                  (effective dates), --account, --rule, --event.
//   revenue        revenue accounts' credits - debits per --period (default month) and currency,
//                  for --from/--to; --base-currency converts each day at that day's rate.
//   verify         recomputes the tenant's hash chain and checks each entry's event checksum
//                  against the event store; prints ok, or names the first entry that does not
//                  match and exits 1.
//
// Formats: table (aligned columns, exact decimal amounts), csv (a header row, exact decimal
// amounts, RFC 4180 quoting), json (integer minor units, `_minor` keys). Data goes to stdout.
// Exit codes: 0 ok; 1 the database could not be read or verify found a break; 2 bad command line,
// config or missing database.
#pragma once

#include <string>
#include <vector>

#include "cli/command.h"

namespace lh::cli {

// Runs `ledgerhost ledger <args...>`; returns the exit code.
int runLedger(const std::vector<std::string>& args, GlobalOptions globals);

}  // namespace lh::cli
