// `ledgerhost sync` delivering the pending commands afterwards (docs/delivery.md), through the real
// binary with the feed and ledgerbook test plugins (tests/unit/pipeline/engine_plugins): per-target
// counts in the text and JSON summaries, exit codes, --no-deliver, an accounting --connection.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "unit/cli/cli_runner.h"
#include "unit/pipeline/delivery_test_support.h"
#include "unit/pipeline/engine_test_support.h"

namespace lh::cli {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;
using testsupport::DeliveryConfigOptions;
using testsupport::EngineTempDir;
using testsupport::runCli;

testsupport::CliResult sync(const std::filesystem::path& config, std::vector<std::string> extra) {
  std::vector<std::string> args = {"sync", "--config", config.string(), "--plugin-dir",
                                   LH_ENGINE_PLUGIN_DIR};
  args.insert(args.end(), extra.begin(), extra.end());
  return runCli(args, LH_ENGINE_PLUGIN_DIR);
}

json report(const testsupport::CliResult& r) {
  json parsed = json::parse(r.out, nullptr, false);
  if (parsed.is_discarded()) {
    ADD_FAILURE() << "not JSON: " << r.out;
    return json::object();
  }
  return parsed;
}

// The JSON summary row of target `name`.
json delivery(const testsupport::CliResult& r, const std::string& name) {
  const json all = report(r);
  for (const json& d : all.value("deliveries", json::array())) {
    if (d["target"] == name) {
      return d;
    }
  }
  ADD_FAILURE() << "no delivery to " << name << " in " << r.out;
  return json::object();
}

class SyncDeliveryTest : public ::testing::Test {
 protected:
  std::filesystem::path setUp(const DeliveryConfigOptions& o, const json& events) {
    testsupport::writeEvents(dir_.path(), events);
    return testsupport::writeDeliveryConfig(dir_.path(), o);
  }
  EngineTempDir dir_;
};

TEST_F(SyncDeliveryTest, SyncDeliversOnceAndReportsPerTargetCounts) {
  DeliveryConfigOptions o;
  o.ledgerbook = "needs: {create_payment: [invoice]}";
  const auto config = setUp(o, testsupport::basicEvents());
  auto first = sync(config, {"--format", "json"});
  ASSERT_EQ(first.exitCode, 0) << first.err;
  json d = delivery(first, "qb");
  EXPECT_EQ(d["sent"], 4);
  EXPECT_EQ(d["failed"], 0);
  EXPECT_EQ(d["waiting"], 0);
  EXPECT_EQ(d["held"], 0);
  EXPECT_EQ(d["passes"], 3);
  EXPECT_EQ(d["ok"], true);
  EXPECT_EQ(report(first)["connections"][0]["totals"]["commands_queued"], 4);
  // Not a terminal: plain lines on stderr, the stream's and then the delivery's.
  EXPECT_THAT(first.err, HasSubstr("src/events: done, 1 pages, 5 events"));
  EXPECT_THAT(first.err, HasSubstr("qb: delivering pending commands"));
  EXPECT_THAT(first.err, HasSubstr("qb: call 1 done (3 sent, 0 failed, 1 waiting so far)"));
  EXPECT_THAT(first.err, HasSubstr("qb: delivered, 4 sent, 0 failed, 0 waiting, 0 held in 3 passes"));
  EXPECT_EQ(testsupport::readRemote(dir_.path())["objects"].size(), 4u);

  auto second = sync(config, {"--format", "json"});
  ASSERT_EQ(second.exitCode, 0) << second.err;
  EXPECT_EQ(delivery(second, "qb")["sent"], 0);
  EXPECT_EQ(delivery(second, "qb")["calls"], 0);
  EXPECT_EQ(testsupport::readRemote(dir_.path())["objects"].size(), 4u);

  auto text = sync(config, {});
  ASSERT_EQ(text.exitCode, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("sync src (correlation id "));
  EXPECT_THAT(text.out, HasSubstr("deliver\n  target"));
  EXPECT_THAT(text.out, testing::ContainsRegex("\n  qb +0 +0 +0 +0  ok\n"));
}

TEST_F(SyncDeliveryTest, APermanentFailureExits1AndNamesTheCommand) {
  DeliveryConfigOptions o;
  o.ledgerbook = "fail: {in_1: permanent}";
  const auto config = setUp(o, testsupport::basicEvents());
  auto failed = sync(config, {});
  EXPECT_EQ(failed.exitCode, 1) << failed.err;
  EXPECT_THAT(failed.out, testing::ContainsRegex("\n  qb +3 +1 +0 +0  FAILED\n"));
  EXPECT_THAT(failed.out, HasSubstr("    command 3 create_invoice about invoice in_1: permanent: "
                                    "scripted permanent for in_1"));
  // The failure was this run's: the next sync sends nothing and succeeds.
  auto next = sync(config, {"--format", "json"});
  EXPECT_EQ(next.exitCode, 0) << next.err;
  EXPECT_EQ(delivery(next, "qb")["failed"], 0);
}

TEST_F(SyncDeliveryTest, AHeldDepositIsReportedWithoutFailingTheSync) {
  const auto config = setUp({}, testsupport::shortPayoutEvents());
  auto held = sync(config, {"--format", "json"});
  EXPECT_EQ(held.exitCode, 0) << held.err;
  json d = delivery(held, "qb");
  EXPECT_EQ(d["held"], 1);
  EXPECT_EQ(d["sent"], 1);
  ASSERT_EQ(d["problems"].size(), 1u);
  EXPECT_THAT(d["problems"][0].get<std::string>(),
              HasSubstr("held: composition sums to USD 40.00, payout is USD 50.00"));

  json events = testsupport::shortPayoutEvents();
  events.push_back(testsupport::payment("txn_3", 1100, 100, "po_2"));
  testsupport::writeEvents(dir_.path(), events);
  auto released = sync(config, {});
  EXPECT_EQ(released.exitCode, 0) << released.err;
  EXPECT_THAT(released.out, testing::ContainsRegex("\n  qb +2 +0 +0 +0  ok\n"));
  EXPECT_THAT(released.out, Not(HasSubstr("held:")));
}

TEST_F(SyncDeliveryTest, AuthRequiredStopsDeliveryExits1AndSaysWhatToRun) {
  DeliveryConfigOptions o;
  o.ledgerbook = "fail_call: auth";
  const auto config = setUp(o, testsupport::basicEvents());
  auto r = sync(config, {"--format", "json"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("connection needs re-authorisation: run `ledgerhost connect qb --config "));
  json d = delivery(r, "qb");
  EXPECT_EQ(d["ok"], false);
  EXPECT_EQ(d["error"]["code"], "auth_required");
  EXPECT_EQ(d["sent"], 0);
}

TEST_F(SyncDeliveryTest, NoDeliverSkipsDeliveryAndAnAccountingConnectionDeliversItsOwn) {
  const auto config = setUp({}, testsupport::basicEvents());
  auto read = sync(config, {"--no-deliver", "--format", "json"});
  ASSERT_EQ(read.exitCode, 0) << read.err;
  EXPECT_FALSE(report(read).contains("deliveries"));
  EXPECT_THAT(read.err, Not(HasSubstr("delivering")));
  EXPECT_TRUE(testsupport::readRemote(dir_.path())["objects"].empty());

  // `--connection qb`: qb has no streams; its pending commands go out.
  auto own = sync(config, {"--connection", "qb", "--format", "json"});
  ASSERT_EQ(own.exitCode, 0) << own.err;
  EXPECT_EQ(delivery(own, "qb")["sent"], 4);
}

}  // namespace
}  // namespace lh::cli
