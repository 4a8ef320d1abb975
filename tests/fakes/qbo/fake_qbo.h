// FakeQbo: a wire-exact fake of the QuickBooks Online Accounting API and Intuit's OAuth 2.0 token
// endpoint, on loopback.
//
// Real HTTP (FakeServer, cpp-httplib) on 127.0.0.1:<ephemeral>; one server answers both the API
// (baseUrl()) and OAuth (tokenUrl(), authUrl()). Bodies follow the recorded sandbox traffic in
// tests/fixtures/qbo (entity envelopes {"<Entity>": {...}, "time"}, QueryResponse,
// BatchItemResponse, CDCResponse, Fault/Error with string codes, the lowercase fault/error body of
// a 401, the XML throttle body) and Intuit's token responses. What it speaks:
//   - OAuth: GET /connect/oauth2 (consent: 302 to redirect_uri with code, state, realmId) and
//     POST /oauth2/v1/tokens/bearer (form body, HTTP Basic client_id:client_secret) with
//     grant_type=authorization_code (a code from the consent or issueAuthorizationCode(), once) and
//     grant_type=refresh_token (rotating the refresh token unless Options::rotateRefreshTokens is
//     false; the old one is then refused). A refused code or refresh token gets 400 with the
//     fixture's {"error_description":"Token invalid","error":"invalid_grant"}; wrong client
//     credentials 401 {"error":"invalid_client"}.
//   - API auth: `Authorization: Bearer <access token>`; a missing, unknown or expired token gets
//   401
//     with the recorded lowercase body (fault.error[].code "3200", time in epoch ms). A realm other
//     than Options::realmId gets 403 (AuthorizationFault 3100).
//   - /v3/company/{realm}/{entity} POST (create; update when the body has an Id, sparse or full;
//     ?operation=delete) and GET /v3/company/{realm}/{entity}/{id}, for Customer, Invoice, Payment,
//     RefundReceipt, CreditMemo, Deposit, JournalEntry, Account and Item: Id, SyncToken (checked on
//     update: 5010 Stale Object Error), MetaData, computed TotalAmt/Balance, required fields and
//     references validated with QBO's fault codes (2020 required param missing, 2500 invalid
//     reference, 6240 duplicate name for Customer/Account/Item, 6000 unbalanced journal entry).
//     Amounts keep their exact decimal text (parsed from the raw JSON token, never via double).
//   - /v3/company/{realm}/query (GET ?query= or POST application/text): SELECT * | COUNT(*) FROM
//     <Entity> [WHERE f op v [AND ...]] [ORDERBY f [ASC|DESC]] [STARTPOSITION n] [MAXRESULTS n]
//     (either order; MAXRESULTS 1..1000, default 100), ops = < > <= >= IN LIKE; names compared
//     case-insensitively; Customer/Account/Item active only unless the query names Active.
//   - /v3/company/{realm}/batch: BatchItemRequest (create/update/delete/Query items with bId) →
//     BatchItemResponse with per-item Faults; more than Options::maxBatchItems items is refused
//     whole (400 ValidationFault 6000).
//   - /v3/company/{realm}/cdc?entities=A,B&changedSince=<ISO>: CDCResponse of objects changed at or
//     after the time, deletions as {"Id", "status":"Deleted", "MetaData"}; at most 1000 per entity.
//   - `requestid` on writes and batches: when Options::honourRequestId, a repeated id (same path)
//     replays the first response without acting again; ids over 50 chars (36 for a batch) get 400.
//   - `minorversion`: below 75 is refused (400, as Intuit does since 2025-08-01).
// Faults (applied before routing, through the FakeServer underneath or the helpers below): 401
// 3200, 429, the 3001 throttle as XML (HTTP 429 or 403) or JSON, 5010 on the next updates, 5xx,
// "commits the write and then drops the connection". With Options::limits.enforce the fake also
// throttles on its own clock (500 requests/min, 40 batches/min, 10 in flight per realm).
//
// Clock: the fake's time is Options::startMs plus elapsed real time times Options::timeScale
// (0 freezes it; throttle tests run a minute in a second at 60), plus advance(). MetaData times,
// token expiry, CDC and the throttle windows all use it. Times are written at -08:00 (Pacific).
//
// Thread safety: every public method may be called from any thread while the server runs; the data
// set is guarded by one mutex shared with the request handlers.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "fakes/fake_server.h"

namespace lh::fakes {

class FakeQbo {
 public:
  // QBO's published limits, enforced by the fake itself when `enforce` (off by default, so tests
  // that are not about throttling are not throttled).
  struct Limits {
    bool enforce = false;
    int requestsPerMinute = 500;  // per realm, batches included
    int batchesPerMinute = 40;    // per realm and app
    int maxInFlight = 10;         // concurrent requests per realm and app
    // How a throttled request is answered: 429 or 403, XML (as QBO has been seen to send it even
    // to a JSON request) or the JSON Fault shape.
    int throttleStatus = 429;
    bool throttleAsXml = true;
  };

  struct Options {
    std::string realmId = "9130350000";
    std::string clientId = "ABfakeQboClientId0123456789abcdefghijklmnopq";
    std::string clientSecret = "fakeQboClientSecret0123456789abcdefghij";
    int64_t accessTokenTtlSeconds = 3600;
    int64_t refreshTokenTtlSeconds = 8'726'400;
    bool rotateRefreshTokens = true;
    bool honourRequestId = true;
    size_t maxBatchItems = 30;
    // The fake clock: start (2026-02-01T00:00:00Z) and speed.
    int64_t startMs = 1'769'904'000'000;
    double timeScale = 1.0;
    Limits limits;
    // Creates the chart a delivery needs: accounts Checking (Bank), Stripe Clearing (Bank),
    // Undeposited Funds, Sales of Product Income, Services (Income), Bank Charges (Expense), and
    // the Service item "Services" (income account Services).
    bool seedDefaults = true;
    // Directory holding the QBO fixtures; empty: tests/fixtures/qbo of the source tree.
    std::string fixturesDir;
    FakeServer::Options server;
  };

  // A token pair as the token endpoint issued it.
  struct Tokens {
    std::string accessToken;
    std::string refreshToken;
  };

  // Entity names the fake serves, as QBO spells them (the URL segment is the lower-case form).
  static const std::vector<std::string>& entities();

  FakeQbo();
  explicit FakeQbo(Options options);
  ~FakeQbo();
  FakeQbo(const FakeQbo&) = delete;
  FakeQbo& operator=(const FakeQbo&) = delete;

  Status start();
  void stop();
  FakeServer& server() { return server_; }
  const Options& options() const { return options_; }
  // API root, as config base_url: "http://127.0.0.1:<port>".
  std::string baseUrl() const { return server_.baseUrl(); }
  std::string tokenUrl() const { return server_.baseUrl() + "/oauth2/v1/tokens/bearer"; }
  std::string authUrl() const { return server_.baseUrl() + "/connect/oauth2"; }
  const std::string& realmId() const { return options_.realmId; }

  // --- OAuth -------------------------------------------------------------------------------------
  // A fresh authorization code (valid 10 minutes, once), as the consent redirect would carry it.
  std::string issueAuthorizationCode();
  // Issues a token pair directly, as if a consent and code exchange had happened.
  Tokens issueTokens();
  // Every access token issued so far expires now (a 401 3200 on its next use).
  void expireAccessTokens();
  // Every refresh token issued so far is refused (invalid_grant), as after a revoke.
  void revokeRefreshTokens();
  // The refresh token issued last ("" before any).
  std::string latestRefreshToken() const;
  // Whether `refreshToken` would be accepted now.
  bool refreshTokenValid(const std::string& refreshToken) const;
  // Token endpoint calls by grant type ("authorization_code", "refresh_token").
  size_t tokenRequests(std::string_view grantType) const;

  // --- clock -------------------------------------------------------------------------------------
  int64_t nowMs() const;
  void advance(std::chrono::milliseconds by);
  // The fake clock as QBO writes times: "2026-02-01T00:00:00-08:00"-style for `ms`.
  static std::string qboTime(int64_t ms);

  // --- data --------------------------------------------------------------------------------------
  // Adds an object of `entity` as if created in QuickBooks (Id, SyncToken "0", MetaData assigned;
  // no validation); returns its Id. Amounts may be given as JSON numbers or decimal strings.
  std::string add(const std::string& entity, nlohmann::ordered_json object);
  // A manual change in QuickBooks: merges `changes` into the object, bumps SyncToken and
  // LastUpdatedTime. False when unknown.
  bool modify(const std::string& entity, const std::string& id,
              const nlohmann::ordered_json& changes);
  // The object as stored, or null when unknown. Non-integer amounts come back as decimal strings
  // holding the exact text the API writes as a number ("100.00"), so tests compare them exactly.
  nlohmann::ordered_json object(const std::string& entity, const std::string& id) const;
  // Every live object of `entity`, in Id order.
  std::vector<nlohmann::ordered_json> objects(const std::string& entity) const;
  size_t count(const std::string& entity) const;
  // The Id of the live object of `entity` whose Name (Account, Item) or DisplayName (Customer) is
  // `name`, or "".
  std::string idByName(const std::string& entity, const std::string& name) const;

  // --- faults ------------------------------------------------------------------------------------
  // 429 with the JSON throttle Fault (3001) for the next `times` requests matching `pathRegex`.
  void injectRateLimit(int times = 1, std::string pathRegex = {});
  // The 3001 throttle as XML (fault_429_throttle_3001.xml) with HTTP `status` (429 or 403).
  void injectXmlThrottle(int status, int times = 1, std::string pathRegex = {});
  // 401 with the recorded 3200 body, whatever token was sent.
  void injectUnauthorized(int times = 1, std::string pathRegex = {});
  // The next `times` updates answer 5010 Stale Object Error even with a current SyncToken.
  void injectStaleObject(int times = 1);
  // 5xx with a JSON Fault body; the handler does not run.
  void injectServerError(int status = 500, int times = 1, std::string pathRegex = {});
  // The handler runs (the write commits, requestid recorded) and the connection is closed without
  // an answer: "succeeded but the response was lost".
  void injectDropAfterCommit(int times = 1, std::string pathRegex = {});

  // --- request log -------------------------------------------------------------------------------
  std::vector<FakeRequest> requests() const { return server_.requests(); }
  size_t requestCount() const { return server_.requestCount(); }
  // Requests under /v3/company/{realm}/ whose next path segment is `segment` ("batch", "query",
  // "invoice", "cdc", ...), any method.
  size_t apiRequests(std::string_view segment) const;
  // POSTs that write (entity and batch endpoints; queries and reads not counted).
  size_t writeRequests() const;
  void clearRequests() { server_.clearRequests(); }

 private:
  struct Store;

  void installRoutes();
  Options options_;
  FakeServer server_;
  std::unique_ptr<Store> store_;
};

}  // namespace lh::fakes
