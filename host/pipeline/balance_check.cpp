#include "pipeline/balance_check.h"

#include <algorithm>
#include <cstdint>
#include <map>

namespace lh::pipeline {
namespace {

using Vector = std::map<std::string, int64_t>;

// The basis decomposition of one money field.
Vector decompose(const std::string& field) {
  if (field == "amount") {
    return {{"net", 1}, {"fee", 1}};
  }
  if (field == "settlement.amount") {
    return {{"settlement.net", 1}, {"settlement.fee", 1}};
  }
  return {{field, 1}};
}

// Basis fields in reading order (net before fee, as in "amount = net + fee"); others after.
size_t basisRank(const std::string& field) {
  static const std::vector<std::string> kOrder = {"net", "fee", "tax", "settlement.net",
                                                  "settlement.fee"};
  auto it = std::find(kOrder.begin(), kOrder.end(), field);
  return static_cast<size_t>(it - kOrder.begin());
}

std::vector<std::pair<std::string, int64_t>> ordered(const Vector& v) {
  std::vector<std::pair<std::string, int64_t>> out(v.begin(), v.end());
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return basisRank(a.first) < basisRank(b.first);
  });
  return out;
}

// "2 × fee + net"
std::string termList(const std::vector<std::pair<std::string, int64_t>>& terms) {
  std::string out;
  for (const auto& [field, n] : terms) {
    if (!out.empty()) {
      out += " + ";
    }
    if (n != 1) {
      out += std::to_string(n) + " x ";
    }
    out += field;
  }
  return out;
}

// "amount + fee", with " = net + fee + fee" when a field decomposes.
std::string describeSide(const std::vector<std::string>& fields) {
  if (fields.empty()) {
    return "nothing";
  }
  std::string written;
  Vector sum;
  bool decomposed = false;
  for (const std::string& field : fields) {
    if (!written.empty()) {
      written += " + ";
    }
    written += field;
    Vector v = decompose(field);
    decomposed = decomposed || v.size() != 1 || v.begin()->first != field;
    for (const auto& [basis, n] : v) {
      sum[basis] += n;
    }
  }
  if (!decomposed) {
    return written;
  }
  return written + " = " + termList(ordered(sum));
}

}  // namespace

const std::vector<std::string>& moneyFields() {
  static const std::vector<std::string> kFields = {
      "amount", "fee", "net", "tax", "settlement.amount", "settlement.fee", "settlement.net"};
  return kFields;
}

bool isMoneyField(std::string_view field) {
  const std::vector<std::string>& fields = moneyFields();
  return std::find(fields.begin(), fields.end(), field) != fields.end();
}

std::optional<std::string> balanceProblem(const std::vector<core::PostingLine>& lines) {
  Vector difference;  // debits minus credits
  std::vector<std::string> debits;
  std::vector<std::string> credits;
  for (const core::PostingLine& line : lines) {
    const bool debit = line.side == core::PostingLine::Side::Debit;
    (debit ? debits : credits).push_back(line.amount_field);
    for (const auto& [basis, n] : decompose(line.amount_field)) {
      difference[basis] += debit ? n : -n;
    }
  }
  Vector debitOver;
  Vector creditOver;
  for (const auto& [basis, n] : difference) {
    if (n > 0) {
      debitOver[basis] = n;
    } else if (n < 0) {
      creditOver[basis] = -n;
    }
  }
  if (debitOver.empty() && creditOver.empty()) {
    return std::nullopt;
  }
  std::string message = "debits (" + describeSide(debits) + ") and credits (" +
                        describeSide(credits) + ") differ by ";
  if (!debitOver.empty()) {
    message += termList(ordered(debitOver)) + " on the debit side";
  }
  if (!creditOver.empty()) {
    message += std::string(debitOver.empty() ? "" : " and ") + termList(ordered(creditOver)) +
               " on the credit side";
  }
  return message;
}

}  // namespace lh::pipeline
