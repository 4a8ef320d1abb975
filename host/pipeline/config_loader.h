// loadConfig: reads a ledgerhost YAML config (and the files it includes), checks all of it, and
// compiles it into a Config (config.h) with core rules.
//
// Every problem is reported, not just the first: YAML syntax, unknown keys (with the closest valid
// key), wrong types, missing keys, unknown tenants / connections / plugins / accounts / commands,
// connection configs that break their plugin's JSON Schema, amount fields that are not money
// fields, posting rules that cannot balance (balance_check.h), bad schedules, duplicate names and
// rule ids, include cycles, and unresolvable ${env:}/${file:} references. Each is a Diagnostic at
// the file:line:column of the offending key or value (1-based).
//
// The YAML shape (config/ledgerhost.schema.json has it for editors; config/example.yaml shows it):
//   include: [other.yaml, ...]       # optional; relative to this file; sections merge, cycles fail
//   store: {path: ledgerhost.db, busy_timeout_ms: 5000}   # required once; path relative to file
//   tenants:
//     <id>: {base_currency: USD, accounts: [{code: "1000", name: Bank, type: asset}, ...],
//            exchange_rates: [{date: "2026-01-01", from: EUR, to: USD, rate: "1.0842"}]}
//   connections:
//     <name>: {plugin: stripe, tenant: <id>, config: {...}, schedule: 15m, enabled: true}
//   pipelines:
//     <name>:
//       tenant: <id>
//       from: [<connection>, ...]     # optional: default every connection of the tenant
//       post:
//         - {on: payment, where: {status: succeeded}, debit: "1100", credit: "4000", amount:
//         amount}
//         - {on: payment, lines: [{debit: "1100", amount: net}, {debit: "6100", amount: fee},
//                                 {credit: "4000", amount: amount}], date: occurred_at, memo: ".."}
//       deliver:
//         - {on: invoice, where: {...}, to: <connection>, command: create_invoice, options: {...}}
//   reconciliations:
//     <name>: {type: payout_to_bank, source: <conn>, bank: <conn>, window_days: 3,
//              tolerance: {minor: 0, currency: USD}}
// Names (tenants, connections, pipelines, reconciliations) are letters, digits, '_' and '-'. Rule
// ids are `id:` or "<pipeline>.post[<n>]" / "<pipeline>.deliver[<n>]" (n from 0); unique overall.
// `where:` maps a dotted event path to a value (equal), or to {in: [..]}, {not_in: [..]},
// {ne: x}, {eq: x} or {exists: true|false}.
//
// Thread safety: loadConfig may run on several threads at once (it shares nothing).
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

#include "pipeline/config.h"
#include "pipeline/diagnostic.h"
#include "pipeline/plugin_catalog.h"
#include "pipeline/substitution.h"

namespace lh::pipeline {

struct LoadOptions {
  // The plugins the host can load. nullptr skips the plugin checks (unknown plugin, connection
  // config schema, delivery commands, reconciliation connection kinds).
  const PluginCatalog* plugins = nullptr;
  // Where ${env:VAR} comes from.
  EnvLookup env = processEnvironment();
  // false: ${env:}/${file:} references are checked for syntax but not resolved (their text stays),
  // and connection configs are not checked against their plugin's schema. For `config test`,
  // which needs the rules but no secrets.
  bool resolve_secrets = true;
};

struct LoadResult {
  std::optional<Config> config;         // set exactly when diagnostics is empty
  std::vector<Diagnostic> diagnostics;  // sorted (sortDiagnostics), secrets scrubbed

  bool ok() const { return config.has_value(); }
};

// Loads and checks `file`. Diagnostics name files as given: `file` itself, and includes joined to
// the including file's directory (lexically normalised). A root file that cannot be read is one
// diagnostic without a position.
LoadResult loadConfig(const std::filesystem::path& file, const LoadOptions& options = {});

}  // namespace lh::pipeline
