#include "core/event.h"

#include <array>
#include <utility>

namespace lh::core {
namespace {

constexpr std::array<std::pair<EventType, std::string_view>, 10> kNames{{
    {EventType::Payment, "payment"},
    {EventType::Refund, "refund"},
    {EventType::Fee, "fee"},
    {EventType::Payout, "payout"},
    {EventType::Adjustment, "adjustment"},
    {EventType::Dispute, "dispute"},
    {EventType::Invoice, "invoice"},
    {EventType::CreditNote, "credit_note"},
    {EventType::Customer, "customer"},
    {EventType::BankTransaction, "bank_transaction"},
}};

}  // namespace

std::string_view eventTypeName(EventType type) {
  for (const auto& [t, name] : kNames) {
    if (t == type) {
      return name;
    }
  }
  return "unknown";
}

lh::Result<EventType> parseEventType(std::string_view name) {
  for (const auto& [t, n] : kNames) {
    if (n == name) {
      return t;
    }
  }
  return lh::invalidArgument("unknown event type '" + std::string(name) +
                             "' (expected payment, refund, fee, payout, adjustment, dispute, "
                             "invoice, credit_note, customer or bank_transaction)");
}

}  // namespace lh::core
