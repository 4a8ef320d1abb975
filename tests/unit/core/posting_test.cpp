// applyPostingRules: money fields to balanced drafts, sign swaps, skips with reasons, and the
// errors that stop an event from posting half its entries.
#include "core/posting.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace lh::core {
namespace {

using nlohmann::json;
using Side = PostingLine::Side;

json money(int64_t minor, const char* currency = "USD") {
  return {{"minor", minor}, {"currency", currency}};
}

StoredEvent event(EventType type, json body, std::string connection = "stripe",
                  std::string tenant = "acme") {
  StoredEvent e;
  e.tenant = std::move(tenant);
  e.connection = std::move(connection);
  e.event.type = type;
  e.event.external_id = body.value("external_id", "ext_1");
  e.event.occurred_at = body.value("occurred_at", "2026-01-01T10:00:00Z");
  body["type"] = std::string(eventTypeName(type));
  body["external_id"] = e.event.external_id;
  body["occurred_at"] = e.event.occurred_at;
  e.event.body = std::move(body);
  return e;
}

PostingRule rule(std::string id, EventType on, std::vector<PostingLine> lines) {
  PostingRule r;
  r.id = std::move(id);
  r.tenant = "acme";
  r.on = on;
  r.lines = std::move(lines);
  return r;
}

// "Dr 1100 USD 96.80" for readable assertions.
std::vector<std::string> text(const PostingDraft& draft) {
  std::vector<std::string> out;
  for (const DraftLine& line : draft.lines) {
    out.push_back(std::string(line.side == Side::Debit ? "Dr " : "Cr ") + line.account + " " +
                  formatWithCode(line.amount));
  }
  return out;
}

const PostingRule kPayment = rule(
    "payment", EventType::Payment,
    {{"1100", Side::Debit, "net"}, {"6100", Side::Debit, "fee"}, {"4000", Side::Credit, "amount"}});

TEST(PostingTest, PaymentPostsNetAndFeeAgainstGross) {
  PostingRule r = kPayment;
  r.memo = "charge {links.charge} of {amount} ({missing}) {not a path}";
  auto e = event(EventType::Payment, {{"occurred_at", "2026-01-05T23:30:00-05:00"},
                                      {"amount", money(10000)},
                                      {"fee", money(320)},
                                      {"net", money(9680)},
                                      {"links", {{"charge", "ch_1"}}}});
  Result<PostingPlan> plan = applyPostingRules(std::vector<PostingRule>{r}, e);
  ASSERT_TRUE(plan.isOk()) << plan.status();
  ASSERT_EQ(plan->entries.size(), 1u);
  const PostingDraft& d = plan->entries[0];
  EXPECT_EQ(d.rule_id, "payment");
  EXPECT_EQ(d.date, "2026-01-05");  // the date as the source wrote it
  EXPECT_EQ(d.memo, "charge ch_1 of USD 100.00 () {not a path}");
  EXPECT_THAT(text(d), ::testing::ElementsAre("Dr 1100 USD 96.80", "Dr 6100 USD 3.20",
                                              "Cr 4000 USD 100.00"));
  EXPECT_TRUE(plan->skipped.empty());
}

TEST(PostingTest, ZeroLinesAreDropped) {
  auto e =
      event(EventType::Payment, {{"amount", money(5000)}, {"fee", money(0)}, {"net", money(5000)}});
  Result<PostingPlan> plan = applyPostingRules(std::vector<PostingRule>{kPayment}, e);
  ASSERT_TRUE(plan.isOk()) << plan.status();
  EXPECT_THAT(text(plan->entries.at(0)),
              ::testing::ElementsAre("Dr 1100 USD 50.00", "Cr 4000 USD 50.00"));
}

TEST(PostingTest, NegativeAmountSwapsSides) {
  PostingRule adjustment =
      rule("adj", EventType::Adjustment,
           {{"1100", Side::Debit, "amount"}, {"6300", Side::Credit, "amount"}});
  Result<PostingPlan> out =
      applyPostingRules(std::vector<PostingRule>{adjustment},
                        event(EventType::Adjustment, {{"amount", money(-1200)}}));
  ASSERT_TRUE(out.isOk()) << out.status();
  EXPECT_THAT(text(out->entries.at(0)),
              ::testing::ElementsAre("Cr 1100 USD 12.00", "Dr 6300 USD 12.00"));
  Result<PostingPlan> in = applyPostingRules(
      std::vector<PostingRule>{adjustment}, event(EventType::Adjustment, {{"amount", money(500)}}));
  ASSERT_TRUE(in.isOk()) << in.status();
  EXPECT_THAT(text(in->entries.at(0)),
              ::testing::ElementsAre("Dr 1100 USD 5.00", "Cr 6300 USD 5.00"));
}

TEST(PostingTest, MissingMoneyFieldSkipsTheRuleWithAReason) {
  auto e = event(EventType::Payment, {{"amount", money(5000)}, {"net", money(5000)}});
  Result<PostingPlan> plan = applyPostingRules(std::vector<PostingRule>{kPayment}, e);
  ASSERT_TRUE(plan.isOk()) << plan.status();
  EXPECT_TRUE(plan->entries.empty());
  ASSERT_EQ(plan->skipped.size(), 1u);
  EXPECT_EQ(plan->skipped[0].rule_id, "payment");
  EXPECT_EQ(plan->skipped[0].reason, "money field 'fee' is absent");
}

TEST(PostingTest, AllZeroAndMissingDateAreSkipped) {
  PostingRule payout = rule("payout", EventType::Payout,
                            {{"1000", Side::Debit, "amount"}, {"1100", Side::Credit, "amount"}});
  payout.date_field = "dates.arrival_date";
  Result<PostingPlan> zero =
      applyPostingRules(std::vector<PostingRule>{payout},
                        event(EventType::Payout,
                              {{"amount", money(0)}, {"dates", {{"arrival_date", "2026-01-05"}}}}));
  ASSERT_TRUE(zero.isOk());
  EXPECT_EQ(zero->skipped.at(0).reason, "every amount is zero");
  Result<PostingPlan> undated = applyPostingRules(std::vector<PostingRule>{payout},
                                                  event(EventType::Payout, {{"amount", money(5)}}));
  ASSERT_TRUE(undated.isOk());
  EXPECT_EQ(undated->skipped.at(0).reason, "date field 'dates.arrival_date' is absent");
  Result<PostingPlan> dated =
      applyPostingRules(std::vector<PostingRule>{payout},
                        event(EventType::Payout,
                              {{"amount", money(5)}, {"dates", {{"arrival_date", "2026-01-05"}}}}));
  ASSERT_TRUE(dated.isOk());
  EXPECT_EQ(dated->entries.at(0).date, "2026-01-05");
}

TEST(PostingTest, AnEntryThatDoesNotBalanceIsAnError) {
  // The event breaks amount = net + fee.
  auto e = event(EventType::Payment, {{"external_id", "txn_9"},
                                      {"amount", money(10000)},
                                      {"fee", money(300)},
                                      {"net", money(9600)}});
  Result<PostingPlan> plan = applyPostingRules(std::vector<PostingRule>{kPayment}, e);
  ASSERT_FALSE(plan.isOk());
  EXPECT_EQ(plan.status().code(), Code::InvalidArgument);
  EXPECT_EQ(plan.status().message(),
            "posting rule 'payment' on payment txn_9: the entry does not balance in USD: debits "
            "99.00, credits 100.00");
}

TEST(PostingTest, CurrenciesBalanceSeparately) {
  PostingRule mixed =
      rule("mixed", EventType::Payment,
           {{"1100", Side::Debit, "settlement.amount"}, {"4000", Side::Credit, "amount"}});
  auto e = event(EventType::Payment,
                 {{"amount", money(10000)}, {"settlement", {{"amount", money(9200, "EUR")}}}});
  Result<PostingPlan> plan = applyPostingRules(std::vector<PostingRule>{mixed}, e);
  ASSERT_FALSE(plan.isOk());
  EXPECT_EQ(plan.status().message(),
            "posting rule 'mixed' on payment ext_1: the entry does not balance in EUR: debits "
            "92.00, credits 0.00");
}

TEST(PostingTest, MalformedMoneyAndDatesAreErrors) {
  auto floaty = event(
      EventType::Payment,
      {{"amount", {{"minor", 1.5}, {"currency", "USD"}}}, {"fee", money(0)}, {"net", money(0)}});
  Result<PostingPlan> a = applyPostingRules(std::vector<PostingRule>{kPayment}, floaty);
  ASSERT_FALSE(a.isOk());
  EXPECT_THAT(a.status().message(),
              ::testing::StartsWith("posting rule 'payment' on payment ext_1: field 'amount': "));

  PostingRule dated = kPayment;
  dated.date_field = "dates.paid_at";
  auto badDate = event(EventType::Payment, {{"amount", money(1)},
                                            {"fee", money(0)},
                                            {"net", money(1)},
                                            {"dates", {{"paid_at", "yesterday"}}}});
  Result<PostingPlan> b = applyPostingRules(std::vector<PostingRule>{dated}, badDate);
  ASSERT_FALSE(b.isOk());
  EXPECT_EQ(b.status().message(),
            "posting rule 'payment' on payment ext_1: date field "
            "'dates.paid_at' is not a date or date-time");

  PostingRule adjustment = rule("adj", EventType::Adjustment,
                                {{"1", Side::Debit, "amount"}, {"2", Side::Credit, "amount"}});
  Result<PostingPlan> c = applyPostingRules(
      std::vector<PostingRule>{adjustment},
      event(EventType::Adjustment, {{"amount", money(std::numeric_limits<int64_t>::min())}}));
  ASSERT_FALSE(c.isOk());
  EXPECT_EQ(c.status().code(), Code::InvalidArgument);
}

TEST(PostingTest, OnlyRulesForTheEventsTenantConnectionTypeAndConditionsApply) {
  PostingRule r = kPayment;
  r.connections = {"stripe"};
  r.where = {Condition{"status", Condition::Op::Ne, {"failed"}}};
  const json body = {{"amount", money(100)}, {"fee", money(0)}, {"net", money(100)}};
  auto applied = [&](const StoredEvent& e) {
    Result<PostingPlan> plan = applyPostingRules(std::vector<PostingRule>{r}, e);
    EXPECT_TRUE(plan.isOk()) << plan.status();
    return plan->entries.size() + plan->skipped.size();
  };
  EXPECT_EQ(applied(event(EventType::Payment, body)), 1u);
  EXPECT_EQ(applied(event(EventType::Payment, body, "authnet")), 0u);
  EXPECT_EQ(applied(event(EventType::Payment, body, "stripe", "other")), 0u);
  EXPECT_EQ(applied(event(EventType::Refund, body)), 0u);
  json failed = body;
  failed["status"] = "failed";
  EXPECT_EQ(applied(event(EventType::Payment, failed)), 0u);
  EXPECT_TRUE(postingRuleApplies(r, event(EventType::Payment, body)));
}

}  // namespace
}  // namespace lh::core
