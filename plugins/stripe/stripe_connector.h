// StripeConnector: reads a Stripe account (payouts and the balance transactions that make them
// up, charges, refunds, disputes, invoices, credit notes, customers) and verifies and handles
// Stripe webhooks. See README.md for the event mapping (stripe_events.h has the details).
//
// Streams and what one `read` does (one list page per read, one checkpoint per read):
//   payouts               a page of payouts (at most 10); for each, every balance transaction of
//                         it through `GET /v1/balance_transactions?payout=po_…&expand[]=data.source
//                         &limit=100` (paged): 1 + ceil(n/100) requests per payout, no per-charge
//                         fetch. Emits the money events (links.payout) and then the payout event.
//                         With `money_from: balance_transactions` only the payout events.
//   balance_transactions  every balance transaction (expand[]=data.source), without a payout link;
//                         only with `money_from: balance_transactions` (accounts on manual payouts,
//                         where Stripe's payout= filter does not work). Otherwise it reads nothing,
//                         so one connection never emits the same balance transaction twice with
//                         different links.
//   charges, refunds, disputes   metadata events (status, links; no money fields).
//   invoices, credit_notes, customers   invoice / credit_note / customer events.
//
// Cursor (opaque to the host, JSON): every stream pages newest first inside a fixed window
// `created[gte]=G & created[lte]=L`, continuing with `starting_after=<last id of the page>`:
//   {"v":1,"window":{"gte":G,"lte":L},"starting_after":"…"}   more pages of this window follow
//   {"v":1,"synced_upto":L}                                    the window is done
// A new window starts at max(start_date, synced_upto - lookback_days) and ends at the host clock's
// now. Because the window's end is fixed while it is paged, pages do not shift; because the next
// window starts with `gte` on the previous end (minus the look-back), an object created in the same
// second as an edge is read again rather than missed (the host drops identical events by
// checksum), and objects that changed within the look-back become new event versions. A read
// builds every event of its page before emitting any, so a failed read emits nothing; the host
// commits the events with the cursor, so a resumed read neither skips nor repeats.
// The engine may also pass {"since":"YYYY-MM-DD"} (`sync --since`) or an empty cursor (`--full`:
// from start_date).
//
// Thread safety: one instance per connection, [instance-serial] like every plugin entry point.
// No global state, so two hosts in one process may each hold instances.
#pragma once

#include <cstdint>
#include <ledgerhost/plugin.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "stripe_api.h"

namespace lh::stripe {

// The streams `read` accepts, in descriptor order; NULL-terminated. A plugin static.
extern const char* const kStreams[];

class StripeConnector : public ledgerhost::Connector {
 public:
  // Takes in the connection's config (see config.schema.json). Throws
  // ledgerhost::Error(LH_E_INVALID_CONFIG) for a config without a usable `api_key` (naming the key,
  // never its value) or with an unusable value. Does no I/O.
  StripeConnector(ledgerhost::Host host, std::string_view config_json);

  void read(std::string_view stream, std::string_view cursor_json) override;

  // Stripe-Signature against `webhook_secrets` with `webhook_tolerance_seconds`; see
  // webhook_signature.h. LH_E_INVALID_ARGUMENT when not authentic.
  void verifyWebhook(const std::vector<ledgerhost::Header>& headers,
                     std::string_view body) override;

  // Handles charge.succeeded, charge.refunded, charge.dispute.created/closed, payout.paid/failed,
  // invoice.finalized/paid/voided, credit_note.created, customer.created/updated (with
  // `webhook_fetch` the object is re-read by id first); responds {"event_id","event_type"} for
  // every delivery and emits nothing for other types.
  void handleWebhook(const std::vector<ledgerhost::Header>& headers,
                     std::string_view body) override;

  // "test" or "live", from the key prefix.
  const std::string& mode() const { return mode_; }

 private:
  struct Window {
    int64_t gte = 0;
    int64_t lte = 0;
    std::string startingAfter;
  };

  Window startWindow(std::string_view cursorJson) const;
  // Lists one page of `kind` in `window`; `extra` is appended to the query.
  nlohmann::json listPage(const std::string& kind, const Window& window, const QueryParams& extra,
                          int64_t limit) const;
  // Every balance transaction event of payout `payoutId` (all pages).
  void composePayout(const std::string& payoutId, std::vector<nlohmann::json>* events) const;
  void emitAll(const std::vector<nlohmann::json>& events) const;
  void moneyEventsOfBalanceTransactions(const nlohmann::json& list,
                                        std::vector<nlohmann::json>* events) const;

  nlohmann::json config_;
  std::string apiKey_;
  std::string mode_;
  StripeApi api_;
  int64_t pageSize_ = 100;
  int64_t startDate_ = 0;
  int64_t lookbackSeconds_ = 7 * 86'400;
  std::string moneyFrom_ = "payouts";
  std::vector<std::string> webhookSecrets_;
  int64_t webhookTolerance_ = 300;
  bool webhookFetch_ = true;
  mutable bool announced_ = false;
};

}  // namespace lh::stripe
