// Runtime: the engine assembled from a YAML config and the real engine test plugins, on a temporary
// SQLite file.
#include "pipeline/runtime.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "pipeline/config_loader.h"
#include "unit/core/ledger_test_support.h"
#include "unit/pipeline/engine_test_support.h"

namespace lh::pipeline {
namespace {

using core::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testsupport::EngineConfigOptions;
using testsupport::EngineTempDir;

std::shared_ptr<plugins::Registry> enginePlugins() {
  auto registry = loadPlugins({LH_ENGINE_PLUGIN_DIR}, false);
  EXPECT_TRUE(registry.isOk()) << registry.status();
  return registry.isOk() ? *registry : nullptr;
}

Config loadEngineConfig(const std::filesystem::path& dir, const plugins::Registry& registry,
                        const EngineConfigOptions& o = {}) {
  const PluginCatalog catalog = catalogOf(registry);
  LoadOptions load;
  load.plugins = &catalog;
  LoadResult loaded = loadConfig(testsupport::writeEngineConfig(dir, o), load);
  EXPECT_TRUE(loaded.ok()) << formatDiagnostics(loaded.diagnostics);
  return loaded.ok() ? *loaded.config : Config{};
}

TEST(RuntimeTest, LoadsPluginsAndDescribesThemForTheConfig) {
  auto registry = enginePlugins();
  ASSERT_NE(registry, nullptr);
  const PluginCatalog catalog = catalogOf(*registry);
  // The engine plugins directory also holds the delivery tests' feed and ledgerbook.
  EXPECT_THAT(catalog.names(), ElementsAre("books", "feed", "ledgerbook", "pager"));
  EXPECT_THAT(catalog.find("pager")->streams, ElementsAre("payments", "fees"));
  EXPECT_EQ(catalog.find("books")->kind, "accounting");
  EXPECT_THAT(catalog.find("books")->commands, ElementsAre("create_sales_receipt"));
  EXPECT_THAT(loadPlugins({"/nonexistent/plugins"}, false),
              StatusIs(lh::Code::InvalidConfig, HasSubstr("/nonexistent/plugins")));
}

TEST(RuntimeTest, OpensTheStoreOfTheConfigAndReadsAPage) {
  EngineTempDir dir;
  auto registry = enginePlugins();
  ASSERT_NE(registry, nullptr);
  EngineConfigOptions o;
  o.pagerConfig = "{count: 3, page_size: 2, reject_index: 1}";
  RuntimeOptions options;
  options.clock = [] { return int64_t{1767225600000}; };
  auto runtime = Runtime::open(loadEngineConfig(dir.path(), *registry, o), registry, options);
  ASSERT_TRUE(runtime.isOk()) << runtime.status();
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "ledger.db"));
  EXPECT_GE((*runtime)->database().schemaVersion(), 4);
  EXPECT_EQ((*runtime)->nowMs(), 1767225600000);

  auto session = (*runtime)->connect("src");
  ASSERT_TRUE(session.isOk()) << session.status();
  EXPECT_THAT((*session)->streams(), ElementsAre("payments", "fees"));
  auto page = (*session)->readPage("payments", "");
  ASSERT_TRUE(page.isOk()) << page.status();
  EXPECT_EQ(page->page.tenant, "acme");
  EXPECT_EQ(page->page.connection, "src");
  EXPECT_EQ(page->page.stream, "payments");
  EXPECT_EQ(page->page.events.size(), 1u);  // pay_0; pay_1 refused at emit time
  // Validated at emit time, handed on so the ingestor does not validate again.
  ASSERT_EQ(page->page.validated.size(), 1u);
  EXPECT_EQ(page->page.validated[0].external_id, "pay_0");
  EXPECT_EQ(page->page.cursor, R"({"offset":2})");
  EXPECT_TRUE(page->page.has_more);
  ASSERT_EQ(page->rejects.size(), 1u);
  EXPECT_THAT(page->rejects[0], HasSubstr("/amount"));
  EXPECT_THAT(page->rejects[0], HasSubstr("(external_id pay_1)"));

  // Nothing is stored until the page is ingested; then the hooks post and queue it.
  EXPECT_EQ(*(*runtime)->events().count("acme", {}), 0);
  ASSERT_TRUE((*runtime)->ingestor().ingest(page->page).isOk());
  EXPECT_EQ(*(*runtime)->events().count("acme", {}), 1);
  const EngineCounters counters = (*runtime)->counters();
  EXPECT_EQ(counters.entries_posted, 1);
  EXPECT_EQ(counters.reversals, 0);
  EXPECT_EQ(counters.commands.queued, 1);
  (*runtime)->restoreCounters({});
  EXPECT_EQ((*runtime)->counters().entries_posted, 0);

  auto failed = (*session)->readPage("payouts", "");
  EXPECT_THAT(failed, StatusIs(lh::Code::InvalidArgument, HasSubstr("unknown stream 'payouts'")));
}

TEST(RuntimeTest, ConnectErrorsNameTheProblem) {
  EngineTempDir dir;
  auto registry = enginePlugins();
  ASSERT_NE(registry, nullptr);
  Config config = loadEngineConfig(dir.path(), *registry);
  auto runtime = Runtime::open(config, registry);
  ASSERT_TRUE(runtime.isOk()) << runtime.status();
  EXPECT_THAT((*runtime)->connect("nope"),
              StatusIs(lh::Code::InvalidConfig, HasSubstr("connections: src, books")));

  // Without a registry (replay, cursors) nothing can be connected.
  auto bare = Runtime::open(config, nullptr);
  ASSERT_TRUE(bare.isOk()) << bare.status();
  EXPECT_THAT((*bare)->connect("src"),
              StatusIs(lh::Code::InvalidConfig, HasSubstr("plugin 'pager' is not in")));

  // The plugin refusing its config at create is its own typed error.
  config.connections[0].config = {{"page_size", 0}};
  auto refusing = Runtime::open(config, registry);
  ASSERT_TRUE(refusing.isOk()) << refusing.status();
  EXPECT_THAT((*refusing)->connect("src"),
              StatusIs(lh::Code::InvalidConfig, HasSubstr("page_size must be >= 1")));
}

}  // namespace
}  // namespace lh::pipeline
