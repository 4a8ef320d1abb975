// Helpers for the pipeline tests: a plugin catalog built from the built-in plugins' schema files
// (read from the source tree, so these tests need no .so), and an environment lookup from a map.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>

#include "pipeline/plugin_catalog.h"
#include "pipeline/substitution.h"

namespace lh::testsupport {

inline std::string readFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::filesystem::path sourceDir() { return std::filesystem::path(LH_SOURCE_DIR); }

// The four built-in plugins as the CLI would describe them (schemas from plugins/*/).
inline pipeline::PluginCatalog builtinCatalog() {
  pipeline::PluginCatalog catalog;
  auto schema = [](const char* name) {
    return nlohmann::json::parse(readFile(sourceDir() / "plugins" / name / "config.schema.json"));
  };
  catalog.add({"stripe", "processor", schema("stripe"), {}, {"balance_transactions", "payouts"}});
  catalog.add({"authnet", "processor", schema("authnet"), {}, {"settled_batches"}});
  catalog.add({"qbo",
               "accounting",
               schema("qbo"),
               {"create_customer", "create_invoice", "create_payment", "create_refund_receipt",
                "create_credit_memo", "create_deposit", "create_journal_entry"},
               {"cdc"}});
  catalog.add({"openbanking", "bank", schema("openbanking"), {}, {"transactions"}});
  return catalog;
}

// An environment holding exactly `vars`.
inline pipeline::EnvLookup fakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) {
      return std::nullopt;
    }
    return it->second;
  };
}

// Every variable the example configs reference, with plausible values.
inline pipeline::EnvLookup exampleEnv() {
  return fakeEnv({{"STRIPE_API_KEY", "sk_test_4eC39HqLyjWDarjtT1zdp7dc"},
                  {"AUTHNET_LOGIN_ID", "5KP3u95bQpv"},
                  {"AUTHNET_TRANSACTION_KEY", "346HZ32z3fP4hTG2"},
                  {"QBO_CLIENT_ID", "ABcdEFghIJklMNopQRstUVwxYZ"},
                  {"QBO_CLIENT_SECRET", "qbo-secret-value-0123456789"},
                  {"BANK_CLIENT_ID", "bank-client-1"}});
}

}  // namespace lh::testsupport
