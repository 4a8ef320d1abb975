#include "pipeline/config_loader.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>

#include "core/currency.h"
#include "core/event.h"
#include "pipeline/balance_check.h"
#include "pipeline/internal/diagnostic_sink.h"
#include "pipeline/internal/text.h"
#include "pipeline/internal/yaml_tree.h"
#include "pipeline/json_schema.h"
#include "pipeline/master_key.h"

namespace lh::pipeline {
namespace {

namespace fs = std::filesystem;
using internal::closest;
using internal::describeKind;
using internal::describeValue;
using internal::DiagnosticSink;
using internal::didYouMean;
using internal::joinNames;
using internal::Pos;
using internal::ScalarType;
using internal::scalarType;
using internal::singleQuoted;
using internal::YamlNode;

using Keys = std::vector<std::string>;

const Keys kTopKeys = {"include",     "store",     "tenants",
                       "connections", "pipelines", "reconciliations"};
const Keys kSections = {"tenants", "connections", "pipelines", "reconciliations"};
const Keys kStoreKeys = {"path", "busy_timeout_ms", "master_key", "master_key_file",
                         "master_key_id"};
const Keys kTenantKeys = {"description", "base_currency", "accounts", "exchange_rates"};
const Keys kAccountKeys = {"code", "name", "type"};
const Keys kRateKeys = {"date", "from", "to", "rate"};
const Keys kConnectionKeys = {"description", "plugin",  "tenant", "config",
                               "schedule",    "enabled", "limits", "retry"};
const Keys kLimitKeys = {"requests_per_minute", "in_flight", "key_after_segment", "max_wait_ms",
                         "classes"};
const Keys kLimitClassKeys = {"path", "requests_per_minute"};
const Keys kRetryKeys = {"max_attempts", "throttle_bodies", "should_retry_header"};
const Keys kPipelineKeys = {"description", "tenant", "from", "post", "deliver"};
const Keys kPostKeys = {"id",     "description", "on",    "where", "debit",
                        "credit", "amount",      "lines", "date",  "memo"};
const Keys kLineKeys = {"debit", "credit", "amount"};
const Keys kDeliverKeys = {"id", "description", "on", "where", "to", "command", "options"};
const Keys kConditionOps = {"eq", "ne", "in", "not_in", "exists"};
const Keys kReconciliationKeys = {"description", "type",        "source",   "bank",
                                  "accounting",  "window_days", "tolerance"};
const Keys kMoneyKeys = {"minor", "currency"};
const Keys kAccountTypes = {"asset", "liability", "equity", "revenue", "expense"};
const Keys kEventTypes = {"payment", "refund",  "fee",         "payout",   "adjustment",
                          "dispute", "invoice", "credit_note", "customer", "bank_transaction"};
const Keys kReconciliationTypes = {"payout_to_bank", "batch_to_bank", "ledger_to_accounting",
                                   "payout_composition"};
// Top-level fields of a canonical event (sdk/schema/canonical-event.schema.json): what a `where`
// path may start with.
const Keys kEventFields = {"type",        "external_id", "occurred_at", "status", "livemode",
                           "description", "reference",   "amount",      "fee",    "net",
                           "tax",         "settlement",  "fees",        "links",  "dates",
                           "lines",       "party",       "attributes",  "raw"};
const Keys kDateFields = {"invoice_date", "due_date",     "period_start", "period_end",
                          "paid_at",      "available_on", "arrival_date", "settled_at",
                          "booking_date", "value_date"};

bool contains(const Keys& keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

bool isName(const std::string& text) {
  static const std::regex re("[A-Za-z0-9_-]+");
  return std::regex_match(text, re);
}

bool isRuleId(const std::string& text) {
  static const std::regex re(R"([A-Za-z0-9_.:\[\]-]+)");
  return std::regex_match(text, re);
}

bool isEventPath(const std::string& text) {
  static const std::regex re("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*");
  return std::regex_match(text, re);
}

bool isIsoDate(const std::string& text) {
  static const std::regex re("[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])");
  return std::regex_match(text, re);
}

bool isPositiveDecimal(const std::string& text) {
  static const std::regex re("[0-9]+(\\.[0-9]+)?");
  return std::regex_match(text, re) && text.find_first_of("123456789") != std::string::npos;
}

// One loaded file.
struct Document {
  int file = 0;
  fs::path dir;  // for relative paths inside it
  YamlNode root;
};

// One named entry of a section (`connections: {stripe: {...}}`), wherever it was defined.
struct Entry {
  const YamlNode* key = nullptr;
  const YamlNode* value = nullptr;
  const Document* doc = nullptr;
};

class Loader {
 public:
  explicit Loader(const LoadOptions& options) : options_(options) {}

  LoadResult run(const fs::path& file) {
    std::vector<std::pair<fs::path, std::string>> stack;
    loadFile(file, file.string(), nullptr, &stack);
    Config config;
    config.file = file;
    if (!docs_.empty()) {
      parseStore(&config);
      parseTenants(&config);
      parseConnections(&config);
      parsePipelines(&config);
      parseReconciliations(&config);
    }
    LoadResult result;
    result.diagnostics = sink_.diagnostics();
    if (result.diagnostics.empty()) {
      result.config = std::move(config);
    }
    return result;
  }

 private:
  // ---- diagnostics helpers ------------------------------------------------------------------

  void error(const Pos& pos, std::string message) { sink_.error(pos, std::move(message)); }

  // "file:line:column" of a position, for "first defined at" messages.
  std::string where(const Pos& pos) const {
    return sink_.fileName(pos.file) + ":" + std::to_string(pos.line) + ":" +
           std::to_string(pos.column);
  }

  // Reports every key of `map` not in `allowed`.
  void checkKeys(const YamlNode& map, const Keys& allowed, const std::string& ctx) {
    for (const auto& [key, value] : map.entries) {
      if (contains(allowed, key.text)) {
        continue;
      }
      std::string hint = didYouMean(key.text, allowed);
      if (hint.empty()) {
        hint = " (expected one of: " + joinNames(allowed) + ")";
      }
      error(key.pos, ctx + ": unknown key " + singleQuoted(key.text) + hint);
    }
  }

  // True when `node` is a mapping; otherwise reports it.
  bool expectMap(const YamlNode& node, const std::string& ctx) {
    if (node.isMap()) {
      return true;
    }
    error(node.pos, ctx + " must be a mapping, not " + describeKind(node));
    return false;
  }

  // The value of `key`, reporting it missing at `at` when required.
  const YamlNode* field(const YamlNode& map, const std::string& key, const std::string& ctx,
                        const Pos& at, bool required) {
    const YamlNode* value = map.find(key);
    if (value == nullptr && required) {
      error(at, ctx + ": missing required key '" + key + "'");
    }
    return value;
  }

  // A string value (any non-null scalar: YAML `code: 1000` reads as the text "1000").
  std::optional<std::string> stringValue(const YamlNode* node, const std::string& key,
                                         const std::string& ctx) {
    if (node == nullptr) {
      return std::nullopt;
    }
    if (!node->isScalar() || scalarType(*node) == ScalarType::Null) {
      error(node->pos, ctx + ": '" + key + "' must be a string, not " + describeKind(*node));
      return std::nullopt;
    }
    return node->text;
  }

  std::optional<std::string> stringField(const YamlNode& map, const std::string& key,
                                         const std::string& ctx, const Pos& at, bool required) {
    return stringValue(field(map, key, ctx, at, required), key, ctx);
  }

  std::optional<bool> boolField(const YamlNode& map, const std::string& key,
                                const std::string& ctx) {
    const YamlNode* node = map.find(key);
    if (node == nullptr) {
      return std::nullopt;
    }
    if (!node->isScalar() || scalarType(*node) != ScalarType::Bool) {
      error(node->pos, ctx + ": '" + key + "' must be true or false, not " + describeValue(*node));
      return std::nullopt;
    }
    return node->text[0] == 't' || node->text[0] == 'T';
  }

  std::optional<int64_t> intField(const YamlNode& map, const std::string& key,
                                  const std::string& ctx, int64_t min, int64_t max) {
    const YamlNode* node = map.find(key);
    if (node == nullptr) {
      return std::nullopt;
    }
    nlohmann::json value = internal::toJson(*node);
    if (!node->isScalar() || scalarType(*node) != ScalarType::Int || !value.is_number_integer()) {
      error(node->pos, ctx + ": '" + key + "' must be an integer, not " + describeValue(*node));
      return std::nullopt;
    }
    const int64_t n = value.get<int64_t>();
    if (n < min || n > max) {
      error(node->pos, ctx + ": '" + key + "' must be between " + std::to_string(min) + " and " +
                           std::to_string(max) + ", not " + std::to_string(n));
      return std::nullopt;
    }
    return n;
  }

  // A list of strings; a single string counts as a list of one.
  std::vector<std::pair<std::string, const YamlNode*>> stringList(const YamlNode* node,
                                                                  const std::string& key,
                                                                  const std::string& ctx) {
    std::vector<std::pair<std::string, const YamlNode*>> out;
    if (node == nullptr || node->isNull()) {
      return out;
    }
    if (node->isScalar()) {
      out.emplace_back(node->text, node);
      return out;
    }
    if (!node->isSequence()) {
      error(node->pos, ctx + ": '" + key + "' must be a list of names, not " + describeKind(*node));
      return out;
    }
    for (const YamlNode& item : node->items) {
      if (std::optional<std::string> text = stringValue(&item, key + "[]", ctx)) {
        out.emplace_back(*text, &item);
      }
    }
    return out;
  }

  // ---- files and includes ---------------------------------------------------------------------

  void loadFile(const fs::path& path, const std::string& shown, const Pos* from,
                std::vector<std::pair<fs::path, std::string>>* stack) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(path, ec);
    if (ec) {
      canonical = fs::absolute(path, ec).lexically_normal();
    }
    for (size_t i = 0; i < stack->size(); ++i) {
      if ((*stack)[i].first == canonical) {
        std::string chain;
        for (size_t j = i; j < stack->size(); ++j) {
          chain += (*stack)[j].second + " -> ";
        }
        error(*from, "include cycle: " + chain + shown);
        return;
      }
    }
    if (loaded_.count(canonical) != 0) {
      return;  // already included through another path: its definitions are in once
    }
    loaded_.insert(canonical);

    std::ifstream in(path, std::ios::binary);
    if (!in) {
      const std::string reason = errno != 0 ? std::strerror(errno) : "unreadable";
      if (from != nullptr) {
        error(*from, "cannot read included file '" + shown + "' (" + reason + ")");
      } else {
        error(Pos{sink_.addFile(shown), 0, 0}, "cannot read config file (" + reason + ")");
      }
      return;
    }
    std::ostringstream text;
    text << in.rdbuf();

    const int index = sink_.addFile(shown);
    internal::ParseOptions parse;
    parse.substitute = true;
    parse.resolve = options_.resolve_secrets;
    parse.env = options_.env;
    parse.base_dir = path.parent_path();
    std::optional<YamlNode> root = internal::parseYaml(text.str(), index, parse, &sink_);
    if (!root) {
      return;
    }
    docs_.push_back(Document{index, path.parent_path(), std::move(*root)});
    const Document& doc = docs_.back();
    if (doc.root.isNull()) {
      return;
    }
    if (!doc.root.isMap()) {
      error(doc.root.pos, "a config file must be a mapping of sections (" + joinNames(kTopKeys) +
                              "), not " + describeKind(doc.root));
      return;
    }
    checkKeys(doc.root, kTopKeys, "top level");
    collectSections(doc);

    if (const YamlNode* include = doc.root.find("include")) {
      std::vector<const YamlNode*> items;
      if (include->isSequence()) {
        for (const YamlNode& item : include->items) {
          items.push_back(&item);
        }
      } else if (!include->isNull()) {
        items.push_back(include);
      }
      stack->emplace_back(canonical, shown);
      for (const YamlNode* item : items) {
        if (!item->isScalar() || scalarType(*item) == ScalarType::Null) {
          error(item->pos, "include: each entry must be a file path, not " + describeKind(*item));
          continue;
        }
        fs::path target(item->text);
        fs::path targetShown = target;
        if (target.is_relative()) {
          target = doc.dir / target;
          targetShown = (fs::path(shown).parent_path() / item->text).lexically_normal();
        }
        loadFile(target, targetShown.string(), &item->pos, stack);
      }
      stack->pop_back();
    }
  }

  void collectSections(const Document& doc) {
    for (const auto& [key, value] : doc.root.entries) {
      if (key.text == "store") {
        if (store_.value != nullptr) {
          error(key.pos, "'store' is already defined at " + where(store_.key->pos));
        } else {
          store_ = Entry{&key, &value, &doc};
        }
        continue;
      }
      if (!contains(kSections, key.text)) {
        continue;
      }
      if (value.isNull()) {
        continue;
      }
      if (!value.isMap()) {
        error(value.pos, "'" + key.text + "' must be a mapping of names to definitions, not " +
                             describeKind(value));
        continue;
      }
      std::vector<Entry>& entries = sections_[key.text];
      for (const auto& [name, definition] : value.entries) {
        auto same = std::find_if(entries.begin(), entries.end(),
                                 [&](const Entry& e) { return e.key->text == name.text; });
        if (same != entries.end()) {
          error(name.pos, singular(key.text) + " '" + name.text + "' is already defined at " +
                              where(same->key->pos));
          continue;
        }
        if (!isName(name.text)) {
          error(name.pos, singular(key.text) + " name " + singleQuoted(name.text) +
                              " must be letters, digits, '_' or '-'");
        }
        entries.push_back(Entry{&name, &definition, &doc});
      }
    }
  }

  static std::string singular(const std::string& section) {
    if (section == "tenants") return "tenant";
    if (section == "connections") return "connection";
    if (section == "pipelines") return "pipeline";
    return "reconciliation";
  }

  // ---- store ----------------------------------------------------------------------------------

  void parseStore(Config* config) {
    if (store_.value == nullptr) {
      if (docs_.front().root.isMap()) {
        error(Pos{0, 1, 1}, "missing required section 'store' (e.g. store: {path: ledgerhost.db})");
      }
      return;
    }
    const std::string ctx = "store";
    if (!expectMap(*store_.value, "'store'")) {
      return;
    }
    const YamlNode& store = *store_.value;
    checkKeys(store, kStoreKeys, ctx);
    if (std::optional<std::string> path = stringField(store, "path", ctx, store_.key->pos, true)) {
      if (path->empty()) {
        error(store.find("path")->pos, "store: 'path' must not be empty");
      } else {
        fs::path p(*path);
        if (p.is_relative()) {
          p = fs::absolute(store_.doc->dir / p).lexically_normal();
        }
        config->store.path = p;
      }
    }
    config->store.busy_timeout_ms = intField(store, "busy_timeout_ms", ctx, 0, 3'600'000);
    parseMasterKey(store, config);
  }

  // store.master_key / master_key_file / master_key_id (docs/secrets.md). No message ever quotes
  // the key: it names the key, the variable or the file and says what shape was expected.
  void parseMasterKey(const YamlNode& store, Config* config) {
    const std::string ctx = "store";
    if (std::optional<int64_t> id = intField(store, "master_key_id", ctx, 1, 255)) {
      config->store.master_key_id = static_cast<int32_t>(*id);
    }
    const YamlNode* key = store.find("master_key");
    const YamlNode* file = store.find("master_key_file");
    if (key != nullptr && file != nullptr) {
      error(file->pos, "store: give either 'master_key' or 'master_key_file', not both");
      return;
    }
    if (key != nullptr) {
      if (!key->isScalar() || scalarType(*key) == ScalarType::Null) {
        error(key->pos, "store: 'master_key' must be a string, not " + describeKind(*key));
        return;
      }
      if (!key->substituted) {
        // A key typed into the file would travel with every copy of the config; and its text must
        // not be echoed here either.
        error(key->pos,
              "store: 'master_key' must come from ${env:VAR} or ${file:path} (e.g. master_key: "
              "${env:LEDGERHOST_MASTER_KEY}), not be written in the config; or use "
              "'master_key_file'");
        return;
      }
      if (key->unresolved || !options_.resolve_secrets) {
        return;  // already reported, or `config test`: no secrets needed
      }
      lh::Result<std::string> decoded = decodeMasterKey(key->text);
      if (!decoded.isOk()) {
        error(key->pos, "store: 'master_key' " + decoded.status().message());
        return;
      }
      config->store.master_key = std::move(decoded).value();
      return;
    }
    if (file != nullptr) {
      std::optional<std::string> path = stringValue(file, "master_key_file", ctx);
      if (!path) {
        return;
      }
      if (path->empty()) {
        error(file->pos, "store: 'master_key_file' must not be empty");
        return;
      }
      if (file->unresolved || !options_.resolve_secrets) {
        return;
      }
      fs::path p(*path);
      if (p.is_relative()) {
        p = (store_.doc->dir / p).lexically_normal();
      }
      lh::Result<std::string> read = readMasterKeyFile(p);
      if (!read.isOk()) {
        error(file->pos, "store: 'master_key_file': " + read.status().message());
        return;
      }
      config->store.master_key = std::move(read).value();
    }
  }

  // ---- tenants --------------------------------------------------------------------------------

  std::optional<core::Currency> currencyValue(const YamlNode* node, const std::string& key,
                                              const std::string& ctx) {
    std::optional<std::string> code = stringValue(node, key, ctx);
    if (!code) {
      return std::nullopt;
    }
    lh::Result<core::Currency> currency = core::currencyFromCode(*code);
    if (!currency.isOk()) {
      error(node->pos, ctx + ": '" + key + "': unknown currency " + describeValue(*node) +
                           " (an ISO 4217 code such as USD)");
      return std::nullopt;
    }
    return currency.value();
  }

  void parseTenants(Config* config) {
    for (const Entry& entry : sections_["tenants"]) {
      core::Tenant tenant;
      tenant.id = entry.key->text;
      const std::string ctx = "tenant '" + tenant.id + "'";
      if (expectMap(*entry.value, ctx)) {
        const YamlNode& map = *entry.value;
        checkKeys(map, kTenantKeys, ctx);
        stringField(map, "description", ctx, entry.key->pos, false);
        const YamlNode* base = field(map, "base_currency", ctx, entry.key->pos, true);
        if (std::optional<core::Currency> currency = currencyValue(base, "base_currency", ctx)) {
          if (!currency->isActive()) {
            error(base->pos, ctx + ": 'base_currency' " + describeValue(*base) +
                                 " is no longer an active ISO 4217 currency");
          }
          tenant.base_currency = std::string(currency->code());
        }
        parseAccounts(map, entry, ctx, &tenant);
        parseRates(map, ctx, &tenant);
      }
      config->tenants.push_back(std::move(tenant));
    }
  }

  void parseAccounts(const YamlNode& map, const Entry& entry, const std::string& ctx,
                     core::Tenant* tenant) {
    const YamlNode* accounts = field(map, "accounts", ctx, entry.key->pos, true);
    if (accounts == nullptr) {
      return;
    }
    if (!accounts->isSequence()) {
      error(accounts->pos, ctx + ": 'accounts' must be a list of {code, name, type}, not " +
                               describeKind(*accounts));
      return;
    }
    std::map<std::string, Pos> seen;
    for (size_t i = 0; i < accounts->items.size(); ++i) {
      const YamlNode& item = accounts->items[i];
      const std::string itemCtx = ctx + ": accounts[" + std::to_string(i) + "]";
      if (!expectMap(item, itemCtx)) {
        continue;
      }
      checkKeys(item, kAccountKeys, itemCtx);
      core::Account account;
      std::optional<std::string> code = stringField(item, "code", itemCtx, item.pos, true);
      std::optional<std::string> name = stringField(item, "name", itemCtx, item.pos, true);
      std::optional<std::string> type = stringField(item, "type", itemCtx, item.pos, true);
      if (code) {
        const YamlNode* codeNode = item.find("code");
        if (code->empty()) {
          error(codeNode->pos, itemCtx + ": 'code' must not be empty");
        } else if (auto it = seen.find(*code); it != seen.end()) {
          error(codeNode->pos, ctx + ": duplicate account code " + singleQuoted(*code) +
                                   " (first at line " + std::to_string(it->second.line) + ")");
          continue;
        } else {
          seen[*code] = codeNode->pos;
        }
        account.code = *code;
      }
      if (name) {
        account.name = *name;
      }
      if (type) {
        lh::Result<core::AccountType> parsed = core::parseAccountType(*type);
        if (!parsed.isOk()) {
          const YamlNode* typeNode = item.find("type");
          error(typeNode->pos, itemCtx + ": unknown account type " + describeValue(*typeNode) +
                                   hintOrList(*type, kAccountTypes));
        } else {
          account.type = parsed.value();
        }
      }
      if (code && !code->empty()) {
        tenant->accounts.push_back(std::move(account));
      }
    }
  }

  void parseRates(const YamlNode& map, const std::string& ctx, core::Tenant* tenant) {
    const YamlNode* rates = map.find("exchange_rates");
    if (rates == nullptr || rates->isNull()) {
      return;
    }
    if (!rates->isSequence()) {
      error(rates->pos, ctx + ": 'exchange_rates' must be a list of {date, from, to, rate}, not " +
                            describeKind(*rates));
      return;
    }
    for (size_t i = 0; i < rates->items.size(); ++i) {
      const YamlNode& item = rates->items[i];
      const std::string itemCtx = ctx + ": exchange_rates[" + std::to_string(i) + "]";
      if (!expectMap(item, itemCtx)) {
        continue;
      }
      checkKeys(item, kRateKeys, itemCtx);
      core::ExchangeRate rate;
      if (std::optional<std::string> date = stringField(item, "date", itemCtx, item.pos, true)) {
        if (!isIsoDate(*date)) {
          error(item.find("date")->pos,
                itemCtx + ": 'date' must be YYYY-MM-DD, not " + describeValue(*item.find("date")));
        }
        rate.date = *date;
      }
      if (auto from =
              currencyValue(field(item, "from", itemCtx, item.pos, true), "from", itemCtx)) {
        rate.from = std::string(from->code());
      }
      if (auto to = currencyValue(field(item, "to", itemCtx, item.pos, true), "to", itemCtx)) {
        rate.to = std::string(to->code());
      }
      if (std::optional<std::string> text = stringField(item, "rate", itemCtx, item.pos, true)) {
        if (!isPositiveDecimal(*text)) {
          error(item.find("rate")->pos,
                itemCtx + ": 'rate' must be a positive decimal such as \"1.0842\", not " +
                    describeValue(*item.find("rate")));
        }
        rate.rate = *text;
      }
      tenant->rates.push_back(std::move(rate));
    }
  }

  // " (did you mean 'x'?)" or " (expected one of: a, b)".
  static std::string hintOrList(const std::string& word, const Keys& candidates) {
    std::string hint = didYouMean(word, candidates);
    return hint.empty() ? " (expected one of: " + joinNames(candidates) + ")" : hint;
  }

  // Reports an unknown tenant reference; true when it exists.
  bool checkTenant(const Config& config, const std::string& tenant, const YamlNode& node,
                   const std::string& ctx) {
    if (config.findTenant(tenant) != nullptr) {
      return true;
    }
    Keys known;
    for (const core::Tenant& t : config.tenants) {
      known.push_back(t.id);
    }
    std::string hint = didYouMean(tenant, known);
    if (hint.empty()) {
      hint = " (known tenants: " + joinNames(known) + ")";
    }
    error(node.pos, ctx + ": unknown tenant " + describeValue(node) + hint);
    return false;
  }

  // Reports an unknown connection reference; the connection or nullptr.
  const Connection* checkConnection(const Config& config, const std::string& name,
                                    const YamlNode& node, const std::string& ctx) {
    if (const Connection* c = config.findConnection(name)) {
      return c;
    }
    Keys known;
    for (const Connection& c : config.connections) {
      known.push_back(c.name);
    }
    std::string hint = didYouMean(name, known);
    if (hint.empty()) {
      hint = " (known connections: " + joinNames(known) + ")";
    }
    error(node.pos, ctx + ": unknown connection " + describeValue(node) + hint);
    return nullptr;
  }

  // ---- connections ----------------------------------------------------------------------------

  void parseConnections(Config* config) {
    for (const Entry& entry : sections_["connections"]) {
      Connection connection;
      connection.name = entry.key->text;
      const std::string ctx = "connection '" + connection.name + "'";
      if (expectMap(*entry.value, ctx)) {
        const YamlNode& map = *entry.value;
        checkKeys(map, kConnectionKeys, ctx);
        stringField(map, "description", ctx, entry.key->pos, false);
        if (auto tenant = stringField(map, "tenant", ctx, entry.key->pos, true)) {
          connection.tenant = *tenant;
          checkTenant(*config, *tenant, *map.find("tenant"), ctx);
        }
        const PluginInfo* plugin = nullptr;
        if (auto name = stringField(map, "plugin", ctx, entry.key->pos, true)) {
          connection.plugin = *name;
          plugin = checkPlugin(*name, *map.find("plugin"), ctx);
        }
        const YamlNode* configNode = map.find("config");
        if (configNode != nullptr && !configNode->isNull() && !configNode->isMap()) {
          error(configNode->pos,
                ctx + ": 'config' must be a mapping, not " + describeKind(*configNode));
        } else {
          if (configNode != nullptr && configNode->isMap()) {
            connection.config = internal::toJson(*configNode);
          }
          if (plugin != nullptr && options_.resolve_secrets) {
            const Pos at = configNode != nullptr ? map.findKey("config")->pos : entry.key->pos;
            checkPluginConfig(*plugin, connection.config, configNode, at, ctx);
          }
        }
        if (auto schedule = stringField(map, "schedule", ctx, entry.key->pos, false)) {
          lh::Result<Schedule> parsed = parseSchedule(*schedule);
          if (!parsed.isOk()) {
            error(map.find("schedule")->pos, ctx + ": schedule: " + parsed.status().message());
          } else {
            connection.schedule = parsed.value();
          }
        }
        if (std::optional<bool> enabled = boolField(map, "enabled", ctx)) {
          connection.enabled = *enabled;
        }
        if (const YamlNode* limits = map.find("limits")) {
          connection.limits = parseLimits(*limits, ctx + ": limits");
        }
        if (const YamlNode* retry = map.find("retry")) {
          connection.retry = parseRetry(*retry, ctx + ": retry");
        }
      }
      config->connections.push_back(std::move(connection));
    }
  }

  // `limits:` of a connection (net/rate_limiter.h); errors at the offending key or value.
  std::optional<ConnectionLimits> parseLimits(const YamlNode& node, const std::string& ctx) {
    if (!expectMap(node, ctx)) {
      return std::nullopt;
    }
    checkKeys(node, kLimitKeys, ctx);
    ConnectionLimits limits;
    limits.requests_per_minute = intField(node, "requests_per_minute", ctx, 1, 1'000'000);
    limits.in_flight = static_cast<int32_t>(intField(node, "in_flight", ctx, 0, 10'000).value_or(0));
    limits.max_wait_ms = intField(node, "max_wait_ms", ctx, 0, 3'600'000);
    if (auto segment = stringField(node, "key_after_segment", ctx, node.pos, false)) {
      if (segment->empty() || segment->find('/') != std::string::npos) {
        error(node.find("key_after_segment")->pos,
              ctx + ": 'key_after_segment' must be one path segment, e.g. company");
      } else {
        limits.key_after_segment = *segment;
      }
    }
    if (const YamlNode* classes = node.find("classes")) {
      if (expectMap(*classes, ctx + ": classes")) {
        for (const auto& [key, value] : classes->entries) {
          const std::string classCtx = ctx + ": classes: " + key.text;
          if (!expectMap(value, classCtx)) {
            continue;
          }
          checkKeys(value, kLimitClassKeys, classCtx);
          auto path = stringField(value, "path", classCtx, key.pos, true);
          auto rpm = intField(value, "requests_per_minute", classCtx, 1, 1'000'000);
          if (value.find("requests_per_minute") == nullptr) {
            error(key.pos, classCtx + ": missing required key 'requests_per_minute'");
          }
          if (path && (path->empty() || path->front() != '/')) {
            error(value.find("path")->pos,
                  classCtx + ": 'path' must be a URL path suffix starting with '/', e.g. /batch");
            path.reset();
          }
          if (path && rpm) {
            limits.classes.push_back({key.text, *path, *rpm});
          }
        }
      }
    }
    const bool allKnown = std::all_of(node.entries.begin(), node.entries.end(), [](const auto& e) {
      return contains(kLimitKeys, e.first.text);
    });
    if (allKnown && node.find("requests_per_minute") == nullptr &&
        node.find("in_flight") == nullptr && node.find("classes") == nullptr) {
      error(node.pos, ctx + ": give requests_per_minute, in_flight or classes (an empty 'limits' "
                            "limits nothing)");
    }
    return limits;
  }

  // `retry:` of a connection (net/retry_policy.h).
  ConnectionRetry parseRetry(const YamlNode& node, const std::string& ctx) {
    ConnectionRetry retry;
    if (!expectMap(node, ctx)) {
      return retry;
    }
    checkKeys(node, kRetryKeys, ctx);
    if (auto attempts = intField(node, "max_attempts", ctx, 1, 20)) {
      retry.max_attempts = static_cast<int32_t>(*attempts);
    }
    if (const YamlNode* bodies = node.find("throttle_bodies")) {
      if (!bodies->isSequence()) {
        error(bodies->pos, ctx + ": 'throttle_bodies' must be a list of strings, not " +
                               describeKind(*bodies));
      } else {
        for (const YamlNode& item : bodies->items) {
          std::optional<std::string> text = stringValue(&item, "throttle_bodies[]", ctx);
          if (text && text->empty()) {
            error(item.pos, ctx + ": 'throttle_bodies' entries must not be empty");
          } else if (text) {
            retry.throttle_bodies.push_back(*text);
          }
        }
      }
    }
    if (const YamlNode* header = node.find("should_retry_header")) {
      std::optional<std::string> name = stringValue(header, "should_retry_header", ctx);
      const bool token = name && !name->empty() &&
                         name->find_first_of(" \t:()<>@,;\\\"/[]?={}") == std::string::npos;
      if (name && !token) {
        error(header->pos, ctx + ": 'should_retry_header' must be an HTTP header name");
      } else if (name) {
        retry.should_retry_header = *name;
      }
    }
    return retry;
  }

  const PluginInfo* checkPlugin(const std::string& name, const YamlNode& node,
                                const std::string& ctx) {
    if (options_.plugins == nullptr) {
      return nullptr;
    }
    if (const PluginInfo* plugin = options_.plugins->find(name)) {
      return plugin;
    }
    const Keys known = options_.plugins->names();
    std::string hint = didYouMean(name, known);
    if (hint.empty()) {
      hint = " (known plugins: " + joinNames(known) + ")";
    }
    error(node.pos, ctx + ": unknown plugin " + describeValue(node) + hint);
    return nullptr;
  }

  // "config.webhook_secrets[0]"
  static std::string configPath(const YamlNode* root, const std::vector<std::string>& path) {
    std::string out = "config";
    const YamlNode* node = root;
    for (const std::string& part : path) {
      if (node != nullptr && node->isSequence()) {
        out += "[" + part + "]";
      } else {
        out += "." + part;
      }
      node = node == nullptr ? nullptr : internal::findPath(*node, {part});
    }
    return out;
  }

  void checkPluginConfig(const PluginInfo& plugin, const nlohmann::json& config,
                         const YamlNode* configNode, const Pos& configKeyPos,
                         const std::string& ctx) {
    std::shared_ptr<const JsonSchema> schema = compiledSchema(plugin, configKeyPos, ctx);
    if (schema == nullptr) {
      return;
    }
    for (const SchemaViolation& v : schema->validate(config)) {
      const YamlNode* at =
          configNode == nullptr ? nullptr : internal::findPath(*configNode, v.path);
      if (at != nullptr && at->unresolved) {
        continue;  // its reference is already reported; its text says nothing about the value
      }
      Pos pos = at != nullptr ? at->pos : configKeyPos;
      const std::string path = configPath(configNode, v.path);
      switch (v.kind) {
        case SchemaViolation::Kind::UnknownKey: {
          if (at != nullptr && at->isMap()) {
            if (const YamlNode* key = at->findKey(v.key)) {
              pos = key->pos;
            }
          }
          std::string hint = didYouMean(v.key, schema->propertyNames(v.path));
          error(pos, ctx + ": " + path + ": unknown key '" + v.key + "' for plugin '" +
                         plugin.name + "'" + hint);
          break;
        }
        case SchemaViolation::Kind::MissingKey:
          if (v.path.empty()) {
            pos = configKeyPos;
          }
          error(pos, ctx + ": " + path + ": missing required key '" + v.key + "' for plugin '" +
                         plugin.name + "'");
          break;
        case SchemaViolation::Kind::Other:
          error(pos, ctx + ": " + path + ": " + v.message);
          break;
      }
    }
  }

  std::shared_ptr<const JsonSchema> compiledSchema(const PluginInfo& plugin, const Pos& pos,
                                                   const std::string& ctx) {
    auto it = schemas_.find(plugin.name);
    if (it != schemas_.end()) {
      return it->second;
    }
    lh::Result<std::shared_ptr<const JsonSchema>> compiled = JsonSchema::compile(
        plugin.config_schema.is_null() ? nlohmann::json::object() : plugin.config_schema);
    std::shared_ptr<const JsonSchema> schema;
    if (!compiled.isOk()) {
      error(pos, ctx + ": plugin '" + plugin.name +
                     "' has an unusable config schema: " + compiled.status().message());
    } else {
      schema = compiled.value();
    }
    schemas_[plugin.name] = schema;
    return schema;
  }

  // ---- pipelines ------------------------------------------------------------------------------

  void parsePipelines(Config* config) {
    for (const Entry& entry : sections_["pipelines"]) {
      Pipeline pipeline;
      pipeline.name = entry.key->text;
      const std::string ctx = "pipeline '" + pipeline.name + "'";
      if (expectMap(*entry.value, ctx)) {
        const YamlNode& map = *entry.value;
        checkKeys(map, kPipelineKeys, ctx);
        stringField(map, "description", ctx, entry.key->pos, false);
        const core::Tenant* tenant = nullptr;
        if (auto id = stringField(map, "tenant", ctx, entry.key->pos, true)) {
          pipeline.tenant = *id;
          if (checkTenant(*config, *id, *map.find("tenant"), ctx)) {
            tenant = config->findTenant(*id);
          }
        }
        for (const auto& [name, node] : stringList(map.find("from"), "from", ctx)) {
          if (const Connection* c = checkConnection(*config, name, *node, ctx)) {
            if (tenant != nullptr && !c->tenant.empty() && c->tenant != tenant->id) {
              error(node->pos, ctx + ": connection '" + name + "' belongs to tenant '" + c->tenant +
                                   "', not '" + tenant->id + "'");
            }
          }
          pipeline.from.push_back(name);
        }
        parsePostRules(map, tenant, &pipeline);
        parseDeliverRules(*config, map, &pipeline);
      }
      config->pipelines.push_back(std::move(pipeline));
    }
  }

  // The rule's id: `id:` or "<pipeline>.<section>[<n>]"; reports duplicates.
  std::string ruleId(const YamlNode& rule, const std::string& pipeline, const std::string& section,
                     size_t index) {
    std::string id = pipeline + "." + section + "[" + std::to_string(index) + "]";
    Pos pos = rule.pos;
    if (const YamlNode* explicitId = rule.find("id")) {
      if (auto text = stringValue(explicitId, "id", "rule '" + id + "'")) {
        if (!isRuleId(*text)) {
          error(explicitId->pos, "rule '" + id + "': id " + describeValue(*explicitId) +
                                     " must be letters, digits and _ . : - [ ]");
        }
        id = *text;
        pos = explicitId->pos;
      }
    }
    if (auto it = ruleIds_.find(id); it != ruleIds_.end()) {
      error(pos, "duplicate rule id '" + id + "' (first at " + where(it->second) + ")");
    } else {
      ruleIds_[id] = pos;
    }
    return id;
  }

  std::optional<core::EventType> eventType(const YamlNode& rule, const std::string& ctx) {
    std::optional<std::string> on = stringField(rule, "on", ctx, rule.pos, true);
    if (!on) {
      return std::nullopt;
    }
    lh::Result<core::EventType> type = core::parseEventType(*on);
    if (!type.isOk()) {
      const YamlNode* node = rule.find("on");
      error(node->pos,
            ctx + ": unknown event type " + describeValue(*node) + hintOrList(*on, kEventTypes));
      return std::nullopt;
    }
    return type.value();
  }

  // A scalar condition operand as JSON (typed: `livemode: false` is the boolean).
  std::optional<nlohmann::json> operand(const YamlNode& node, const std::string& ctx) {
    if (!node.isScalar() || scalarType(node) == ScalarType::Null) {
      error(node.pos, ctx + ": a condition value must be a scalar, not " + describeKind(node) +
                          " (use {exists: false} for an absent field)");
      return std::nullopt;
    }
    return internal::toJson(node);
  }

  std::vector<core::Condition> parseWhere(const YamlNode& rule, const std::string& ctx) {
    std::vector<core::Condition> out;
    const YamlNode* where = rule.find("where");
    if (where == nullptr || where->isNull()) {
      return out;
    }
    if (!where->isMap()) {
      error(where->pos, ctx + ": 'where' must be a mapping of event fields to values, not " +
                            describeKind(*where));
      return out;
    }
    for (const auto& [key, value] : where->entries) {
      const std::string& path = key.text;
      if (!isEventPath(path)) {
        error(key.pos, ctx + ": where: " + singleQuoted(path) +
                           " is not a dotted event path (e.g. status, links.invoice)");
        continue;
      }
      const std::string first = path.substr(0, path.find('.'));
      if (!contains(kEventFields, first)) {
        error(key.pos, ctx + ": where: unknown event field " + singleQuoted(first) +
                           hintOrList(first, kEventFields));
        continue;
      }
      core::Condition condition;
      condition.path = path;
      if (value.isMap()) {
        if (value.entries.size() != 1 || !contains(kConditionOps, value.entries[0].first.text)) {
          const YamlNode& bad = value.entries.empty() ? value : value.entries[0].first;
          error(bad.pos,
                ctx + ": where '" + path +
                    "': a test is one of {eq: x}, {ne: x}, {in: [..]}, {not_in: [..]} "
                    "or {exists: true|false}" +
                    (value.entries.empty() ? std::string() : didYouMean(bad.text, kConditionOps)));
          continue;
        }
        const std::string& op = value.entries[0].first.text;
        const YamlNode& arg = value.entries[0].second;
        if (op == "eq" || op == "ne") {
          condition.op = op == "eq" ? core::Condition::Op::Eq : core::Condition::Op::Ne;
          std::optional<nlohmann::json> v = operand(arg, ctx);
          if (!v) {
            continue;
          }
          condition.values.push_back(*v);
        } else if (op == "in" || op == "not_in") {
          condition.op = op == "in" ? core::Condition::Op::In : core::Condition::Op::NotIn;
          if (!arg.isSequence()) {
            error(arg.pos, ctx + ": where '" + path + "': '" + op + "' needs a list, not " +
                               describeKind(arg));
            continue;
          }
          bool ok = true;
          for (const YamlNode& item : arg.items) {
            std::optional<nlohmann::json> v = operand(item, ctx);
            ok = ok && v.has_value();
            if (v) {
              condition.values.push_back(*v);
            }
          }
          if (!ok) {
            continue;
          }
        } else {
          if (!arg.isScalar() || scalarType(arg) != ScalarType::Bool) {
            error(arg.pos, ctx + ": where '" + path + "': 'exists' must be true or false, not " +
                               describeValue(arg));
            continue;
          }
          const bool exists = arg.text[0] == 't' || arg.text[0] == 'T';
          condition.op = exists ? core::Condition::Op::Exists : core::Condition::Op::Missing;
        }
      } else if (value.isSequence()) {
        error(value.pos, ctx + ": where '" + path +
                             "': a list of values needs {in: [...]} (or {not_in: [...]})");
        continue;
      } else {
        std::optional<nlohmann::json> v = operand(value, ctx);
        if (!v) {
          continue;
        }
        condition.op = core::Condition::Op::Eq;
        condition.values.push_back(*v);
      }
      out.push_back(std::move(condition));
    }
    return out;
  }

  // Checks an account code against the tenant's chart (when the tenant is known).
  void checkAccount(const core::Tenant* tenant, const std::string& code, const YamlNode& node,
                    const std::string& ctx) {
    if (tenant == nullptr || tenant->findAccount(code) != nullptr) {
      return;
    }
    Keys codes;
    for (const core::Account& a : tenant->accounts) {
      codes.push_back(a.code);
    }
    error(node.pos, ctx + ": unknown account " + describeValue(node) + " in tenant '" + tenant->id +
                        "'" + didYouMean(code, codes));
  }

  // Checks a money field name; true when it is one.
  bool checkAmountField(const std::string& field, const YamlNode& node, const std::string& ctx) {
    if (isMoneyField(field)) {
      return true;
    }
    std::string hint = didYouMean(field, moneyFields());
    error(node.pos,
          ctx + ": " + describeValue(node) + " is not a money field" +
              (hint.empty() ? " (money fields: " + joinNames(moneyFields()) + ")" : hint));
    return false;
  }

  // One posting line from a map with debit or credit plus amount.
  std::optional<core::PostingLine> parseLine(const YamlNode& map, const std::string& ctx,
                                             const core::Tenant* tenant, bool* amountsOk) {
    const YamlNode* debit = map.find("debit");
    const YamlNode* credit = map.find("credit");
    if ((debit == nullptr) == (credit == nullptr)) {
      error(map.pos, ctx + ": a line has exactly one of 'debit' or 'credit'");
      *amountsOk = false;
      return std::nullopt;
    }
    core::PostingLine line;
    line.side = debit != nullptr ? core::PostingLine::Side::Debit : core::PostingLine::Side::Credit;
    const YamlNode* account = debit != nullptr ? debit : credit;
    std::optional<std::string> code =
        stringValue(account, debit != nullptr ? "debit" : "credit", ctx);
    std::optional<std::string> amount = stringField(map, "amount", ctx, map.pos, true);
    if (!code || !amount) {
      *amountsOk = false;
      return std::nullopt;
    }
    line.account = *code;
    checkAccount(tenant, *code, *account, ctx);
    line.amount_field = *amount;
    if (!checkAmountField(*amount, *map.find("amount"), ctx)) {
      *amountsOk = false;
    }
    return line;
  }

  void parsePostRules(const YamlNode& pipelineMap, const core::Tenant* tenant, Pipeline* pipeline) {
    const YamlNode* post = pipelineMap.find("post");
    if (post == nullptr || post->isNull()) {
      return;
    }
    const std::string pctx = "pipeline '" + pipeline->name + "'";
    if (!post->isSequence()) {
      error(post->pos,
            pctx + ": 'post' must be a list of posting rules, not " + describeKind(*post));
      return;
    }
    for (size_t i = 0; i < post->items.size(); ++i) {
      const YamlNode& item = post->items[i];
      if (!expectMap(item, pctx + ": post[" + std::to_string(i) + "]")) {
        continue;
      }
      core::PostingRule rule;
      rule.id = ruleId(item, pipeline->name, "post", i);
      rule.tenant = pipeline->tenant;
      rule.connections = pipeline->from;
      const std::string ctx = "posting rule '" + rule.id + "'";
      checkKeys(item, kPostKeys, ctx);
      stringField(item, "description", ctx, item.pos, false);
      if (std::optional<core::EventType> on = eventType(item, ctx)) {
        rule.on = *on;
      }
      rule.where = parseWhere(item, ctx);

      bool amountsOk = true;
      const bool shorthand = item.find("debit") != nullptr || item.find("credit") != nullptr;
      const YamlNode* lines = item.find("lines");
      if (shorthand && lines != nullptr) {
        error(lines->pos, ctx + ": give either debit/credit/amount or lines, not both");
        amountsOk = false;
      } else if (shorthand) {
        const YamlNode* debit = field(item, "debit", ctx, item.pos, true);
        const YamlNode* credit = field(item, "credit", ctx, item.pos, true);
        std::optional<std::string> debitCode = stringValue(debit, "debit", ctx);
        std::optional<std::string> creditCode = stringValue(credit, "credit", ctx);
        std::string amount = "amount";
        if (const YamlNode* amountNode = item.find("amount")) {
          std::optional<std::string> text = stringValue(amountNode, "amount", ctx);
          if (!text || !checkAmountField(*text, *amountNode, ctx)) {
            amountsOk = false;
          } else {
            amount = *text;
          }
        }
        if (debitCode) {
          checkAccount(tenant, *debitCode, *debit, ctx);
          rule.lines.push_back({*debitCode, core::PostingLine::Side::Debit, amount});
        }
        if (creditCode) {
          checkAccount(tenant, *creditCode, *credit, ctx);
          rule.lines.push_back({*creditCode, core::PostingLine::Side::Credit, amount});
        }
        amountsOk = amountsOk && debitCode && creditCode;
      } else if (lines != nullptr) {
        if (item.find("amount") != nullptr) {
          error(item.findKey("amount")->pos,
                ctx + ": 'amount' belongs on each line when a rule has 'lines'");
        }
        if (!lines->isSequence() || lines->items.empty()) {
          error(lines->pos, ctx + ": 'lines' must be a non-empty list of {debit|credit, amount}");
          amountsOk = false;
        } else {
          for (size_t j = 0; j < lines->items.size(); ++j) {
            const YamlNode& lineNode = lines->items[j];
            const std::string lctx = ctx + ": lines[" + std::to_string(j) + "]";
            if (!expectMap(lineNode, lctx)) {
              amountsOk = false;
              continue;
            }
            checkKeys(lineNode, kLineKeys, lctx);
            if (auto line = parseLine(lineNode, lctx, tenant, &amountsOk)) {
              rule.lines.push_back(*line);
            }
          }
        }
      } else {
        error(item.pos, ctx + ": missing the accounts: give debit, credit and amount, or lines");
        amountsOk = false;
      }
      if (amountsOk) {
        if (std::optional<std::string> problem = balanceProblem(rule.lines)) {
          error(item.pos, ctx + " cannot balance: " + *problem);
        }
      }

      if (auto date = stringField(item, "date", ctx, item.pos, false)) {
        const bool known = *date == "occurred_at" || (date->rfind("dates.", 0) == 0 &&
                                                      contains(kDateFields, date->substr(6)));
        if (!known) {
          Keys candidates = {"occurred_at"};
          for (const std::string& d : kDateFields) {
            candidates.push_back("dates." + d);
          }
          const YamlNode* node = item.find("date");
          error(node->pos, ctx + ": date field " + describeValue(*node) +
                               " is not a date of the event" + hintOrList(*date, candidates));
        } else {
          rule.date_field = *date;
        }
      }
      if (auto memo = stringField(item, "memo", ctx, item.pos, false)) {
        rule.memo = *memo;
      }
      pipeline->post.push_back(std::move(rule));
    }
  }

  void parseDeliverRules(const Config& config, const YamlNode& pipelineMap, Pipeline* pipeline) {
    const YamlNode* deliver = pipelineMap.find("deliver");
    if (deliver == nullptr || deliver->isNull()) {
      return;
    }
    const std::string pctx = "pipeline '" + pipeline->name + "'";
    if (!deliver->isSequence()) {
      error(deliver->pos,
            pctx + ": 'deliver' must be a list of delivery rules, not " + describeKind(*deliver));
      return;
    }
    for (size_t i = 0; i < deliver->items.size(); ++i) {
      const YamlNode& item = deliver->items[i];
      if (!expectMap(item, pctx + ": deliver[" + std::to_string(i) + "]")) {
        continue;
      }
      core::DeliveryRule rule;
      rule.id = ruleId(item, pipeline->name, "deliver", i);
      rule.tenant = pipeline->tenant;
      rule.connections = pipeline->from;
      const std::string ctx = "delivery rule '" + rule.id + "'";
      checkKeys(item, kDeliverKeys, ctx);
      stringField(item, "description", ctx, item.pos, false);
      if (std::optional<core::EventType> on = eventType(item, ctx)) {
        rule.on = *on;
      }
      rule.where = parseWhere(item, ctx);
      const Connection* target = nullptr;
      if (auto to = stringField(item, "to", ctx, item.pos, true)) {
        rule.target_connection = *to;
        target = checkConnection(config, *to, *item.find("to"), ctx);
        if (target != nullptr && !target->tenant.empty() && !pipeline->tenant.empty() &&
            target->tenant != pipeline->tenant) {
          error(item.find("to")->pos, ctx + ": connection '" + *to + "' belongs to tenant '" +
                                          target->tenant + "', not '" + pipeline->tenant + "'");
        }
      }
      if (auto command = stringField(item, "command", ctx, item.pos, true)) {
        rule.command = *command;
        const PluginInfo* plugin = target != nullptr && options_.plugins != nullptr
                                       ? options_.plugins->find(target->plugin)
                                       : nullptr;
        if (plugin != nullptr && std::find(plugin->commands.begin(), plugin->commands.end(),
                                           *command) == plugin->commands.end()) {
          const YamlNode* node = item.find("command");
          std::string hint = didYouMean(*command, plugin->commands);
          if (hint.empty()) {
            hint = plugin->commands.empty()
                       ? " (it takes no commands: it is a source only)"
                       : " (its commands: " + joinNames(plugin->commands) + ")";
          }
          error(node->pos, ctx + ": plugin '" + plugin->name + "' of connection '" + target->name +
                               "' has no command " + describeValue(*node) + hint);
        }
      }
      if (const YamlNode* opts = item.find("options"); opts != nullptr && !opts->isNull()) {
        if (!opts->isMap()) {
          error(opts->pos, ctx + ": 'options' must be a mapping, not " + describeKind(*opts));
        } else {
          rule.options = internal::toJson(*opts);
        }
      }
      pipeline->deliver.push_back(std::move(rule));
    }
  }

  // ---- reconciliations ------------------------------------------------------------------------

  void parseReconciliations(Config* config) {
    for (const Entry& entry : sections_["reconciliations"]) {
      Reconciliation rec;
      rec.name = entry.key->text;
      const std::string ctx = "reconciliation '" + rec.name + "'";
      if (!expectMap(*entry.value, ctx)) {
        continue;
      }
      const YamlNode& map = *entry.value;
      checkKeys(map, kReconciliationKeys, ctx);
      stringField(map, "description", ctx, entry.key->pos, false);
      std::optional<Reconciliation::Type> type;
      if (auto text = stringField(map, "type", ctx, entry.key->pos, true)) {
        for (Reconciliation::Type t :
             {Reconciliation::Type::PayoutToBank, Reconciliation::Type::BatchToBank,
              Reconciliation::Type::LedgerToAccounting, Reconciliation::Type::PayoutComposition}) {
          if (reconciliationTypeName(t) == *text) {
            type = t;
          }
        }
        if (!type) {
          const YamlNode* node = map.find("type");
          error(node->pos, ctx + ": unknown reconciliation type " + describeValue(*node) +
                               hintOrList(*text, kReconciliationTypes));
        }
      }
      if (type) {
        rec.type = *type;
        const bool needsSource = *type != Reconciliation::Type::LedgerToAccounting;
        const bool needsBank = *type == Reconciliation::Type::PayoutToBank ||
                               *type == Reconciliation::Type::BatchToBank;
        const bool needsAccounting = *type == Reconciliation::Type::LedgerToAccounting;
        const std::string typeName(reconciliationTypeName(*type));
        struct Role {
          const char* key;
          bool required;
          bool allowed;
          const char* kind;
          std::string* out;
        };
        const Role roles[] = {
            {"source", needsSource, true, "processor", &rec.source},
            {"bank", needsBank, needsBank, "bank", &rec.bank},
            {"accounting", needsAccounting, needsAccounting, "accounting", &rec.accounting},
        };
        std::set<std::string> tenants;
        for (const Role& role : roles) {
          const YamlNode* node = map.find(role.key);
          if (node != nullptr && !role.allowed) {
            error(map.findKey(role.key)->pos,
                  ctx + ": '" + role.key + "' does not apply to " + typeName);
            continue;
          }
          auto name = stringField(map, role.key, ctx, entry.key->pos, role.required);
          if (!name) {
            continue;
          }
          *role.out = *name;
          const Connection* c = checkConnection(*config, *name, *node, ctx);
          if (c == nullptr) {
            continue;
          }
          if (!c->tenant.empty()) {
            tenants.insert(c->tenant);
          }
          const PluginInfo* plugin =
              options_.plugins != nullptr ? options_.plugins->find(c->plugin) : nullptr;
          if (plugin != nullptr && !plugin->kind.empty() && plugin->kind != role.kind) {
            error(node->pos, ctx + ": " + role.key + " connection '" + *name + "' uses plugin '" +
                                 plugin->name + "' (kind " + plugin->kind + "), not a " +
                                 role.kind + " connector");
          }
        }
        if (tenants.size() > 1) {
          error(entry.key->pos, ctx + ": its connections belong to different tenants (" +
                                    joinNames(Keys(tenants.begin(), tenants.end())) + ")");
        } else if (tenants.size() == 1) {
          rec.tenant = *tenants.begin();
        }
      }
      if (auto days = intField(map, "window_days", ctx, 0, 366)) {
        rec.window_days = static_cast<int32_t>(*days);
      }
      parseTolerance(map, ctx, &rec);
      config->reconciliations.push_back(std::move(rec));
    }
  }

  void parseTolerance(const YamlNode& map, const std::string& ctx, Reconciliation* rec) {
    const YamlNode* node = map.find("tolerance");
    if (node == nullptr || node->isNull()) {
      return;
    }
    const std::string tctx = ctx + ": tolerance";
    if (!node->isMap()) {
      error(node->pos,
            tctx + " must be money {minor: 5, currency: USD}, not " + describeKind(*node));
      return;
    }
    checkKeys(*node, kMoneyKeys, tctx);
    std::optional<int64_t> minor = intField(*node, "minor", tctx, 0, INT64_MAX);
    if (node->find("minor") == nullptr) {
      error(node->pos, tctx + ": missing required key 'minor'");
    }
    std::optional<core::Currency> currency =
        currencyValue(field(*node, "currency", tctx, node->pos, true), "currency", tctx);
    if (minor && currency) {
      rec->tolerance = core::fromMinor(*minor, *currency);
    }
  }

  const LoadOptions& options_;
  DiagnosticSink sink_;
  std::deque<Document> docs_;
  std::set<fs::path> loaded_;
  std::map<std::string, std::vector<Entry>> sections_;
  Entry store_;
  std::map<std::string, Pos> ruleIds_;
  std::map<std::string, std::shared_ptr<const JsonSchema>> schemas_;
};

}  // namespace

LoadResult loadConfig(const std::filesystem::path& file, const LoadOptions& options) {
  Loader loader(options);
  return loader.run(file);
}

}  // namespace lh::pipeline
