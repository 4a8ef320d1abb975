#include "cli/ledger_command.h"

#include <algorithm>
#include <functional>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/hash_chain.h"
#include "core/ledger_reports.h"
#include "core/money.h"
#include "pipeline/config_loader.h"
#include "store/database.h"
#include "store/sqlite_event_store.h"
#include "store/sqlite_ledger_store.h"
#include "store/transaction.h"

namespace lh::cli {
namespace {

namespace po = boost::program_options;

constexpr std::string_view kUsage =
    "Usage: ledgerhost ledger <report> --config FILE [options]\n"
    "\n"
    "Reports:\n"
    "  balances       balances by account and currency (--as-of, --base-currency)\n"
    "  trial-balance  debits, credits and balance per account and currency (--as-of)\n"
    "  entries        entries with their lines (--from, --to, --account, --rule, --event)\n"
    "  revenue        revenue by period and currency (--from, --to, --period, --base-currency)\n"
    "  verify         recompute the tamper-evident hash chain; exit 1 naming the first bad entry\n"
    "\n"
    "Balances are debits minus credits (debit balances positive); 'normal' is the balance on the\n"
    "account's normal side. Dates are YYYY-MM-DD effective dates, bounds inclusive.\n";

enum class Format { Table, Json, Csv };

struct Request {
  std::string report;
  std::string configFile;
  std::string tenant;
  std::optional<std::string> asOf;
  std::optional<std::string> from;
  std::optional<std::string> to;
  std::optional<std::string> period;
  std::optional<std::string> account;
  std::optional<std::string> rule;
  std::optional<std::string> event;
  bool base = false;
  Format format = Format::Table;
};

// What every report reads from.
struct Books {
  pipeline::Config config;
  const core::Tenant* tenant = nullptr;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<store::SqliteLedgerStore> ledger;
};

std::string command(const Request& r) { return "ledger " + r.report; }

// A failure while reading: a config problem (no exchange rate for a pair) exits 2, anything else
// (the database) exits 1.
int readError(const Request& r, const lh::Status& status) {
  printError(command(r), status.message());
  return status.code() == lh::Code::InvalidConfig || status.code() == lh::Code::InvalidArgument
             ? kExitUsage
             : kExitFailure;
}

std::string amount(int64_t minor, core::Currency currency) {
  return core::formatDecimal(core::fromMinor(minor, currency));
}

// Aligned columns: left for text, right for numbers; two spaces between columns.
class Table {
 public:
  Table(std::vector<std::string> headers, std::vector<bool> right)
      : headers_(std::move(headers)), right_(std::move(right)), widths_(headers_.size(), 0) {
    measure(headers_);
  }

  // Widens the columns for `row` without keeping it (for tables printed in a second pass).
  void measure(const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths_.size(); ++i) {
      widths_[i] = std::max(widths_[i], row[i].size());
    }
  }

  void add(std::vector<std::string> row) {
    measure(row);
    rows_.push_back(std::move(row));
  }

  void printRow(std::ostream& out, const std::vector<std::string>& row) const {
    std::string line;
    for (size_t i = 0; i < widths_.size(); ++i) {
      const std::string& cell = i < row.size() ? row[i] : std::string();
      const std::string pad(widths_[i] - std::min(widths_[i], cell.size()), ' ');
      if (i > 0) {
        line += "  ";
      }
      line += right_[i] ? pad + cell : cell + pad;
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out << line << '\n';
  }

  void printHeader(std::ostream& out) const { printRow(out, headers_); }

  void print(std::ostream& out) const {
    printHeader(out);
    for (const auto& row : rows_) {
      printRow(out, row);
    }
  }

 private:
  std::vector<std::string> headers_;
  std::vector<bool> right_;
  std::vector<size_t> widths_;
  std::vector<std::vector<std::string>> rows_;
};

std::string csvField(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) {
    return value;
  }
  std::string quoted = "\"";
  for (char c : value) {
    quoted += c;
    if (c == '"') {
      quoted += '"';
    }
  }
  return quoted + "\"";
}

void printCsvRow(std::ostream& out, const std::vector<std::string>& row) {
  for (size_t i = 0; i < row.size(); ++i) {
    out << (i > 0 ? "," : "") << csvField(row[i]);
  }
  out << "\r\n";
}

// Rows of text in the order of `headers`, printed as a table or CSV.
void printRows(Format format, const std::vector<std::string>& headers,
               const std::vector<bool>& right, const std::vector<std::vector<std::string>>& rows) {
  if (format == Format::Csv) {
    printCsvRow(std::cout, headers);
    for (const auto& row : rows) {
      printCsvRow(std::cout, row);
    }
    return;
  }
  std::vector<std::string> upper;
  for (const std::string& h : headers) {
    std::string u = h;
    std::transform(u.begin(), u.end(), u.begin(), [](unsigned char c) { return std::toupper(c); });
    upper.push_back(u);
  }
  Table table(upper, right);
  for (const auto& row : rows) {
    table.add(row);
  }
  table.print(std::cout);
}

int balances(const Request& r, Books& books) {
  lh::Result<std::vector<core::BalanceRow>> rows =
      r.base ? core::accountBalancesInBase(*books.ledger, *books.tenant, r.asOf)
             : core::accountBalances(*books.ledger, *books.tenant, r.asOf);
  if (!rows.isOk()) {
    return readError(r, rows.status());
  }
  if (r.format == Format::Json) {
    nlohmann::json out = nlohmann::json::array();
    for (const core::BalanceRow& row : *rows) {
      out.push_back({{"account", row.account},
                     {"name", row.name},
                     {"type", row.type ? std::string(core::accountTypeName(*row.type)) : ""},
                     {"currency", std::string(row.currency.code())},
                     {"debit_minor", row.debit_minor},
                     {"credit_minor", row.credit_minor},
                     {"balance_minor", row.balance_minor},
                     {"normal_balance_minor", row.normal_balance_minor}});
    }
    std::cout << out.dump(2) << '\n';
    return kExitOk;
  }
  std::vector<std::vector<std::string>> text;
  for (const core::BalanceRow& row : *rows) {
    text.push_back({row.account, row.name,
                    row.type ? std::string(core::accountTypeName(*row.type)) : "",
                    std::string(row.currency.code()), amount(row.debit_minor, row.currency),
                    amount(row.credit_minor, row.currency), amount(row.balance_minor, row.currency),
                    amount(row.normal_balance_minor, row.currency)});
  }
  printRows(r.format,
            {"account", "name", "type", "currency", "debit", "credit", "balance", "normal_balance"},
            {false, false, false, false, true, true, true, true}, text);
  return kExitOk;
}

int trialBalance(const Request& r, Books& books) {
  lh::Result<core::TrialBalance> tb = core::trialBalance(*books.ledger, *books.tenant, r.asOf);
  if (!tb.isOk()) {
    return readError(r, tb.status());
  }
  if (r.format == Format::Json) {
    nlohmann::json out = nlohmann::json::array();
    for (const core::TrialBalanceRow& row : tb->rows) {
      out.push_back({{"account", row.account},
                     {"currency", std::string(row.currency.code())},
                     {"debit_minor", row.debit_minor},
                     {"credit_minor", row.credit_minor},
                     {"balance_minor", row.balance_minor}});
    }
    std::cout << out.dump(2) << '\n';
    return kExitOk;
  }
  std::vector<std::vector<std::string>> text;
  for (const core::TrialBalanceRow& row : tb->rows) {
    text.push_back({row.account, std::string(row.currency.code()),
                    amount(row.debit_minor, row.currency), amount(row.credit_minor, row.currency),
                    amount(row.balance_minor, row.currency)});
  }
  if (r.format == Format::Table) {
    // The proof of the books: per currency, debits equal credits and the balances sum to zero.
    for (const core::TrialBalanceTotal& total : tb->totals) {
      text.push_back({"TOTAL", std::string(total.currency.code()),
                      amount(total.debit_minor, total.currency),
                      amount(total.credit_minor, total.currency),
                      amount(total.balance_minor, total.currency)});
    }
  }
  printRows(r.format, {"account", "currency", "debit", "credit", "balance"},
            {false, false, true, true, true}, text);
  return kExitOk;
}

int revenue(const Request& r, Books& books) {
  lh::Result<core::Period> period = core::parsePeriod(r.period.value_or("month"));
  if (!period.isOk()) {
    return usageError(command(r), "--period: " + period.status().message());
  }
  lh::Result<std::vector<core::RevenueRow>> rows =
      r.base ? core::revenueByPeriodInBase(*books.ledger, *books.tenant, r.from, r.to, *period)
             : core::revenueByPeriod(*books.ledger, *books.tenant, r.from, r.to, *period);
  if (!rows.isOk()) {
    return readError(r, rows.status());
  }
  if (r.format == Format::Json) {
    nlohmann::json out = nlohmann::json::array();
    for (const core::RevenueRow& row : *rows) {
      out.push_back({{"period", row.period},
                     {"currency", std::string(row.currency.code())},
                     {"revenue_minor", row.revenue_minor}});
    }
    std::cout << out.dump(2) << '\n';
    return kExitOk;
  }
  std::vector<std::vector<std::string>> text;
  for (const core::RevenueRow& row : *rows) {
    text.push_back(
        {row.period, std::string(row.currency.code()), amount(row.revenue_minor, row.currency)});
  }
  printRows(r.format, {"period", "currency", "revenue"}, {false, false, true}, text);
  return kExitOk;
}

nlohmann::json entryJson(const core::LedgerEntry& e) {
  nlohmann::json lines = nlohmann::json::array();
  for (const core::LedgerLine& line : e.lines) {
    lines.push_back({{"account", line.account},
                     {"currency", std::string(line.currency.code())},
                     {"debit_minor", line.debit_minor},
                     {"credit_minor", line.credit_minor}});
  }
  return {{"id", e.id},
          {"seq", e.seq},
          {"effective_date", e.effective_date},
          {"kind", std::string(core::entryKindName(e.kind))},
          {"reverses", e.reverses ? nlohmann::json(*e.reverses) : nlohmann::json(nullptr)},
          {"rule_id", e.rule_id},
          {"event",
           {{"connection", e.event_connection},
            {"type", std::string(core::eventTypeName(e.event_type))},
            {"external_id", e.event_external_id},
            {"id", e.event_id},
            {"version", e.event_version},
            {"checksum", e.event_checksum}}},
          {"memo", e.memo},
          {"posted_at", e.posted_at},
          {"prev_hash", e.prev_hash},
          {"hash", e.hash},
          {"lines", lines}};
}

// Table rows of one entry: entry fields on its first line only.
std::vector<std::vector<std::string>> entryTableRows(const core::LedgerEntry& e) {
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < e.lines.size(); ++i) {
    const core::LedgerLine& line = e.lines[i];
    std::vector<std::string> row(10);
    if (i == 0) {
      row[0] = std::to_string(e.id);
      row[1] = e.effective_date;
      row[2] = e.kind == core::EntryKind::Reversal ? "reversal of " + std::to_string(*e.reverses)
                                                   : "normal";
      row[3] = e.rule_id;
      row[4] = e.event_connection + "/" + std::string(core::eventTypeName(e.event_type)) + "/" +
               e.event_external_id + " v" + std::to_string(e.event_version);
      row[9] = e.memo;
    }
    row[5] = line.account;
    row[6] = std::string(line.currency.code());
    row[7] = line.debit_minor != 0 ? amount(line.debit_minor, line.currency) : "";
    row[8] = line.credit_minor != 0 ? amount(line.credit_minor, line.currency) : "";
    rows.push_back(std::move(row));
  }
  return rows;
}

int entries(const Request& r, Books& books) {
  core::EntryQuery query;
  query.tenant = books.tenant->id;
  query.from_date = r.from;
  query.to_date = r.to;
  query.account = r.account;
  query.rule_id = r.rule;
  query.event_external_id = r.event;
  lh::Status status;
  if (r.format == Format::Json) {
    // Streamed: one entry in memory at a time, whatever the ledger's size.
    bool first = true;
    std::cout << "[";
    status = core::listEntries(*books.ledger, query, [&](const core::LedgerEntry& e) {
      std::cout << (first ? "\n" : ",\n") << entryJson(e).dump();
      first = false;
      return lh::Status::ok();
    });
    std::cout << (first ? "]\n" : "\n]\n");
  } else if (r.format == Format::Csv) {
    printCsvRow(std::cout,
                {"entry_id", "seq", "effective_date", "kind", "reverses", "rule_id",
                 "event_connection", "event_type", "event_external_id", "event_id", "event_version",
                 "posted_at", "memo", "line_no", "account", "currency", "debit", "credit"});
    status = core::listEntries(*books.ledger, query, [&](const core::LedgerEntry& e) {
      for (size_t i = 0; i < e.lines.size(); ++i) {
        const core::LedgerLine& line = e.lines[i];
        printCsvRow(
            std::cout,
            {std::to_string(e.id), std::to_string(e.seq), e.effective_date,
             std::string(core::entryKindName(e.kind)),
             e.reverses ? std::to_string(*e.reverses) : "", e.rule_id, e.event_connection,
             std::string(core::eventTypeName(e.event_type)), e.event_external_id,
             std::to_string(e.event_id), std::to_string(e.event_version), e.posted_at, e.memo,
             std::to_string(i), line.account, std::string(line.currency.code()),
             amount(line.debit_minor, line.currency), amount(line.credit_minor, line.currency)});
      }
      return lh::Status::ok();
    });
  } else {
    // Aligned without holding the ledger: one pass measures the columns, a second prints (both in
    // the same read transaction, so they see the same entries).
    Table table({"ENTRY", "DATE", "KIND", "RULE", "EVENT", "ACCOUNT", "CURRENCY", "DEBIT", "CREDIT",
                 "MEMO"},
                {true, false, false, false, false, false, false, true, true, false});
    status = core::listEntries(*books.ledger, query, [&](const core::LedgerEntry& e) {
      for (const auto& row : entryTableRows(e)) {
        table.measure(row);
      }
      return lh::Status::ok();
    });
    if (status.isOk()) {
      table.printHeader(std::cout);
      status = core::listEntries(*books.ledger, query, [&](const core::LedgerEntry& e) {
        for (const auto& row : entryTableRows(e)) {
          table.printRow(std::cout, row);
        }
        return lh::Status::ok();
      });
    }
  }
  return status.isOk() ? kExitOk : readError(r, status);
}

int verify(const Request& r, Books& books) {
  store::SqliteEventStore events(*books.db);
  const std::string tenant = books.tenant->id;
  core::EventChecksumLookup checksum = [&](int64_t id) -> lh::Result<std::optional<std::string>> {
    LH_ASSIGN_OR_RETURN(std::optional<core::StoredEvent> event, events.byId(tenant, id));
    return event ? std::optional<std::string>(event->event.checksum) : std::nullopt;
  };
  lh::Result<core::ChainVerification> result = core::verifyChain(*books.ledger, tenant, checksum);
  if (!result.isOk()) {
    // A row that no longer decodes is itself evidence of an edit; the message names the entry.
    printError(command(r), result.status().message());
    return kExitFailure;
  }
  const core::ChainVerification& v = *result;
  if (r.format == Format::Json) {
    nlohmann::json out = {{"tenant", tenant},
                          {"ok", v.ok()},
                          {"entries_checked", v.entries_checked},
                          {"head_seq", v.head_seq},
                          {"head_hash", v.head_hash},
                          {"first_break", nullptr}};
    if (v.first_break) {
      out["first_break"] = {{"entry_id", v.first_break->entry_id},
                            {"seq", v.first_break->seq},
                            {"reason", v.first_break->reason}};
    }
    std::cout << out.dump(2) << '\n';
  } else if (r.format == Format::Csv) {
    printCsvRow(std::cout, {"tenant", "ok", "entries_checked", "head_seq", "head_hash",
                            "break_entry_id", "break_seq", "reason"});
    printCsvRow(std::cout, {tenant, v.ok() ? "true" : "false", std::to_string(v.entries_checked),
                            std::to_string(v.head_seq), v.head_hash,
                            v.first_break ? std::to_string(v.first_break->entry_id) : "",
                            v.first_break ? std::to_string(v.first_break->seq) : "",
                            v.first_break ? v.first_break->reason : ""});
  } else if (v.ok()) {
    std::cout << "ok: tenant '" << tenant << "', " << v.entries_checked
              << " entries, chain head seq " << v.head_seq << " hash " << v.head_hash << '\n';
  } else {
    std::cout << "BROKEN: tenant '" << tenant << "', entry " << v.first_break->entry_id << " (seq "
              << v.first_break->seq << "): " << v.first_break->reason << '\n';
  }
  if (!v.ok()) {
    printError(command(r), "hash chain broken at entry " + std::to_string(v.first_break->entry_id) +
                               "; the ledger was changed outside ledgerhost");
    return kExitFailure;
  }
  return kExitOk;
}

// Which options each report takes.
int checkApplicable(const Request& r, const po::variables_map& vm) {
  struct Rule {
    const char* option;
    std::vector<std::string_view> reports;
  };
  const Rule rules[] = {
      {"as-of", {"balances", "trial-balance"}},
      {"from", {"entries", "revenue"}},
      {"to", {"entries", "revenue"}},
      {"period", {"revenue"}},
      {"account", {"entries"}},
      {"rule", {"entries"}},
      {"event", {"entries"}},
      {"base-currency", {"balances", "revenue"}},
  };
  for (const Rule& rule : rules) {
    // defaulted(): a bool_switch is always in `vm`; only one given on the command line counts.
    if (vm.count(rule.option) != 0 && !vm[rule.option].defaulted() &&
        std::find(rule.reports.begin(), rule.reports.end(), r.report) == rule.reports.end()) {
      return usageError(command(r),
                        "--" + std::string(rule.option) + " does not apply to this report");
    }
  }
  for (const auto* date : {&r.asOf, &r.from, &r.to}) {
    if (*date && !core::isIsoDate(**date)) {
      return usageError(command(r), "'" + **date + "' is not a YYYY-MM-DD date");
    }
  }
  return kExitOk;
}

// Loads the config, picks the tenant, opens the database. Returns kExitOk or the exit code.
int openBooks(const Request& r, Books* books) {
  pipeline::LoadOptions load;
  load.resolve_secrets = false;  // the books need no API keys
  pipeline::LoadResult loaded = pipeline::loadConfig(r.configFile, load);
  if (!loaded.ok()) {
    std::cerr << pipeline::formatDiagnostics(loaded.diagnostics);
    printError(command(r), "invalid config " + r.configFile);
    return kExitUsage;
  }
  books->config = std::move(*loaded.config);
  if (!r.tenant.empty()) {
    books->tenant = books->config.findTenant(r.tenant);
  } else if (books->config.tenants.size() == 1) {
    books->tenant = &books->config.tenants.front();
  }
  if (books->tenant == nullptr) {
    std::string names;
    for (const core::Tenant& t : books->config.tenants) {
      names += (names.empty() ? "" : ", ") + t.id;
    }
    return usageError(command(r), (r.tenant.empty() ? std::string("which tenant? ")
                                                    : "no tenant '" + r.tenant + "'; ") +
                                      "the config declares: " + names + " (use --tenant)");
  }
  store::OpenOptions options;
  options.create = false;  // a report on a database that does not exist is a config mistake
  if (books->config.store.busy_timeout_ms) {
    options.busyTimeout = std::chrono::milliseconds(*books->config.store.busy_timeout_ms);
  }
  lh::Result<std::unique_ptr<store::Database>> db =
      store::Database::open(books->config.store.path, options);
  if (!db.isOk()) {
    printError(command(r), db.status().message());
    return db.status().code() == lh::Code::InvalidConfig ? kExitUsage : kExitFailure;
  }
  books->db = std::move(db).value();
  books->ledger = std::make_unique<store::SqliteLedgerStore>(*books->db);
  return kExitOk;
}

}  // namespace

int runLedger(const std::vector<std::string>& args, GlobalOptions globals) {
  Request r;
  std::string format = "table";
  po::options_description options("Options");
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("config", po::value<std::string>(&r.configFile)->value_name("FILE"),
       "the ledgerhost config: database path and tenants (required)")
      ("tenant", po::value<std::string>(&r.tenant)->value_name("T"),
       "the tenant (default: the config's only tenant)")
      ("as-of", po::value<std::string>()->value_name("DATE"),
       "balances, trial-balance: entries effective on or before DATE")
      ("from", po::value<std::string>()->value_name("DATE"), "entries, revenue: from DATE")
      ("to", po::value<std::string>()->value_name("DATE"), "entries, revenue: up to DATE")
      ("period", po::value<std::string>()->value_name("day|month"),
       "revenue: group by day or month (default month)")
      ("account", po::value<std::string>()->value_name("CODE"),
       "entries: only entries with a line on this account")
      ("rule", po::value<std::string>()->value_name("ID"), "entries: only this rule's entries")
      ("event", po::value<std::string>()->value_name("EXTERNAL_ID"),
       "entries: only entries of this source event")
      ("base-currency", po::bool_switch(&r.base),
       "balances, revenue: convert into the tenant's base currency")
      ("format", po::value<std::string>(&format)->value_name("table|json|csv"),
       "output format (default table)")
      ("report", po::value<std::string>(&r.report), "the report");
  // clang-format on
  options.add(loggingOptions(&globals));
  po::positional_options_description positional;
  positional.add("report", 1);
  po::variables_map vm;
  int exitCode = kExitOk;
  if (!parseArgs("ledger", args, options, positional, &vm, &exitCode)) {
    return exitCode;
  }
  if (vm.count("help") != 0 || r.report.empty()) {
    po::options_description shown("Options");
    for (const auto& option : options.options()) {
      if (option->long_name() != "report") {
        shown.add(option);
      }
    }
    (r.report.empty() && vm.count("help") == 0 ? std::cerr : std::cout) << kUsage << '\n'
                                                                        << shown << '\n';
    return vm.count("help") != 0 ? kExitOk : usageError("ledger", "which report?");
  }
  static constexpr std::string_view kReports[] = {"balances", "trial-balance", "entries", "revenue",
                                                  "verify"};
  if (std::find(std::begin(kReports), std::end(kReports), r.report) == std::end(kReports)) {
    return usageError("ledger", "unknown report '" + r.report +
                                    "' (expected balances, trial-balance, entries, revenue or "
                                    "verify)");
  }
  if (format == "table") {
    r.format = Format::Table;
  } else if (format == "json") {
    r.format = Format::Json;
  } else if (format == "csv") {
    r.format = Format::Csv;
  } else {
    return usageError(command(r), "--format must be table, json or csv, not '" + format + "'");
  }
  if (r.configFile.empty()) {
    return usageError(command(r), "--config FILE is required");
  }
  auto optional = [&](const char* name) -> std::optional<std::string> {
    return vm.count(name) != 0 ? std::optional<std::string>(vm[name].as<std::string>())
                               : std::nullopt;
  };
  r.asOf = optional("as-of");
  r.from = optional("from");
  r.to = optional("to");
  r.period = optional("period");
  r.account = optional("account");
  r.rule = optional("rule");
  r.event = optional("event");
  if (int rc = checkApplicable(r, vm); rc != kExitOk) {
    return rc;
  }
  if (int rc = startLogging(globals); rc != kExitOk) {
    return rc;
  }

  Books books;
  if (int rc = openBooks(r, &books); rc != kExitOk) {
    return rc;
  }
  // One snapshot for the whole report (read-only: rolled back at the end).
  lh::Result<store::Transaction> snapshot =
      store::Transaction::begin(*books.db, store::Transaction::Mode::Deferred);
  if (!snapshot.isOk()) {
    printError(command(r), snapshot.status().message());
    return kExitFailure;
  }
  if (r.report == "balances") {
    return balances(r, books);
  }
  if (r.report == "trial-balance") {
    return trialBalance(r, books);
  }
  if (r.report == "entries") {
    return entries(r, books);
  }
  if (r.report == "revenue") {
    return revenue(r, books);
  }
  return verify(r, books);
}

}  // namespace lh::cli
