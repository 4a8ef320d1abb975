// composePayout / payoutContribution: what each event type contributes to its payout, exactly, and
// every way a composition fails to match (short, other currency, unreadable money).
#include "core/payout_composition.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

namespace lh::core {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

json usd(int64_t minor, const char* currency = "USD") {
  return {{"minor", minor}, {"currency", currency}};
}

StoredEvent event(EventType type, const std::string& id, json body) {
  StoredEvent e;
  e.tenant = "acme";
  e.connection = "stripe";
  e.event.type = type;
  e.event.external_id = id;
  body["type"] = std::string(eventTypeName(type));
  body["external_id"] = id;
  body["links"] = {{"payout", "po_1"}};
  e.event.body = std::move(body);
  return e;
}

StoredEvent payout(int64_t minor, const char* currency = "USD") {
  StoredEvent p = event(EventType::Payout, "po_1", {{"amount", usd(minor, currency)}});
  p.event.body.erase("links");
  return p;
}

TEST(PayoutCompositionTest, EachTypeContributesWhatItMovedOnTheBalance) {
  const std::vector<StoredEvent> linked = {
      // +96.80: a payment's net
      event(EventType::Payment, "txn_1",
            {{"amount", usd(10000)}, {"fee", usd(320)}, {"net", usd(9680)}}),
      // +9.00: a EUR charge settled in USD counts its settlement net
      event(EventType::Payment, "txn_2",
            {{"amount", usd(1000, "EUR")},
             {"settlement", {{"amount", usd(1100)}, {"fee", usd(200)}, {"net", usd(900)}}}}),
      // -20.00: a refund's net (magnitude)
      event(EventType::Refund, "txn_3", {{"amount", usd(2000)}, {"fee", usd(0)}, {"net", usd(2000)}}),
      // -5.00: a fee billed on its own has only an amount
      event(EventType::Fee, "txn_4", {{"amount", usd(500)}}),
      // -16.50: a dispute's withdrawal and its fee
      event(EventType::Dispute, "txn_5",
            {{"amount", usd(1500)}, {"fee", usd(150)}, {"net", usd(1650)}}),
      // -1.00: adjustments are signed
      event(EventType::Adjustment, "txn_6", {{"amount", usd(-100)}, {"net", usd(-100)}}),
      // listed, not summed
      event(EventType::Invoice, "in_1", {{"amount", usd(99999)}}),
  };
  // 9680 + 900 - 2000 - 500 - 1650 - 100 = 6330
  lh::Result<PayoutComposition> c = composePayout(payout(6330), linked);
  ASSERT_TRUE(c.isOk()) << c.status();
  EXPECT_TRUE(c->matches()) << c->mismatch;
  EXPECT_EQ(c->net_total, fromMinor(6330, knownCurrency("USD")));
  ASSERT_EQ(c->events.size(), 7u);
  EXPECT_EQ(c->events[3]["fee"], nullptr);
  EXPECT_EQ(c->events[3]["net"], nullptr);
  EXPECT_EQ(c->events[0]["links"]["payout"], "po_1");
}

TEST(PayoutCompositionTest, AShortCompositionSaysBothAmounts) {
  const std::vector<StoredEvent> linked = {
      event(EventType::Payment, "txn_1", {{"amount", usd(9600)}, {"net", usd(9500)}})};
  lh::Result<PayoutComposition> c = composePayout(payout(9680), linked);
  ASSERT_TRUE(c.isOk());
  EXPECT_FALSE(c->matches());
  EXPECT_EQ(c->mismatch, "composition sums to USD 95.00, payout is USD 96.80");
  // Nothing linked at all: sums to zero.
  lh::Result<PayoutComposition> empty = composePayout(payout(100), {});
  ASSERT_TRUE(empty.isOk());
  EXPECT_EQ(empty->mismatch, "composition sums to USD 0.00, payout is USD 1.00");
}

TEST(PayoutCompositionTest, AnotherCurrencyOrUnreadableMoneyIsAMismatchNotAConversion) {
  const std::vector<StoredEvent> euros = {
      event(EventType::Payment, "txn_1", {{"amount", usd(1000, "EUR")}, {"net", usd(900, "EUR")}})};
  lh::Result<PayoutComposition> c = composePayout(payout(900), euros);
  ASSERT_TRUE(c.isOk());
  EXPECT_THAT(c->mismatch, HasSubstr("payment 'txn_1' in EUR 9.00, payout is in USD"));
  EXPECT_FALSE(c->net_total.has_value());

  const std::vector<StoredEvent> broken = {event(EventType::Payment, "txn_1", json::object())};
  lh::Result<PayoutComposition> b = composePayout(payout(900), broken);
  ASSERT_TRUE(b.isOk());
  EXPECT_THAT(b->mismatch, HasSubstr("payment 'txn_1' has no net or amount"));
}

TEST(PayoutCompositionTest, OnlyAPayoutWithAnAmountCanBeComposed) {
  EXPECT_EQ(composePayout(event(EventType::Payment, "x", {{"amount", usd(1)}}), {}).status().code(),
            Code::InvalidArgument);
  StoredEvent noAmount = payout(1);
  noAmount.event.body.erase("amount");
  EXPECT_EQ(composePayout(noAmount, {}).status().code(), Code::InvalidArgument);
  // The payout itself among the linked events is skipped.
  const std::vector<StoredEvent> self = {payout(500)};
  lh::Result<PayoutComposition> c = composePayout(payout(0), self);
  ASSERT_TRUE(c.isOk());
  EXPECT_TRUE(c->matches());
  EXPECT_TRUE(c->events.empty());
}

}  // namespace
}  // namespace lh::core
