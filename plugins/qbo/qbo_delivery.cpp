#include "qbo_delivery.h"

#include <algorithm>
#include <cctype>

#include "qbo_util.h"

namespace lh::qbo {
namespace {

// How far before the recorded attempt the marker lookup starts (clock skew between this host and
// QBO's MetaData.CreateTime).
constexpr int64_t kLookupSlackMs = 15 * 60 * 1000;
// QBO's largest query page.
constexpr int kPage = 1000;

std::string lowerCase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool allDigits(const std::string& s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

std::string field(const Json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The objects of `entity` in a QueryResponse (empty when none).
const Json& rows(const Json& queryResponse, const std::string& entity) {
  static const Json kEmpty = Json::array();
  auto it = queryResponse.find(entity);
  return it != queryResponse.end() && it->is_array() ? *it : kEmpty;
}

}  // namespace

QboDelivery::QboDelivery(ledgerhost::Host host, const QboConfig& config, QboApi& api)
    : host_(host), config_(config), api_(api), batchSize_(config.batchSize) {}

// --- answers
// ---------------------------------------------------------------------------------------

void QboDelivery::answer(Item& item, lh_status status, const std::string& targetId,
                         const std::string& message) {
  if (item.answered) {
    return;
  }
  item.answered = true;
  Json out = {{"id", item.command.id}, {"status", status}};
  if (status == LH_OK) {
    out["target_id"] = targetId;
    out["target_type"] = item.request.entity;
  } else {
    out["message"] = message;
  }
  host_.respond(out.dump());
}

void QboDelivery::answerCommand(const Command& command, lh_status status,
                                const std::string& message) {
  host_.respond(Json{{"id", command.id}, {"status", status}, {"message", message}}.dump());
}

// --- in-flight record
// -----------------------------------------------------------------------------

Json QboDelivery::loadInflight() {
  const auto [found, text] = host_.stateGet(kInflightKey);
  if (found) {
    auto parsed = parseExact(text);
    if (parsed && parsed->is_object()) {
      return *parsed;
    }
  }
  return Json::object();
}

void QboDelivery::saveInflight() { host_.statePut(kInflightKey, inflight_.dump()); }

void QboDelivery::markInflight(const std::vector<Item*>& items) {
  const int64_t now = host_.nowMs();
  for (Item* item : items) {
    if (!inflight_.contains(item->command.key)) {
      inflight_[item->command.key] = {{"entity", item->request.entity}, {"at_ms", now}};
    }
  }
  saveInflight();  // durable before the request leaves
}

void QboDelivery::clearInflight(const std::vector<Item*>& items) {
  bool changed = false;
  for (Item* item : items) {
    changed = inflight_.erase(item->command.key) > 0 || changed;
  }
  if (changed) {
    saveInflight();
  }
}

// --- execute
// --------------------------------------------------------------------------------------

void QboDelivery::execute(std::string_view commandsJson) {
  auto parsed = parseExact(commandsJson);
  if (!parsed || !parsed->is_array()) {
    throw ledgerhost::Error(LH_E_INVALID_ARGUMENT, "qbo: commands must be a JSON array");
  }
  inflight_ = loadInflight();
  std::vector<Item> items;
  items.reserve(parsed->size());
  for (auto& c : *parsed) {
    Command command{field(c, "id"), field(c, "type"), field(c, "idempotency_key"),
                    c.value("payload", Json::object())};
    if (command.key.empty() || entityOfCommand(command.type).empty()) {
      answerCommand(command, command.key.empty() ? LH_E_INVALID_ARGUMENT : LH_E_NOT_SUPPORTED,
                    command.key.empty() ? "qbo: the command has no idempotency_key"
                                        : "qbo: unknown command type '" + command.type + "'");
      continue;
    }
    Item item{std::move(command), {}, false};
    try {
      item.request = buildEntity(item.command, *this);
    } catch (const ledgerhost::Error& e) {
      if (e.code() == LH_E_AUTH_REQUIRED) {
        throw;
      }
      answerCommand(item.command, e.code(), e.what());
      continue;
    } catch (const std::exception& e) {
      // A payload of the wrong shape (nlohmann type errors): that command alone fails.
      answerCommand(item.command, LH_E_PERMANENT,
                    std::string("qbo: the command's payload is malformed: ") + e.what());
      continue;
    }
    items.push_back(std::move(item));
  }

  // Writes whose answer was lost earlier: find them before creating anything again.
  std::vector<Item*> pending;
  std::vector<Item*> recorded;
  for (auto& item : items) {
    (inflight_.contains(item.command.key) ? recorded : pending).push_back(&item);
  }
  if (!recorded.empty()) {
    try {
      lookup(recorded);
    } catch (const ledgerhost::Error& e) {
      if (e.code() == LH_E_AUTH_REQUIRED) {
        throw;
      }
      // Without the lookup a create could duplicate: those commands wait for a later pass.
      for (Item* item : recorded) {
        answer(*item, e.code() == LH_E_RATE_LIMITED ? LH_E_RATE_LIMITED : LH_E_TRANSIENT, {},
               std::string("qbo: could not check QBO for an earlier attempt: ") + e.what());
      }
    }
    for (Item* item : recorded) {
      if (!item->answered) {
        pending.push_back(item);
      }
    }
    // Keep the executor's order.
    std::sort(pending.begin(), pending.end());
  }
  send(pending);
  for (auto& item : items) {
    answer(item, LH_E_TRANSIENT, {}, "qbo: not sent in this call");
  }
}

void QboDelivery::send(const std::vector<Item*>& items) {
  if (items.size() == 1) {
    sendOne(*items.front());
    return;
  }
  for (size_t from = 0; from < items.size();) {
    const size_t n = std::min(items.size() - from, static_cast<size_t>(batchSize_));
    std::vector<Item*> chunk(items.begin() + static_cast<std::ptrdiff_t>(from),
                             items.begin() + static_cast<std::ptrdiff_t>(from + n));
    if (chunk.size() == 1) {
      sendOne(*chunk.front());
    } else {
      sendBatch(chunk);
    }
    from += n;
  }
}

void QboDelivery::sendOne(Item& item) {
  const std::string body = dumpExact(item.request.body);
  const std::string requestId = item.command.key + "-" + sha256Hex(body).substr(0, 8);
  markInflight({&item});
  try {
    const Json response = api_.post(lowerCase(item.request.entity), item.request.body, requestId);
    auto it = response.find(item.request.entity);
    settle(item, it != response.end() && it->is_object() ? &*it : nullptr, nullptr, 200);
  } catch (const QboFault& f) {
    clearInflight({&item});
    settle(item, nullptr, &f.fault(), f.httpStatus());
  } catch (const AmbiguousWrite& e) {
    resolveAmbiguous({&item}, e.what());
  } catch (const ledgerhost::Error& e) {
    clearInflight({&item});  // throttled, refused or never sent: nothing was created
    if (e.code() == LH_E_AUTH_REQUIRED) {
      throw;
    }
    answer(item, e.code(), {}, e.what());
  }
}

void QboDelivery::sendBatch(const std::vector<Item*>& items) {
  Json requests = Json::array();
  std::string digestInput;
  for (size_t i = 0; i < items.size(); ++i) {
    const EntityRequest& r = items[i]->request;
    requests.push_back(
        {{"bId", "c" + std::to_string(i)}, {"operation", "create"}, {r.entity, r.body}});
    digestInput += items[i]->command.key + ":" + dumpExact(r.body) + "\n";
  }
  const std::string requestId = sha256Hex(digestInput).substr(0, 32);
  markInflight(items);
  Json response;
  try {
    response = api_.post("batch", Json{{"BatchItemRequest", requests}}, requestId);
  } catch (const QboFault& f) {
    clearInflight(items);
    if (f.code() == LH_E_PERMANENT && f.httpStatus() == 400 && items.size() > 1) {
      // QBO refused the batch as a whole, most likely its size: halve and send again.
      batchSize_ = std::max(1, static_cast<int>(items.size()) / 2);
      host_.log(LH_LOG_WARN, "qbo: QBO refused a batch of " + std::to_string(items.size()) + " (" +
                                 f.what() + "); sending batches of " + std::to_string(batchSize_));
      send(items);
      return;
    }
    for (Item* item : items) {
      settle(*item, nullptr, &f.fault(), f.httpStatus());
    }
    return;
  } catch (const AmbiguousWrite& e) {
    resolveAmbiguous(items, e.what());
    return;
  } catch (const ledgerhost::Error& e) {
    clearInflight(items);
    if (e.code() == LH_E_AUTH_REQUIRED) {
      throw;
    }
    for (Item* item : items) {
      answer(*item, e.code(), {}, e.what());
    }
    return;
  }
  std::vector<Item*> settled;
  std::vector<Item*> unanswered;
  const Json& answers = response.value("BatchItemResponse", Json::array());
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string bId = "c" + std::to_string(i);
    const Json* match = nullptr;
    for (const auto& a : answers) {
      if (field(a, "bId") == bId) {
        match = &a;
        break;
      }
    }
    if (match == nullptr) {
      unanswered.push_back(items[i]);
      continue;
    }
    settled.push_back(items[i]);
    const auto fault = faultOf(*match);
    auto obj = match->find(items[i]->request.entity);
    if (fault) {
      settle(*items[i], nullptr, &*fault, 400);
    } else {
      settle(*items[i], obj != match->end() && obj->is_object() ? &*obj : nullptr, nullptr, 200);
    }
  }
  clearInflight(settled);
  if (!unanswered.empty()) {
    resolveAmbiguous(unanswered, "qbo: the batch response has no item for these commands");
  }
}

void QboDelivery::resolveAmbiguous(const std::vector<Item*>& items, const std::string& why) {
  host_.log(LH_LOG_WARN, why + "; looking the objects up by their marker");
  try {
    lookup(items);
  } catch (const ledgerhost::Error& e) {
    if (e.code() == LH_E_AUTH_REQUIRED) {
      throw;
    }
  }
  for (Item* item : items) {
    // Still in the in-flight record: the next call looks again before creating.
    answer(*item, LH_E_TRANSIENT, {}, why + "; QBO will be checked for it before it is created");
  }
}

void QboDelivery::settle(Item& item, const Json* created, const FaultInfo* fault, int httpStatus) {
  if (created != nullptr) {
    const std::string id = field(*created, "Id");
    if (!id.empty()) {
      answer(item, LH_OK, id, {});
      return;
    }
  }
  if (fault == nullptr) {
    answer(item, LH_E_TRANSIENT, {}, "qbo: QBO answered without the created object");
    return;
  }
  if (fault->code == "6240" && item.request.entity == "Customer") {
    adoptExistingCustomer(item);
    return;
  }
  const QboFault error(httpStatus, *fault);
  answer(item, error.code(), {}, error.what());
}

void QboDelivery::adoptExistingCustomer(Item& item) {
  const std::string name = field(item.request.body, "DisplayName");
  const Json found = api_.query("SELECT * FROM Customer WHERE DisplayName = " + quoteQuery(name) +
                                " AND Active IN (true, false)");
  const Json& list = rows(found, "Customer");
  if (list.empty()) {
    answer(item, LH_E_PERMANENT, {},
           "qbo: QBO says the name '" + name +
               "' is taken (6240) but no customer has it: a vendor or employee uses it");
    return;
  }
  Json existing = list.front();
  const std::string id = field(existing, "Id");
  const std::string email =
      field(item.request.body.value("PrimaryEmailAddr", Json::object()), "Address");
  const std::string current = field(existing.value("PrimaryEmailAddr", Json::object()), "Address");
  if (!email.empty() && email != current) {
    // Bring the e-mail up to date; a stale SyncToken re-reads and retries once.
    for (int attempt = 1; attempt <= 2; ++attempt) {
      const Json update = {{"Id", id},
                           {"SyncToken", field(existing, "SyncToken")},
                           {"sparse", true},
                           {"PrimaryEmailAddr", {{"Address", email}}}};
      try {
        // A new requestid per attempt: QBO would replay the 5010 to a repeated one.
        api_.post(
            "customer", update,
            item.command.key + "-u" + std::to_string(attempt) + "-" + field(existing, "SyncToken"));
        break;
      } catch (const QboFault& f) {
        if (f.fault().code == "5010" && attempt == 1) {
          host_.log(LH_LOG_INFO, "qbo: stale SyncToken on customer " + id + "; re-reading");
          existing = api_.get("customer/" + id).value("Customer", Json::object());
          continue;
        }
        host_.log(LH_LOG_WARN,
                  "qbo: could not update the e-mail of customer " + id + ": " + f.what());
        break;
      }
    }
  }
  answer(item, LH_OK, id, {});
}

// --- lookups
// --------------------------------------------------------------------------------------

size_t QboDelivery::lookup(const std::vector<Item*>& items) {
  size_t found = 0;
  std::map<std::string, std::vector<Item*>> byEntity;
  for (Item* item : items) {
    if (!item->answered) {
      byEntity[item->request.entity].push_back(item);
    }
  }
  for (auto& [entity, group] : byEntity) {
    if (entity == "Customer") {
      for (Item* item : group) {
        const Json r = api_.query("SELECT * FROM Customer WHERE DisplayName = " +
                                  quoteQuery(field(item->request.body, "DisplayName")) +
                                  " AND Active IN (true, false)");
        const Json& list = rows(r, "Customer");
        if (!list.empty()) {
          answer(*item, LH_OK, field(list.front(), "Id"), {});
          ++found;
        }
      }
      continue;
    }
    int64_t since = host_.nowMs();
    for (Item* item : group) {
      const Json& record = inflight_.value(item->command.key, Json::object());
      since = std::min(since, record.value("at_ms", since));
    }
    std::map<std::string, Item*> byMarker;
    for (Item* item : group) {
      byMarker[markerOf(item->command.key)] = item;
    }
    for (int64_t start = 1;; start += kPage) {
      const Json r = api_.query("SELECT * FROM " + entity + " WHERE MetaData.CreateTime >= " +
                                quoteQuery(utcTime(since - kLookupSlackMs)) +
                                " ORDERBY MetaData.CreateTime STARTPOSITION " +
                                std::to_string(start) + " MAXRESULTS " + std::to_string(kPage));
      const Json& list = rows(r, entity);
      for (const auto& obj : list) {
        const std::string note = field(obj, "PrivateNote");
        const size_t at = note.find("ledgerhost:");
        if (at == std::string::npos) {
          continue;
        }
        auto it = byMarker.find(note.substr(at, note.find(' ', at) - at));
        if (it != byMarker.end() && !it->second->answered) {
          host_.log(LH_LOG_INFO, "qbo: found " + entity + " " + field(obj, "Id") +
                                     " written by an earlier attempt; not creating it again");
          answer(*it->second, LH_OK, field(obj, "Id"), {});
          ++found;
        }
      }
      if (static_cast<int>(list.size()) < kPage) {
        break;
      }
    }
  }
  std::vector<Item*> done;
  for (Item* item : items) {
    if (item->answered) {
      done.push_back(item);
    }
  }
  clearInflight(done);
  return found;
}

// --- references
// -----------------------------------------------------------------------------------

std::string QboDelivery::refId(const std::string& entity, const std::string& nameOrId,
                               const std::string& option) {
  if (allDigits(nameOrId)) {
    return nameOrId;
  }
  const std::string cacheKey = entity + "|" + nameOrId;
  if (auto it = refs_.find(cacheKey); it != refs_.end()) {
    return it->second;
  }
  const std::string nameField = entity == "Customer"  ? "DisplayName"
                                : entity == "Account" ? "FullyQualifiedName"
                                                      : "Name";
  const Json r =
      api_.query("SELECT * FROM " + entity + " WHERE " + nameField + " = " + quoteQuery(nameOrId));
  const Json& list = rows(r, entity);
  if (list.empty()) {
    throw ledgerhost::Error(LH_E_PERMANENT, "qbo: QBO has no active " + entity + " named '" +
                                                nameOrId + "' (option '" + option + "')");
  }
  const std::string id = field(list.front(), "Id");
  refs_[cacheKey] = id;
  return id;
}

std::string QboDelivery::invoiceCustomer(const std::string& invoiceId) {
  const std::string cacheKey = "Invoice.CustomerRef|" + invoiceId;
  if (auto it = refs_.find(cacheKey); it != refs_.end()) {
    return it->second;
  }
  const Json r = api_.get("invoice/" + invoiceId);
  const std::string id =
      field(r.value("Invoice", Json::object()).value("CustomerRef", Json::object()), "value");
  if (id.empty()) {
    throw ledgerhost::Error(LH_E_PERMANENT, "qbo: invoice " + invoiceId + " has no customer");
  }
  refs_[cacheKey] = id;
  return id;
}

}  // namespace lh::qbo
