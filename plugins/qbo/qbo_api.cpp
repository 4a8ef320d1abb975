#include "qbo_api.h"

#include <tuple>

#include "qbo_util.h"

namespace lh::qbo {
namespace {

// The text between <tag ...> and </tag> in `xml`, or "".
std::string xmlElement(std::string_view xml, std::string_view tag) {
  const std::string open = "<" + std::string(tag);
  size_t at = xml.find(open);
  while (at != std::string_view::npos) {
    const char after = at + open.size() < xml.size() ? xml[at + open.size()] : '\0';
    if (after == '>' || after == ' ') {
      break;
    }
    at = xml.find(open, at + 1);
  }
  if (at == std::string_view::npos) {
    return {};
  }
  const size_t start = xml.find('>', at);
  const size_t end = xml.find("</" + std::string(tag) + ">", start);
  if (start == std::string_view::npos || end == std::string_view::npos) {
    return {};
  }
  return std::string(xml.substr(start + 1, end - start - 1));
}

std::string xmlAttribute(std::string_view xml, std::string_view tag, std::string_view attribute) {
  const size_t at = xml.find("<" + std::string(tag) + " ");
  if (at == std::string_view::npos) {
    return {};
  }
  const size_t end = xml.find('>', at);
  const std::string key = std::string(attribute) + "=\"";
  const size_t a = xml.find(key, at);
  if (a == std::string_view::npos || a > end) {
    return {};
  }
  const size_t close = xml.find('"', a + key.size());
  return std::string(xml.substr(a + key.size(), close - a - key.size()));
}

std::string str(const Json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool isThrottle(const FaultInfo& f) {
  return f.code == "3001" || f.message.find("ThrottleExceeded") != std::string::npos;
}

}  // namespace

std::string FaultInfo::text() const {
  std::string out = "QBO " + (code.empty() ? std::string("fault") : code);
  if (!message.empty()) {
    out += " " + message;
  }
  if (!detail.empty() && detail != message) {
    out += ": " + detail;
  }
  return out;
}

std::optional<FaultInfo> faultOf(const Json& body) {
  if (!body.is_object()) {
    return std::nullopt;
  }
  // 400s write Fault/Error/Message/Detail; 401s write fault/error/message/detail.
  for (const auto& [faultKey, errorKey, messageKey, detailKey] :
       {std::tuple{"Fault", "Error", "Message", "Detail"},
        std::tuple{"fault", "error", "message", "detail"}}) {
    auto f = body.find(faultKey);
    if (f == body.end() || !f->is_object()) {
      continue;
    }
    auto errors = f->find(errorKey);
    if (errors == f->end() || !errors->is_array() || errors->empty()) {
      return FaultInfo{};
    }
    const Json& e = errors->front();
    return FaultInfo{str(e, "code"), str(e, messageKey), str(e, detailKey), str(e, "element")};
  }
  return std::nullopt;
}

std::optional<FaultInfo> parseFault(std::string_view body) {
  size_t first = body.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && body[first] == '<') {
    if (body.find("<Fault") == std::string_view::npos) {
      return std::nullopt;
    }
    return FaultInfo{xmlAttribute(body, "Error", "code"), xmlElement(body, "Message"),
                     xmlElement(body, "Detail"), xmlAttribute(body, "Error", "element")};
  }
  auto json = parseExact(body);
  return json ? faultOf(*json) : std::nullopt;
}

QboFault::QboFault(int httpStatus, FaultInfo fault)
    : ledgerhost::Error(fault.code == "5010" ? LH_E_CONFLICT
                        : isThrottle(fault)  ? LH_E_RATE_LIMITED
                                             : LH_E_PERMANENT,
                        fault.text()),
      httpStatus_(httpStatus),
      fault_(std::move(fault)) {}

std::string quoteQuery(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + "'";
}

QboApi::QboApi(ledgerhost::Host host, const QboConfig& config, QboAuth& auth)
    : host_(host), config_(config), auth_(auth) {}

std::string QboApi::url(std::string_view path, const Params& params,
                        std::string_view requestId) const {
  std::string out = config_.apiBase + "/v3/company/" + config_.realmId + "/" + std::string(path) +
                    "?minorversion=" + std::to_string(config_.minorVersion);
  for (const auto& [k, v] : params) {
    out += "&" + urlEncode(k) + "=" + urlEncode(v);
  }
  if (!requestId.empty()) {
    out += "&requestid=" + urlEncode(requestId);
  }
  return out;
}

Json QboApi::get(std::string_view path, const Params& params) {
  return send("GET", url(path, params, {}), {}, false);
}

Json QboApi::query(std::string_view sql) {
  Json body = get("query", {{"query", std::string(sql)}});
  auto it = body.find("QueryResponse");
  return it != body.end() && it->is_object() ? *it : Json::object();
}

Json QboApi::post(std::string_view path, const Json& body, std::string_view requestId,
                  const Params& params) {
  return send("POST", url(path, params, requestId), dumpExact(body), true);
}

Json QboApi::send(const char* method, const std::string& target, const std::string& body,
                  bool write) {
  std::string token = auth_.accessToken();
  for (int attempt = 1;; ++attempt) {
    std::vector<ledgerhost::Header> headers = {{"Authorization", "Bearer " + token},
                                               {"Accept", "application/json"}};
    if (write) {
      headers.push_back({"Content-Type", "application/json"});
    }
    ledgerhost::Response response;
    try {
      response = host_.http(method, target, headers, body);
    } catch (const ledgerhost::Error& e) {
      if (e.code() == LH_E_RATE_LIMITED) {
        throw ledgerhost::Error(LH_E_RATE_LIMITED,
                                "qbo: the host's rate limiter holds requests to QBO back");
      }
      if (write) {
        throw AmbiguousWrite("qbo: no answer from QBO to a write (it may have been applied)");
      }
      throw ledgerhost::Error(LH_E_TRANSIENT, "qbo: no answer from QBO");
    }
    const int status = response.status;
    const std::optional<FaultInfo> fault = status == 200 ? std::nullopt : parseFault(response.body);
    if (status == 401 && attempt == 1) {
      host_.log(LH_LOG_INFO, "qbo: 401 from QBO; refreshing the access token once");
      token = auth_.refreshAfterUnauthorized(token);
      continue;
    }
    if (status == 401) {
      throw ledgerhost::Error(LH_E_AUTH_REQUIRED,
                              "qbo: QBO refused a freshly refreshed access token (" +
                                  (fault ? fault->text() : std::string("401")) + "); " +
                                  reconnectHint());
    }
    if (status == 429 || (fault && isThrottle(*fault))) {
      throw ledgerhost::Error(LH_E_RATE_LIMITED,
                              "qbo: QBO throttled the request (HTTP " + std::to_string(status) +
                                  (fault ? ", " + fault->text() : std::string()) +
                                  "); QBO asks for 60 s of rest");
    }
    if (status == 403) {
      throw ledgerhost::Error(LH_E_AUTH_REQUIRED,
                              "qbo: QBO refused access to realm " + config_.realmId + " (" +
                                  (fault ? fault->text() : std::string("HTTP 403")) + "); " +
                                  reconnectHint());
    }
    if (status >= 500) {
      const std::string what = "qbo: QBO failed (HTTP " + std::to_string(status) +
                               (fault ? ", " + fault->text() : std::string()) + ")";
      if (write) {
        throw AmbiguousWrite(what + "; the write may have been applied");
      }
      throw ledgerhost::Error(LH_E_TRANSIENT, what);
    }
    if (fault) {
      throw QboFault(status, *fault);
    }
    if (status != 200) {
      throw ledgerhost::Error(LH_E_PERMANENT,
                              "qbo: unexpected HTTP " + std::to_string(status) + " from QBO");
    }
    auto parsed = parseExact(response.body);
    if (!parsed) {
      const std::string what = "qbo: QBO answered 200 with a body that is not JSON";
      if (write) {
        throw AmbiguousWrite(what);
      }
      throw ledgerhost::Error(LH_E_TRANSIENT, what);
    }
    return *parsed;
  }
}

}  // namespace lh::qbo
