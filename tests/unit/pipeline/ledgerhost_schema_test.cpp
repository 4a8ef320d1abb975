// config/ledgerhost.schema.json and the examples in config/ never drift: every config/*.yaml is
// valid against the schema AND loads cleanly with the real plugin schemas; every case file in
// config/tests/ loads (its events are valid canonical events). A broken config fails the schema,
// so the check is not vacuous.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/config_loader.h"
#include "pipeline/config_test.h"
#include "pipeline/internal/yaml_tree.h"
#include "pipeline/json_schema.h"
#include "unit/pipeline/pipeline_test_support.h"

namespace lh::pipeline {
namespace {

namespace fs = std::filesystem;
using testsupport::readFile;
using testsupport::sourceDir;

// YAML as JSON, exactly as an editor's YAML language server sees it (no substitution).
nlohmann::json yamlAsJson(const fs::path& file) {
  internal::DiagnosticSink sink;
  internal::ParseOptions options;
  options.substitute = false;
  std::optional<internal::YamlNode> root =
      internal::parseYaml(readFile(file), sink.addFile(file.string()), options, &sink);
  EXPECT_FALSE(sink.hasErrors()) << formatDiagnostics(sink.diagnostics());
  return root ? internal::toJson(*root) : nlohmann::json();
}

std::shared_ptr<const JsonSchema> configSchema() {
  const auto schema =
      nlohmann::json::parse(readFile(sourceDir() / "config" / "ledgerhost.schema.json"));
  EXPECT_EQ(schema["$schema"], "http://json-schema.org/draft-07/schema#");
  lh::Result<std::shared_ptr<const JsonSchema>> compiled = JsonSchema::compile(schema);
  EXPECT_TRUE(compiled.isOk()) << compiled.status();
  return compiled.value();
}

std::vector<fs::path> files(const fs::path& dir, bool recursive) {
  std::vector<fs::path> out;
  auto consider = [&](const fs::directory_entry& entry) {
    const std::string ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml" || ext == ".json")) {
      out.push_back(entry.path());
    }
  };
  if (recursive) {
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      consider(entry);
    }
  } else {
    for (const auto& entry : fs::directory_iterator(dir)) {
      consider(entry);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<fs::path> exampleConfigs() {
  std::vector<fs::path> out;
  for (const fs::path& f : files(sourceDir() / "config", false)) {
    if (f.extension() != ".json") {  // ledgerhost.schema.json is the schema itself
      out.push_back(f);
    }
  }
  return out;
}

std::string describe(const std::vector<SchemaViolation>& violations) {
  std::string out;
  for (const SchemaViolation& v : violations) {
    out += jsonPointer(v.path) + ": " + v.message + "\n";
  }
  return out;
}

TEST(LedgerhostSchemaTest, EveryExampleConfigIsValidAgainstTheSchema) {
  const auto schema = configSchema();
  const std::vector<fs::path> examples = exampleConfigs();
  ASSERT_GE(examples.size(), 2u);  // example.yaml, stripe-to-ledger.yaml at least
  for (const fs::path& file : examples) {
    SCOPED_TRACE(file.string());
    const std::vector<SchemaViolation> violations = schema->validate(yamlAsJson(file));
    EXPECT_TRUE(violations.empty()) << describe(violations);
  }
}

TEST(LedgerhostSchemaTest, EveryExampleConfigPassesConfigCheck) {
  const PluginCatalog catalog = testsupport::builtinCatalog();
  for (const fs::path& file : exampleConfigs()) {
    SCOPED_TRACE(file.string());
    LoadOptions options;
    options.plugins = &catalog;
    options.env = testsupport::exampleEnv();
    LoadResult result = loadConfig(file, options);
    EXPECT_TRUE(result.ok()) << formatDiagnostics(result.diagnostics);
  }
}

TEST(LedgerhostSchemaTest, EveryCaseFileLoadsWithValidEvents) {
  const std::vector<fs::path> cases = files(sourceDir() / "config" / "tests", true);
  ASSERT_GE(cases.size(), 5u);
  for (const fs::path& file : cases) {
    SCOPED_TRACE(file.string());
    CaseLoadResult loaded = loadTestCase(file);
    EXPECT_TRUE(loaded.test_case.has_value()) << formatDiagnostics(loaded.diagnostics);
  }
}

TEST(LedgerhostSchemaTest, TheSchemaRejectsWhatConfigCheckRejects) {
  const auto schema = configSchema();
  nlohmann::json config = yamlAsJson(sourceDir() / "config" / "stripe-to-ledger.yaml");
  config["pipelines"]["stripe"]["post"][0]["on"] = "paymnt";
  config["pipelines"]["stripe"]["post"][1]["amount"] = "gross";
  config["tenants"]["acme"]["accounts"][0]["type"] = "assets";
  config["connections"]["stripe"]["plugn"] = "stripe";
  config["reconciliations"]["r"] = {{"type", "payout_to_bank"}, {"source", "stripe"}};
  std::vector<std::string> paths;
  for (const SchemaViolation& v : schema->validate(config)) {
    paths.push_back(jsonPointer(v.path));
  }
  for (const char* expected :
       {"/pipelines/stripe/post/0/on", "/pipelines/stripe/post/1/amount",
        "/tenants/acme/accounts/0/type", "/connections/stripe", "/reconciliations/r"}) {
    EXPECT_THAT(paths, ::testing::Contains(expected)) << describe(schema->validate(config));
  }
}

}  // namespace
}  // namespace lh::pipeline
