// Intuit webhook deliveries: signature and notification body.
//
// `intuit-signature` is base64(HMAC-SHA256(key = the app's verifier token, message = the raw
// body)); verifyIntuitSignature() recomputes it and compares in constant time (CRYPTO_memcmp).
// parseNotification() reads both payload formats Intuit sends: the legacy
// {"eventNotifications":[{"realmId","dataChangeEvent":{"entities":[{name,id,operation,lastUpdated}]}}]}
// and the CloudEvents array [{"id","type":"qbo.<entity>.<operation>.v1","intuitentityid",
// "intuitaccountid","time"}].
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lh::qbo {

// True when `signature` (the header value, base64) is the HMAC of `body` under `verifierToken`.
bool verifyIntuitSignature(std::string_view verifierToken, std::string_view body,
                           std::string_view signature);

struct ChangedEntity {
  std::string realmId;
  std::string name;  // "Invoice", as QBO spells it
  std::string id;
  std::string operation;      // Create, Update, Delete, Merge, Void, Emailed
  int64_t lastUpdatedMs = 0;  // 0 when absent or unreadable
};

struct Notification {
  std::string eventId;  // CloudEvents id; for the legacy format the body's SHA-256
  std::vector<ChangedEntity> entities;
};

// nullopt when the body is neither format.
std::optional<Notification> parseNotification(std::string_view body);

}  // namespace lh::qbo
