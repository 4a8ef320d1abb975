// loadConfig: a valid config becomes the right model; every planted error is reported at its exact
// file:line:column; includes merge and cycles are caught; YAML syntax errors keep their position.
#include "pipeline/config_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/pipeline/pipeline_test_support.h"
#include "unit/plugins/plugin_test_support.h"

namespace lh::pipeline {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using testsupport::TempDir;

std::vector<std::string> messages(const LoadResult& result) {
  std::vector<std::string> out;
  for (const Diagnostic& d : result.diagnostics) {
    out.push_back(d.toString());
  }
  return out;
}

LoadResult load(const fs::path& file, const PluginCatalog* catalog = nullptr) {
  LoadOptions options;
  options.plugins = catalog;
  options.env = testsupport::fakeEnv({});
  return loadConfig(file, options);
}

constexpr const char* kValid = R"(include: [reconciliations.yaml]
store:
  path: data/acme.db
  busy_timeout_ms: 2500
tenants:
  acme:
    description: Acme Widgets
    base_currency: USD
    accounts:
      - {code: "1000", name: Bank, type: asset}
      - {code: 1100, name: Stripe clearing, type: asset}
      - {code: "2100", name: Tax payable, type: liability}
      - {code: "3000", name: Equity, type: equity}
      - {code: "4000", name: Revenue, type: revenue}
      - {code: "6100", name: Fees, type: expense}
    exchange_rates:
      - {date: 2026-01-01, from: EUR, to: USD, rate: 1.0842}
connections:
  stripe:
    plugin: stripe
    tenant: acme
    schedule: 15m
    config: {api_key: sk_test_abc, page_size: 50, webhook_fetch: false}
  qbo:
    plugin: qbo
    tenant: acme
    enabled: false
    schedule: "0 6 * * MON-FRI"
    config: {client_id: id, client_secret: s, realm_id: "123"}
  bank:
    plugin: openbanking
    tenant: acme
    config:
      base_url: https://b.example/aisp
      client_id: c
      auth_url: https://b.example/a
      token_url: https://b.example/t
      client_cert_path: c.pem
      client_key_path: k.pem
pipelines:
  shop:
    tenant: acme
    from: [stripe]
    post:
      - on: payment
        where:
          status: available
          livemode: false
          attributes.kind: {in: [card, 3]}
          links.invoice: {exists: true}
          description: {exists: false}
          reference: {ne: x}
          type: {not_in: [refund]}
          external_id: {eq: txn_1}
        lines:
          - {debit: 1100, amount: net}
          - {debit: "6100", amount: fee}
          - {credit: "4000", amount: amount}
        memo: "charge {links.charge}"
      - {id: shop.payout, on: payout, debit: "1000", credit: "1100", date: dates.arrival_date}
    deliver:
      - on: invoice
        to: qbo
        command: create_invoice
        options: {send: true, terms: 30}
)";

constexpr const char* kReconciliations = R"(reconciliations:
  payouts:
    type: payout_to_bank
    source: stripe
    bank: bank
    window_days: 2
    tolerance: {minor: 5, currency: USD}
  books:
    type: ledger_to_accounting
    accounting: qbo
)";

TEST(ConfigLoaderTest, ValidConfigParsesIntoTheModel) {
  TempDir dir;
  const fs::path file = dir.write("ledgerhost.yaml", kValid);
  dir.write("reconciliations.yaml", kReconciliations);
  const PluginCatalog catalog = testsupport::builtinCatalog();
  LoadResult result = load(file, &catalog);
  ASSERT_TRUE(result.ok()) << formatDiagnostics(result.diagnostics);
  const Config& config = *result.config;

  EXPECT_EQ(config.file, file);
  EXPECT_EQ(config.store.path, dir.path() / "data" / "acme.db");
  EXPECT_EQ(config.store.busy_timeout_ms, 2500);

  ASSERT_EQ(config.tenants.size(), 1u);
  const core::Tenant& acme = config.tenants[0];
  EXPECT_EQ(acme.id, "acme");
  EXPECT_EQ(acme.base_currency, "USD");
  ASSERT_EQ(acme.accounts.size(), 6u);
  EXPECT_EQ(acme.accounts[1].code, "1100");  // an unquoted code reads as its text
  EXPECT_EQ(acme.accounts[1].name, "Stripe clearing");
  EXPECT_EQ(acme.accounts[1].type, core::AccountType::Asset);
  EXPECT_EQ(acme.accounts[2].type, core::AccountType::Liability);
  EXPECT_EQ(acme.accounts[3].type, core::AccountType::Equity);
  EXPECT_EQ(acme.accounts[4].type, core::AccountType::Revenue);
  EXPECT_EQ(acme.accounts[5].type, core::AccountType::Expense);
  ASSERT_EQ(acme.rates.size(), 1u);
  EXPECT_EQ(acme.rates[0].date, "2026-01-01");
  EXPECT_EQ(acme.rates[0].from, "EUR");
  EXPECT_EQ(acme.rates[0].to, "USD");
  EXPECT_EQ(acme.rates[0].rate, "1.0842");  // the exact text, never a double

  ASSERT_EQ(config.connections.size(), 3u);
  const Connection* stripe = config.findConnection("stripe");
  ASSERT_NE(stripe, nullptr);
  EXPECT_EQ(stripe->plugin, "stripe");
  EXPECT_EQ(stripe->tenant, "acme");
  EXPECT_TRUE(stripe->enabled);
  ASSERT_TRUE(stripe->schedule.has_value());
  EXPECT_EQ(stripe->schedule->kind, Schedule::Kind::Interval);
  EXPECT_EQ(stripe->schedule->interval_seconds, 900);
  EXPECT_EQ(stripe->config, nlohmann::json::parse(
                                R"({"api_key": "sk_test_abc", "page_size": 50,
                                    "webhook_fetch": false})"));
  const Connection* qbo = config.findConnection("qbo");
  ASSERT_NE(qbo, nullptr);
  EXPECT_FALSE(qbo->enabled);
  EXPECT_EQ(qbo->schedule->kind, Schedule::Kind::Cron);
  EXPECT_EQ(qbo->schedule->text, "0 6 * * MON-FRI");
  EXPECT_EQ(qbo->config["realm_id"], "123");  // quoted: stays a string
  EXPECT_FALSE(config.findConnection("bank")->schedule.has_value());

  ASSERT_EQ(config.pipelines.size(), 1u);
  const Pipeline& shop = config.pipelines[0];
  EXPECT_EQ(shop.name, "shop");
  EXPECT_EQ(shop.tenant, "acme");
  EXPECT_THAT(shop.from, ElementsAre("stripe"));
  ASSERT_EQ(shop.post.size(), 2u);

  const core::PostingRule& payment = shop.post[0];
  EXPECT_EQ(payment.id, "shop.post[0]");
  EXPECT_EQ(payment.tenant, "acme");
  EXPECT_THAT(payment.connections, ElementsAre("stripe"));
  EXPECT_EQ(payment.on, core::EventType::Payment);
  EXPECT_EQ(payment.date_field, "occurred_at");
  EXPECT_EQ(payment.memo, "charge {links.charge}");
  using Op = core::Condition::Op;
  using nlohmann::json;
  ASSERT_EQ(payment.where.size(), 8u);
  auto cond = [&](size_t i, const char* path, Op op, std::vector<json> values) {
    EXPECT_EQ(payment.where[i].path, path) << i;
    EXPECT_EQ(payment.where[i].op, op) << i;
    EXPECT_EQ(payment.where[i].values, values) << i;
  };
  cond(0, "status", Op::Eq, {"available"});
  cond(1, "livemode", Op::Eq, {false});  // typed: the boolean, not "false"
  cond(2, "attributes.kind", Op::In, {"card", 3});
  cond(3, "links.invoice", Op::Exists, {});
  cond(4, "description", Op::Missing, {});
  cond(5, "reference", Op::Ne, {"x"});
  cond(6, "type", Op::NotIn, {"refund"});
  cond(7, "external_id", Op::Eq, {"txn_1"});
  using Side = core::PostingLine::Side;
  ASSERT_EQ(payment.lines.size(), 3u);
  EXPECT_EQ(payment.lines[0].account, "1100");
  EXPECT_EQ(payment.lines[0].side, Side::Debit);
  EXPECT_EQ(payment.lines[0].amount_field, "net");
  EXPECT_EQ(payment.lines[1].account, "6100");
  EXPECT_EQ(payment.lines[1].amount_field, "fee");
  EXPECT_EQ(payment.lines[2].account, "4000");
  EXPECT_EQ(payment.lines[2].side, Side::Credit);
  EXPECT_EQ(payment.lines[2].amount_field, "amount");

  const core::PostingRule& payout = shop.post[1];
  EXPECT_EQ(payout.id, "shop.payout");
  EXPECT_EQ(payout.on, core::EventType::Payout);
  EXPECT_EQ(payout.date_field, "dates.arrival_date");
  ASSERT_EQ(payout.lines.size(), 2u);  // shorthand: amount defaults to `amount`
  EXPECT_EQ(payout.lines[0].account, "1000");
  EXPECT_EQ(payout.lines[0].side, Side::Debit);
  EXPECT_EQ(payout.lines[0].amount_field, "amount");
  EXPECT_EQ(payout.lines[1].account, "1100");
  EXPECT_EQ(payout.lines[1].side, Side::Credit);
  EXPECT_EQ(payout.lines[1].amount_field, "amount");

  ASSERT_EQ(shop.deliver.size(), 1u);
  const core::DeliveryRule& invoice = shop.deliver[0];
  EXPECT_EQ(invoice.id, "shop.deliver[0]");
  EXPECT_EQ(invoice.on, core::EventType::Invoice);
  EXPECT_EQ(invoice.target_connection, "qbo");
  EXPECT_EQ(invoice.command, "create_invoice");
  EXPECT_EQ(invoice.options, json::parse(R"({"send": true, "terms": 30})"));
  EXPECT_EQ(config.ruleCount(), 3u);
  EXPECT_EQ(config.postingRules().size(), 2u);
  EXPECT_EQ(config.deliveryRules().size(), 1u);

  ASSERT_EQ(config.reconciliations.size(), 2u);
  const Reconciliation& payouts = config.reconciliations[0];
  EXPECT_EQ(payouts.name, "payouts");
  EXPECT_EQ(payouts.type, Reconciliation::Type::PayoutToBank);
  EXPECT_EQ(payouts.tenant, "acme");
  EXPECT_EQ(payouts.source, "stripe");
  EXPECT_EQ(payouts.bank, "bank");
  EXPECT_EQ(payouts.window_days, 2);
  ASSERT_TRUE(payouts.tolerance.has_value());
  EXPECT_EQ(*payouts.tolerance, core::fromMinor(5, core::knownCurrency("USD")));
  EXPECT_EQ(config.reconciliations[1].type, Reconciliation::Type::LedgerToAccounting);
  EXPECT_EQ(config.reconciliations[1].accounting, "qbo");
  EXPECT_EQ(config.reconciliations[1].window_days, 3);  // default
  EXPECT_FALSE(config.reconciliations[1].tolerance.has_value());
}

constexpr const char* kPlanted = R"(store:
  path: x.db
  busy_timout_ms: 10
tenant: acme
tenants:
  acme:
    base_currency: USX
    accounts:
      - {code: "1000", name: Bank, type: asset}
      - {code: "1100", name: Clearing, type: assets}
      - {code: "4000", name: Revenue, type: revenue}
      - {code: "1000", name: Dup, type: asset}
connections:
  stripe:
    plugin: strpe
    tenant: acme
  books:
    plugin: qbo
    tenant: acme
    schedule: 15x
    enabled: yes
    config: {client_id: id, client_secret: s, realm_id: abc, minorversion: 70, colour: red}
  bank:
    plugin: openbanking
    tenant: acme
    config: {base_url: "https://b.example/aisp", client_id: c, auth_url: "https://b.example/a", token_url: "https://b.example/t", client_cert_path: c.pem}
  nameless:
    tenant: acme
pipelines:
  shop:
    tenant: acme
    from: [stripe, strip]
    post:
      - on: paymnt
        debit: "1100"
        credit: "4999"
      - id: shop.refund
        on: refund
        lines:
          - {debit: "4000", amount: gross}
          - {credit: "1100", amount: amount}
      - id: shop.refund
        on: payment
        lines:
          - {debit: "1100", amount: amount}
          - {credit: "4000", amount: net}
        date: dates.arival_date
        memmo: x
    deliver:
      - {on: invoice, to: books, command: create_invoce}
      - {on: payout, to: bank, command: create_deposit}
      - {on: invoice, to: nowhere, command: x}
  other:
    tenant: acm
    post: {on: payment}
reconciliations:
  r1:
    type: payout_to_bnk
)";

TEST(ConfigLoaderTest, EveryPlantedErrorIsReportedAtItsPosition) {
  TempDir dir;
  const fs::path file = dir.write("planted.yaml", kPlanted);
  const PluginCatalog catalog = testsupport::builtinCatalog();
  LoadResult result = load(file, &catalog);
  ASSERT_FALSE(result.ok());
  const std::string f = file.string();
  EXPECT_THAT(
      messages(result),
      ElementsAre(
          f + ":3:3: store: unknown key 'busy_timout_ms' (did you mean 'busy_timeout_ms'?)",
          f + ":4:1: top level: unknown key 'tenant' (did you mean 'tenants'?)",
          f + ":7:20: tenant 'acme': 'base_currency': unknown currency 'USX' (an ISO 4217 code "
              "such as USD)",
          f + ":10:46: tenant 'acme': accounts[1]: unknown account type 'assets' (did you mean "
              "'asset'?)",
          f + ":12:16: tenant 'acme': duplicate account code '1000' (first at line 9)",
          f + ":15:13: connection 'stripe': unknown plugin 'strpe' (did you mean 'stripe'?)",
          f + ":20:15: connection 'books': schedule: '15x' is not an interval (a number and a unit "
              "s, m, h or d, e.g. 15m or 1h30m) nor a cron expression",
          f + ":21:14: connection 'books': 'enabled' must be true or false, not 'yes'",
          f + ":22:57: connection 'books': config.realm_id: does not match the pattern the plugin "
              "requires",
          f + ":22:76: connection 'books': config.minorversion: expected number greater than or "
              "equal to 75",
          f + ":22:80: connection 'books': config: unknown key 'colour' for plugin 'qbo'",
          f + ":26:5: connection 'bank': config: missing required key 'client_key_path' for plugin "
              "'openbanking'",
          f + ":27:3: connection 'nameless': missing required key 'plugin'",
          f + ":32:20: pipeline 'shop': unknown connection 'strip' (did you mean 'stripe'?)",
          f + ":34:13: posting rule 'shop.post[0]': unknown event type 'paymnt' (did you mean "
              "'payment'?)",
          f + ":36:17: posting rule 'shop.post[0]': unknown account '4999' in tenant 'acme'",
          f + ":40:37: posting rule 'shop.refund': lines[0]: 'gross' is not a money field (money "
              "fields: amount, fee, net, tax, settlement.amount, settlement.fee, settlement.net)",
          f + ":42:9: posting rule 'shop.refund' cannot balance: debits (amount = net + fee) and "
              "credits (net) differ by fee on the debit side",
          f + ":42:13: duplicate rule id 'shop.refund' (first at " + f + ":37:13)",
          f + ":47:15: posting rule 'shop.refund': date field 'dates.arival_date' is not a date of "
              "the event (did you mean 'dates.arrival_date'?)",
          f + ":48:9: posting rule 'shop.refund': unknown key 'memmo' (did you mean 'memo'?)",
          f + ":50:43: delivery rule 'shop.deliver[0]': plugin 'qbo' of connection 'books' has no "
              "command 'create_invoce' (did you mean 'create_invoice'?)",
          f + ":51:41: delivery rule 'shop.deliver[1]': plugin 'openbanking' of connection 'bank' "
              "has no command 'create_deposit' (it takes no commands: it is a source only)",
          f + ":52:27: delivery rule 'shop.deliver[2]': unknown connection 'nowhere' (known "
              "connections: stripe, books, bank, nameless)",
          f + ":54:13: pipeline 'other': unknown tenant 'acm' (did you mean 'acme'?)",
          f + ":55:11: pipeline 'other': 'post' must be a list of posting rules, not a mapping",
          f + ":58:11: reconciliation 'r1': unknown reconciliation type 'payout_to_bnk' (did you "
              "mean 'payout_to_bank'?)"));
}

TEST(ConfigLoaderTest, YamlSyntaxErrorKeepsItsPositionOneBased) {
  TempDir dir;
  const fs::path file = dir.write("broken.yaml", "store: {path: x.db}\n  tenants: 2\n");
  LoadResult result = load(file);
  // yaml-cpp's mark is line 1, column 2 (0-based): the `tenants` that cannot follow the map.
  EXPECT_THAT(messages(result),
              ElementsAre(file.string() + ":2:3: YAML syntax error: end of map not found"));
  const fs::path value = dir.write("value.yaml", "a: 1\n  b: 2\n");
  // yaml-cpp's mark is line 1, column 3 (0-based): the stray ':'.
  EXPECT_THAT(messages(load(value)),
              ElementsAre(value.string() + ":2:4: YAML syntax error: illegal map value"));
}

TEST(ConfigLoaderTest, WrongTypesAndMissingSections) {
  TempDir dir;
  const fs::path file = dir.write("types.yaml",
                                  "tenants: [acme]\n"
                                  "connections:\n"
                                  "  c1: just-a-string\n"
                                  "pipelines:\n"
                                  "  p:\n"
                                  "    tenant: {id: acme}\n"
                                  "    from: {a: b}\n");
  EXPECT_THAT(messages(load(file)),
              ElementsAre(file.string() + ":1:1: missing required section 'store' (e.g. store: "
                                          "{path: ledgerhost.db})",
                          file.string() +
                              ":1:10: 'tenants' must be a mapping of names to definitions, not a "
                              "list",
                          file.string() + ":3:7: connection 'c1' must be a mapping, not a string",
                          file.string() + ":6:13: pipeline 'p': 'tenant' must be a string, not a "
                                          "mapping",
                          file.string() + ":7:11: pipeline 'p': 'from' must be a list of names, "
                                          "not a mapping"));
}

TEST(ConfigLoaderTest, DuplicateKeysAndBadNames) {
  TempDir dir;
  const fs::path file = dir.write("dups.yaml",
                                  "store: {path: x.db}\n"
                                  "tenants:\n"
                                  "  acme: {base_currency: USD, accounts: []}\n"
                                  "  acme: {base_currency: EUR, accounts: []}\n"
                                  "  \"a b\": {base_currency: USD, accounts: []}\n");
  EXPECT_THAT(
      messages(load(file)),
      ElementsAre(file.string() + ":4:3: duplicate key 'acme' (first at line 3)",
                  file.string() + ":5:3: tenant name 'a b' must be letters, digits, '_' or '-'"));
}

TEST(ConfigLoaderTest, IncludesMergeSectionsFromFilesRelativeToTheIncluder) {
  TempDir dir;
  fs::create_directories(dir.path() / "parts" / "deeper");
  const fs::path root = dir.write("root.yaml",
                                  "include: [parts/tenants.yaml, parts/connections.yaml]\n"
                                  "store: {path: db.sqlite}\n");
  dir.write("parts/tenants.yaml",
            "include: deeper/common.yaml\n"
            "tenants:\n"
            "  acme: {base_currency: USD, accounts: [{code: '1000', name: Bank, type: asset}]}\n");
  dir.write("parts/connections.yaml",
            "include: [deeper/common.yaml]\n"  // a second include of the same file: loaded once
            "connections:\n"
            "  stripe: {plugin: stripe, tenant: acme}\n");
  dir.write("parts/deeper/common.yaml",
            "pipelines:\n"
            "  p: {tenant: acme, post: [{on: payout, debit: '1000', credit: '1000'}]}\n");
  LoadResult result = load(root);
  ASSERT_TRUE(result.ok()) << formatDiagnostics(result.diagnostics);
  EXPECT_NE(result.config->findTenant("acme"), nullptr);
  EXPECT_NE(result.config->findConnection("stripe"), nullptr);
  ASSERT_NE(result.config->findPipeline("p"), nullptr);
  EXPECT_EQ(result.config->findPipeline("p")->post[0].id, "p.post[0]");
  EXPECT_EQ(result.config->store.path, dir.path() / "db.sqlite");
}

TEST(ConfigLoaderTest, IncludeCycleIsReportedWithTheChain) {
  TempDir dir;
  fs::create_directories(dir.path() / "parts");
  const fs::path root = dir.write("root.yaml",
                                  "include: [parts/a.yaml]\n"
                                  "store: {path: db.sqlite}\n");
  dir.write("parts/a.yaml", "include: [b.yaml]\n");
  dir.write("parts/b.yaml", "tenants: {}\ninclude:\n  - ../root.yaml\n");
  const std::string r = root.string();
  const std::string a = (dir.path() / "parts" / "a.yaml").string();
  const std::string b = (dir.path() / "parts" / "b.yaml").string();
  EXPECT_THAT(messages(load(root)),
              ElementsAre(b + ":3:5: include cycle: " + r + " -> " + a + " -> " + b + " -> " + r));
}

TEST(ConfigLoaderTest, IncludedFilesReportTheirOwnNamesAndDuplicates) {
  TempDir dir;
  const fs::path root = dir.write("root.yaml",
                                  "include: [other.yaml, missing.yaml]\n"
                                  "store: {path: db.sqlite}\n"
                                  "tenants:\n"
                                  "  acme: {base_currency: USD, accounts: []}\n");
  const fs::path other = dir.write("other.yaml",
                                   "store: {path: again.sqlite}\n"
                                   "tenants:\n"
                                   "  acme: {base_currency: USD, accounts: []}\n"
                                   "  beta: {base_currency: USD, acounts: []}\n");
  const std::string r = root.string();
  const std::string o = other.string();
  EXPECT_THAT(
      messages(load(root)),
      ElementsAre(r + ":1:23: cannot read included file '" +
                      (dir.path() / "missing.yaml").string() + "' (No such file or directory)",
                  o + ":1:1: 'store' is already defined at " + r + ":2:1",
                  o + ":3:3: tenant 'acme' is already defined at " + r + ":4:3",
                  o + ":4:3: tenant 'beta': missing required key 'accounts'",
                  o + ":4:30: tenant 'beta': unknown key 'acounts' (did you mean "
                      "'accounts'?)"));
}

TEST(ConfigLoaderTest, UnreadableRootFile) {
  TempDir dir;
  const fs::path file = dir.path() / "absent.yaml";
  EXPECT_THAT(messages(load(file)),
              ElementsAre(file.string() + ": cannot read config file (No such file or directory)"));
}

TEST(ConfigLoaderTest, WithoutACatalogPluginChecksAreSkipped) {
  TempDir dir;
  const fs::path file =
      dir.write("c.yaml",
                "store: {path: x.db}\n"
                "tenants: {t: {base_currency: USD, accounts: []}}\n"
                "connections: {c: {plugin: anything, tenant: t, config: {x: 1}}}\n");
  LoadResult result = load(file);
  ASSERT_TRUE(result.ok()) << formatDiagnostics(result.diagnostics);
  EXPECT_EQ(result.config->connections[0].config, nlohmann::json::parse(R"({"x": 1})"));
}

TEST(ConfigLoaderTest, ConnectionConfigScalarsAreTypedByTheYaml12CoreSchema) {
  TempDir dir;
  const fs::path file = dir.write("c.yaml",
                                  "store: {path: x.db}\n"
                                  "tenants: {t: {base_currency: USD, accounts: []}}\n"
                                  "connections:\n"
                                  "  c:\n"
                                  "    plugin: p\n"
                                  "    tenant: t\n"
                                  "    config:\n"
                                  "      dec: -12\n"
                                  "      hex: 0x1F\n"
                                  "      oct: 0o17\n"
                                  "      float: 1.5e3\n"
                                  "      quoted: \"5\"\n"
                                  "      nothing: ~\n"
                                  "      inf: .inf\n"
                                  "      yes: yes\n"
                                  "      bool: True\n"
                                  "      huge: 99999999999999999999\n"
                                  "      date: 2026-01-01\n"
                                  "      block: |\n"
                                  "        two\n"
                                  "        lines\n"
                                  "      list: [1, a, false]\n");
  LoadResult result = load(file);
  ASSERT_TRUE(result.ok()) << formatDiagnostics(result.diagnostics);
  EXPECT_EQ(result.config->connections[0].config,
            nlohmann::json::parse(R"({"dec": -12, "hex": 31, "oct": 15, "float": 1500.0,
                                     "quoted": "5", "nothing": null, "inf": ".inf", "yes": "yes",
                                     "bool": true, "huge": "99999999999999999999",
                                     "date": "2026-01-01", "block": "two\nlines\n",
                                     "list": [1, "a", false]})"));
}

TEST(ConfigLoaderTest, ReconciliationRolesAndKinds) {
  TempDir dir;
  const fs::path file = dir.write("r.yaml",
                                  "store: {path: x.db}\n"
                                  "tenants:\n"
                                  "  t: {base_currency: USD, accounts: []}\n"
                                  "  u: {base_currency: USD, accounts: []}\n"
                                  "connections:\n"
                                  "  s: {plugin: stripe, tenant: t, config: {api_key: sk_test_1}}\n"
                                  "  q: {plugin: qbo, tenant: u, config: {client_id: a, "
                                  "client_secret: b, realm_id: '1'}}\n"
                                  "reconciliations:\n"
                                  "  a: {type: payout_to_bank, source: s, bank: q}\n"
                                  "  b: {type: payout_composition, source: s, bank: s}\n"
                                  "  c: {type: ledger_to_accounting, window_days: -1}\n"
                                  "  d: {type: payout_composition, source: s, tolerance: 5}\n");
  const PluginCatalog catalog = testsupport::builtinCatalog();
  const std::string f = file.string();
  EXPECT_THAT(
      messages(load(file, &catalog)),
      ElementsAre(
          f + ":9:3: reconciliation 'a': its connections belong to different tenants (t, u)",
          f + ":9:46: reconciliation 'a': bank connection 'q' uses plugin 'qbo' (kind "
              "accounting), not a bank connector",
          f + ":10:44: reconciliation 'b': 'bank' does not apply to payout_composition",
          f + ":11:3: reconciliation 'c': missing required key 'accounting'",
          f + ":11:48: reconciliation 'c': 'window_days' must be between 0 and 366, not -1",
          f + ":12:55: reconciliation 'd': tolerance must be money {minor: 5, currency: "
              "USD}, not an integer"));
}

}  // namespace
}  // namespace lh::pipeline
