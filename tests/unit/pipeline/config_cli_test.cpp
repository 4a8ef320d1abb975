// `ledgerhost config check|test` through the real binary (<build>/bin/ledgerhost, with the
// built-in plugins next to it in <build>/lib/ledgerhost/plugins).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include "unit/pipeline/pipeline_test_support.h"
#include "unit/plugins/plugin_test_support.h"

namespace lh::pipeline {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testsupport::readFile;
using testsupport::sourceDir;
using testsupport::TempDir;

struct CliRun {
  int exitCode = -1;
  std::string out;
  std::string err;
};

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return q + "'";
}

// Runs the binary with exactly `env` added to a cleaned environment (no plugin dir override, no
// config secrets from the developer's shell).
CliRun ledgerhost(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
  TempDir tmp;
  const fs::path errFile = tmp.path() / "stderr";
  std::string cmd =
      "env -u LEDGERHOST_PLUGIN_DIR -u STRIPE_API_KEY -u AUTHNET_LOGIN_ID "
      "-u AUTHNET_TRANSACTION_KEY -u QBO_CLIENT_ID -u QBO_CLIENT_SECRET -u BANK_CLIENT_ID";
  for (const std::string& e : env) {
    cmd += " " + quote(e);
  }
  cmd += " " + quote((fs::path(LH_BUILD_DIR) / "bin" / "ledgerhost").string());
  for (const std::string& a : args) {
    cmd += " " + quote(a);
  }
  cmd += " 2>" + quote(errFile.string());
  CliRun run;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) {
    return run;
  }
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) {
    run.out.append(buffer, n);
  }
  const int status = pclose(pipe);
  run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.err = readFile(errFile);
  return run;
}

const std::vector<std::string> kExampleEnv = {
    "STRIPE_API_KEY=sk_test_4eC39HqLyjWDarjtT1zdp7dc", "AUTHNET_LOGIN_ID=5KP3u95bQpv",
    "AUTHNET_TRANSACTION_KEY=346HZ32z3fP4hTG2",        "QBO_CLIENT_ID=ABcdEFghIJkl",
    "QBO_CLIENT_SECRET=qbo-secret-value-0123456789",   "BANK_CLIENT_ID=bank-client-1"};

TEST(ConfigCliTest, CheckAcceptsTheExamples) {
  const std::string example = (sourceDir() / "config" / "example.yaml").string();
  CliRun r = ledgerhost({"config", "check", example}, kExampleEnv);
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(r.out, example + ": ok (1 tenant, 4 connections, 14 rules)\n");
  EXPECT_THAT(r.err, IsEmpty());

  const std::string stripe = (sourceDir() / "config" / "stripe-to-ledger.yaml").string();
  CliRun s = ledgerhost({"config", "check", stripe}, {kExampleEnv[0]});
  EXPECT_EQ(s.exitCode, 0) << s.err;
  EXPECT_EQ(s.out, stripe + ": ok (1 tenant, 1 connection, 9 rules)\n");
}

TEST(ConfigCliTest, CheckReportsEveryErrorAndExits2WithoutLeakingSecrets) {
  TempDir dir;
  const fs::path file = dir.write("bad.yaml",
                                  "store: {path: x.db}\n"
                                  "tenants:\n"
                                  "  acme: {base_currency: USD, accounts: [{code: '1', name: A, "
                                  "type: asset}]}\n"
                                  "connections:\n"
                                  "  s:\n"
                                  "    plugin: stripe\n"
                                  "    tenant: acme\n"
                                  "    config: {api_key: '${env:STRIPE_API_KEY}', page_size: 0}\n"
                                  "  q: {plugin: quickbooks, tenant: acme}\n");
  CliRun r = ledgerhost({"config", "check", file.string()}, {"STRIPE_API_KEY=pk_live_TopSecret1"});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_THAT(r.out, IsEmpty());
  const std::string f = file.string();
  EXPECT_EQ(r.err, f +
                       ":8:23: connection 's': config.api_key: does not match the pattern the "
                       "plugin requires\n" +
                       f +
                       ":8:59: connection 's': config.page_size: expected number greater "
                       "than or equal to 1\n" +
                       f +
                       ":9:15: connection 'q': unknown plugin 'quickbooks' (known plugins: "
                       "authnet, openbanking, qbo, stripe)\n" +
                       f + ": 3 errors\n");
  EXPECT_THAT(r.err, Not(HasSubstr("TopSecret")));
}

TEST(ConfigCliTest, TestPassesTheShippedCases) {
  CliRun r =
      ledgerhost({"config", "test", (sourceDir() / "config" / "stripe-to-ledger.yaml").string(),
                  "--cases", (sourceDir() / "config" / "tests" / "stripe-to-ledger").string()});
  EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("PASS payment ("));
  EXPECT_THAT(r.out, ::testing::EndsWith("6 cases: 6 passed, 0 failed\n"));
  EXPECT_THAT(r.err, IsEmpty());
}

TEST(ConfigCliTest, TestFailsAChangedMappingWithADiffAndExit1) {
  TempDir dir;
  std::string config = readFile(sourceDir() / "config" / "stripe-to-ledger.yaml");
  const std::string from = "          - {debit: \"6100\", amount: fee}\n";
  ASSERT_NE(config.find(from), std::string::npos);
  // Fees booked to the dispute-loss account by mistake.
  config.replace(config.find(from), from.size(), "          - {debit: \"6200\", amount: fee}\n");
  const fs::path file = dir.write("stripe-to-ledger.yaml", config);
  const fs::path cases = sourceDir() / "config" / "tests" / "stripe-to-ledger";
  CliRun r = ledgerhost({"config", "test", file.string(), "--cases", cases.string()});
  EXPECT_EQ(r.exitCode, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("FAIL payment (" + (cases / "payment.yaml").string() +
                               ")\n"
                               "  --- expected\n"
                               "  +++ actual\n"
                               "    posting stripe.payment for payment "
                               "txn_1QAsmblChg00000000000001 on 2026-01-01\n"
                               "      Dr 1100  USD 96.80\n"
                               "  -   Dr 6100  USD 3.20\n"
                               "  +   Dr 6200  USD 3.20\n"
                               "      Cr 4000  USD 100.00\n"));
  EXPECT_THAT(r.out, HasSubstr("PASS refund_and_fee ("));
  EXPECT_THAT(r.out, ::testing::EndsWith("6 cases: 5 passed, 1 failed\n"));
}

TEST(ConfigCliTest, UsageErrors) {
  CliRun none = ledgerhost({"config"});
  EXPECT_EQ(none.exitCode, 2);
  EXPECT_THAT(none.err, HasSubstr("which subcommand? check or test"));
  CliRun noCases = ledgerhost({"config", "test", "x.yaml"});
  EXPECT_EQ(noCases.exitCode, 2);
  EXPECT_THAT(noCases.err, HasSubstr("--cases DIR is required"));
  CliRun unknown = ledgerhost({"config", "lint"});
  EXPECT_EQ(unknown.exitCode, 2);
  EXPECT_THAT(unknown.err, HasSubstr("unknown subcommand 'lint'"));
  CliRun help = ledgerhost({"config", "check", "--help"});
  EXPECT_EQ(help.exitCode, 0);
  EXPECT_THAT(help.out, HasSubstr("ledgerhost config check FILE"));
  TempDir empty;
  CliRun noCaseFiles =
      ledgerhost({"config", "test", (sourceDir() / "config" / "stripe-to-ledger.yaml").string(),
                  "--cases", empty.path().string()});
  EXPECT_EQ(noCaseFiles.exitCode, 2);
  EXPECT_THAT(noCaseFiles.err, HasSubstr("no test cases"));
}

}  // namespace
}  // namespace lh::pipeline
