// QboDelivery: runs `execute` for the QBO connector (docs/delivery.md).
//
// For each call:
//  1. Builds every command's QBO object (qbo_entities.h); a command that waits for a dependency or
//     cannot be mapped is answered at once, alone.
//  2. Commands whose idempotency key is in the in-flight record (kInflightKey: a write of it was
//     sent and its outcome never learnt) are first looked up in QBO by their marker — a Customer by
//     its DisplayName, anything else by "ledgerhost:<key>" in PrivateNote among objects created
//     since the attempt — and answered with the object found instead of being created again.
//  3. The rest is sent: one command as a single create, two or more through /batch, batch_size
//     items a request. When QBO refuses a batch as a whole (a 400 fault on a multi-item batch), the
//     batch size is halved for the rest of this instance's life and the items are sent again.
//     The in-flight record is written (statePut) before each send and cleared once the answer is
//     known.
//  4. Answers: a created object → status 0 with its Id and entity; a Customer name taken (6240) →
//     the existing customer (its e-mail brought up to date with a sparse update, which re-reads and
//     retries once on a stale SyncToken, 5010); a fault → QBO's message, that command alone
//     (LH_E_PERMANENT, LH_E_CONFLICT for 5010); a throttle → LH_E_RATE_LIMITED; no answer →
//     looked up once more at once, else LH_E_TRANSIENT. LH_E_AUTH_REQUIRED stops the whole call.
//
// requestid: "<idempotency key>-<first 8 hex of SHA-256 of the body>" for a single write (QBO
// replays the first answer to a repeated requestid, so a corrected body must not reuse it), and the
// first 32 hex of SHA-256 over the keys and bodies for a batch (Intuit allows 36 there); bIds are
// "c0".."c29" (10 characters at most with a requestid).
//
// Thread safety: [instance-serial].
#pragma once

#include <ledgerhost/plugin.hpp>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "qbo_api.h"
#include "qbo_config.h"
#include "qbo_entities.h"

namespace lh::qbo {

// State key of the in-flight record: {"<idempotency key>": {"entity": "Invoice", "at_ms": N}}.
inline constexpr std::string_view kInflightKey = "delivery.inflight";

class QboDelivery : public RefResolver {
 public:
  QboDelivery(ledgerhost::Host host, const QboConfig& config, QboApi& api);

  void execute(std::string_view commandsJson);

  // RefResolver (cached for the instance's life).
  std::string refId(const std::string& entity, const std::string& nameOrId,
                    const std::string& option) override;
  std::string invoiceCustomer(const std::string& invoiceId) override;

  // The batch size in use (config.batch_size until QBO refused a size).
  int batchSize() const { return batchSize_; }

 private:
  struct Item {
    Command command;
    EntityRequest request;
    bool answered = false;
  };

  void answer(Item& item, lh_status status, const std::string& targetId,
              const std::string& message);
  void answerCommand(const Command& command, lh_status status, const std::string& message);

  Json loadInflight();
  void saveInflight();
  void markInflight(const std::vector<Item*>& items);
  void clearInflight(const std::vector<Item*>& items);

  // Answers the items found in QBO by their marker; returns how many were found.
  size_t lookup(const std::vector<Item*>& items);
  void send(const std::vector<Item*>& items);
  void sendOne(Item& item);
  void sendBatch(const std::vector<Item*>& items);
  // After a lost answer: look the items up now; answer the rest LH_E_TRANSIENT with `why`.
  void resolveAmbiguous(const std::vector<Item*>& items, const std::string& why);
  // Answers `item` from a created object or a per-item fault.
  void settle(Item& item, const Json* created, const FaultInfo* fault, int httpStatus);
  void adoptExistingCustomer(Item& item);

  ledgerhost::Host host_;
  const QboConfig& config_;
  QboApi& api_;
  int batchSize_;
  Json inflight_;
  std::map<std::string, std::string> refs_;  // "Entity|name" → Id
};

}  // namespace lh::qbo
