#include "core/hash_chain.h"

#include <openssl/evp.h>

#include <array>
#include <memory>

#include "core/check.h"

namespace lh::core {
namespace {

void appendField(std::string& out, std::string_view value) {
  out += std::to_string(value.size());
  out += ':';
  out += value;
  out += '\n';
}

void appendInt(std::string& out, int64_t value) { appendField(out, std::to_string(value)); }

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

}  // namespace

std::string canonicalEntryBytes(const LedgerEntry& entry) {
  std::string out = "lh-ledger-entry/1\n";
  appendField(out, entry.prev_hash);
  appendInt(out, entry.id);
  appendInt(out, entry.seq);
  appendField(out, entry.tenant);
  appendField(out, entry.rule_id);
  appendField(out, entry.event_connection);
  appendField(out, eventTypeName(entry.event_type));
  appendField(out, entry.event_external_id);
  appendInt(out, entry.event_id);
  appendInt(out, entry.event_version);
  appendField(out, entry.event_checksum);
  appendField(out, entry.effective_date);
  appendField(out, entry.memo);
  appendField(out, entryKindName(entry.kind));
  appendField(out, entry.reverses ? std::to_string(*entry.reverses) : std::string());
  appendField(out, entry.posted_at);
  appendInt(out, static_cast<int64_t>(entry.lines.size()));
  for (const LedgerLine& line : entry.lines) {
    appendField(out, line.account);
    appendField(out, line.currency.code());
    appendInt(out, line.debit_minor);
    appendInt(out, line.credit_minor);
  }
  return out;
}

std::string sha256Hex(std::string_view bytes) {
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  // These fail only on allocation failure or a broken OpenSSL: an invariant, not input.
  LH_CHECK(ctx != nullptr);
  LH_CHECK(EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) == 1);
  LH_CHECK(EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) == 1);
  LH_CHECK(EVP_DigestFinal_ex(ctx.get(), digest.data(), &length) == 1);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0x0f];
  }
  return hex;
}

std::string computeEntryHash(const LedgerEntry& entry) {
  return sha256Hex(canonicalEntryBytes(entry));
}

lh::Result<ChainVerification> verifyChain(LedgerStore& store, const std::string& tenant,
                                          const EventChecksumLookup& eventChecksum) {
  ChainVerification result;
  result.head_hash = std::string(kGenesisHash);
  EntryQuery query;
  query.tenant = tenant;
  // Used to stop the scan at the first break without treating it as a store error.
  const lh::Status stop(lh::Code::Conflict, "chain break found");
  auto visit = [&](const LedgerEntry& entry) -> lh::Status {
    ++result.entries_checked;
    auto fail = [&](std::string reason) {
      result.first_break = ChainBreak{entry.id, entry.seq, std::move(reason)};
      return stop;
    };
    if (entry.seq != result.head_seq + 1) {
      return fail("seq " + std::to_string(entry.seq) + " does not follow seq " +
                  std::to_string(result.head_seq) + " (an entry was removed or inserted)");
    }
    if (entry.prev_hash != result.head_hash) {
      return fail("prev_hash does not match the hash of the previous entry (seq " +
                  std::to_string(result.head_seq) + ")");
    }
    if (computeEntryHash(entry) != entry.hash) {
      return fail(
          "stored hash does not match the entry's contents (the entry or its lines were "
          "changed)");
    }
    if (lh::Status balanced = checkBalanced(entry.lines); !balanced.isOk()) {
      // Only reachable when the hash was recomputed over edited lines as well.
      return fail(balanced.message());
    }
    if (eventChecksum) {
      LH_ASSIGN_OR_RETURN(std::optional<std::string> current, eventChecksum(entry.event_id));
      if (!current) {
        return fail("source event version " + std::to_string(entry.event_id) +
                    " is not in the event store");
      }
      if (*current != entry.event_checksum) {
        return fail("source event version " + std::to_string(entry.event_id) + " has checksum " +
                    *current + " in the event store, the entry recorded " + entry.event_checksum);
      }
    }
    result.head_seq = entry.seq;
    result.head_hash = entry.hash;
    return lh::Status::ok();
  };
  lh::Status status = store.forEachEntry(query, visit);
  if (!status.isOk() && !(result.first_break && status == stop)) {
    return status.withContext("cannot verify the ledger of tenant '" + tenant + "'");
  }
  return result;
}

}  // namespace lh::core
