// ${env:VAR} and ${file:path} references: expansion, errors at file:line:column, and secrets that
// never reach a message.
#include "pipeline/substitution.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/config_loader.h"
#include "unit/pipeline/pipeline_test_support.h"
#include "unit/plugins/plugin_test_support.h"

namespace lh::pipeline {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testsupport::fakeEnv;
using testsupport::TempDir;

TEST(SubstitutionTest, ExpandsEnvironmentVariablesInsideText) {
  auto env = fakeEnv({{"HOST", "ob.bank.example"}, {"EMPTY", ""}});
  lh::Result<Expansion> e = expandReferences("https://${env:HOST}/aisp${env:EMPTY}", "", env, true);
  ASSERT_TRUE(e.isOk()) << e.status();
  EXPECT_EQ(e->text, "https://ob.bank.example/aisp");
  EXPECT_TRUE(e->had_reference);
  EXPECT_THAT(e->secrets, ::testing::ElementsAre("ob.bank.example", ""));
}

TEST(SubstitutionTest, PlainTextAndEscapes) {
  lh::Result<Expansion> e = expandReferences("costs $5, literal $${env:X}", "", fakeEnv({}), true);
  ASSERT_TRUE(e.isOk()) << e.status();
  EXPECT_EQ(e->text, "costs $5, literal ${env:X}");
  EXPECT_FALSE(e->had_reference);
}

TEST(SubstitutionTest, FileContentLosesOneTrailingNewline) {
  TempDir dir;
  dir.write("key", "s3cr3t-value\n");
  dir.write("crlf", "line\r\n");
  dir.write("two", "a\n\n");
  auto expand = [&](const char* text) {
    return expandReferences(text, dir.path(), fakeEnv({}), true).value().text;
  };
  EXPECT_EQ(expand("${file:key}"), "s3cr3t-value");
  EXPECT_EQ(expand("${file:crlf}"), "line");
  EXPECT_EQ(expand("${file:two}"), "a\n");
  EXPECT_EQ(expand(("${file:" + (dir.path() / "key").string() + "}").c_str()), "s3cr3t-value");
}

TEST(SubstitutionTest, Errors) {
  auto message = [](const char* text) {
    return expandReferences(text, "/nonexistent-dir", fakeEnv({}), true).status().message();
  };
  EXPECT_EQ(message("${env:MISSING}"), "environment variable 'MISSING' is not set");
  EXPECT_EQ(message("${file:nope.txt}"), "cannot read file 'nope.txt' (No such file or directory)");
  EXPECT_EQ(message("${vault:x}"),
            "unknown reference '${vault:x}' (expected ${env:VAR} or ${file:path}; write $${ for a "
            "literal '${')");
  EXPECT_EQ(message("${env:BAD-NAME}"),
            "'${env:BAD-NAME}': an environment variable name is letters, digits and '_'");
  EXPECT_EQ(message("abc ${env:X"),
            "unterminated '${' (a reference is ${env:VAR} or ${file:path}; write $${ for a "
            "literal '${')");
  EXPECT_EQ(expandReferences("${env:MISSING}", "", fakeEnv({}), true).status().code(),
            Code::InvalidConfig);
}

TEST(SubstitutionTest, UnresolvedModeChecksSyntaxOnly) {
  lh::Result<Expansion> e = expandReferences("${env:MISSING}", "", fakeEnv({}), false);
  ASSERT_TRUE(e.isOk()) << e.status();
  EXPECT_EQ(e->text, "${env:MISSING}");
  EXPECT_TRUE(e->had_reference);
  EXPECT_FALSE(expandReferences("${nope}", "", fakeEnv({}), false).isOk());
}

constexpr const char* kConfig = R"(store: {path: db.sqlite}
tenants:
  acme:
    base_currency: USD
    accounts: [{code: "1000", name: Bank, type: asset}]
connections:
  stripe:
    plugin: stripe
    tenant: ${env:TENANT}
    config:
      api_key: ${env:STRIPE_API_KEY}
      stripe_account: ${file:account.txt}
)";

TEST(SubstitutionTest, ConfigValuesAreSubstitutedAndMissingOnesReportedWhereTheyAre) {
  TempDir dir;
  const auto file = dir.write("ledgerhost.yaml", kConfig);
  dir.write("account.txt", "acct_1Example\n");
  const PluginCatalog catalog = testsupport::builtinCatalog();

  LoadOptions options;
  options.plugins = &catalog;
  options.env = fakeEnv({{"TENANT", "acme"}, {"STRIPE_API_KEY", "sk_live_Abc123SecretKey"}});
  LoadResult ok = loadConfig(file, options);
  ASSERT_TRUE(ok.ok()) << formatDiagnostics(ok.diagnostics);
  const Connection* stripe = ok.config->findConnection("stripe");
  ASSERT_NE(stripe, nullptr);
  EXPECT_EQ(stripe->tenant, "acme");
  EXPECT_EQ(stripe->config["api_key"], "sk_live_Abc123SecretKey");
  EXPECT_EQ(stripe->config["stripe_account"], "acct_1Example");

  options.env = fakeEnv({{"TENANT", "acme"}});
  std::filesystem::remove(dir.path() / "account.txt");
  LoadResult bad = loadConfig(file, options);
  ASSERT_FALSE(bad.ok());
  std::vector<std::string> got;
  for (const Diagnostic& d : bad.diagnostics) {
    got.push_back(d.toString());
  }
  EXPECT_THAT(got, ::testing::ElementsAre(
                       file.string() + ":11:16: environment variable 'STRIPE_API_KEY' is not set",
                       file.string() +
                           ":12:23: cannot read file 'account.txt' (No such file or directory)"));
}

TEST(SubstitutionTest, SecretsNeverAppearInMessages) {
  TempDir dir;
  // The key breaks the plugin's pattern, and the tenant (a substituted value) does not exist:
  // both are reported, neither message quotes the value.
  const auto file = dir.write("ledgerhost.yaml", kConfig);
  dir.write("account.txt", "acct_1Example");
  const PluginCatalog catalog = testsupport::builtinCatalog();
  LoadOptions options;
  options.plugins = &catalog;
  options.env = fakeEnv({{"TENANT", "tenant-SECRETISH"}, {"STRIPE_API_KEY", "pk_live_LeakMe999"}});
  LoadResult bad = loadConfig(file, options);
  ASSERT_FALSE(bad.ok());
  const std::string all = formatDiagnostics(bad.diagnostics);
  EXPECT_EQ(all, file.string() +
                     ":9:13: connection 'stripe': unknown tenant a substituted value (known "
                     "tenants: acme)\n" +
                     file.string() +
                     ":11:16: connection 'stripe': config.api_key: does not match the pattern the "
                     "plugin requires\n");
  EXPECT_THAT(all, Not(HasSubstr("LeakMe")));
  EXPECT_THAT(all, Not(HasSubstr("SECRETISH")));
}

}  // namespace
}  // namespace lh::pipeline
