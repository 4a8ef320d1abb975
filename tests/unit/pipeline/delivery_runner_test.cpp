// DeliveryRunner with real test plugins (.so files built by lh_add_plugin): `feed` emits the events
// of a JSON file, `ledgerbook` plays an accounting system kept in a JSON file and answers per a
// script (tests/unit/pipeline/engine_plugins/delivery_plugins.cpp); a temporary SQLite file under
// a Runtime assembled from YAML.
#include "pipeline/delivery_runner.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "pipeline/config_loader.h"
#include "pipeline/runtime.h"
#include "pipeline/sync_runner.h"
#include "unit/core/ledger_test_support.h"
#include "unit/pipeline/delivery_test_support.h"
#include "unit/pipeline/engine_test_support.h"

namespace lh::pipeline {
namespace {

using core::testing::StatusIs;
using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testsupport::DeliveryConfigOptions;
using testsupport::EngineTempDir;

constexpr int64_t kNowMs = 1767225600000;  // 2026-01-01

class DeliveryRunnerTest : public ::testing::Test {
 protected:
  // Writes the config (and the events file, unless `events` is null) and opens a Runtime.
  void open(const DeliveryConfigOptions& o, const json& events) {
    runtime_.reset();
    if (!events.is_null()) {
      testsupport::writeEvents(dir_.path(), events);
    }
    auto registry = loadPlugins({LH_ENGINE_PLUGIN_DIR}, false);
    ASSERT_TRUE(registry.isOk()) << registry.status();
    const PluginCatalog catalog = catalogOf(**registry);
    LoadOptions load;
    load.plugins = &catalog;
    LoadResult loaded = loadConfig(testsupport::writeDeliveryConfig(dir_.path(), o), load);
    ASSERT_TRUE(loaded.ok()) << formatDiagnostics(loaded.diagnostics);
    RuntimeOptions options;
    options.clock = [] { return kNowMs; };
    auto runtime = Runtime::open(std::move(*loaded.config), *registry, std::move(options));
    ASSERT_TRUE(runtime.isOk()) << runtime.status();
    runtime_ = std::move(runtime).value();
  }

  void syncSource() {
    SyncRunner sync(*runtime_);
    auto result = sync.sync("src", {});
    ASSERT_TRUE(result.isOk()) << result.status();
    ASSERT_TRUE(result->ok());
  }

  TargetDelivery deliver(const DeliveryOptions& options = {}) {
    DeliveryRunner runner(*runtime_);
    auto result = runner.deliver({"qb"}, options);
    EXPECT_TRUE(result.isOk()) << result.status();
    if (!result.isOk() || result->targets.size() != 1) {
      return {};
    }
    return result->targets[0];
  }

  json remote() const { return testsupport::readRemote(dir_.path()); }

  // The commands ledgerbook received about source `externalId`, in order.
  std::vector<json> received(const std::string& externalId) const {
    std::vector<json> out;
    const json all = remote();
    for (const json& c : all["received"]) {
      if (c["payload"]["event"]["external_id"] == externalId) {
        out.push_back(c);
      }
    }
    return out;
  }

  std::string column(const std::string& sql) {
    return runtime_->database().native().execAndGet(sql).getString();
  }

  EngineTempDir dir_;
  std::unique_ptr<Runtime> runtime_;
};

TEST_F(DeliveryRunnerTest, DeliversEveryCommandOnceAndASecondRunSendsNothing) {
  DeliveryConfigOptions o;
  o.ledgerbook = "needs: {create_payment: [invoice]}";
  open(o, testsupport::basicEvents());
  syncSource();

  TargetDelivery first = deliver();
  EXPECT_TRUE(first.status.isOk()) << first.status;
  EXPECT_EQ(first.sent, 4);  // customer, invoice, payment, deposit
  EXPECT_EQ(first.failed, 0);
  EXPECT_EQ(first.waiting, 0);
  EXPECT_EQ(first.held, 0);
  EXPECT_EQ(first.passes, 3);  // the payment waits in pass 1, goes in pass 2; pass 3 sends nothing
  EXPECT_EQ(remote()["objects"].size(), 4u);
  EXPECT_EQ(column("SELECT COUNT(*) FROM links WHERE target_connection = 'qb'"), "4");
  EXPECT_EQ(column("SELECT COUNT(*) FROM commands WHERE status = 'sent'"), "4");
  EXPECT_EQ(column("SELECT target_type || ':' || target_id FROM links WHERE "
                   "source_external_id = 'in_1'"),
            "Invoice:" + column("SELECT target_id FROM commands WHERE source_external_id = "
                                "'in_1'"));

  const std::vector<json> invoice = received("in_1");
  ASSERT_EQ(invoice.size(), 1u);
  EXPECT_EQ(invoice[0]["type"], "create_invoice");
  EXPECT_EQ(invoice[0]["payload"]["options"]["item"], "Services");
  EXPECT_EQ(invoice[0]["payload"]["source"]["connection"], "src");
  // The payment's second send named the objects made in pass 1 through "targets" (not "charge":
  // no event type, nothing delivered).
  const std::vector<json> payment = received("txn_1");
  ASSERT_EQ(payment.size(), 2u);
  const json& targets = payment[1]["payload"]["targets"];
  EXPECT_EQ(targets["invoice"]["type"], "Invoice");
  EXPECT_EQ(targets["customer"]["type"], "Customer");
  EXPECT_EQ(targets["payout"]["type"], "Deposit");
  EXPECT_FALSE(targets.contains("charge"));

  // The deposit carried its composition, summed and with each event's objects.
  const std::vector<json> deposit = received("po_1");
  ASSERT_EQ(deposit.size(), 1u);
  const json& composition = deposit[0]["payload"]["composition"];
  EXPECT_EQ(composition["net_total"], json({{"minor", 9180}, {"currency", "USD"}}));
  ASSERT_EQ(composition["events"].size(), 2u);
  EXPECT_EQ(composition["events"][0]["external_id"], "txn_1");
  EXPECT_EQ(composition["events"][0]["net"], json({{"minor", 9680}, {"currency", "USD"}}));
  EXPECT_EQ(composition["events"][0]["links"]["invoice"], "in_1");
  EXPECT_TRUE(composition["events"][0]["target"].is_null());  // same batch: not made yet
  EXPECT_EQ(composition["events"][1]["external_id"], "fee_1");
  EXPECT_TRUE(composition["events"][1]["fee"].is_null());

  const json before = remote();
  TargetDelivery second = deliver();
  EXPECT_TRUE(second.status.isOk());
  EXPECT_EQ(second.sent, 0);
  EXPECT_EQ(second.calls, 0);
  EXPECT_EQ(remote()["received"].size(), before["received"].size());
}

TEST_F(DeliveryRunnerTest, APaymentWaitsForItsInvoiceThenGoesInTheNextPass) {
  DeliveryConfigOptions o;
  o.ledgerbook = "needs: {create_payment: [invoice]}";
  open(o, testsupport::basicEvents());
  syncSource();
  TargetDelivery result = deliver();
  EXPECT_EQ(result.sent, 4);

  const std::vector<json> payment = received("txn_1");
  ASSERT_EQ(payment.size(), 2u);
  EXPECT_FALSE(payment[0]["payload"]["targets"].contains("invoice"));
  EXPECT_EQ(payment[1]["payload"]["targets"]["invoice"]["type"], "Invoice");
  // The same command, the same idempotency key, both times.
  EXPECT_EQ(payment[0]["id"], payment[1]["id"]);
  EXPECT_EQ(payment[0]["idempotency_key"], payment[1]["idempotency_key"]);
  EXPECT_EQ(column("SELECT attempts FROM commands WHERE source_external_id = 'txn_1'"), "2");
}

TEST_F(DeliveryRunnerTest, ADepositIsHeldUntilItsCompositionSumsToThePayout) {
  DeliveryConfigOptions o;
  open(o, testsupport::shortPayoutEvents());
  syncSource();

  TargetDelivery held = deliver();
  EXPECT_TRUE(held.status.isOk());
  EXPECT_EQ(held.held, 1);
  EXPECT_EQ(held.sent, 1);  // the payment
  ASSERT_EQ(held.problems.size(), 1u);
  EXPECT_THAT(held.problems[0],
              HasSubstr("create_deposit about payout po_2: held: composition sums to USD 40.00, "
                        "payout is USD 50.00"));
  EXPECT_TRUE(received("po_2").empty());
  EXPECT_EQ(column("SELECT status || '|' || attempts || '|' || last_error FROM commands WHERE "
                   "source_external_id = 'po_2'"),
            "pending|0|held: composition sums to USD 40.00, payout is USD 50.00");

  // Still held on the next run: reported again, nothing sent.
  TargetDelivery again = deliver();
  EXPECT_EQ(again.held, 1);
  EXPECT_EQ(again.calls, 0);

  // The missing payment arrives: the deposit goes.
  json events = testsupport::shortPayoutEvents();
  events.push_back(testsupport::payment("txn_3", 1100, 100, "po_2"));
  testsupport::writeEvents(dir_.path(), events);
  syncSource();
  TargetDelivery released = deliver();
  EXPECT_EQ(released.held, 0);
  EXPECT_EQ(released.sent, 2);  // txn_3's payment and the deposit
  const std::vector<json> deposit = received("po_2");
  ASSERT_EQ(deposit.size(), 1u);
  EXPECT_EQ(deposit[0]["payload"]["composition"]["net_total"]["minor"], 5000);
  EXPECT_EQ(deposit[0]["payload"]["composition"]["events"].size(), 2u);
  // txn_2's Payment was made in the first run: the deposit line can link to it.
  EXPECT_EQ(deposit[0]["payload"]["composition"]["events"][0]["target"]["type"], "Payment");
  EXPECT_EQ(column("SELECT status || '|' || last_error FROM commands WHERE source_external_id = "
                   "'po_2'"),
            "sent|");
}

TEST_F(DeliveryRunnerTest, APermanentFailureFailsThatCommandAloneAndTheOthersGoOn) {
  DeliveryConfigOptions o;
  o.ledgerbook = "fail: {in_1: permanent}";
  open(o, testsupport::basicEvents());
  syncSource();
  TargetDelivery result = deliver();
  EXPECT_TRUE(result.status.isOk());
  EXPECT_EQ(result.failed, 1);
  EXPECT_EQ(result.sent, 3);
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_THAT(result.problems[0],
              HasSubstr("create_invoice about invoice in_1: permanent: scripted permanent for in_1"));
  EXPECT_EQ(column("SELECT status || '|' || last_error FROM commands WHERE source_external_id = "
                   "'in_1'"),
            "failed|permanent: scripted permanent for in_1");
  DeliveryResult whole;
  whole.targets.push_back(result);
  EXPECT_FALSE(whole.ok());

  // A failed command is not sent again by the next run.
  TargetDelivery next = deliver();
  EXPECT_EQ(next.calls, 0);
  EXPECT_EQ(received("in_1").size(), 1u);
}

TEST_F(DeliveryRunnerTest, AuthRequiredOfTheCallStopsTheTargetAndSaysWhatToRun) {
  DeliveryConfigOptions o;
  o.ledgerbook = "fail_call: auth";
  open(o, testsupport::basicEvents());
  syncSource();
  TargetDelivery result = deliver();
  EXPECT_THAT(result.status,
              StatusIs(Code::AuthRequired,
                       HasSubstr("connection needs re-authorisation: run `ledgerhost connect qb "
                                 "--config ")));
  EXPECT_THAT(result.status.message(), HasSubstr("scripted auth failure of the whole call"));
  EXPECT_EQ(result.calls, 1);
  EXPECT_EQ(result.sent, 0);
  EXPECT_EQ(result.passes, 1);
  // Nothing was tried: every command is pending with no attempt counted.
  EXPECT_EQ(column("SELECT COUNT(*) FROM commands WHERE status = 'pending' AND attempts = 0"), "4");
  // The connection is marked: the next run does not call the plugin at all.
  const int64_t calls = remote()["calls"];
  TargetDelivery again = deliver();
  EXPECT_THAT(again.status, StatusIs(Code::AuthRequired, HasSubstr("needs re-authorisation")));
  EXPECT_EQ(again.calls, 0);
  EXPECT_EQ(remote()["calls"], calls);
}

TEST_F(DeliveryRunnerTest, AuthRequiredOfOneCommandKeepsTheAnswersBeforeItAndStops) {
  DeliveryConfigOptions o;
  o.ledgerbook = "fail: {in_1: auth}";
  open(o, testsupport::basicEvents());
  syncSource();
  TargetDelivery result = deliver();
  EXPECT_EQ(result.status.code(), Code::AuthRequired);
  EXPECT_THAT(result.status.message(), HasSubstr("ledgerhost connect qb"));
  // The customer (before the invoice in the batch) and the rest were answered and recorded.
  EXPECT_EQ(column("SELECT status FROM commands WHERE source_external_id = 'cus_1'"), "sent");
  EXPECT_EQ(column("SELECT status || '|' || attempts FROM commands WHERE source_external_id = "
                   "'in_1'"),
            "pending|0");
  EXPECT_EQ(result.passes, 1);
}

TEST_F(DeliveryRunnerTest, ACrashAfterExecuteResendsTheSameKeysAndCreatesNothingTwice) {
  DeliveryConfigOptions o;
  open(o, testsupport::basicEvents());
  syncSource();
  DeliveryOptions crash;
  crash.after_execute = [](const std::string&) { return lh::internalError("crash injected"); };
  TargetDelivery crashed = deliver(crash);
  EXPECT_THAT(crashed.status, StatusIs(Code::Internal, HasSubstr("crash injected")));
  // The remote system created everything; the host recorded nothing.
  EXPECT_EQ(remote()["objects"].size(), 4u);
  EXPECT_EQ(column("SELECT COUNT(*) FROM commands WHERE status = 'pending' AND attempts = 0"), "4");
  EXPECT_EQ(column("SELECT COUNT(*) FROM links"), "0");

  TargetDelivery rerun = deliver();
  EXPECT_TRUE(rerun.status.isOk());
  EXPECT_EQ(rerun.sent, 4);
  EXPECT_EQ(remote()["objects"].size(), 4u);  // nothing created twice
  for (const char* id : {"cus_1", "in_1", "txn_1", "po_1"}) {
    const std::vector<json> sends = received(id);
    ASSERT_EQ(sends.size(), 2u) << id;
    EXPECT_EQ(sends[0]["idempotency_key"], sends[1]["idempotency_key"]) << id;
    EXPECT_EQ(sends[0]["idempotency_key"].get<std::string>().size(), 32u);
  }
  // The links name the objects the first (crashed) call created.
  const json after = remote();
  for (const json& object : after["objects"]) {
    EXPECT_EQ(column("SELECT target_id FROM links WHERE source_external_id = '" +
                     object["source"].get<std::string>() + "'"),
              object["id"].get<std::string>());
  }
}

TEST_F(DeliveryRunnerTest, ATransientCommandIsRetriedAtMostNTimesPerRun) {
  DeliveryConfigOptions o;
  // A chain that sends one new object per pass (customer, then invoice, then payment) keeps the
  // passes going; txn_9 answers transiently every time.
  o.ledgerbook =
      "needs: {create_invoice: [customer], create_payment: [invoice]}, fail: {txn_9: transient}";
  json events = testsupport::chainEvents();
  events.push_back(testsupport::payment("txn_9", 500, 20, ""));
  open(o, events);
  syncSource();
  DeliveryOptions options;
  options.max_transient_per_run = 3;
  options.batch = 2;
  TargetDelivery result = deliver(options);
  EXPECT_TRUE(result.status.isOk());
  EXPECT_EQ(result.sent, 3);
  EXPECT_EQ(result.waiting, 1);
  EXPECT_EQ(result.passes, 4);  // customer, invoice, payment, then nothing new
  EXPECT_EQ(received("txn_9").size(), 3u);
  EXPECT_EQ(column("SELECT status || '|' || last_error FROM commands WHERE source_external_id = "
                   "'txn_9'"),
            "pending|scripted transient for txn_9");
  // The next run tries it again.
  TargetDelivery next = deliver(options);
  EXPECT_EQ(next.waiting, 1);
  EXPECT_EQ(received("txn_9").size(), 4u);
}

TEST_F(DeliveryRunnerTest, RefusesBadOptions) {
  open({}, testsupport::basicEvents());
  DeliveryRunner runner(*runtime_);
  DeliveryOptions options;
  options.batch = 0;
  EXPECT_THAT(runner.deliver({"qb"}, options).status(), StatusIs(Code::InvalidArgument, HasSubstr("batch")));
}

TEST_F(DeliveryRunnerTest, TargetsOfTheSyncedConnectionsPipelines) {
  open({}, testsupport::basicEvents());
  const Config& config = runtime_->config();
  EXPECT_THAT(deliveryTargetsFor(config, {"src"}), ElementsAre("qb"));
  EXPECT_THAT(deliveryTargetsFor(config, {"qb"}), ElementsAre("qb"));  // itself a target
  EXPECT_TRUE(deliveryTargetsFor(config, {"other"}).empty());
}

}  // namespace
}  // namespace lh::pipeline
