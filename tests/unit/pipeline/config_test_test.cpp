// Config tests through the library: the shipped cases pass against the shipped configs, a changed
// mapping fails with a readable diff, and malformed case files are reported at file:line:column.
#include "pipeline/config_test.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/config_loader.h"
#include "unit/pipeline/pipeline_test_support.h"
#include "unit/plugins/plugin_test_support.h"

namespace lh::pipeline {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testsupport::readFile;
using testsupport::sourceDir;
using testsupport::TempDir;

Config loadForTest(const fs::path& file) {
  const PluginCatalog catalog = testsupport::builtinCatalog();
  LoadOptions options;
  options.plugins = &catalog;
  options.env = testsupport::fakeEnv({});  // config test needs no secrets
  options.resolve_secrets = false;
  LoadResult result = loadConfig(file, options);
  EXPECT_TRUE(result.ok()) << formatDiagnostics(result.diagnostics);
  return result.ok() ? *result.config : Config{};
}

// `text` with the first occurrence of `from` replaced by `to` (which must exist).
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

TEST(ConfigTestTest, ShippedCasesPassAgainstShippedConfigs) {
  for (const char* name : {"stripe-to-ledger", "example"}) {
    const Config config = loadForTest(sourceDir() / "config" / (std::string(name) + ".yaml"));
    lh::Result<SuiteResult> suite = runTestSuite(config, sourceDir() / "config" / "tests" / name);
    ASSERT_TRUE(suite.isOk()) << suite.status();
    EXPECT_THAT(suite->diagnostics, ::testing::IsEmpty()) << formatDiagnostics(suite->diagnostics);
    EXPECT_GE(suite->outcomes.size(), 3u) << name;
    for (const CaseOutcome& outcome : suite->outcomes) {
      EXPECT_TRUE(outcome.passed) << formatOutcome(outcome);
      EXPECT_EQ(formatOutcome(outcome),
                "PASS " + outcome.name + " (" + outcome.file.string() + ")\n");
    }
  }
}

TEST(ConfigTestTest, ChangedMappingFailsWithADiff) {
  TempDir dir;
  // An operator books refunds against revenue instead of the contra-revenue account.
  const fs::path file = dir.write(
      "stripe-to-ledger.yaml", replaced(readFile(sourceDir() / "config" / "stripe-to-ledger.yaml"),
                                        "          - {debit: \"4100\", amount: amount}\n",
                                        "          - {debit: \"4000\", amount: amount}\n"));
  const Config config = loadForTest(file);
  const fs::path cases = sourceDir() / "config" / "tests" / "stripe-to-ledger";
  lh::Result<SuiteResult> suite = runTestSuite(config, cases);
  ASSERT_TRUE(suite.isOk()) << suite.status();
  ASSERT_EQ(suite->outcomes.size(), 6u);
  EXPECT_EQ(suite->failed(), 2u);  // refund_and_fee, refund_fee_returned
  EXPECT_EQ(suite->passed(), 4u);
  const CaseOutcome& refund = suite->outcomes[4];
  ASSERT_EQ(refund.name, "refund_and_fee");
  EXPECT_FALSE(refund.passed);
  EXPECT_EQ(refund.diff,
            "  --- expected\n"
            "  +++ actual\n"
            "    posting stripe.refund for refund txn_1QBrfnd00000000000000001 on 2026-01-03\n"
            "  -   Dr 4100  USD 25.00\n"
            "  +   Dr 4000  USD 25.00\n"
            "      Cr 1100  USD 25.00\n"
            "    posting stripe.fee for fee txn_1QCfee0000000000000000001 on 2026-01-31\n"
            "      Dr 6100  USD 19.99\n"
            "      Cr 1100  USD 19.99\n");
  EXPECT_EQ(
      formatOutcome(refund),
      "FAIL refund_and_fee (" + (cases / "refund_and_fee.yaml").string() + ")\n" + refund.diff);
}

constexpr const char* kConfig = R"(store: {path: x.db}
tenants:
  acme:
    base_currency: USD
    accounts:
      - {code: "1100", name: Clearing, type: asset}
      - {code: "4000", name: Revenue, type: revenue}
      - {code: "6100", name: Fees, type: expense}
connections:
  stripe: {plugin: stripe, tenant: acme}
  qbo: {plugin: qbo, tenant: acme}
pipelines:
  shop:
    tenant: acme
    post:
      - id: shop.payment
        on: payment
        lines:
          - {debit: "1100", amount: net}
          - {debit: "6100", amount: fee}
          - {credit: "4000", amount: amount}
    deliver:
      - {id: shop.invoice, on: invoice, to: qbo, command: create_invoice}
)";

constexpr const char* kCase = R"(events:
  - connection: stripe
    event:
      type: payment
      external_id: txn_1
      occurred_at: "2026-01-01T00:00:00Z"
      amount: {minor: 1000, currency: USD}
      net: {minor: 1000, currency: USD}
      raw: {}
  - connection: stripe
    event: {type: invoice, external_id: in_1, occurred_at: "2026-01-02T00:00:00Z", raw: {}}
expect:
  postings:
    - rule: shop.payment
      event: txn_1
      date: "2026-01-01"
      lines:
        - {account: "1100", debit: "10.00", currency: USD}
        - {account: "4000", credit: "10.00", currency: USD}
  commands:
    - {rule: shop.invoice, event: in_1, target: qbo, command: create_invoice}
    - {rule: shop.invoice, event: txn_1, target: qbo, command: create_invoice}
)";

TEST(ConfigTestTest, MissingAndExtraOutputsShowInTheDiffWithNotes) {
  TempDir dir;
  const Config config = loadForTest(dir.write("c.yaml", kConfig));
  CaseLoadResult loaded = loadTestCase(dir.write("skipped.yaml", kCase));
  ASSERT_TRUE(loaded.test_case) << formatDiagnostics(loaded.diagnostics);
  const CaseOutcome outcome = runTestCase(config, *loaded.test_case);
  EXPECT_FALSE(outcome.passed);
  // The payment has no `fee`, so the rule is skipped (a note says why); the second command was
  // expected for an event no delivery rule takes.
  EXPECT_EQ(outcome.diff,
            "  --- expected\n"
            "  +++ actual\n"
            "  - posting shop.payment for payment txn_1 on 2026-01-01\n"
            "  -   Dr 1100  USD 10.00\n"
            "  -   Cr 4000  USD 10.00\n"
            "  - command shop.invoice for payment txn_1: create_invoice -> qbo\n"
            "    command shop.invoice for invoice in_1: create_invoice -> qbo\n");
  EXPECT_THAT(outcome.notes,
              ElementsAre("rule shop.payment skipped for payment txn_1: money field 'fee' is "
                          "absent"));
  EXPECT_THAT(formatOutcome(outcome),
              HasSubstr("\n  note: rule shop.payment skipped for payment txn_1: money field 'fee' "
                        "is absent\n"));
}

TEST(ConfigTestTest, MalformedCaseFilesAreReportedAtTheirPositions) {
  TempDir dir;
  const fs::path file =
      dir.write("bad.yaml",
                "events:\n"
                "  - connection: stripe\n"
                "    event:\n"
                "      type: payment\n"
                "      external_id: txn_1\n"
                "      occurred_at: \"2026-01-01T00:00:00Z\"\n"
                "      amount: {minor: 1.5, currency: USD}\n"
                "      raw: {}\n"
                "  - connection: stripe\n"
                "    event: {type: refund, external_id: re_1, occurred_at: "
                "\"2026-01-01T00:00:00Z\", raw: {}}\n"
                "expect:\n"
                "  postings:\n"
                "    - rule: r\n"
                "      date: \"2026-01-01\"\n"
                "      lines:\n"
                "        - {account: \"1\", debit: \"1.234\", currency: USD}\n"
                "        - {account: \"2\", credit: \"1\", debit: \"1\", currency: USD}\n"
                "  comands: []\n");
  CaseLoadResult loaded = loadTestCase(file);
  ASSERT_FALSE(loaded.test_case.has_value());
  std::vector<std::string> got;
  for (const Diagnostic& d : loaded.diagnostics) {
    got.push_back(d.toString());
  }
  const std::string f = file.string();
  EXPECT_THAT(got,
              ElementsAre(f + ":7:23: events[0]: invalid canonical event: /amount/minor: must be "
                              "an integer",
                          f + ":16:33: expect.postings[0].lines[0]: '1.234' has 3 decimals; USD "
                              "allows 2",
                          f + ":17:11: expect.postings[0].lines[1]: a line has exactly one of "
                              "'debit' or 'credit'",
                          f + ":18:3: expect: unknown key 'comands' (did you mean 'commands'?)"));
}

TEST(ConfigTestTest, FindsCaseFilesSortedAndIgnoresOthers) {
  TempDir dir;
  dir.write("b.yaml", "");
  dir.write("a.json", "");
  dir.write("c.yml", "");
  dir.write("README.md", "");
  std::filesystem::create_directories(dir.path() / "sub.yaml");
  lh::Result<std::vector<fs::path>> files = findTestCases(dir.path());
  ASSERT_TRUE(files.isOk()) << files.status();
  EXPECT_THAT(files.value(),
              ElementsAre(dir.path() / "a.json", dir.path() / "b.yaml", dir.path() / "c.yml"));
  EXPECT_EQ(findTestCases(dir.path() / "absent").status().code(), Code::InvalidArgument);
}

}  // namespace
}  // namespace lh::pipeline
