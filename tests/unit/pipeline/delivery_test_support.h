// Shared by the delivery tests (delivery_runner_test.cpp and the `ledgerhost sync` CLI tests): a
// YAML config for the `feed` source and the `ledgerbook` accounting test plugins
// (engine_plugins/delivery_plugins.cpp), the events file feed reads and the remote file ledgerbook
// keeps, all in one temporary directory.
#pragma once

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace lh::testsupport {

struct DeliveryConfigOptions {
  // Extra entries of ledgerbook's config flow map, e.g. "needs: {create_payment: [invoice]}".
  std::string ledgerbook;
  std::string database = "ledger.db";
};

inline std::filesystem::path eventsFile(const std::filesystem::path& dir) {
  return dir / "events.json";
}
inline std::filesystem::path remoteFile(const std::filesystem::path& dir) {
  return dir / "remote.json";
}

// Tenant "acme"; connections "src" (feed) and "qb" (ledgerbook); pipeline "main" from src
// delivering customers, invoices (option item: Services), payments and payouts (create_deposit)
// to qb, and posting payments.
inline std::filesystem::path writeDeliveryConfig(const std::filesystem::path& dir,
                                                 const DeliveryConfigOptions& o = {},
                                                 const std::string& name = "ledgerhost.yaml") {
  const std::filesystem::path file = dir / name;
  std::ofstream(file)
      << "store:\n"
         "  path: "
      << o.database
      << "\n"
         "tenants:\n"
         "  acme:\n"
         "    base_currency: USD\n"
         "    accounts:\n"
         "      - {code: \"1100\", name: Clearing, type: asset}\n"
         "      - {code: \"4000\", name: Revenue, type: revenue}\n"
         "      - {code: \"6100\", name: Fees, type: expense}\n"
         "connections:\n"
         "  src:\n"
         "    plugin: feed\n"
         "    tenant: acme\n"
         "    config: {events_file: \""
      << eventsFile(dir).string()
      << "\"}\n"
         "  qb:\n"
         "    plugin: ledgerbook\n"
         "    tenant: acme\n"
         "    config: {remote_file: \""
      << remoteFile(dir).string() << "\"" << (o.ledgerbook.empty() ? "" : ", " + o.ledgerbook)
      << "}\n"
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
         "          - {credit: \"4000\", amount: amount}\n"
         "    deliver:\n"
         "      - {id: d.customer, on: customer, to: qb, command: create_customer}\n"
         "      - {id: d.invoice, on: invoice, to: qb, command: create_invoice,\n"
         "         options: {item: Services}}\n"
         "      - {id: d.payment, on: payment, to: qb, command: create_payment}\n"
         "      - {id: d.deposit, on: payout, to: qb, command: create_deposit,\n"
         "         options: {deposit_to: Checking}}\n";
  return file;
}

inline void writeEvents(const std::filesystem::path& dir, const nlohmann::json& events) {
  std::ofstream(eventsFile(dir)) << events.dump(2);
}

// What ledgerbook holds: {"objects": [...], "received": [...], "calls": N}; empty when untouched.
inline nlohmann::json readRemote(const std::filesystem::path& dir) {
  std::ifstream in(remoteFile(dir));
  if (!in) {
    return {{"objects", nlohmann::json::array()}, {"received", nlohmann::json::array()}};
  }
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

inline nlohmann::json usd(int64_t minor) { return {{"minor", minor}, {"currency", "USD"}}; }

// A payment of `amount` with `fee` withheld, settled by `payout` (none when empty).
inline nlohmann::json payment(const std::string& id, int64_t amount, int64_t fee,
                              const std::string& payout, nlohmann::json links = {}) {
  if (!links.is_object()) {
    links = nlohmann::json::object();
  }
  if (!payout.empty()) {
    links["payout"] = payout;
  }
  nlohmann::json e = {{"type", "payment"},        {"external_id", id},
                      {"occurred_at", "2026-01-02T10:00:00Z"},
                      {"amount", usd(amount)},    {"fee", usd(fee)},
                      {"net", usd(amount - fee)}, {"raw", {{"id", id}}}};
  if (!links.empty()) {
    e["links"] = links;
  }
  return e;
}

inline nlohmann::json customer(const std::string& id) {
  return {{"type", "customer"},
          {"external_id", id},
          {"occurred_at", "2026-01-01T09:00:00Z"},
          {"raw", {{"id", id}}}};
}

inline nlohmann::json invoice(const std::string& id, int64_t amount, const std::string& customerId) {
  return {{"type", "invoice"},
          {"external_id", id},
          {"occurred_at", "2026-01-01T09:30:00Z"},
          {"amount", usd(amount)},
          {"links", {{"customer", customerId}}},
          {"raw", {{"id", id}}}};
}

inline nlohmann::json payout(const std::string& id, int64_t amount) {
  return {{"type", "payout"},
          {"external_id", id},
          {"occurred_at", "2026-01-04T00:00:00Z"},
          {"amount", usd(amount)},
          {"raw", {{"id", id}}}};
}

// Customer cus_1; payment txn_1 (100.00, fee 3.20) of invoice in_1, settled by po_1 — queued
// BEFORE its invoice; invoice in_1 of cus_1; fee fee_1 (5.00) in po_1; payout po_1 of
// 96.80 - 5.00 = 91.80. Commands: cus_1, txn_1, in_1, po_1 (fees are not delivered).
inline nlohmann::json basicEvents() {
  nlohmann::json fee = {{"type", "fee"},
                        {"external_id", "fee_1"},
                        {"occurred_at", "2026-01-03T00:00:00Z"},
                        {"amount", usd(500)},
                        {"links", {{"payout", "po_1"}}},
                        {"raw", {{"id", "fee_1"}}}};
  return nlohmann::json::array(
      {customer("cus_1"),
       payment("txn_1", 10000, 320, "po_1",
               {{"invoice", "in_1"}, {"customer", "cus_1"}, {"charge", "ch_1"}}),
       invoice("in_1", 10000, "cus_1"), fee, payout("po_1", 9180)});
}

// Payment txn_2 (net 40.00) in payout po_2 of 50.00: the composition is short by 10.00.
inline nlohmann::json shortPayoutEvents() {
  return nlohmann::json::array({payment("txn_2", 4100, 100, "po_2"), payout("po_2", 5000)});
}

// Customer cus_1, invoice in_1 of cus_1, payment txn_1 of in_1 (no payout): commands in that order.
inline nlohmann::json chainEvents() {
  return nlohmann::json::array(
      {customer("cus_1"), invoice("in_1", 10000, "cus_1"),
       payment("txn_1", 10000, 320, "", {{"invoice", "in_1"}, {"customer", "cus_1"}})});
}

}  // namespace lh::testsupport
