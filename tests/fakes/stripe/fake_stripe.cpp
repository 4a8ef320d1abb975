#include "fakes/stripe/fake_stripe.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace lh::fakes {
namespace {

using Json = nlohmann::ordered_json;

constexpr int64_t kDay = 86'400;

// The URL segments the fake serves, and the `object` value and id prefix of each.
struct KindInfo {
  const char* kind;
  const char* object;
  const char* prefix;
};
constexpr KindInfo kKinds[] = {
    {"payouts", "payout", "po_"},           {"balance_transactions", "balance_transaction", "txn_"},
    {"charges", "charge", "ch_"},           {"refunds", "refund", "re_"},
    {"disputes", "dispute", "dp_"},         {"invoices", "invoice", "in_"},
    {"credit_notes", "credit_note", "cn_"}, {"customers", "customer", "cus_"},
};

const KindInfo* kindOf(std::string_view kind) {
  for (const auto& k : kKinds) {
    if (kind == k.kind) {
      return &k;
    }
  }
  return nullptr;
}

// The kind holding an object with this id, by its prefix ("" when none is served).
std::string kindOfId(std::string_view id) {
  for (const auto& k : kKinds) {
    if (id.rfind(k.prefix, 0) == 0) {
      return k.kind;
    }
  }
  return {};
}

// Stripe writes exchange_rate as a JSON number with every digit it has; a double would round a long
// one. The fake keeps such a number as a marked string and writes it back as a bare number token.
constexpr std::string_view kNumberMarker = "\x01number:";
// How dump() writes the marker (a control character becomes \u00XX).
constexpr std::string_view kDumpedNumberMarker = "\"\\u0001number:";

Json exactNumber(const std::string& token) { return std::string(kNumberMarker) + token; }

// The body as Stripe sends it (indented, marked numbers as bare tokens).
std::string wire(const Json& value) {
  std::string text = value.dump(2);
  for (size_t at = text.find(kDumpedNumberMarker); at != std::string::npos;
       at = text.find(kDumpedNumberMarker, at)) {
    const size_t end = text.find('"', at + kDumpedNumberMarker.size());
    text.erase(end, 1);
    text.erase(at, kDumpedNumberMarker.size());
  }
  return text;
}

// What a client parsing the wire body sees (marked numbers as JSON numbers).
Json clientView(const Json& value) { return Json::parse(wire(value)); }

std::string errorBody(std::string type, std::string message, std::string code = {},
                      std::string param = {}) {
  Json error = Json::object();
  if (!code.empty()) {
    error["code"] = code;
    error["doc_url"] = "https://stripe.com/docs/error-codes/" + code;
  }
  error["message"] = std::move(message);
  if (!param.empty()) {
    error["param"] = std::move(param);
  }
  error["type"] = std::move(type);
  return Json{{"error", error}}.dump(2);
}

// Stripe masks all but the last four characters of a refused key.
std::string maskKey(std::string_view key) {
  const size_t us = key.find('_', key.find('_') + 1);
  const size_t keep = key.size() > 4 ? key.size() - 4 : key.size();
  std::string out(key.substr(0, us == std::string_view::npos ? 0 : us + 1));
  for (size_t i = out.size(); i < keep; ++i) {
    out.push_back('*');
  }
  out.append(key.substr(keep));
  return out;
}

bool parseInt(std::string_view text, int64_t* out) {
  if (text.empty() || text.size() > 18) {
    return false;
  }
  int64_t v = 0;
  size_t i = 0;
  bool negative = false;
  if (text[0] == '-') {
    negative = true;
    i = 1;
    if (text.size() == 1) {
      return false;
    }
  }
  for (; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return false;
    }
    v = v * 10 + (text[i] - '0');
  }
  *out = negative ? -v : v;
  return true;
}

}  // namespace

// The data set and the code that reads and writes it; every member function expects mu held.
struct FakeStripe::Store {
  struct Entry {
    uint64_t seq = 0;  // insertion order: newer objects with the same `created` list first
    Json object;
  };

  mutable std::mutex mu;
  std::map<std::string, std::vector<Entry>> kinds;
  std::map<std::string, std::string> payoutOf;  // txn_ -> po_ it was paid out in
  uint64_t seq = 0;
  uint64_t idCounter = 0;
  uint64_t requestCounter = 0;
  std::map<std::string, Json> fixtures;

  std::string nextId(const std::string& prefix) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "1LhFake%017llu", static_cast<unsigned long long>(++idCounter));
    return prefix + buf;
  }

  void insert(const std::string& kind, Json object) {
    const std::string id = object.at("id").get<std::string>();
    auto& entries = kinds[kind];
    for (auto& e : entries) {
      if (e.object.at("id") == id) {
        e.object = std::move(object);
        return;
      }
    }
    entries.push_back(Entry{++seq, std::move(object)});
  }

  Entry* findEntry(const std::string& kind, const std::string& id) {
    auto it = kinds.find(kind);
    if (it == kinds.end()) {
      return nullptr;
    }
    for (auto& e : it->second) {
      if (e.object.at("id") == id) {
        return &e;
      }
    }
    return nullptr;
  }

  Json* find(const std::string& kind, const std::string& id) {
    Entry* e = findEntry(kind, id);
    return e == nullptr ? nullptr : &e->object;
  }

  // Newest first: created desc, then the later insertion first.
  static bool newerFirst(const Entry& a, const Entry& b) {
    const int64_t ca = a.object.at("created").get<int64_t>();
    const int64_t cb = b.object.at("created").get<int64_t>();
    return ca != cb ? ca > cb : a.seq > b.seq;
  }

  std::vector<const Entry*> sorted(const std::string& kind) const {
    std::vector<const Entry*> out;
    auto it = kinds.find(kind);
    if (it != kinds.end()) {
      for (const auto& e : it->second) {
        out.push_back(&e);
      }
    }
    std::sort(out.begin(), out.end(),
              [](const Entry* a, const Entry* b) { return newerFirst(*a, *b); });
    return out;
  }

  Json balanceTransaction(const std::string& type, const std::string& category, int64_t amount,
                          int64_t fee, Json feeDetails, const std::string& currency,
                          int64_t created, int64_t availableOn, Json source, Json description) {
    Json bt = fixtures.at("balance_transaction.json");
    bt["amount"] = amount;
    bt["available_on"] = availableOn;
    bt["created"] = created;
    bt["currency"] = currency;
    bt["description"] = std::move(description);
    bt["exchange_rate"] = nullptr;
    bt["fee"] = fee;
    bt["fee_details"] = std::move(feeDetails);
    bt["id"] = nextId("txn_");
    bt["net"] = amount - fee;
    bt["reporting_category"] = category;
    bt["source"] = std::move(source);
    bt["status"] = "available";
    bt["type"] = type;
    return bt;
  }

  static Json feeDetail(int64_t amount, const std::string& currency, const char* type,
                        const char* description) {
    Json d = Json::object();
    d["amount"] = amount;
    d["application"] = nullptr;
    d["currency"] = currency;
    d["description"] = description;
    d["type"] = type;
    return d;
  }

  // `object` with the expansions `expand` applied (paths relative to the object: "source",
  // "balance_transaction").
  Json expand(Json object, const std::string& kind, const std::vector<std::string>& paths) {
    for (const auto& path : paths) {
      if (kind == "balance_transactions" && path == "source" && object["source"].is_string()) {
        const std::string id = object["source"].get<std::string>();
        if (Json* src = find(kindOfId(id), id)) {
          object["source"] = *src;
        }
      } else if ((kind == "charges" || kind == "refunds") && path == "balance_transaction" &&
                 object["balance_transaction"].is_string()) {
        const std::string id = object["balance_transaction"].get<std::string>();
        if (Json* bt = find("balance_transactions", id)) {
          object["balance_transaction"] = *bt;
        }
      }
    }
    return object;
  }
};

FakeStripe::FakeStripe() : FakeStripe(Options{}) {}

FakeStripe::FakeStripe(Options options)
    : options_(std::move(options)), server_(options_.server), store_(std::make_unique<Store>()) {
  if (options_.fixturesDir.empty()) {
#ifdef LH_TEST_FIXTURES_DIR
    options_.fixturesDir = std::string(LH_TEST_FIXTURES_DIR) + "/stripe";
#endif
  }
  for (const char* name : {"balance_transaction.json", "charge.json", "refund.json", "dispute.json",
                           "payout.json", "invoice.json", "credit_note.json", "customer.json",
                           "error_rate_limit_429.assembled.json"}) {
    std::ifstream in(options_.fixturesDir + "/" + name, std::ios::binary);
    if (!in) {
      throw std::runtime_error("FakeStripe: cannot read fixture " + options_.fixturesDir + "/" +
                               name);
    }
    std::stringstream text;
    text << in.rdbuf();
    store_->fixtures[name] = Json::parse(text.str());
  }
  installRoutes();
}

FakeStripe::~FakeStripe() { stop(); }

Status FakeStripe::start() { return server_.start(); }
void FakeStripe::stop() { server_.stop(); }

// --- builder
// ---------------------------------------------------------------------------------------

std::string FakeStripe::addCustomer(int64_t created, std::string name, std::string email) {
  std::lock_guard lock(store_->mu);
  Json c = store_->fixtures.at("customer.json");
  c["created"] = created;
  c["discount"] = nullptr;
  c["email"] = email.empty() ? Json(nullptr) : Json(email);
  c["id"] = store_->nextId("cus_");
  c["name"] = name.empty() ? Json(nullptr) : Json(name);
  const std::string id = c["id"].get<std::string>();
  store_->insert("customers", std::move(c));
  return id;
}

FakeStripe::Created FakeStripe::addCharge(const ChargeSpec& spec) {
  std::lock_guard lock(store_->mu);
  const bool converted =
      !spec.settlementCurrency.empty() && spec.settlementCurrency != spec.currency;
  const std::string settleCurrency = converted ? spec.settlementCurrency : spec.currency;
  const int64_t settled = converted ? spec.settledAmount : spec.amount;
  const int64_t fee = spec.fee >= 0 ? spec.fee : settled * 29 / 1000 + 30;

  Json ch = store_->fixtures.at("charge.json");
  const std::string chargeId = store_->nextId("ch_");
  Json details = Json::array();
  details.push_back(Store::feeDetail(fee, settleCurrency, "stripe_fee", "Stripe processing fees"));
  if (spec.applicationFee > 0) {
    details.push_back(Store::feeDetail(spec.applicationFee, settleCurrency, "application_fee",
                                       "Application fee"));
  }
  const std::string description =
      spec.description.empty() ? ch["description"].get<std::string>() : spec.description;
  Json bt = store_->balanceTransaction(
      "charge", "charge", settled, fee + spec.applicationFee, std::move(details), settleCurrency,
      spec.created, spec.availableOn != 0 ? spec.availableOn : spec.created + 2 * kDay, chargeId,
      description);
  if (converted) {
    bt["exchange_rate"] = exactNumber(spec.exchangeRate);
  }
  const std::string btId = bt["id"].get<std::string>();

  ch["amount"] = spec.amount;
  ch["amount_captured"] = spec.amount;
  ch["balance_transaction"] = btId;
  ch["captured"] = true;
  ch["created"] = spec.created;
  ch["currency"] = spec.currency;
  ch["customer"] = spec.customer.empty() ? Json(nullptr) : Json(spec.customer);
  ch["description"] = description;
  ch["id"] = chargeId;
  ch["payment_method_details"]["card"]["overcapture"]["maximum_amount_capturable"] = spec.amount;
  ch["refunds"]["url"] = "/v1/charges/" + chargeId + "/refunds";
  store_->insert("balance_transactions", std::move(bt));
  store_->insert("charges", std::move(ch));
  return {chargeId, btId};
}

FakeStripe::Created FakeStripe::addRefund(const std::string& chargeId, int64_t amount,
                                          int64_t created) {
  std::lock_guard lock(store_->mu);
  Json* ch = store_->find("charges", chargeId);
  if (ch == nullptr) {
    throw std::invalid_argument("FakeStripe::addRefund: no charge " + chargeId);
  }
  Json* chargeBt =
      store_->find("balance_transactions", (*ch)["balance_transaction"].get<std::string>());
  const std::string currency = (*ch)["currency"].get<std::string>();
  std::string settleCurrency = currency;
  int64_t settled = amount;
  Json rate = nullptr;
  if (chargeBt != nullptr && (*chargeBt)["currency"] != currency) {
    settleCurrency = (*chargeBt)["currency"].get<std::string>();
    // Proportional to the charge's own conversion, so a full refund returns exactly what settled.
    settled = (*chargeBt)["amount"].get<int64_t>() * amount / (*ch)["amount"].get<int64_t>();
    rate = (*chargeBt)["exchange_rate"];
  }
  Json re = store_->fixtures.at("refund.json");
  const std::string refundId = store_->nextId("re_");
  Json bt = store_->balanceTransaction(
      "refund", "refund", -settled, 0, Json::array(), settleCurrency, created, created, refundId,
      "REFUND FOR CHARGE (" + (*ch)["description"].get<std::string>() + ")");
  bt["exchange_rate"] = rate;
  const std::string btId = bt["id"].get<std::string>();
  re["amount"] = amount;
  re["balance_transaction"] = btId;
  re["charge"] = chargeId;
  re["created"] = created;
  re["currency"] = currency;
  re["id"] = refundId;
  re["customer"] = (*ch)["customer"];
  const int64_t refunded = (*ch)["amount_refunded"].get<int64_t>() + amount;
  (*ch)["amount_refunded"] = refunded;
  (*ch)["refunded"] = refunded >= (*ch)["amount"].get<int64_t>();
  store_->insert("balance_transactions", std::move(bt));
  store_->insert("refunds", std::move(re));
  return {refundId, btId};
}

FakeStripe::Created FakeStripe::addDispute(const std::string& chargeId, int64_t amount, int64_t fee,
                                           int64_t created) {
  std::lock_guard lock(store_->mu);
  Json* ch = store_->find("charges", chargeId);
  if (ch == nullptr) {
    throw std::invalid_argument("FakeStripe::addDispute: no charge " + chargeId);
  }
  const std::string currency = (*ch)["currency"].get<std::string>();
  const std::string disputeId = store_->nextId("dp_");
  Json details = Json::array();
  if (fee > 0) {
    details.push_back(Store::feeDetail(fee, currency, "stripe_fee", "Dispute fee"));
  }
  Json bt = store_->balanceTransaction("adjustment", "dispute", -amount, fee, std::move(details),
                                       currency, created, created + 2 * kDay, disputeId,
                                       "Chargeback withdrawal for " + chargeId);
  const std::string btId = bt["id"].get<std::string>();
  Json dp = store_->fixtures.at("dispute.json");
  dp["amount"] = amount;
  dp["balance_transactions"] = Json::array({bt});
  dp["charge"] = chargeId;
  dp["created"] = created;
  dp["currency"] = currency;
  dp["id"] = disputeId;
  dp["is_charge_refundable"] = false;
  dp["status"] = "needs_response";
  (*ch)["disputed"] = true;
  store_->insert("balance_transactions", std::move(bt));
  store_->insert("disputes", std::move(dp));
  return {disputeId, btId};
}

FakeStripe::Created FakeStripe::addStripeFee(int64_t amount, int64_t created,
                                             std::string description, std::string currency) {
  std::lock_guard lock(store_->mu);
  Json bt = store_->balanceTransaction("stripe_fee", "fee", -amount, 0, Json::array(), currency,
                                       created, created, nullptr, std::move(description));
  const std::string btId = bt["id"].get<std::string>();
  store_->insert("balance_transactions", std::move(bt));
  return {btId, btId};
}

FakeStripe::Created FakeStripe::addAdjustment(int64_t amount, int64_t created,
                                              std::string description, std::string category,
                                              std::string currency) {
  std::lock_guard lock(store_->mu);
  Json bt = store_->balanceTransaction("adjustment", category, amount, 0, Json::array(), currency,
                                       created, created, nullptr, std::move(description));
  const std::string btId = bt["id"].get<std::string>();
  store_->insert("balance_transactions", std::move(bt));
  return {btId, btId};
}

FakeStripe::Created FakeStripe::addPayout(const PayoutSpec& spec) {
  std::lock_guard lock(store_->mu);
  std::vector<std::string> members = spec.transactions;
  if (members.empty()) {
    for (const auto* e : store_->sorted("balance_transactions")) {
      const Json& bt = e->object;
      const std::string type = bt["type"].get<std::string>();
      const std::string id = bt["id"].get<std::string>();
      if (type != "payout" && type != "payout_failure" && !store_->payoutOf.count(id) &&
          bt["created"].get<int64_t>() <= spec.created && bt["currency"] == spec.currency) {
        members.push_back(id);
      }
    }
  }
  int64_t amount = 0;
  for (const auto& id : members) {
    Json* bt = store_->find("balance_transactions", id);
    if (bt == nullptr) {
      throw std::invalid_argument("FakeStripe::addPayout: no balance transaction " + id);
    }
    amount += (*bt)["net"].get<int64_t>();
  }
  const std::string payoutId = store_->nextId("po_");
  Json bt = store_->balanceTransaction("payout", "payout", -amount, 0, Json::array(), spec.currency,
                                       spec.created, spec.created, payoutId, "STRIPE PAYOUT");
  const std::string btId = bt["id"].get<std::string>();
  Json po = store_->fixtures.at("payout.json");
  po["amount"] = amount;
  po["arrival_date"] = spec.arrivalDate != 0 ? spec.arrivalDate : spec.created + kDay;
  po["balance_transaction"] = btId;
  po["created"] = spec.created;
  po["currency"] = spec.currency;
  po["id"] = payoutId;
  po["status"] = spec.status;
  po["trace_id"] = Json{{"status", spec.traceId.empty() ? "pending" : "supported"},
                        {"value", spec.traceId.empty() ? Json(nullptr) : Json(spec.traceId)}};
  for (const auto& id : members) {
    store_->payoutOf[id] = payoutId;
  }
  store_->payoutOf[btId] = payoutId;
  store_->insert("balance_transactions", std::move(bt));
  store_->insert("payouts", std::move(po));
  return {payoutId, btId};
}

std::string FakeStripe::addInvoice(const InvoiceSpec& spec) {
  std::lock_guard lock(store_->mu);
  Json in = store_->fixtures.at("invoice.json");
  const std::string invoiceId = store_->nextId("in_");
  const Json lineTemplate = in["lines"]["data"].at(0);
  Json lines = Json::array();
  int64_t subtotal = 0;
  int64_t periodStart = spec.created;
  int64_t periodEnd = spec.created;
  for (size_t i = 0; i < spec.lines.size(); ++i) {
    const auto& l = spec.lines[i];
    Json line = lineTemplate;
    line["amount"] = l.amount;
    line["currency"] = spec.currency;
    if (!l.description.empty()) {
      line["description"] = l.description;
    }
    line["id"] = store_->nextId("il_");
    line["invoice"] = invoiceId;
    line["period"] = Json{{"end", l.periodEnd}, {"start", l.periodStart}};
    line["subtotal"] = l.amount;
    lines.push_back(std::move(line));
    subtotal += l.amount;
    periodStart = i == 0 ? l.periodStart : std::min(periodStart, l.periodStart);
    periodEnd = i == 0 ? l.periodEnd : std::max(periodEnd, l.periodEnd);
  }
  const int64_t total = subtotal + spec.tax;
  const bool paid = spec.status == "paid";
  const bool draft = spec.status == "draft";
  in["amount_due"] = total;
  in["amount_overpaid"] = 0;
  in["amount_paid"] = paid ? total : 0;
  in["amount_remaining"] = paid ? 0 : total;
  in["created"] = spec.created;
  in["currency"] = spec.currency;
  in["customer"] = spec.customer.empty() ? Json(nullptr) : Json(spec.customer);
  in["due_date"] = spec.dueDate != 0 ? Json(spec.dueDate) : Json(nullptr);
  in["effective_at"] = draft ? Json(nullptr) : Json(spec.created);
  in["id"] = invoiceId;
  in["lines"]["data"] = std::move(lines);
  in["lines"]["url"] = "/v1/invoices/" + invoiceId + "/lines";
  in["number"] = spec.number.empty() ? Json(nullptr) : Json(spec.number);
  in["period_end"] = periodEnd;
  in["period_start"] = periodStart;
  in["shipping_cost"] = nullptr;
  in["status"] = spec.status;
  in["status_transitions"]["finalized_at"] = draft ? Json(nullptr) : Json(spec.created);
  in["status_transitions"]["paid_at"] =
      paid ? Json(spec.paidAt != 0 ? spec.paidAt : spec.created) : Json(nullptr);
  in["status_transitions"]["voided_at"] = nullptr;
  in["subtotal"] = subtotal;
  in["subtotal_excluding_tax"] = subtotal;
  in["total"] = total;
  in["total_excluding_tax"] = subtotal;
  if (spec.tax > 0) {
    in["total_taxes"] = Json::array({Json{{"amount", spec.tax},
                                          {"tax_behavior", "exclusive"},
                                          {"tax_rate_details", nullptr},
                                          {"taxability_reason", "standard_rated"},
                                          {"taxable_amount", subtotal},
                                          {"type", "tax_rate_details"}}});
  }
  store_->insert("invoices", std::move(in));
  return invoiceId;
}

std::string FakeStripe::addCreditNote(const std::string& invoiceId, int64_t amount,
                                      int64_t created) {
  std::lock_guard lock(store_->mu);
  Json* in = store_->find("invoices", invoiceId);
  if (in == nullptr) {
    throw std::invalid_argument("FakeStripe::addCreditNote: no invoice " + invoiceId);
  }
  Json cn = store_->fixtures.at("credit_note.json");
  const std::string id = store_->nextId("cn_");
  Json line = cn["lines"]["data"].at(1);  // the custom line: no tax rates
  line["amount"] = amount;
  line["id"] = store_->nextId("cnli_");
  line["pretax_credit_amounts"] = Json::array();
  line["unit_amount"] = amount;
  line["unit_amount_decimal"] = std::to_string(amount);
  cn["amount"] = amount;
  cn["created"] = created;
  cn["currency"] = (*in)["currency"];
  cn["customer"] = (*in)["customer"];
  cn["effective_at"] = created;
  cn["id"] = id;
  cn["invoice"] = invoiceId;
  cn["lines"]["data"] = Json::array({line});
  cn["lines"]["url"] = "/v1/credit_notes/" + id + "/lines";
  cn["post_payment_amount"] = 0;
  cn["pre_payment_amount"] = amount;
  cn["pretax_credit_amounts"] = Json::array();
  cn["refunds"] = Json::array();
  cn["shipping_cost"] = nullptr;
  cn["subtotal"] = amount;
  cn["subtotal_excluding_tax"] = amount;
  cn["total"] = amount;
  cn["total_excluding_tax"] = amount;
  cn["voided_at"] = nullptr;
  store_->insert("credit_notes", std::move(cn));
  return id;
}

// --- later changes
// ---------------------------------------------------------------------------------

void FakeStripe::payInvoice(const std::string& invoiceId, int64_t paidAt) {
  std::lock_guard lock(store_->mu);
  Json* in = store_->find("invoices", invoiceId);
  if (in == nullptr) {
    throw std::invalid_argument("FakeStripe::payInvoice: no invoice " + invoiceId);
  }
  (*in)["status"] = "paid";
  (*in)["amount_paid"] = (*in)["total"];
  (*in)["amount_remaining"] = 0;
  (*in)["status_transitions"]["paid_at"] = paidAt;
}

void FakeStripe::voidInvoice(const std::string& invoiceId, int64_t voidedAt) {
  std::lock_guard lock(store_->mu);
  Json* in = store_->find("invoices", invoiceId);
  if (in == nullptr) {
    throw std::invalid_argument("FakeStripe::voidInvoice: no invoice " + invoiceId);
  }
  (*in)["status"] = "void";
  (*in)["amount_remaining"] = 0;
  (*in)["status_transitions"]["voided_at"] = voidedAt;
}

void FakeStripe::failPayout(const std::string& payoutId, const std::string& failureCode,
                            int64_t at) {
  std::lock_guard lock(store_->mu);
  Json* po = store_->find("payouts", payoutId);
  if (po == nullptr) {
    throw std::invalid_argument("FakeStripe::failPayout: no payout " + payoutId);
  }
  const int64_t amount = (*po)["amount"].get<int64_t>();
  Json bt = store_->balanceTransaction("payout_failure", "payout_reversal", amount, 0,
                                       Json::array(), (*po)["currency"].get<std::string>(), at, at,
                                       payoutId, "STRIPE PAYOUT FAILURE");
  (*po)["failure_balance_transaction"] = bt["id"];
  (*po)["failure_code"] = failureCode;
  (*po)["failure_message"] = "The bank account has been closed.";
  (*po)["status"] = "failed";
  store_->insert("balance_transactions", std::move(bt));
}

void FakeStripe::closeDispute(const std::string& disputeId, const std::string& status, int64_t at) {
  std::lock_guard lock(store_->mu);
  Json* dp = store_->find("disputes", disputeId);
  if (dp == nullptr) {
    throw std::invalid_argument("FakeStripe::closeDispute: no dispute " + disputeId);
  }
  (*dp)["status"] = status;
  if (status == "won") {
    Json bt = store_->balanceTransaction(
        "adjustment", "dispute_reversal", (*dp)["amount"].get<int64_t>(), 0, Json::array(),
        (*dp)["currency"].get<std::string>(), at, at + 2 * kDay, disputeId,
        "Chargeback reversal for " + (*dp)["charge"].get<std::string>());
    (*dp)["balance_transactions"].push_back(bt);
    store_->insert("balance_transactions", std::move(bt));
  }
}

// --- access
// ----------------------------------------------------------------------------------------

nlohmann::ordered_json FakeStripe::object(const std::string& kind, const std::string& id) const {
  std::lock_guard lock(store_->mu);
  Json* o = store_->find(kind, id);
  return o == nullptr ? Json(nullptr) : clientView(*o);
}

std::vector<nlohmann::ordered_json> FakeStripe::objects(const std::string& kind) const {
  std::lock_guard lock(store_->mu);
  std::vector<Json> out;
  for (const auto* e : store_->sorted(kind)) {
    out.push_back(clientView(e->object));
  }
  return out;
}

void FakeStripe::putObject(const std::string& kind, nlohmann::ordered_json object) {
  std::lock_guard lock(store_->mu);
  store_->insert(kind, std::move(object));
}

// --- faults
// ----------------------------------------------------------------------------------------

namespace {
Headers retryHeaders(std::optional<bool> shouldRetry) {
  Headers h{{"Request-Id", "req_fault"}};
  if (shouldRetry.has_value()) {
    h.emplace_back("Stripe-Should-Retry", *shouldRetry ? "true" : "false");
  }
  return h;
}
}  // namespace

void FakeStripe::injectRateLimit(int times, std::optional<bool> shouldRetry,
                                 std::string pathRegex) {
  std::string body;
  {
    std::lock_guard lock(store_->mu);
    body = store_->fixtures.at("error_rate_limit_429.assembled.json").dump(2);
  }
  server_.inject(Fault::respond(429, std::move(body), retryHeaders(shouldRetry)), times, "GET",
                 std::move(pathRegex));
}

void FakeStripe::injectServerError(int status, int times, std::optional<bool> shouldRetry,
                                   std::string pathRegex) {
  server_.inject(Fault::respond(status, errorBody("api_error", "An unknown error occurred"),
                                retryHeaders(shouldRetry)),
                 times, "GET", std::move(pathRegex));
}

void FakeStripe::injectTruncated(size_t keepBytes, int times, std::string pathRegex) {
  server_.inject(Fault::truncate(keepBytes), times, "GET", std::move(pathRegex));
}

void FakeStripe::injectMalformed(int times, std::string pathRegex) {
  server_.inject(
      Fault::respond(200,
                     R"({"object": "list", "url": "/v1/x", "has_more": false, "data": [{"id": )",
                     {{"Request-Id", "req_malformed"}}),
      times, "GET", std::move(pathRegex));
}

void FakeStripe::injectInvalidRequest(std::string message, std::string param, int times,
                                      std::string pathRegex) {
  server_.inject(
      Fault::respond(400,
                     errorBody("invalid_request_error", std::move(message), {}, std::move(param)),
                     {{"Request-Id", "req_invalid"}}),
      times, "GET", std::move(pathRegex));
}

// --- HTTP
// ------------------------------------------------------------------------------------------

bool FakeStripe::authorized(const FakeRequest& req, FakeResponse& res) const {
  const auto auth = req.header("Authorization");
  std::string key;
  if (auth.has_value() && auth->rfind("Bearer ", 0) == 0) {
    key = auth->substr(7);
  } else if (auth.has_value() && auth->rfind("Basic ", 0) == 0) {
    // base64("<key>:"), decoded just enough to compare.
    static const std::string kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string decoded;
    int bits = 0;
    uint32_t acc = 0;
    for (char c : auth->substr(6)) {
      const size_t v = kAlphabet.find(c);
      if (v == std::string::npos) {
        break;
      }
      acc = (acc << 6) | static_cast<uint32_t>(v);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        decoded.push_back(static_cast<char>((acc >> bits) & 0xFF));
      }
    }
    key = decoded.substr(0, decoded.find(':'));
  }
  if (key == options_.apiKey) {
    return true;
  }
  res.header("WWW-Authenticate", "Basic realm=\"Stripe\"");
  if (key.empty()) {
    res.json(401,
             errorBody("invalid_request_error",
                       "You did not provide an API key. You need to provide your API key in "
                       "the Authorization header, using Bearer auth (e.g. 'Authorization: "
                       "Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication "
                       "for details, or we can help at https://support.stripe.com/."));
  } else {
    res.json(401, errorBody("invalid_request_error", "Invalid API Key provided: " + maskKey(key)));
  }
  return false;
}

void FakeStripe::installRoutes() {
  std::string kinds;
  for (const auto& k : kKinds) {
    kinds += (kinds.empty() ? "" : "|") + std::string(k.kind);
  }
  server_.route("GET", "/v1/(" + kinds + ")", [this](const FakeRequest& req, FakeResponse& res) {
    handleList(req.pathParams.at(0), req, res);
  });
  server_.route("GET", "/v1/(" + kinds + ")/([^/]+)",
                [this](const FakeRequest& req, FakeResponse& res) {
                  handleGet(req.pathParams.at(0), req.pathParams.at(1), req, res);
                });
}

void FakeStripe::handleGet(const std::string& kind, const std::string& id, const FakeRequest& req,
                           FakeResponse& res) {
  std::lock_guard lock(store_->mu);
  res.header("Request-Id", "req_" + std::to_string(++store_->requestCounter));
  if (!authorized(req, res)) {
    return;
  }
  Json* o = store_->find(kind, id);
  if (o == nullptr) {
    res.json(404, errorBody("invalid_request_error",
                            "No such " + std::string(kindOf(kind)->object) + ": '" + id + "'",
                            "resource_missing", "id"));
    return;
  }
  res.json(200, wire(store_->expand(*o, kind, req.params("expand[]"))));
}

void FakeStripe::handleList(const std::string& kind, const FakeRequest& req, FakeResponse& res) {
  std::lock_guard lock(store_->mu);
  res.header("Request-Id", "req_" + std::to_string(++store_->requestCounter));
  if (!authorized(req, res)) {
    return;
  }
  auto invalid = [&](std::string message, std::string param, std::string code = {}) {
    res.json(400, errorBody("invalid_request_error", std::move(message), std::move(code),
                            std::move(param)));
  };

  int64_t limit = 10;
  if (auto v = req.param("limit")) {
    if (!parseInt(*v, &limit)) {
      return invalid("Invalid integer: " + *v, "limit");
    }
    if (limit < 1) {
      return invalid("This value must be greater than or equal to 1.", "limit");
    }
    if (limit > 100) {
      return invalid("This value must be less than or equal to 100 (it currently is '" + *v + "').",
                     "limit");
    }
  }
  const auto startingAfter = req.param("starting_after");
  const auto endingBefore = req.param("ending_before");
  if (startingAfter && endingBefore) {
    return invalid("You may only specify one of these parameters: ending_before, starting_after.",
                   "ending_before");
  }

  // created filters
  struct Bound {
    const char* name;
    std::optional<int64_t> value;
  };
  Bound bounds[] = {{"created[gte]", {}},
                    {"created[gt]", {}},
                    {"created[lte]", {}},
                    {"created[lt]", {}},
                    {"created", {}}};
  for (auto& b : bounds) {
    if (auto v = req.param(b.name)) {
      int64_t t = 0;
      if (!parseInt(*v, &t)) {
        return invalid("Invalid integer: " + *v, b.name);
      }
      b.value = t;
    }
  }

  // equality filters by kind
  std::vector<std::pair<std::string, std::string>> filters;  // field, value
  const char* allowed[] = {"payout", "charge", "customer", "invoice", "type"};
  for (const char* f : allowed) {
    if (auto v = req.param(f)) {
      const bool ok = (std::string(f) == "payout" && kind == "balance_transactions") ||
                      (std::string(f) == "type" && kind == "balance_transactions") ||
                      (std::string(f) == "charge" && (kind == "refunds" || kind == "disputes")) ||
                      (std::string(f) == "customer" &&
                       (kind == "charges" || kind == "invoices" || kind == "credit_notes")) ||
                      (std::string(f) == "invoice" && kind == "credit_notes");
      if (!ok) {
        return invalid("Received unknown parameter: " + std::string(f), f);
      }
      filters.emplace_back(f, *v);
    }
  }
  if (auto po = req.param("payout"); po && store_->find("payouts", *po) == nullptr) {
    return invalid("No such payout: '" + *po + "'", "payout", "resource_missing");
  }

  std::vector<std::string> expand;
  for (const auto& e : req.params("expand[]")) {
    if (e.rfind("data.", 0) != 0) {
      return invalid("You can only expand fields of list items: use data." + e, "expand");
    }
    expand.push_back(e.substr(5));
  }

  auto matches = [&](const Json& o) {
    const int64_t c = o.at("created").get<int64_t>();
    if ((bounds[0].value && c < *bounds[0].value) || (bounds[1].value && c <= *bounds[1].value) ||
        (bounds[2].value && c > *bounds[2].value) || (bounds[3].value && c >= *bounds[3].value) ||
        (bounds[4].value && c != *bounds[4].value)) {
      return false;
    }
    for (const auto& [field, value] : filters) {
      if (field == "payout") {
        auto it = store_->payoutOf.find(o.at("id").get<std::string>());
        if (it == store_->payoutOf.end() || it->second != value) {
          return false;
        }
      } else if (!o.contains(field) || o[field] != value) {
        return false;
      }
    }
    return true;
  };

  std::vector<const Store::Entry*> all = store_->sorted(kind);
  std::vector<const Store::Entry*> items;
  for (const auto* e : all) {
    if (matches(e->object)) {
      items.push_back(e);
    }
  }

  // Cursor objects are positioned by their own (created, insertion) key, so a cursor object that
  // the filters exclude still pages correctly.
  auto cursorEntry = [&](const std::string& id) -> const Store::Entry* {
    return store_->findEntry(kind, id);
  };
  std::vector<const Store::Entry*> page;
  bool hasMore = false;
  if (startingAfter) {
    const Store::Entry* cursor = cursorEntry(*startingAfter);
    if (cursor == nullptr) {
      return invalid("No such " + std::string(kindOf(kind)->object) + ": '" + *startingAfter + "'",
                     "starting_after", "resource_missing");
    }
    std::vector<const Store::Entry*> after;
    for (const auto* e : items) {
      if (Store::newerFirst(*cursor, *e)) {
        after.push_back(e);
      }
    }
    hasMore = after.size() > static_cast<size_t>(limit);
    after.resize(std::min(after.size(), static_cast<size_t>(limit)));
    page = std::move(after);
  } else if (endingBefore) {
    const Store::Entry* cursor = cursorEntry(*endingBefore);
    if (cursor == nullptr) {
      return invalid("No such " + std::string(kindOf(kind)->object) + ": '" + *endingBefore + "'",
                     "ending_before", "resource_missing");
    }
    std::vector<const Store::Entry*> before;
    for (const auto* e : items) {
      if (Store::newerFirst(*e, *cursor)) {
        before.push_back(e);
      }
    }
    hasMore = before.size() > static_cast<size_t>(limit);
    const size_t skip = hasMore ? before.size() - static_cast<size_t>(limit) : 0;
    page.assign(before.begin() + static_cast<std::ptrdiff_t>(skip), before.end());
  } else {
    hasMore = items.size() > static_cast<size_t>(limit);
    items.resize(std::min(items.size(), static_cast<size_t>(limit)));
    page = std::move(items);
  }

  Json data = Json::array();
  for (const auto* e : page) {
    data.push_back(store_->expand(e->object, kind, expand));
  }
  Json envelope = Json::object();
  envelope["object"] = "list";
  envelope["url"] = "/v1/" + kind;
  envelope["has_more"] = hasMore;
  envelope["data"] = std::move(data);
  res.json(200, wire(envelope));
}

}  // namespace lh::fakes
