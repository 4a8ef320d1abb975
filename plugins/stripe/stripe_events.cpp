#include "stripe_events.h"

#include <ledgerhost/plugin.hpp>

#include "exact_json.h"
#include "stripe_money.h"
#include "stripe_time.h"

namespace lh::stripe {
namespace {

using nlohmann::json;

[[noreturn]] void refuse(const json& object, const std::string& why) {
  std::string id = object.is_object() && object.contains("id") && object["id"].is_string()
                       ? object["id"].get<std::string>()
                       : std::string("(no id)");
  throw ledgerhost::Error(LH_E_PERMANENT, "stripe: cannot map " + id + ": " + why);
}

const json& field(const json& object, const char* name) {
  static const json kNull;
  if (!object.is_object()) {
    return kNull;
  }
  auto it = object.find(name);
  return it == object.end() ? kNull : *it;
}

std::string str(const json& object, const char* name) {
  const json& v = field(object, name);
  return v.is_string() ? v.get<std::string>() : std::string();
}

int64_t integer(const json& object, const char* name) {
  const json& v = field(object, name);
  if (!v.is_number_integer()) {
    refuse(object, std::string("`") + name + "` is not an integer");
  }
  return v.get<int64_t>();
}

bool hasInteger(const json& object, const char* name) {
  return field(object, name).is_number_integer();
}

std::string requiredString(const json& object, const char* name) {
  const json& v = field(object, name);
  if (!v.is_string() || v.get_ref<const std::string&>().empty()) {
    refuse(object, std::string("`") + name + "` is missing");
  }
  return v.get<std::string>();
}

json money(const json& object, int64_t stripeAmount, const std::string& currency) {
  std::string why;
  auto m = toIsoMoney(stripeAmount, currency, &why);
  if (!m) {
    refuse(object, why);
  }
  return json{{"minor", m->minor}, {"currency", m->currency}};
}

int64_t magnitude(int64_t v) { return v < 0 ? -v : v; }

// The envelope every event shares.
json base(const char* type, const json& object) {
  json e = json::object();
  e["type"] = type;
  e["external_id"] = requiredString(object, "id");
  e["occurred_at"] = rfc3339(integer(object, "created"));
  if (field(object, "livemode").is_boolean()) {
    e["livemode"] = object["livemode"];
  }
  const std::string description = str(object, "description");
  if (!description.empty() && description.size() <= 1000) {
    e["description"] = description;
  }
  e["raw"] = object;
  return e;
}

void link(json& e, const char* name, const std::string& id) {
  if (!id.empty() && id.size() <= 255) {
    e["links"][name] = id;
  }
}

void date(json& e, const char* name, const json& object, const char* field_name, bool dateOnly) {
  const json& v = field(object, field_name);
  if (v.is_number_integer()) {
    e["dates"][name] = dateOnly ? isoDate(v.get<int64_t>()) : rfc3339(v.get<int64_t>());
  }
}

// Stripe status → lower snake case (already, for every object the connector reads).
void status(json& e, const json& object) {
  const std::string s = str(object, "status");
  if (!s.empty() && s.size() <= 64) {
    e["status"] = s;
  }
}

// The exchange rate exactly as Stripe wrote it: the body was parsed with parseExact, which keeps a
// JSON number's token instead of a double, so no digit is lost or invented. The canonical event
// wants a plain decimal (digits, optionally a fraction).
std::string rateText(const json& bt) {
  const std::optional<std::string> text = exactNumber(field(bt, "exchange_rate"));
  const auto plainDecimal = [](const std::string& t) {
    const size_t dot = t.find('.');
    const auto digits = [&](size_t from, size_t to) {
      return to > from && t.find_first_not_of("0123456789", from) >= to;
    };
    return dot == std::string::npos ? digits(0, t.size())
                                    : digits(0, dot) && digits(dot + 1, t.size());
  };
  if (!text || !plainDecimal(*text)) {
    refuse(bt, "`exchange_rate` is not a plain positive decimal");
  }
  return *text;
}

json fees(const json& bt) {
  json out = json::array();
  const json& details = field(bt, "fee_details");
  if (!details.is_array()) {
    return out;
  }
  for (const auto& d : details) {
    json f = json::object();
    const std::string type = str(d, "type");
    f["type"] = type.empty() ? "fee" : type;
    f["amount"] = money(bt, integer(d, "amount"), requiredString(d, "currency"));
    const std::string description = str(d, "description");
    if (!description.empty() && description.size() <= 255) {
      f["description"] = description;
    }
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace

std::string expandableId(const nlohmann::json& value) {
  if (value.is_string()) {
    return value.get<std::string>();
  }
  if (value.is_object()) {
    return str(value, "id");
  }
  return {};
}

json balanceTransactionEvent(const json& bt, const std::string& payoutId) {
  const std::string type = requiredString(bt, "type");
  const std::string category = str(bt, "reporting_category");
  const std::string currency = requiredString(bt, "currency");
  const int64_t amount = integer(bt, "amount");
  const int64_t fee = integer(bt, "fee");
  const int64_t net = integer(bt, "net");
  const json& source = field(bt, "source");
  const std::string sourceId = expandableId(source);

  if (type == "payout" || type == "payout_cancel" || type == "payout_failure") {
    return nullptr;
  }
  const char* kind = "adjustment";
  if ((type == "charge" || type == "payment") && amount >= 0) {
    kind = "payment";
  } else if ((type == "refund" || type == "payment_refund") && amount <= 0) {
    kind = "refund";
  } else if (type == "adjustment" && category == "dispute" && amount <= 0) {
    kind = "dispute";
  } else if ((type == "stripe_fee" || type == "stripe_fx_fee" || type == "tax_fee") &&
             amount <= 0 && fee == 0) {
    kind = "fee";
  }
  const std::string k = kind;

  json e = base(kind, bt);
  status(e, bt);
  link(e, "balance_transaction", requiredString(bt, "id"));
  link(e, "payout", payoutId);
  date(e, "available_on", bt, "available_on", false);
  e["attributes"]["balance_transaction_type"] = type;
  if (!category.empty()) {
    e["attributes"]["reporting_category"] = category;
  }

  // Presentment side, when the source was expanded and is in another currency.
  const bool converted = source.is_object() && (k == "payment" || k == "refund") &&
                         hasInteger(source, "amount") && !str(source, "currency").empty() &&
                         str(source, "currency") != currency;

  if (k == "payment" || k == "refund") {
    if (converted) {
      e["amount"] = money(source, magnitude(integer(source, "amount")), str(source, "currency"));
      json settlement = json::object();
      settlement["amount"] = money(bt, magnitude(amount), currency);
      settlement["fee"] = money(bt, magnitude(fee), currency);
      settlement["net"] = money(bt, magnitude(net), currency);
      if (!field(bt, "exchange_rate").is_null()) {
        settlement["exchange_rate"] = rateText(bt);
      }
      e["settlement"] = std::move(settlement);
      if (k == "payment") {
        json f = fees(bt);
        if (!f.empty()) {
          e["fees"] = std::move(f);
        }
      }
    } else {
      e["amount"] = money(bt, magnitude(amount), currency);
      e["fee"] = money(bt, magnitude(fee), currency);
      e["net"] = money(bt, magnitude(net), currency);
      if (k == "payment") {
        json f = fees(bt);
        if (!f.empty()) {
          e["fees"] = std::move(f);
        }
      }
    }
    if (k == "payment") {
      link(e, "charge", sourceId);
      link(e, "customer", expandableId(field(source, "customer")));
      link(e, "invoice", expandableId(field(source, "invoice")));
    } else {
      link(e, "refund", sourceId);
      const std::string charge = expandableId(field(source, "charge"));
      link(e, "charge", charge);
      link(e, "original", charge);
    }
  } else if (k == "dispute") {
    e["amount"] = money(bt, magnitude(amount), currency);
    e["fee"] = money(bt, magnitude(fee), currency);
    e["net"] = money(bt, magnitude(net), currency);
    json f = fees(bt);
    if (!f.empty()) {
      e["fees"] = std::move(f);
    }
    link(e, "dispute", sourceId);
    link(e, "charge", expandableId(field(source, "charge")));
  } else if (k == "fee") {
    e["amount"] = money(bt, magnitude(amount), currency);
    e["fees"] =
        json::array({json{{"type", type}, {"amount", money(bt, magnitude(amount), currency)}}});
  } else {
    e["amount"] = money(bt, amount, currency);
    e["fee"] = money(bt, fee, currency);
    e["net"] = money(bt, net, currency);
    if (sourceId.rfind("ch_", 0) == 0 || sourceId.rfind("py_", 0) == 0) {
      link(e, "charge", sourceId);
    } else if (sourceId.rfind("re_", 0) == 0) {
      link(e, "refund", sourceId);
    } else if (sourceId.rfind("dp_", 0) == 0 || sourceId.rfind("du_", 0) == 0) {
      link(e, "dispute", sourceId);
      link(e, "charge", expandableId(field(source, "charge")));
    } else if (sourceId.rfind("po_", 0) == 0) {
      link(e, "payout", sourceId);
    }
  }
  return e;
}

json payoutEvent(const json& payout) {
  json e = base("payout", payout);
  status(e, payout);
  e["amount"] =
      money(payout, magnitude(integer(payout, "amount")), requiredString(payout, "currency"));
  const json& trace = field(payout, "trace_id");
  const std::string reference = str(trace, "value");
  if (!reference.empty() && reference.size() <= 255) {
    e["reference"] = reference;
  }
  date(e, "arrival_date", payout, "arrival_date", true);
  link(e, "balance_transaction", expandableId(field(payout, "balance_transaction")));
  for (const char* name : {"method", "type", "failure_code", "reconciliation_status"}) {
    const std::string v = str(payout, name);
    if (!v.empty()) {
      e["attributes"][name] = v;
    }
  }
  if (field(payout, "automatic").is_boolean()) {
    e["attributes"]["automatic"] = payout["automatic"];
  }
  return e;
}

json invoiceEvent(const json& invoice) {
  json e = base("invoice", invoice);
  status(e, invoice);
  const std::string currency = requiredString(invoice, "currency");
  const int64_t total = integer(invoice, "total");
  e["amount"] = money(invoice, total, currency);
  if (hasInteger(invoice, "total_excluding_tax")) {
    const int64_t tax = total - invoice["total_excluding_tax"].get<int64_t>();
    if (tax >= 0) {
      e["tax"] = money(invoice, tax, currency);
    }
  }
  link(e, "customer", expandableId(field(invoice, "customer")));
  // The invoice is dated when it took effect (finalisation, or a backdated effective_at); a draft
  // has neither, so its creation stands in.
  if (hasInteger(invoice, "effective_at")) {
    date(e, "invoice_date", invoice, "effective_at", true);
  } else {
    date(e, "invoice_date", invoice, "created", true);
  }
  date(e, "due_date", invoice, "due_date", true);
  date(e, "paid_at", field(invoice, "status_transitions"), "paid_at", false);

  const json& lines = field(field(invoice, "lines"), "data");
  bool havePeriod = false;
  int64_t periodStart = 0;
  int64_t periodEnd = 0;
  if (lines.is_array()) {
    json out = json::array();
    for (const auto& line : lines) {
      json l = json::object();
      const std::string id = str(line, "id");
      if (!id.empty()) {
        l["id"] = id;
      }
      const std::string description = str(line, "description");
      if (!description.empty() && description.size() <= 1000) {
        l["description"] = description;
      }
      const std::string lineCurrency = str(line, "currency");
      l["amount"] =
          money(invoice, integer(line, "amount"), lineCurrency.empty() ? currency : lineCurrency);
      if (field(line, "quantity").is_number_unsigned()) {
        l["quantity"] = line["quantity"];
      }
      const json& pricing = field(line, "pricing");
      const std::string price = str(field(pricing, "price_details"), "price");
      if (!price.empty()) {
        l["item"] = price;
      }
      const json& period = field(line, "period");
      if (hasInteger(period, "start") && hasInteger(period, "end")) {
        const int64_t s = period["start"].get<int64_t>();
        const int64_t f = period["end"].get<int64_t>();
        l["period_start"] = rfc3339(s);
        l["period_end"] = rfc3339(f);
        periodStart = havePeriod ? std::min(periodStart, s) : s;
        periodEnd = havePeriod ? std::max(periodEnd, f) : f;
        havePeriod = true;
      }
      out.push_back(std::move(l));
    }
    e["lines"] = std::move(out);
    if (field(field(invoice, "lines"), "has_more").is_boolean() &&
        invoice["lines"]["has_more"].get<bool>()) {
      // Only the embedded first page of lines is carried; the period covers those lines.
      e["attributes"]["lines_truncated"] = true;
    }
  }
  if (havePeriod) {
    e["dates"]["period_start"] = rfc3339(periodStart);
    e["dates"]["period_end"] = rfc3339(periodEnd);
  }
  for (const char* name : {"number", "billing_reason", "collection_method"}) {
    const std::string v = str(invoice, name);
    if (!v.empty()) {
      e["attributes"][name] = v;
    }
  }
  return e;
}

json creditNoteEvent(const json& creditNote) {
  json e = base("credit_note", creditNote);
  status(e, creditNote);
  const std::string currency = requiredString(creditNote, "currency");
  e["amount"] = money(creditNote, integer(creditNote, "total"), currency);
  link(e, "invoice", expandableId(field(creditNote, "invoice")));
  link(e, "customer", expandableId(field(creditNote, "customer")));
  date(e, "invoice_date", creditNote,
       hasInteger(creditNote, "effective_at") ? "effective_at" : "created", true);
  const json& lines = field(field(creditNote, "lines"), "data");
  if (lines.is_array()) {
    json out = json::array();
    for (const auto& line : lines) {
      json l = json::object();
      const std::string id = str(line, "id");
      if (!id.empty()) {
        l["id"] = id;
      }
      const std::string description = str(line, "description");
      if (!description.empty() && description.size() <= 1000) {
        l["description"] = description;
      }
      l["amount"] = money(creditNote, integer(line, "amount"), currency);
      if (field(line, "quantity").is_number_unsigned()) {
        l["quantity"] = line["quantity"];
      }
      out.push_back(std::move(l));
    }
    e["lines"] = std::move(out);
  }
  for (const char* name : {"number", "type", "reason"}) {
    const std::string v = str(creditNote, name);
    if (!v.empty()) {
      e["attributes"][name] = v;
    }
  }
  return e;
}

json customerEvent(const json& customer) {
  json e = base("customer", customer);
  e.erase("description");  // free text about a person: the party block is enough
  json party = json::object();
  const std::string name = str(customer, "name");
  const std::string email = str(customer, "email");
  if (!name.empty() && name.size() <= 500) {
    party["name"] = name;
  }
  if (!email.empty() && email.size() <= 320) {
    party["email"] = email;
  }
  if (!party.empty()) {
    e["party"] = std::move(party);
  }
  return e;
}

json chargeEvent(const json& charge) {
  json e = base("payment", charge);
  status(e, charge);
  link(e, "charge", requiredString(charge, "id"));
  link(e, "customer", expandableId(field(charge, "customer")));
  link(e, "invoice", expandableId(field(charge, "invoice")));
  link(e, "balance_transaction", expandableId(field(charge, "balance_transaction")));
  for (const char* name : {"captured", "refunded", "disputed", "paid"}) {
    if (field(charge, name).is_boolean()) {
      e["attributes"][name] = charge[name];
    }
  }
  e["attributes"]["metadata_only"] = true;
  return e;
}

json refundEvent(const json& refund) {
  json e = base("refund", refund);
  status(e, refund);
  link(e, "refund", requiredString(refund, "id"));
  const std::string charge = expandableId(field(refund, "charge"));
  link(e, "charge", charge);
  link(e, "original", charge);
  link(e, "balance_transaction", expandableId(field(refund, "balance_transaction")));
  const std::string reason = str(refund, "reason");
  if (!reason.empty()) {
    e["attributes"]["reason"] = reason;
  }
  e["attributes"]["metadata_only"] = true;
  return e;
}

json disputeEvent(const json& dispute) {
  json e = base("dispute", dispute);
  status(e, dispute);
  link(e, "dispute", requiredString(dispute, "id"));
  link(e, "charge", expandableId(field(dispute, "charge")));
  const std::string reason = str(dispute, "reason");
  if (!reason.empty()) {
    e["attributes"]["reason"] = reason;
  }
  e["attributes"]["metadata_only"] = true;
  return e;
}

}  // namespace lh::stripe
