// Shared by the engine tests (runtime, sync, replay; and the CLI tests of sync/replay/cursors):
// a YAML config for the `pager` and `books` test plugins (tests/unit/pipeline/engine_plugins),
// written into a temporary directory next to its SQLite file.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace lh::testsupport {

// A directory under $TMPDIR removed with its content when the object dies.
class EngineTempDir {
 public:
  EngineTempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "lh_engine_XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) {
      path_ = pattern;
    }
  }
  ~EngineTempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  EngineTempDir(const EngineTempDir&) = delete;
  EngineTempDir& operator=(const EngineTempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct EngineConfigOptions {
  std::string pagerConfig = "{count: 25, page_size: 10}";  // YAML flow map
  bool postFees = true;                                    // a posting rule for fee events
  bool deliverPayments = true;  // a delivery rule payment -> books create_sales_receipt
  std::string database = "ledger.db";
};

// Tenant "acme" (1000 bank, 1100 clearing, 4000 revenue, 6100 fees), connections "src" (pager)
// and "books" (books), a pipeline posting payments (net/fee/amount) and optionally fees, and
// optionally delivering payments.
inline std::string engineConfigYaml(const EngineConfigOptions& o = {}) {
  std::string yaml =
      "store:\n"
      "  path: " +
      o.database +
      "\n"
      "tenants:\n"
      "  acme:\n"
      "    base_currency: USD\n"
      "    accounts:\n"
      "      - {code: \"1000\", name: Bank, type: asset}\n"
      "      - {code: \"1100\", name: Clearing, type: asset}\n"
      "      - {code: \"4000\", name: Revenue, type: revenue}\n"
      "      - {code: \"6100\", name: Fees, type: expense}\n"
      "connections:\n"
      "  src:\n"
      "    plugin: pager\n"
      "    tenant: acme\n"
      "    config: " +
      o.pagerConfig +
      "\n"
      "  books:\n"
      "    plugin: books\n"
      "    tenant: acme\n"
      "    config: {}\n"
      "pipelines:\n"
      "  main:\n"
      "    tenant: acme\n"
      "    from: [src]\n"
      "    post:\n"
      "      - id: post.payment\n"
      "        on: payment\n"
      "        lines:\n"
      "          - {debit: \"1100\", amount: net}\n"
      "          - {debit: \"6100\", amount: fee}\n"
      "          - {credit: \"4000\", amount: amount}\n";
  if (o.postFees) {
    yaml += "      - {id: post.fee, on: fee, debit: \"6100\", credit: \"1100\", amount: amount}\n";
  }
  if (o.deliverPayments) {
    yaml +=
        "    deliver:\n"
        "      - {id: deliver.receipt, on: payment, to: books, command: create_sales_receipt,\n"
        "         options: {deposit_account: \"1100\"}}\n";
  }
  return yaml;
}

inline std::filesystem::path writeEngineConfig(const std::filesystem::path& dir,
                                               const EngineConfigOptions& o = {},
                                               const std::string& name = "ledgerhost.yaml") {
  const std::filesystem::path file = dir / name;
  std::ofstream(file) << engineConfigYaml(o);
  return file;
}

}  // namespace lh::testsupport
