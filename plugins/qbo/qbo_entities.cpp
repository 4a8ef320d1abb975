#include "qbo_entities.h"

#include <algorithm>
#include <ledgerhost/plugin.hpp>
#include <map>
#include <optional>

#include "qbo_util.h"

namespace lh::qbo {
namespace {

struct Amount {
  int64_t minor = 0;
  std::string currency;
};

[[noreturn]] void permanent(const std::string& message) {
  throw ledgerhost::Error(LH_E_PERMANENT, "qbo: " + message);
}

[[noreturn]] void waitingFor(const std::string& link, const std::string& id) {
  throw ledgerhost::Error(LH_E_TRANSIENT, "waiting for " + link + " " + id);
}

const Json& member(const Json& o, const char* key) {
  static const Json kNull;
  if (!o.is_object()) {
    return kNull;
  }
  auto it = o.find(key);
  return it == o.end() ? kNull : *it;
}

std::string text(const Json& o, const char* key) {
  const Json& v = member(o, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

std::optional<Amount> money(const Json& v) {
  if (!v.is_object() || !member(v, "minor").is_number_integer() ||
      !member(v, "currency").is_string()) {
    return std::nullopt;
  }
  return Amount{v["minor"].get<int64_t>(), v["currency"].get<std::string>()};
}

Amount requireMoney(const Json& event, const char* field) {
  auto m = money(member(event, field));
  if (!m) {
    permanent(std::string("the event has no ") + field);
  }
  return *m;
}

Json token(const Amount& a) { return decimalToken(a.minor, isoExponent(a.currency)); }

Json refTo(const std::string& id) { return Json{{"value", id}}; }

// What a command reads from its payload.
class Payload {
 public:
  explicit Payload(const Command& c)
      : command_(c),
        event_(member(c.payload, "event")),
        options_(member(c.payload, "options")),
        targets_(member(c.payload, "targets")),
        source_(member(c.payload, "source")) {
    if (!event_.is_object()) {
      permanent("the command has no event");
    }
  }

  const Json& event() const { return event_; }
  const Json& options() const { return options_; }

  std::string option(const char* name, const std::string& fallback = {}) const {
    const Json& v = member(options_, name);
    if (v.is_string() && !v.get<std::string>().empty()) {
      return v.get<std::string>();
    }
    if (v.is_number_integer()) {
      return v.dump();
    }
    return fallback;
  }

  std::string requireOption(const char* name) const {
    std::string v = option(name);
    if (v.empty()) {
      permanent(std::string("the delivery rule must set option '") + name + "' for " +
                command_.type);
    }
    return v;
  }

  // The QBO id created for link `name`, or "".
  std::string target(const char* name) const { return text(member(targets_, name), "id"); }

  std::string link(const char* name) const { return text(member(event_, "links"), name); }

  // The QBO id of link `name`: the target, or waits when the event names a link not created yet.
  // "" when the event has no such link.
  std::string targetOrWait(const char* name) const {
    const std::string id = target(name);
    if (!id.empty()) {
      return id;
    }
    const std::string linked = link(name);
    if (!linked.empty()) {
      waitingFor(name, linked);
    }
    return {};
  }

  // The transaction date: the first date key present, else occurred_at.
  std::string txnDate(std::initializer_list<const char*> keys) const {
    for (const char* k : keys) {
      const std::string d = datePart(text(member(event_, "dates"), k));
      if (!d.empty()) {
        return d;
      }
    }
    return datePart(text(event_, "occurred_at"));
  }

  // "ledgerhost:<key> <source type> <external id>" for PrivateNote (≤ 4000 characters).
  std::string note() const {
    std::string n =
        markerOf(command_.key) + " " + text(source_, "type") + " " + text(source_, "external_id");
    return n.substr(0, 4000);
  }

  std::string externalId() const {
    const std::string id = text(source_, "external_id");
    return id.empty() ? text(event_, "external_id") : id;
  }

 private:
  const Command& command_;
  const Json& event_;
  const Json& options_;
  const Json& targets_;
  const Json& source_;
};

// QBO refuses ':' tab and newline in names; and keeps 500 characters at most (100 before minor
// version 65, but we require 75+).
std::string cleanName(std::string name) {
  for (char& c : name) {
    if (c == ':' || c == '\t' || c == '\n' || c == '\r') {
      c = c == ':' ? '-' : ' ';
    }
  }
  const size_t first = name.find_first_not_of(' ');
  const size_t last = name.find_last_not_of(' ');
  name = first == std::string::npos ? std::string() : name.substr(first, last - first + 1);
  return name.substr(0, 500);
}

std::string truncate(const std::string& s, size_t n) { return s.substr(0, n); }

// The customer for a sales document: the target of links.customer, else the invoice's customer,
// else option `customer`; waits when the customer link exists but is not created yet.
std::string customerFor(const Payload& p, RefResolver& r, bool required) {
  const std::string viaTarget = p.target("customer");
  if (!viaTarget.empty()) {
    return viaTarget;
  }
  const std::string invoice = p.target("invoice");
  if (!invoice.empty()) {
    return r.invoiceCustomer(invoice);
  }
  if (!p.link("customer").empty() && p.option("customer").empty()) {
    waitingFor("customer", p.link("customer"));
  }
  const std::string fallback = p.option("customer");
  if (!fallback.empty()) {
    return r.refId("Customer", fallback, "customer");
  }
  if (required) {
    permanent(
        "no customer: the event has no links.customer and the rule sets no option 'customer'");
  }
  return {};
}

// Sales lines (Invoice, CreditMemo, RefundReceipt) from event.lines, or one line of the amount.
Json salesLines(const Payload& p, RefResolver& r, const Amount& total, const std::string& what) {
  const std::string item = r.refId("Item", p.option("item", "Services"), "item");
  const Json& lines = member(p.event(), "lines");
  Json out = Json::array();
  int64_t sum = 0;
  const auto addLine = [&](const Amount& a, std::string description, int64_t quantity,
                           const std::string& periodStart, const std::string& periodEnd) {
    Json detail = {{"ItemRef", refTo(item)}};
    if (quantity > 0 && a.minor % quantity == 0) {
      detail["Qty"] = quantity;
      detail["UnitPrice"] = decimalToken(a.minor / quantity, isoExponent(a.currency));
    }
    if (!periodStart.empty()) {
      // QBO has one service date per line: the start of the usage period; the whole period goes
      // into the description.
      detail["ServiceDate"] = periodStart;
      const std::string period =
          "usage " + periodStart + (periodEnd.empty() ? std::string() : " to " + periodEnd);
      description = description.empty() ? period : description + " (" + period + ")";
    }
    Json line = {{"Amount", token(a)}, {"DetailType", "SalesItemLineDetail"}};
    if (!description.empty()) {
      line["Description"] = truncate(description, 4000);
    }
    line["SalesItemLineDetail"] = std::move(detail);
    out.push_back(std::move(line));
    sum += a.minor;
  };
  const std::string eventStart = datePart(text(member(p.event(), "dates"), "period_start"));
  const std::string eventEnd = datePart(text(member(p.event(), "dates"), "period_end"));
  if (lines.is_array() && !lines.empty()) {
    for (const auto& l : lines) {
      auto a = money(member(l, "amount"));
      if (!a || a->currency != total.currency) {
        permanent(what + " line without an amount in " + total.currency);
      }
      const std::string start = datePart(text(l, "period_start"));
      const std::string end = datePart(text(l, "period_end"));
      addLine(*a, text(l, "description"),
              member(l, "quantity").is_number_integer() ? l["quantity"].get<int64_t>() : 0,
              start.empty() ? eventStart : start, start.empty() ? eventEnd : end);
    }
  } else {
    addLine(total, text(p.event(), "description"), 0, eventStart, eventEnd);
  }
  if (auto tax = money(member(p.event(), "tax")); tax && tax->minor != 0 && sum != total.minor) {
    const std::string taxItem = p.option("tax_item");
    if (taxItem.empty()) {
      permanent(what + " has tax " + formatDecimal(tax->minor, isoExponent(tax->currency)) +
                " but the rule sets no option 'tax_item' to book it on");
    }
    out.push_back(
        {{"Amount", token(*tax)},
         {"DetailType", "SalesItemLineDetail"},
         {"Description", "Tax"},
         {"SalesItemLineDetail", {{"ItemRef", refTo(r.refId("Item", taxItem, "tax_item"))}}}});
    sum += tax->minor;
  }
  if (sum != total.minor) {
    const int e = isoExponent(total.currency);
    permanent(what + " lines sum to " + formatDecimal(sum, e) + " " + total.currency +
              " but its amount is " + formatDecimal(total.minor, e) +
              " (discounts are not mapped)");
  }
  return out;
}

EntityRequest customer(const Command& c, const Payload& p) {
  const Json& party = member(p.event(), "party");
  std::string name = cleanName(text(party, "name"));
  const std::string email = text(party, "email");
  if (name.empty()) {
    name = cleanName(email.empty() ? "Customer " + p.externalId() : email);
  }
  Json body = {{"DisplayName", name}, {"Notes", p.note()}};
  if (!email.empty()) {
    body["PrimaryEmailAddr"] = {{"Address", email}};
  }
  (void)c;
  return {"Customer", body};
}

EntityRequest invoice(const Payload& p, RefResolver& r) {
  const Amount total = requireMoney(p.event(), "amount");
  Json body = Json::object();
  body["CustomerRef"] = refTo(customerFor(p, r, true));
  body["TxnDate"] = p.txnDate({"invoice_date"});
  const std::string due = datePart(text(member(p.event(), "dates"), "due_date"));
  if (!due.empty()) {
    body["DueDate"] = due;
  }
  body["PrivateNote"] = p.note();
  body["Line"] = salesLines(p, r, total, "the invoice");
  return {"Invoice", body};
}

EntityRequest payment(const Payload& p, RefResolver& r) {
  const Amount amount = requireMoney(p.event(), "amount");
  const std::string invoice = p.targetOrWait("invoice");
  Json body = Json::object();
  body["CustomerRef"] = refTo(customerFor(p, r, true));
  body["TotalAmt"] = token(amount);
  body["TxnDate"] = p.txnDate({"paid_at"});
  const std::string depositTo = p.option("deposit_to");
  if (!depositTo.empty()) {
    body["DepositToAccountRef"] = refTo(r.refId("Account", depositTo, "deposit_to"));
  }
  const std::string charge = p.link("charge").empty() ? p.externalId() : p.link("charge");
  body["PaymentRefNum"] = truncate(charge, 21);
  body["PrivateNote"] = p.note();
  if (!invoice.empty()) {
    body["Line"] =
        Json::array({{{"Amount", token(amount)},
                      {"LinkedTxn", Json::array({{{"TxnId", invoice}, {"TxnType", "Invoice"}}})}}});
  }
  return {"Payment", body};
}

EntityRequest refundReceipt(const Payload& p, RefResolver& r) {
  const Amount amount = requireMoney(p.event(), "amount");
  Json body = Json::object();
  const std::string customerId = customerFor(p, r, false);
  if (!customerId.empty()) {
    body["CustomerRef"] = refTo(customerId);
  }
  const std::string from = p.option("refund_from", p.option("deposit_to"));
  if (from.empty()) {
    permanent(
        "the delivery rule must set option 'refund_from' (the account the refund is paid "
        "from) for create_refund_receipt");
  }
  body["DepositToAccountRef"] = refTo(r.refId("Account", from, "refund_from"));
  body["TxnDate"] = p.txnDate({});
  body["PaymentRefNum"] = truncate(p.externalId(), 21);
  body["PrivateNote"] = p.note();
  body["Line"] = salesLines(p, r, amount, "the refund");
  return {"RefundReceipt", body};
}

EntityRequest creditMemo(const Payload& p, RefResolver& r) {
  const Amount amount = requireMoney(p.event(), "amount");
  Json body = Json::object();
  body["CustomerRef"] = refTo(customerFor(p, r, true));
  body["TxnDate"] = p.txnDate({"invoice_date"});
  body["PrivateNote"] = p.note();
  body["Line"] = salesLines(p, r, amount, "the credit memo");
  return {"CreditMemo", body};
}

// A payout's Deposit: what its composition moved, by kind, from the clearing account, and the fees
// as one negative line on the fee account. Lines sum to the payout amount or nothing is sent.
EntityRequest deposit(const Payload& p, RefResolver& r, const Command& c) {
  const Amount payout = requireMoney(p.event(), "amount");
  const Json& composition = member(c.payload, "composition");
  const Json& events = member(composition, "events");
  if (!events.is_array() || events.empty()) {
    permanent(
        "the payout command has no composition (the executor sends a payout only with its "
        "balance transactions)");
  }
  // Signed gross per kind and the fees, in the payout's currency.
  std::map<std::string, int64_t> gross;
  int64_t fees = 0;
  int64_t total = 0;
  for (const auto& e : events) {
    const std::string type = text(e, "type");
    if (type == "payout") {
      continue;
    }
    auto amount = money(member(e, "amount"));
    if (!amount || amount->currency != payout.currency) {
      permanent("composition event " + text(e, "external_id") + " has no amount in " +
                payout.currency);
    }
    const auto fee = money(member(e, "fee"));
    const auto net = money(member(e, "net"));
    const int64_t a = amount->minor;
    const int64_t f = fee ? fee->minor : 0;
    int64_t g = 0;  // signed gross (clearing line)
    int64_t s = 0;  // signed net: what it adds to the payout
    if (type == "payment") {
      g = a;
      s = net ? net->minor : a - f;
    } else if (type == "refund" || type == "dispute") {
      g = -a;
      s = -(net ? net->minor : a + f);
    } else if (type == "fee") {
      g = 0;
      s = -a;
    } else if (type == "adjustment") {
      g = a;
      s = net ? net->minor : a - f;
    } else {
      permanent("composition event of type '" + type + "' cannot be deposited");
    }
    gross[type] += g;
    fees += s - g;
    total += s;
  }
  const int e = isoExponent(payout.currency);
  if (total != payout.minor) {
    permanent("deposit lines sum to " + formatDecimal(total, e) + " " + payout.currency +
              " but the payout is " + formatDecimal(payout.minor, e) + "; nothing was sent");
  }
  const std::string clearing =
      r.refId("Account", p.requireOption("clearing_account"), "clearing_account");
  Json lines = Json::array();
  static const std::map<std::string, std::string> kLabel = {{"payment", "Payments"},
                                                            {"refund", "Refunds"},
                                                            {"dispute", "Disputes"},
                                                            {"adjustment", "Adjustments"}};
  for (const auto& [type, minor] : gross) {
    if (minor == 0) {
      continue;
    }
    lines.push_back({{"Amount", decimalToken(minor, e)},
                     {"DetailType", "DepositLineDetail"},
                     {"Description", kLabel.at(type) + " in payout " + p.externalId()},
                     {"DepositLineDetail", {{"AccountRef", refTo(clearing)}}}});
  }
  if (fees != 0) {
    const std::string feeAccount =
        r.refId("Account", p.requireOption("fee_account"), "fee_account");
    lines.push_back({{"Amount", decimalToken(fees, e)},
                     {"DetailType", "DepositLineDetail"},
                     {"Description", "Fees in payout " + p.externalId()},
                     {"DepositLineDetail", {{"AccountRef", refTo(feeAccount)}}}});
  }
  if (lines.empty()) {
    permanent("the payout moved nothing: no deposit lines");
  }
  Json body = Json::object();
  body["DepositToAccountRef"] =
      refTo(r.refId("Account", p.requireOption("deposit_to"), "deposit_to"));
  body["TxnDate"] = p.txnDate({"arrival_date"});
  body["PrivateNote"] = p.note();
  body["Line"] = std::move(lines);
  return {"Deposit", body};
}

// Generic mode: one debit and one credit line of the event's amount (option amount_field: amount,
// net or fee); a negative signed amount swaps the sides.
EntityRequest journalEntry(const Payload& p, RefResolver& r) {
  const std::string field = p.option("amount_field", "amount");
  if (field != "amount" && field != "net" && field != "fee") {
    permanent("option 'amount_field' must be amount, net or fee");
  }
  Amount a = requireMoney(p.event(), field.c_str());
  std::string debit = r.refId("Account", p.requireOption("debit_account"), "debit_account");
  std::string credit = r.refId("Account", p.requireOption("credit_account"), "credit_account");
  if (a.minor < 0) {
    std::swap(debit, credit);
    if (a.minor == INT64_MIN) {
      permanent("amount out of range");
    }
    a.minor = -a.minor;
  }
  if (a.minor == 0) {
    permanent("the event's " + field + " is zero: nothing to journal");
  }
  std::string description = text(p.event(), "description");
  if (description.empty()) {
    description = text(p.event(), "type") + " " + p.externalId();
  }
  const auto line = [&](const char* side, const std::string& account) {
    return Json{
        {"Amount", token(a)},
        {"DetailType", "JournalEntryLineDetail"},
        {"Description", truncate(description, 4000)},
        {"JournalEntryLineDetail", {{"PostingType", side}, {"AccountRef", refTo(account)}}}};
  };
  Json body = Json::object();
  body["TxnDate"] = p.txnDate({});
  body["PrivateNote"] = p.note();
  body["Line"] = Json::array({line("Debit", debit), line("Credit", credit)});
  return {"JournalEntry", body};
}

}  // namespace

std::string markerOf(const std::string& key) { return "ledgerhost:" + key; }

std::string entityOfCommand(const std::string& type) {
  static const std::map<std::string, std::string> kEntities = {
      {"create_customer", "Customer"},
      {"create_invoice", "Invoice"},
      {"create_payment", "Payment"},
      {"create_refund_receipt", "RefundReceipt"},
      {"create_credit_memo", "CreditMemo"},
      {"create_deposit", "Deposit"},
      {"create_journal_entry", "JournalEntry"},
  };
  auto it = kEntities.find(type);
  return it == kEntities.end() ? std::string() : it->second;
}

EntityRequest buildEntity(const Command& command, RefResolver& resolver) {
  const Payload p(command);
  const std::string& t = command.type;
  if (t == "create_customer") {
    return customer(command, p);
  }
  if (t == "create_invoice") {
    return invoice(p, resolver);
  }
  if (t == "create_payment") {
    return payment(p, resolver);
  }
  if (t == "create_refund_receipt") {
    return refundReceipt(p, resolver);
  }
  if (t == "create_credit_memo") {
    return creditMemo(p, resolver);
  }
  if (t == "create_deposit") {
    return deposit(p, resolver, command);
  }
  if (t == "create_journal_entry") {
    return journalEntry(p, resolver);
  }
  throw ledgerhost::Error(LH_E_NOT_SUPPORTED, "qbo: unknown command type '" + t + "'");
}

}  // namespace lh::qbo
