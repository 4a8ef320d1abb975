// FakeStripe: a wire-exact fake of the Stripe REST API (the read side a ledger needs) on loopback.
//
// Real HTTP (FakeServer, cpp-httplib) on 127.0.0.1:<ephemeral>. Every object it serves is built
// from the verbatim fixtures in tests/fixtures/stripe (charge.json, balance_transaction.json,
// payout.json, ...) with only ids, amounts, currencies, timestamps and links changed, so the
// connector parses exactly the shapes Stripe sends. What it speaks:
//   - GET /v1/{payouts,balance_transactions,charges,refunds,disputes,invoices,credit_notes,
//     customers} as list envelopes {"object":"list","url","has_more","data"}, newest first
//     (created desc, then most recently added first), `limit` 1..100 (default 10),
//     `starting_after` / `ending_before` (mutually exclusive), `created[gte|gt|lte|lt]` (and a
//     bare `created=<ts>`), `expand[]=data.source` on balance transactions,
//     `expand[]=data.balance_transaction` on charges and refunds, `payout=po_...` on balance
//     transactions, `charge=ch_...` on refunds and disputes, `customer=` on charges, invoices and
//     credit notes, `invoice=` on credit notes;
//   - GET /v1/<kind>/<id> (with `expand[]=source` on a balance transaction and
//     `expand[]=balance_transaction` on a charge or refund), 404 resource_missing otherwise;
//   - `Authorization: Bearer <key>` (or HTTP Basic with the key as user name); a missing or wrong
//     key gets 401 with Stripe's error body (the key masked as Stripe masks it);
//   - Stripe's 400 invalid_request_error for bad parameters (limit out of range, both cursors,
//     unknown cursor object, malformed timestamps);
//   - a `Request-Id` header on every answer.
// Faults are scripted through the FakeServer underneath (server().inject(...)) or the helpers
// below (429 with the rate-limit fixture body, 5xx, truncated and malformed bodies).
//
// The data set is built deterministically through the builder methods (addCharge, addRefund,
// addDispute, addStripeFee, addPayout, addInvoice, ...): ids are derived from a counter, so two
// runs of the same test see the same ids. Objects can change after creation (payInvoice,
// voidInvoice, failPayout, closeDispute), which is what the connector's look-back must catch.
//
// Thread safety: every public method may be called from any thread while the server runs; the
// data set is guarded by one mutex shared with the request handlers.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "fakes/fake_server.h"

namespace lh::fakes {

class FakeStripe {
 public:
  struct Options {
    // The only key the fake accepts.
    std::string apiKey = "sk_test_4eC39HqLyjWDarjtT1zdp7dc";
    // Directory holding the Stripe fixtures (charge.json, payout.json, ...).
    std::string fixturesDir;
    FakeServer::Options server;
  };

  // A charge and its balance transaction.
  struct ChargeSpec {
    int64_t amount = 0;            // presentment amount in Stripe's minor units
    std::string currency = "usd";  // presentment currency (lower case, as Stripe writes it)
    int64_t created = 0;
    // Settlement (the balance transaction) when it differs from the presentment currency: the
    // settled amount in Stripe minor units of settlementCurrency, and the rate as Stripe shows
    // it (written as a bare JSON number token from this text, digit for digit).
    std::string settlementCurrency{};  // empty: same as currency
    int64_t settledAmount = 0;
    std::string exchangeRate{};
    // Stripe's processing fee (a stripe_fee fee_details entry) in the settlement currency; < 0:
    // 2.9% + 30 of the settled amount, rounded down.
    int64_t fee = -1;
    // An application_fee fee_details entry (Connect), 0 for none.
    int64_t applicationFee = 0;
    std::string customer{};     // cus_... or empty
    std::string description{};  // empty: the fixture's
    int64_t availableOn = 0;    // 0: created + 2 days
  };

  struct Created {
    std::string id;                  // ch_, re_, dp_, po_, in_, ...
    std::string balanceTransaction;  // its txn_, when it has one
  };

  // Payout of balance transactions. `transactions` empty: every balance transaction not yet in a
  // payout, created at or before `created` (payout BTs excluded). The payout amount is the sum of
  // their `net`; a `payout` balance transaction of -amount is added (and is returned by the
  // `payout=` filter too, as the fixtures show).
  struct PayoutSpec {
    int64_t created = 0;
    int64_t arrivalDate = 0;  // 0: created + 1 day
    std::string status = "paid";
    std::string traceId{};  // trace_id.value; empty: null with status "pending"
    std::string currency = "usd";
    std::vector<std::string> transactions{};
  };

  struct InvoiceLineSpec {
    int64_t amount = 0;
    int64_t periodStart = 0;
    int64_t periodEnd = 0;
    std::string description{};
  };

  struct InvoiceSpec {
    std::string customer{};
    int64_t created = 0;
    std::string currency = "usd";
    std::string status = "open";  // draft, open, paid, void, uncollectible
    int64_t dueDate = 0;          // 0: null
    int64_t paidAt = 0;           // for status paid; 0: created
    std::vector<InvoiceLineSpec> lines{};
    int64_t tax = 0;  // added on top of the lines' sum
    std::string number{};
  };

  FakeStripe();
  explicit FakeStripe(Options options);
  ~FakeStripe();
  FakeStripe(const FakeStripe&) = delete;
  FakeStripe& operator=(const FakeStripe&) = delete;

  Status start();
  void stop();
  FakeServer& server() { return server_; }
  std::string baseUrl() const { return server_.baseUrl(); }
  const std::string& apiKey() const { return options_.apiKey; }

  // --- data set builder (deterministic ids) ----------------------------------------------------
  std::string addCustomer(int64_t created, std::string name, std::string email);
  Created addCharge(const ChargeSpec& spec);
  // A refund of `chargeId` and its balance transaction (-amount, in the charge's settlement
  // currency; converted with the charge's rate when the charge was settled in another currency).
  Created addRefund(const std::string& chargeId, int64_t amount, int64_t created);
  // A dispute of `chargeId` and its withdrawal balance transaction (type adjustment,
  // reporting_category dispute, -amount with a `fee` dispute fee), embedded in the dispute's
  // `balance_transactions` as Stripe does.
  Created addDispute(const std::string& chargeId, int64_t amount, int64_t fee, int64_t created);
  // A fee billed on its own (type stripe_fee, reporting_category fee, -amount, source null).
  Created addStripeFee(int64_t amount, int64_t created, std::string description,
                       std::string currency = "usd");
  // Any other balance change (type adjustment, source null): signed `amount` in Stripe minor
  // units, no fee; `category` is its reporting_category (e.g. other_adjustment).
  Created addAdjustment(int64_t amount, int64_t created, std::string description,
                        std::string category = "other_adjustment", std::string currency = "usd");
  Created addPayout(const PayoutSpec& spec);
  std::string addInvoice(const InvoiceSpec& spec);
  std::string addCreditNote(const std::string& invoiceId, int64_t amount, int64_t created);

  // --- later changes (what the look-back must catch) --------------------------------------------
  void payInvoice(const std::string& invoiceId, int64_t paidAt);
  void voidInvoice(const std::string& invoiceId, int64_t voidedAt);
  // Marks the payout failed (failure_code) and adds its payout_failure balance transaction.
  void failPayout(const std::string& payoutId, const std::string& failureCode, int64_t at);
  // Closes the dispute as "won" (adds the dispute_reversal balance transaction) or "lost".
  void closeDispute(const std::string& disputeId, const std::string& status, int64_t at);

  // --- access -----------------------------------------------------------------------------------
  // The stored object (a copy), or null json when unknown. `kind` is the URL segment, e.g.
  // "charges". As a client parsing the served body sees it: an exchange_rate is a JSON number (a
  // double here, however many digits the wire token has).
  nlohmann::ordered_json object(const std::string& kind, const std::string& id) const;
  // Every stored object of a kind, newest first (as a list would return them). Objects keep the
  // fixtures' key order (ordered_json), as Stripe's own serialiser does.
  std::vector<nlohmann::ordered_json> objects(const std::string& kind) const;
  // Replaces (or adds) an object of `kind` as is.
  void putObject(const std::string& kind, nlohmann::ordered_json object);

  // --- faults (FakeServer faults with Stripe's own bodies and headers) ---------------------------
  // 429 with error_rate_limit_429.assembled.json; `shouldRetry` sets Stripe-Should-Retry.
  void injectRateLimit(int times = 1, std::optional<bool> shouldRetry = std::nullopt,
                       std::string pathRegex = {});
  // A 5xx with Stripe's api_error body.
  void injectServerError(int status = 500, int times = 1,
                         std::optional<bool> shouldRetry = std::nullopt,
                         std::string pathRegex = {});
  // Sends only `keepBytes` of the real answer's body, then closes the connection.
  void injectTruncated(size_t keepBytes, int times = 1, std::string pathRegex = {});
  // 200 with a body that is not JSON (cut in the middle of an object).
  void injectMalformed(int times = 1, std::string pathRegex = {});
  // 400 invalid_request_error with `message` (and `param`).
  void injectInvalidRequest(std::string message, std::string param = {}, int times = 1,
                            std::string pathRegex = {});

  // --- request log
  // ----------------------------------------------------------------------------------
  std::vector<FakeRequest> requests() const { return server_.requests(); }
  size_t requestCount() const { return server_.requestCount(); }
  // Requests to exactly this path (e.g. "/v1/balance_transactions"), any query.
  size_t requestCount(std::string_view path) const { return server_.requestCount("GET", path); }
  void clearRequests() { server_.clearRequests(); }

 private:
  struct Store;

  void installRoutes();
  void handleList(const std::string& kind, const FakeRequest& req, FakeResponse& res);
  void handleGet(const std::string& kind, const std::string& id, const FakeRequest& req,
                 FakeResponse& res);
  bool authorized(const FakeRequest& req, FakeResponse& res) const;

  Options options_;
  FakeServer server_;
  std::unique_ptr<Store> store_;
};

}  // namespace lh::fakes
