// Shared by the ledger tests (core, store, cli): a tenant with a small chart, stored events and
// entry drafts built in one line, and a matcher that names the expected error code.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/chart.h"
#include "core/currency.h"
#include "core/event.h"
#include "core/ledger_entry.h"
#include "core/money.h"
#include "core/posting.h"
#include "core/rules.h"
#include "core/status.h"

namespace lh::core::testing {

inline lh::Status toStatus(const lh::Status& s) { return s; }
template <typename T>
lh::Status toStatus(const lh::Result<T>& r) {
  return r.status();
}

// Matches an lh::Status or lh::Result<T> whose code is `code` and whose message matches
// `messageMatcher`.
MATCHER_P2(StatusIs, code, messageMatcher,
           std::string("has code ") + std::string(lh::codeName(code))) {
  const lh::Status status = toStatus(arg);
  *result_listener << "status is " << status;
  return status.code() == code &&
         ::testing::ExplainMatchResult(messageMatcher, status.message(), result_listener);
}

inline Currency ccy(const char* code) { return knownCurrency(code); }

// Tenant "acme", base USD: 1000 bank, 1100 clearing (assets), 2000 payable (liability),
// 3000 equity, 4000 sales, 4100 subscriptions (revenue), 5000 fees (expense).
inline Tenant acmeTenant() {
  Tenant t;
  t.id = "acme";
  t.base_currency = "USD";
  t.accounts = {
      {"1000", "Bank", AccountType::Asset},
      {"1100", "Processor clearing", AccountType::Asset},
      {"2000", "Payable", AccountType::Liability},
      {"3000", "Equity", AccountType::Equity},
      {"4000", "Sales", AccountType::Revenue},
      {"4100", "Subscriptions", AccountType::Revenue},
      {"5000", "Processor fees", AccountType::Expense},
  };
  return t;
}

// A stored payment version: id `id`, key (stripe, payment, externalId), version `version`,
// occurred on `date` (YYYY-MM-DD), amount `minor` in `currency`.
inline StoredEvent paymentEvent(int64_t id, const std::string& externalId, int32_t version,
                                const std::string& date, int64_t minor,
                                const std::string& currency = "USD",
                                const std::string& tenant = "acme") {
  StoredEvent e;
  e.id = id;
  e.tenant = tenant;
  e.connection = "stripe";
  e.version = version;
  e.current = true;
  e.ingested_at_ms = 1767225600000;
  e.event.type = EventType::Payment;
  e.event.external_id = externalId;
  e.event.occurred_at = date + "T12:00:00Z";
  e.event.body = {{"type", "payment"},
                  {"external_id", externalId},
                  {"occurred_at", e.event.occurred_at},
                  {"amount", {{"minor", minor}, {"currency", currency}}},
                  {"raw", nlohmann::json::object()}};
  // Any 64 hex characters distinct per (id, version) will do for the ledger.
  std::string checksum = std::to_string(id) + "v" + std::to_string(version);
  checksum.resize(64, 'a');
  e.event.checksum = checksum;
  return e;
}

// A draft (what applyPostingRules makes) with the given lines: a line's non-zero side becomes the
// draft line's side (debit when both are zero or the debit is negative, so tests can pass amounts
// the ledger must refuse).
inline PostingDraft draftOf(std::string rule, std::string date, std::string memo,
                            const std::vector<LedgerLine>& lines) {
  PostingDraft draft{std::move(rule), std::move(date), std::move(memo), {}};
  for (const LedgerLine& line : lines) {
    const bool credit = line.debit_minor == 0 && line.credit_minor != 0;
    draft.lines.push_back(
        DraftLine{line.account, credit ? PostingLine::Side::Credit : PostingLine::Side::Debit,
                  Money{credit ? line.credit_minor : line.debit_minor, line.currency}});
  }
  return draft;
}

// The draft a "payment -> Dr clearing / Cr sales" rule makes.
inline PostingDraft saleDraft(const std::string& date, int64_t minor, const char* currency = "USD",
                              const std::string& rule = "payment-sale",
                              const std::string& revenue = "4000") {
  return draftOf(
      rule, date, "sale",
      {debitLine("1100", ccy(currency), minor), creditLine(revenue, ccy(currency), minor)});
}

// The draft a "payment fee -> Dr fees / Cr clearing" rule makes.
inline PostingDraft feeDraft(const std::string& date, int64_t minor, const char* currency = "USD") {
  return draftOf(
      "payment-fee", date, "fee",
      {debitLine("5000", ccy(currency), minor), creditLine("1100", ccy(currency), minor)});
}

// Unix milliseconds of 2026-01-01T00:00:00Z.
inline constexpr int64_t kJan1Ms = 1767225600000;

}  // namespace lh::core::testing
