// QboApi: the QuickBooks Online Accounting API of one company (realm), through the host's HTTP.
//
// Every request goes to {base}/v3/company/{realm}/{path}?minorversion=N with
// `Authorization: Bearer`, `Accept: application/json`; writes also carry `requestid`. What comes
// back is sorted here, once, into what the connector acts on:
//   - 200: the body, parsed exactly (qbo_json.h).
//   - 401 (the lowercase fault/error 3200 body): one refresh and one retry; a second 401 is
//     LH_E_AUTH_REQUIRED. 403 ApplicationAuthorizationFailed (3100): LH_E_AUTH_REQUIRED.
//   - 429, or a 3001 ThrottleExceeded fault in any status (QBO sends it as XML even to a JSON
//     request, and has been seen to use HTTP 403): LH_E_RATE_LIMITED.
//   - a Fault body (400): QboFault with QBO's code, message and detail.
//   - 5xx, a body that is not JSON, no answer at all: LH_E_TRANSIENT; for a write that is an
//     AmbiguousWrite (QBO may have committed it), which the connector resolves by looking for its
//     marker before it creates again.
// Writes are sent without LH_HTTP_RETRY_UNSAFE: the host never repeats a write whose request may
// have left; the connector decides (requestid + marker lookup).
//
// Thread safety: [instance-serial].
#pragma once

#include <ledgerhost/plugin.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "qbo_auth.h"
#include "qbo_config.h"
#include "qbo_json.h"

namespace lh::qbo {

// One QBO error (Fault.Error[0] of a JSON or XML body, or the lowercase 401 shape).
struct FaultInfo {
  std::string code;  // "6240", "5010", "3001", ...
  std::string message;
  std::string detail;
  std::string element;
  // "QBO 6240 Duplicate Name Exists Error: The name supplied already exists. : null"
  std::string text() const;
};

// Reads a fault from a JSON body (Fault/Error or fault/error) or an XML IntuitResponse body.
std::optional<FaultInfo> parseFault(std::string_view body);
std::optional<FaultInfo> faultOf(const Json& body);

// A fault QBO answered; code(): LH_E_CONFLICT for 5010 (stale SyncToken), LH_E_RATE_LIMITED for
// 3001, LH_E_PERMANENT otherwise.
class QboFault : public ledgerhost::Error {
 public:
  QboFault(int httpStatus, FaultInfo fault);
  const FaultInfo& fault() const { return fault_; }
  int httpStatus() const { return httpStatus_; }

 private:
  int httpStatus_;
  FaultInfo fault_;
};

// A write whose outcome is unknown (no answer, 5xx, unreadable body after the request left).
class AmbiguousWrite : public ledgerhost::Error {
 public:
  explicit AmbiguousWrite(std::string message)
      : ledgerhost::Error(LH_E_TRANSIENT, std::move(message)) {}
};

// 'text' quoted for a QBO query (apostrophes escaped with a backslash).
std::string quoteQuery(std::string_view text);

class QboApi {
 public:
  using Params = std::vector<std::pair<std::string, std::string>>;

  QboApi(ledgerhost::Host host, const QboConfig& config, QboAuth& auth);

  // GET {company}/{path}?params. Throws as described above.
  Json get(std::string_view path, const Params& params = {});
  // A query: GET {company}/query?query=...; returns the QueryResponse object ({} past the end).
  Json query(std::string_view sql);
  // POST {company}/{path} with `body` (JSON, exact numbers) and `requestId` (may be empty).
  Json post(std::string_view path, const Json& body, std::string_view requestId,
            const Params& params = {});

 private:
  std::string url(std::string_view path, const Params& params, std::string_view requestId) const;
  Json send(const char* method, const std::string& url, const std::string& body, bool write);

  ledgerhost::Host host_;
  const QboConfig& config_;
  QboAuth& auth_;
};

}  // namespace lh::qbo
