#include "qbo_events.h"

#include <map>

#include "qbo_util.h"

namespace lh::qbo {
namespace {

std::string str(const Json& o, const char* key) {
  if (!o.is_object()) {
    return {};
  }
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const Json& obj(const Json& o, const char* key) {
  static const Json kEmpty = Json::object();
  if (!o.is_object()) {
    return kEmpty;
  }
  auto it = o.find(key);
  return it != o.end() && it->is_object() ? *it : kEmpty;
}

std::optional<Json> moneyOf(const Json& value, const std::string& currency) {
  auto minor = amountMinor(value, isoExponent(currency));
  if (!minor) {
    return std::nullopt;
  }
  return Json{{"minor", *minor}, {"currency", currency}};
}

// A date-time for occurred_at: QBO writes "2015-10-07T11:42:38-07:00", which is already RFC 3339.
std::string dateTime(const std::string& text) {
  return parseTimeMs(text) && text.size() > 10 ? text : std::string();
}

}  // namespace

std::optional<Json> eventOf(const std::string& entity, const Json& o, const QboConfig& config) {
  static const std::map<std::string, std::string> kTypes = {{"Invoice", "invoice"},
                                                            {"Payment", "payment"},
                                                            {"CreditMemo", "credit_note"},
                                                            {"RefundReceipt", "refund"},
                                                            {"Customer", "customer"}};
  auto type = kTypes.find(entity);
  const std::string id = str(o, "Id");
  if (type == kTypes.end() || id.empty()) {
    return std::nullopt;
  }
  const Json& meta = obj(o, "MetaData");
  const std::string updated = dateTime(str(meta, "LastUpdatedTime"));
  std::string occurred = dateTime(str(meta, "CreateTime"));
  if (occurred.empty()) {
    occurred = updated;
  }
  if (occurred.empty()) {
    return std::nullopt;  // nothing to date it by
  }
  Json e = Json::object();
  e["type"] = type->second;
  e["external_id"] = id;
  e["occurred_at"] = occurred;
  e["livemode"] = config.production;
  if (auto ms = parseTimeMs(updated); ms && *ms >= 0) {
    e["revision"] = *ms;
  }
  Json attributes = {{"qbo_entity", entity}};
  if (!str(o, "SyncToken").empty()) {
    attributes["sync_token"] = str(o, "SyncToken");
  }
  if (!str(o, "DocNumber").empty()) {
    attributes["doc_number"] = str(o, "DocNumber");
  }
  const std::string note = str(o, entity == "Customer" ? "Notes" : "PrivateNote");
  if (const size_t at = note.find("ledgerhost:"); at != std::string::npos) {
    const size_t start = at + 11;
    attributes["ledgerhost_key"] = note.substr(start, note.find(' ', start) - start);
  }
  e["attributes"] = attributes;
  if (str(o, "status") == "Deleted") {
    e["status"] = "deleted";
  } else {
    const std::string currency = str(obj(o, "CurrencyRef"), "value").empty()
                                     ? config.homeCurrency
                                     : str(obj(o, "CurrencyRef"), "value");
    if (entity == "Customer") {
      Json party = Json::object();
      if (!str(o, "DisplayName").empty()) {
        party["name"] = str(o, "DisplayName");
      }
      if (!str(obj(o, "PrimaryEmailAddr"), "Address").empty()) {
        party["email"] = str(obj(o, "PrimaryEmailAddr"), "Address");
      }
      e["party"] = party;
      e["status"] = o.value("Active", true) ? "active" : "inactive";
    } else {
      if (auto total = moneyOf(o.value("TotalAmt", Json()), currency)) {
        e["amount"] = *total;
      }
      Json links = Json::object();
      if (!str(obj(o, "CustomerRef"), "value").empty()) {
        links["customer"] = str(obj(o, "CustomerRef"), "value");
      }
      for (const auto& line : o.value("Line", Json::array())) {
        for (const auto& t : line.value("LinkedTxn", Json::array())) {
          if (str(t, "TxnType") == "Invoice" && !links.contains("invoice")) {
            links["invoice"] = str(t, "TxnId");
          }
        }
      }
      if (!links.empty()) {
        e["links"] = links;
      }
      Json dates = Json::object();
      const std::string txnDate = datePart(str(o, "TxnDate"));
      if (!txnDate.empty()) {
        dates[entity == "Payment" ? "paid_at" : "invoice_date"] = txnDate;
      }
      if (!datePart(str(o, "DueDate")).empty()) {
        dates["due_date"] = datePart(str(o, "DueDate"));
      }
      if (!dates.empty()) {
        e["dates"] = dates;
      }
      if (entity == "Invoice") {
        const auto balance = amountMinor(o.value("Balance", Json()), isoExponent(currency));
        e["status"] = balance && *balance == 0 ? "paid" : "open";
      }
      if (entity == "Invoice" || entity == "CreditMemo") {
        Json lines = Json::array();
        for (const auto& line : o.value("Line", Json::array())) {
          if (str(line, "DetailType") != "SalesItemLineDetail") {
            continue;
          }
          auto amount = moneyOf(line.value("Amount", Json()), currency);
          if (!amount) {
            continue;
          }
          Json l = {{"amount", *amount}};
          if (!str(line, "Id").empty()) {
            l["id"] = str(line, "Id");
          }
          if (!str(line, "Description").empty()) {
            l["description"] = str(line, "Description").substr(0, 1000);
          }
          const std::string item = str(obj(obj(line, "SalesItemLineDetail"), "ItemRef"), "value");
          if (!item.empty()) {
            l["item"] = item;
          }
          lines.push_back(std::move(l));
        }
        if (!lines.empty()) {
          e["lines"] = lines;
        }
      }
    }
  }
  // The object as QBO sent it; number tokens stay exact when the caller writes it with dumpExact.
  e["raw"] = o;
  return e;
}

}  // namespace lh::qbo
