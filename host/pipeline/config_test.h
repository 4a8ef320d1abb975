// Config tests: run a config's pipelines on fixture events and compare the postings and delivery
// commands with the expected ones (`ledgerhost config test FILE --cases DIR`), so a change to a
// mapping is tested before it is deployed. The case format is documented in config/tests/README.md:
//
//   description: a card payment with a Stripe fee       # optional
//   events:
//     - connection: stripe                              # a connection of the config
//       event: {type: payment, external_id: txn_1, ...} # a canonical event (docs/events.md)
//   expect:
//     postings:                                         # absent: none expected
//       - rule: stripe.payment
//         event: txn_1                                  # external_id; optional with one event
//         date: "2026-01-01"
//         lines:
//           - {account: "1100", debit: "96.80", currency: USD}   # decimal text, exact
//           - {account: "4000", credit: "100.00", currency: USD}
//     commands:                                         # absent: none expected
//       - {rule: books.invoices, event: in_1, target: qbo, command: create_invoice}
//
// Case files are YAML or JSON (*.yaml, *.yml, *.json). Comparison ignores the order of entries
// and of lines within an entry, and the memo.
//
// Pure apart from reading the case files; any thread.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/money.h"
#include "core/rules.h"
#include "core/status.h"
#include "pipeline/config.h"
#include "pipeline/diagnostic.h"
#include "pipeline/posting_preview.h"

namespace lh::pipeline {

struct ExpectedLine {
  std::string account;
  core::PostingLine::Side side = core::PostingLine::Side::Debit;
  core::Money amount;
};

struct ExpectedPosting {
  std::string rule;
  size_t event_index = 0;
  std::string date;
  std::vector<ExpectedLine> lines;
};

struct ExpectedCommand {
  std::string rule;
  size_t event_index = 0;
  std::string target;
  std::string command;
};

struct TestCase {
  std::string name;  // the file name without extension
  std::filesystem::path file;
  std::string description;
  std::vector<PreviewEvent> events;
  std::vector<ExpectedPosting> postings;
  std::vector<ExpectedCommand> commands;
};

struct CaseLoadResult {
  std::optional<TestCase> test_case;    // set exactly when diagnostics is empty
  std::vector<Diagnostic> diagnostics;  // file:line:column of every problem in the case file
};

// Reads and checks one case file.
CaseLoadResult loadTestCase(const std::filesystem::path& file);

struct CaseOutcome {
  std::string name;
  std::filesystem::path file;
  bool passed = false;
  // On failure: expected vs actual, line by line ("  " both, "- " expected only, "+ " actual
  // only), every line indented by two spaces. Empty when passed.
  std::string diff;
  // Rules skipped for an event and why ("rule stripe.fee skipped for payment txn_1: ..."); shown
  // with a failure to explain a missing entry.
  std::vector<std::string> notes;
};

// Runs one case against `config` (whose connections must include the case's).
CaseOutcome runTestCase(const Config& config, const TestCase& test);

// The case files directly in `dir` (*.yaml, *.yml, *.json), sorted by name. InvalidArgument when
// `dir` is not a readable directory.
lh::Result<std::vector<std::filesystem::path>> findTestCases(const std::filesystem::path& dir);

struct SuiteResult {
  std::vector<CaseOutcome> outcomes;
  std::vector<Diagnostic> diagnostics;  // malformed case files (those cases did not run)
  size_t passed() const;
  size_t failed() const;
};

// Loads and runs every case in `dir`.
lh::Result<SuiteResult> runTestSuite(const Config& config, const std::filesystem::path& dir);

// "PASS name (file)\n", or "FAIL name (file)\n" followed by the diff and the notes.
std::string formatOutcome(const CaseOutcome& outcome);

}  // namespace lh::pipeline
