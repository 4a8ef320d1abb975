#include "qbo_webhook.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cctype>

#include "qbo_json.h"
#include "qbo_util.h"

namespace lh::qbo {
namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) {
    s.remove_suffix(1);
  }
  return std::string(s);
}

std::string str(const Json& o, const char* key) {
  if (!o.is_object()) {
    return {};
  }
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "invoice" → "Invoice", "refundreceipt" → "RefundReceipt" for the entities QBO names in lower case
// in CloudEvents types.
std::string entityName(std::string lower) {
  static const char* kNames[] = {"Customer",   "Invoice", "Payment",      "RefundReceipt",
                                 "CreditMemo", "Deposit", "JournalEntry", "Account",
                                 "Item",       "Vendor",  "SalesReceipt", "Bill",
                                 "Estimate",   "Class",   "Employee"};
  for (const char* n : kNames) {
    std::string l = n;
    for (char& c : l) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (l == lower) {
      return n;
    }
  }
  if (!lower.empty()) {
    lower[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(lower[0])));
  }
  return lower;
}

}  // namespace

bool verifyIntuitSignature(std::string_view verifierToken, std::string_view body,
                           std::string_view signature) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int macLen = 0;
  if (HMAC(EVP_sha256(), verifierToken.data(), static_cast<int>(verifierToken.size()),
           reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac,
           &macLen) == nullptr) {
    return false;
  }
  const std::string expected =
      base64Encode(std::string_view(reinterpret_cast<const char*>(mac), macLen));
  const std::string given = trim(signature);
  return given.size() == expected.size() &&
         CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

std::optional<Notification> parseNotification(std::string_view body) {
  auto json = parseExact(body);
  if (!json) {
    return std::nullopt;
  }
  Notification out;
  if (json->is_object() && json->contains("eventNotifications")) {
    out.eventId = sha256Hex(body);
    for (const auto& n : (*json)["eventNotifications"]) {
      const std::string realm = str(n, "realmId");
      const Json& change = n.is_object() ? n.value("dataChangeEvent", Json::object()) : Json();
      for (const auto& e : change.value("entities", Json::array())) {
        ChangedEntity c{realm, str(e, "name"), str(e, "id"), str(e, "operation"), 0};
        c.lastUpdatedMs = parseTimeMs(str(e, "lastUpdated")).value_or(0);
        out.entities.push_back(std::move(c));
      }
    }
    return out;
  }
  if (json->is_array()) {
    std::string ids;
    for (const auto& e : *json) {
      // type: qbo.<entity>.<operation>.v1
      const std::string type = str(e, "type");
      const size_t a = type.find('.');
      const size_t b = type.find('.', a + 1);
      const size_t c = type.find('.', b + 1);
      if (a == std::string::npos || b == std::string::npos || c == std::string::npos) {
        continue;
      }
      ChangedEntity ch{str(e, "intuitaccountid"), entityName(type.substr(a + 1, b - a - 1)),
                       str(e, "intuitentityid"), type.substr(b + 1, c - b - 1), 0};
      ch.lastUpdatedMs = parseTimeMs(str(e, "time")).value_or(0);
      ids += str(e, "id") + ",";
      out.entities.push_back(std::move(ch));
    }
    out.eventId = json->size() == 1 ? str(json->front(), "id") : sha256Hex(ids);
    return out;
  }
  return std::nullopt;
}

}  // namespace lh::qbo
