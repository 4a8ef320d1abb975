#include "core/delivery.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace lh::core {
namespace {

StoredEvent invoice(std::string status, std::string connection = "stripe") {
  StoredEvent e;
  e.tenant = "acme";
  e.connection = std::move(connection);
  e.event.type = EventType::Invoice;
  e.event.external_id = "in_1";
  e.event.body = {{"type", "invoice"}, {"external_id", "in_1"}, {"status", std::move(status)}};
  return e;
}

TEST(DeliveryTest, EachApplyingRuleYieldsOneCommand) {
  DeliveryRule create;
  create.id = "books.invoice";
  create.tenant = "acme";
  create.connections = {"stripe"};
  create.on = EventType::Invoice;
  create.where = {Condition{"status", Condition::Op::In, {"open", "paid"}}};
  create.target_connection = "qbo";
  create.command = "create_invoice";
  create.options = {{"terms", 30}};
  DeliveryRule payments = create;
  payments.id = "books.payment";
  payments.on = EventType::Payment;

  std::vector<CommandDraft> out =
      applyDeliveryRules(std::vector<DeliveryRule>{create, payments}, invoice("paid"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].rule_id, "books.invoice");
  EXPECT_EQ(out[0].target_connection, "qbo");
  EXPECT_EQ(out[0].command, "create_invoice");
  EXPECT_EQ(out[0].options, nlohmann::json({{"terms", 30}}));
  EXPECT_EQ(out[0].source, (EventKey{"stripe", EventType::Invoice, "in_1"}));

  EXPECT_TRUE(applyDeliveryRules(std::vector<DeliveryRule>{create}, invoice("draft")).empty());
  EXPECT_TRUE(
      applyDeliveryRules(std::vector<DeliveryRule>{create}, invoice("paid", "authnet")).empty());
  EXPECT_FALSE(deliveryRuleApplies(create, invoice("void")));
}

}  // namespace
}  // namespace lh::core
