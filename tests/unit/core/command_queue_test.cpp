// The delivery outbox from core's side: idempotency keys and payloads, and the delivery hook
// composed with the posting hook in one Ingestor unit of work, on real SQLite stores in a temp file
// (so "rolled back" and "queued once" are checked on disk).
#include "core/command_queue.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/delivery_hook.h"
#include "core/ledger_posting_hook.h"
#include "store/database.h"
#include "store/sqlite_command_store.h"
#include "store/sqlite_event_store.h"
#include "store/sqlite_ledger_store.h"
#include "store/sqlite_unit_of_work.h"
#include "unit/core/ledger_test_support.h"
#include "unit/store/store_test_support.h"

namespace lh::core {
namespace {

using store::testing::queryInt;
using store::testing::TempDir;
using testing::acmeTenant;
using ::testing::HasSubstr;
using testing::kJan1Ms;
using testing::StatusIs;

TEST(CommandIdempotencyKeyTest, StableShortAndDistinct) {
  const EventKey ch1{"stripe", EventType::Payment, "ch_1"};
  const std::string key = commandIdempotencyKey("acme", "deliver.payment", ch1);
  EXPECT_EQ(key.size(), 32u);
  EXPECT_LE(key.size(), kMaxIdempotencyKeyLength);
  EXPECT_EQ(key.find_first_not_of("0123456789abcdef"), std::string::npos);
  // Same inputs, same key (computed twice, independent of any version or payload).
  EXPECT_EQ(key, commandIdempotencyKey("acme", "deliver.payment", ch1));
  // Any input changed, another key.
  std::set<std::string> keys = {
      key,
      commandIdempotencyKey("other", "deliver.payment", ch1),
      commandIdempotencyKey("acme", "deliver.refund", ch1),
      commandIdempotencyKey("acme", "deliver.payment", {"stripe2", EventType::Payment, "ch_1"}),
      commandIdempotencyKey("acme", "deliver.payment", {"stripe", EventType::Refund, "ch_1"}),
      commandIdempotencyKey("acme", "deliver.payment", {"stripe", EventType::Payment, "ch_2"}),
      // Separators matter: moving a character between fields changes the key.
      commandIdempotencyKey("acm", "edeliver.payment", ch1),
  };
  EXPECT_EQ(keys.size(), 7u);
}

TEST(CommandStatusTest, NamesRoundTrip) {
  for (CommandStatus s :
       {CommandStatus::Pending, CommandStatus::Sent, CommandStatus::Failed, CommandStatus::Held}) {
    EXPECT_EQ(*parseCommandStatus(commandStatusName(s)), s);
  }
  EXPECT_THAT(parseCommandStatus("done"), StatusIs(lh::Code::InvalidArgument, HasSubstr("done")));
}

std::string paymentText(const std::string& id, int64_t amount, int64_t fee) {
  nlohmann::json event = {{"type", "payment"},
                          {"external_id", id},
                          {"occurred_at", "2026-01-05T10:00:00Z"},
                          {"amount", {{"minor", amount}, {"currency", "USD"}}},
                          {"fee", {{"minor", fee}, {"currency", "USD"}}},
                          {"net", {{"minor", amount - fee}, {"currency", "USD"}}},
                          {"raw", {{"id", id}, {"amount", amount}}}};
  return event.dump();
}

std::vector<PostingRule> postingRules() {
  PostingRule sale;
  sale.id = "payment-sale";
  sale.tenant = "acme";
  sale.on = EventType::Payment;
  sale.lines = {{"1100", PostingLine::Side::Debit, "amount"},
                {"4000", PostingLine::Side::Credit, "amount"}};
  return {sale};
}

std::vector<DeliveryRule> deliveryRules() {
  DeliveryRule receipt;
  receipt.id = "deliver.receipt";
  receipt.tenant = "acme";
  receipt.on = EventType::Payment;
  receipt.target_connection = "qbo";
  receipt.command = "create_sales_receipt";
  receipt.options = {{"deposit_to", "1100"}};
  return {receipt};
}

// A CommandStore that fails its n-th enqueue (1-based) and otherwise forwards.
class FailingCommandStore final : public CommandStore {
 public:
  FailingCommandStore(CommandStore& inner, int failAt) : inner_(inner), failAt_(failAt) {}
  lh::Result<EnqueueOutcome> enqueue(const CommandRequest& r) override {
    if (++calls_ == failAt_) {
      return lh::transient("disk full (scripted)");
    }
    return inner_.enqueue(r);
  }
  lh::Result<std::optional<CommandRecord>> find(const std::string& t, const std::string& r,
                                                const EventKey& k) override {
    return inner_.find(t, r, k);
  }
  lh::Result<std::optional<CommandRecord>> byId(int64_t id) override { return inner_.byId(id); }
  lh::Result<std::vector<CommandRecord>> pendingFor(const std::string& t, size_t n) override {
    return inner_.pendingFor(t, n);
  }
  lh::Result<std::vector<CommandRecord>> pendingAfter(const std::string& t, int64_t a,
                                                      size_t n) override {
    return inner_.pendingAfter(t, a, n);
  }
  lh::Status markWaiting(int64_t id, const std::string& r) override {
    return inner_.markWaiting(id, r);
  }
  lh::Result<std::vector<CommandRecord>> needingUpdateFor(const std::string& t, size_t n) override {
    return inner_.needingUpdateFor(t, n);
  }
  lh::Result<int64_t> countByStatus(const std::optional<std::string>& t, CommandStatus s) override {
    return inner_.countByStatus(t, s);
  }
  lh::Status markSent(int64_t id, const std::string& t) override { return inner_.markSent(id, t); }
  lh::Status markFailed(int64_t id, const std::string& e, bool r) override {
    return inner_.markFailed(id, e, r);
  }
  lh::Status hold(int64_t id, bool h) override { return inner_.hold(id, h); }
  lh::Status recordLink(const CommandLink& l) override { return inner_.recordLink(l); }
  lh::Result<std::vector<CommandLink>> linksFor(const std::string& t, const EventKey& k,
                                                const std::optional<std::string>& c) override {
    return inner_.linksFor(t, k, c);
  }

 private:
  CommandStore& inner_;
  int failAt_;
  int calls_ = 0;
};

class DeliveryHookTest : public ::testing::Test {
 protected:
  void SetUp() override { open(0); }

  // failAt > 0: the failAt-th enqueue fails.
  void open(int failAt) {
    // Stores hold statements on the connection: drop them before the Database.
    ingestor_.reset();
    ledger_.reset();
    unit_.reset();
    failing_.reset();
    commands_.reset();
    ledgerStore_.reset();
    events_.reset();
    db_.reset();
    auto opened = store::Database::open(dir_.file("ledger.db"));
    ASSERT_TRUE(opened.isOk()) << opened.status();
    db_ = std::move(opened).value();
    events_ = std::make_unique<store::SqliteEventStore>(*db_);
    ledgerStore_ = std::make_unique<store::SqliteLedgerStore>(*db_);
    commands_ = std::make_unique<store::SqliteCommandStore>(*db_);
    failing_ = std::make_unique<FailingCommandStore>(*commands_, failAt);
    unit_ = std::make_unique<store::SqliteUnitOfWork>(*db_);
    ledger_ = std::make_unique<Ledger>(*ledgerStore_);
    counters_ = DeliveryCounters{};
    ingestor_ = std::make_unique<Ingestor>(validator_, *events_, *unit_, [] { return kJan1Ms; });
    ingestor_->setOnChanged(combineHooks(
        {makePostingHook(*ledger_, {acmeTenant()}, postingRules(), [] { return kJan1Ms; }),
         makeDeliveryHook(*failing_, deliveryRules(), &counters_)}));
  }

  lh::Result<IngestStats> ingest(std::vector<std::string> texts) {
    IngestPage page;
    page.tenant = "acme";
    page.connection = "stripe";
    page.stream = "charges";
    page.events = std::move(texts);
    page.cursor = R"({"page":)" + std::to_string(++pages_) + "}";
    return ingestor_->ingest(page);
  }

  int64_t rows(const std::string& table) {
    return queryInt(db_->native(), "SELECT COUNT(*) FROM " + table);
  }

  TempDir dir_;
  EventValidator validator_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::SqliteEventStore> events_;
  std::unique_ptr<store::SqliteLedgerStore> ledgerStore_;
  std::unique_ptr<store::SqliteCommandStore> commands_;
  std::unique_ptr<FailingCommandStore> failing_;
  std::unique_ptr<store::SqliteUnitOfWork> unit_;
  std::unique_ptr<Ledger> ledger_;
  DeliveryCounters counters_;
  std::unique_ptr<Ingestor> ingestor_;
  int pages_ = 0;
};

TEST_F(DeliveryHookTest, QueuesCommandsWithTheEventsAndTheirPostings) {
  auto stats = ingest({paymentText("ch_1", 1000, 30), paymentText("ch_2", 2000, 60)});
  ASSERT_TRUE(stats.isOk()) << stats.status();
  EXPECT_EQ(rows("events"), 2);
  EXPECT_EQ(rows("ledger_entries"), 2);
  EXPECT_EQ(rows("commands"), 2);
  EXPECT_EQ(counters_.queued, 2);

  auto cmd = commands_->find("acme", "deliver.receipt", {"stripe", EventType::Payment, "ch_1"});
  ASSERT_TRUE(cmd.isOk() && cmd->has_value()) << cmd.status();
  const CommandRecord& c = **cmd;
  EXPECT_EQ(c.request.target_connection, "qbo");
  EXPECT_EQ(c.request.command, "create_sales_receipt");
  EXPECT_EQ(c.request.event_version, 1);
  EXPECT_EQ(
      c.request.idempotency_key,
      commandIdempotencyKey("acme", "deliver.receipt", {"stripe", EventType::Payment, "ch_1"}));
  const nlohmann::json payload = nlohmann::json::parse(c.request.payload_json);
  EXPECT_EQ(payload["event"]["amount"]["minor"], 1000);
  EXPECT_EQ(payload["options"]["deposit_to"], "1100");
  EXPECT_EQ(payload["source"]["external_id"], "ch_1");
  EXPECT_EQ(payload["source"]["version"], 1);
}

TEST_F(DeliveryHookTest, ReingestAddsNothingAndANewVersionUpdatesTheCommand) {
  ASSERT_TRUE(ingest({paymentText("ch_1", 1000, 30)}).isOk());
  ASSERT_TRUE(ingest({paymentText("ch_1", 1000, 30)}).isOk());  // same bytes: nothing runs
  EXPECT_EQ(rows("commands"), 1);
  EXPECT_EQ(rows("ledger_entries"), 1);

  ASSERT_TRUE(ingest({paymentText("ch_1", 900, 30)}).isOk());  // version 2
  EXPECT_EQ(rows("commands"), 1);
  EXPECT_EQ(rows("ledger_entries"), 3);  // reversal + new entry
  EXPECT_EQ(counters_.queued, 1);
  EXPECT_EQ(counters_.updated, 1);
  auto cmd = commands_->find("acme", "deliver.receipt", {"stripe", EventType::Payment, "ch_1"});
  ASSERT_TRUE(cmd.isOk() && cmd->has_value());
  EXPECT_EQ((*cmd)->request.event_version, 2);
  EXPECT_EQ(nlohmann::json::parse((*cmd)->request.payload_json)["event"]["amount"]["minor"], 900);
}

TEST_F(DeliveryHookTest, AFailingDeliveryRollsBackThePostingsOfThePage) {
  open(2);  // the second event's command fails
  auto stats = ingest({paymentText("ch_1", 1000, 30), paymentText("ch_2", 2000, 60)});
  EXPECT_THAT(stats, StatusIs(lh::Code::Transient, HasSubstr("deliver.receipt")));
  EXPECT_EQ(rows("events"), 0);
  EXPECT_EQ(rows("ledger_entries"), 0);
  EXPECT_EQ(rows("commands"), 0);
  EXPECT_EQ(rows("cursors"), 0);

  // The page read again (the failure was transient) ends exactly like a clean run.
  auto again = ingest({paymentText("ch_1", 1000, 30), paymentText("ch_2", 2000, 60)});
  ASSERT_TRUE(again.isOk()) << again.status();
  EXPECT_EQ(rows("events"), 2);
  EXPECT_EQ(rows("ledger_entries"), 2);
  EXPECT_EQ(rows("commands"), 2);
}

TEST_F(DeliveryHookTest, CombineHooksStopsAtTheFirstError) {
  int calls = 0;
  Ingestor::ChangedHook counting = [&](const StoredEvent&, const std::optional<StoredEvent>&) {
    ++calls;
    return lh::Status::ok();
  };
  Ingestor::ChangedHook failing = [](const StoredEvent&, const std::optional<StoredEvent>&) {
    return lh::permanent("no");
  };
  StoredEvent e;
  EXPECT_TRUE(combineHooks({counting, nullptr, counting})(e, std::nullopt).isOk());
  EXPECT_EQ(calls, 2);
  EXPECT_THAT(combineHooks({counting, failing, counting})(e, std::nullopt),
              StatusIs(lh::Code::Permanent, HasSubstr("no")));
  EXPECT_EQ(calls, 3);
}

}  // namespace
}  // namespace lh::core
