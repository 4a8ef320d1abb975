// previewEvents: a Config's pipelines applied in memory, each event as its connection's tenant.
#include "pipeline/posting_preview.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/config_loader.h"
#include "unit/pipeline/pipeline_test_support.h"
#include "unit/plugins/plugin_test_support.h"

namespace lh::pipeline {
namespace {

using nlohmann::json;

constexpr const char* kConfig = R"(store: {path: x.db}
tenants:
  acme:
    base_currency: USD
    accounts:
      - {code: "1000", name: Bank, type: asset}
      - {code: "1100", name: Clearing, type: asset}
      - {code: "4000", name: Revenue, type: revenue}
  beta:
    base_currency: EUR
    accounts:
      - {code: "1100", name: Clearing, type: asset}
      - {code: "4000", name: Revenue, type: revenue}
connections:
  stripe: {plugin: stripe, tenant: acme}
  other: {plugin: stripe, tenant: acme}
  beta_stripe: {plugin: stripe, tenant: beta}
  books: {plugin: qbo, tenant: acme}
pipelines:
  acme:
    tenant: acme
    from: [stripe]
    post:
      - {on: payment, debit: "1100", credit: "4000"}
      - {on: payout, debit: "1000", credit: "1100", date: dates.arrival_date}
    deliver:
      - {on: payment, to: books, command: create_payment}
  beta:
    tenant: beta
    post:
      - {on: payment, debit: "1100", credit: "4000"}
)";

Config loadFixture(const testsupport::TempDir& dir) {
  LoadOptions options;
  options.env = testsupport::fakeEnv({});
  LoadResult result = loadConfig(dir.write("c.yaml", kConfig), options);
  EXPECT_TRUE(result.ok()) << formatDiagnostics(result.diagnostics);
  return *result.config;
}

core::Event makeEvent(const char* type, const char* id, json extra) {
  json body = {{"type", type},
               {"external_id", id},
               {"occurred_at", "2026-01-02T03:04:05Z"},
               {"raw", json::object()}};
  body.update(extra);
  lh::Result<core::Event> e = eventFromJson(body);
  EXPECT_TRUE(e.isOk()) << e.status();
  return e.value();
}

json usd(int64_t minor) { return {{"minor", minor}, {"currency", "USD"}}; }

TEST(PostingPreviewTest, AppliesTheRulesOfTheEventsConnectionAndTenant) {
  testsupport::TempDir dir;
  const Config config = loadFixture(dir);
  const std::vector<PreviewEvent> events = {
      {"stripe", makeEvent("payment", "p1", {{"amount", usd(700)}})},
      {"other", makeEvent("payment", "p2", {{"amount", usd(800)}})},  // not in acme's `from`
      {"beta_stripe",
       makeEvent("payment", "p3", {{"amount", {{"minor", 900}, {"currency", "EUR"}}}})},
      {"stripe", makeEvent("payout", "po1", {{"amount", usd(700)}})},  // no arrival date
      {"nowhere", makeEvent("payment", "p4", {{"amount", usd(1)}})},
  };
  const Preview preview = previewEvents(config, events);

  ASSERT_EQ(preview.postings.size(), 2u);
  EXPECT_EQ(preview.postings[0].event_index, 0u);
  EXPECT_EQ(preview.postings[0].draft.rule_id, "acme.post[0]");
  EXPECT_EQ(preview.postings[0].draft.date, "2026-01-02");
  EXPECT_EQ(preview.postings[0].draft.lines.at(0).amount.minor, 700);
  EXPECT_EQ(preview.postings[1].event_index, 2u);
  EXPECT_EQ(preview.postings[1].draft.rule_id, "beta.post[0]");
  EXPECT_EQ(preview.postings[1].draft.lines.at(0).amount.currency.code(), "EUR");

  ASSERT_EQ(preview.commands.size(), 1u);
  EXPECT_EQ(preview.commands[0].event_index, 0u);
  EXPECT_EQ(preview.commands[0].command.command, "create_payment");
  EXPECT_EQ(preview.commands[0].command.target_connection, "books");

  ASSERT_EQ(preview.skipped.size(), 1u);
  EXPECT_EQ(preview.skipped[0].event_index, 3u);
  EXPECT_EQ(preview.skipped[0].skipped.reason, "date field 'dates.arrival_date' is absent");

  ASSERT_EQ(preview.errors.size(), 1u);
  EXPECT_EQ(preview.errors[0].event_index, 4u);
  EXPECT_EQ(preview.errors[0].message, "connection 'nowhere' is not in the config");
}

TEST(PostingPreviewTest, EventsAreValidatedLikeEmittedOnes) {
  lh::Result<core::Event> missing = eventFromJson(json{{"type", "payment"}});
  ASSERT_FALSE(missing.isOk());
  EXPECT_EQ(missing.status().code(), Code::InvalidArgument);
  lh::Result<core::Event> negative = eventFromJson(json{{"type", "payment"},
                                                        {"external_id", "x"},
                                                        {"occurred_at", "2026-01-01T00:00:00Z"},
                                                        {"amount", usd(-5)},
                                                        {"raw", json::object()}});
  ASSERT_FALSE(negative.isOk());
  EXPECT_THAT(negative.status().message(), ::testing::StartsWith("/amount/minor: "));
  lh::Result<core::Event> ok = eventFromJson(json{{"type", "refund"},
                                                  {"external_id", "re_1"},
                                                  {"occurred_at", "2026-01-01T00:00:00Z"},
                                                  {"raw", json::object()}});
  ASSERT_TRUE(ok.isOk()) << ok.status();
  EXPECT_EQ(ok->type, core::EventType::Refund);
  EXPECT_EQ(ok->external_id, "re_1");
  EXPECT_EQ(ok->checksum.size(), 64u);
}

}  // namespace
}  // namespace lh::pipeline
