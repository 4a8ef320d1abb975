#include "core/posting.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace lh::core {
namespace {

// The value at dotted `path` in `body`, or nullptr when any step is missing.
const nlohmann::json* lookup(const nlohmann::json& body, std::string_view path) {
  const nlohmann::json* node = &body;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    const std::string key(
        path.substr(start, dot == std::string_view::npos ? path.npos : dot - start));
    if (!node->is_object()) {
      return nullptr;
    }
    auto it = node->find(key);
    if (it == node->end()) {
      return nullptr;
    }
    node = &*it;
    if (dot == std::string_view::npos) {
      return node;
    }
    start = dot + 1;
  }
}

bool present(const nlohmann::json* value) { return value != nullptr && !value->is_null(); }

// "payment txn_1" for messages.
std::string describe(const StoredEvent& event) {
  return std::string(eventTypeName(event.event.type)) + " " + event.event.external_id;
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// True when `text` starts with YYYY-MM-DD.
bool startsWithDate(std::string_view text) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') {
    return false;
  }
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!isDigit(text[i])) {
      return false;
    }
  }
  return text.size() == 10 || text[10] == 'T' || text[10] == 't';
}

bool isPathChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.';
}

std::string memoValue(const nlohmann::json* value) {
  if (!present(value)) {
    return "";
  }
  if (value->is_string()) {
    return value->get<std::string>();
  }
  if (value->is_object()) {
    Result<Money> money = moneyFromJson(*value);
    if (money.isOk()) {
      return formatWithCode(money.value());
    }
  }
  return value->dump();
}

// Replaces each {path} by the event's value there ("" when absent); other braces stay.
std::string renderMemo(const std::string& memo, const nlohmann::json& body) {
  std::string out;
  size_t i = 0;
  while (i < memo.size()) {
    if (memo[i] == '{') {
      size_t end = i + 1;
      while (end < memo.size() && isPathChar(memo[end])) {
        ++end;
      }
      if (end < memo.size() && memo[end] == '}' && end > i + 1) {
        out += memoValue(lookup(body, std::string_view(memo).substr(i + 1, end - i - 1)));
        i = end + 1;
        continue;
      }
    }
    out += memo[i++];
  }
  return out;
}

PostingLine::Side opposite(PostingLine::Side side) {
  return side == PostingLine::Side::Debit ? PostingLine::Side::Credit : PostingLine::Side::Debit;
}

// OK when the lines balance in every currency.
Status checkBalanced(const std::vector<DraftLine>& lines) {
  std::map<Currency, std::pair<std::vector<Money>, std::vector<Money>>> byCurrency;
  for (const DraftLine& line : lines) {
    auto& sides = byCurrency.try_emplace(line.amount.currency).first->second;
    (line.side == PostingLine::Side::Debit ? sides.first : sides.second).push_back(line.amount);
  }
  for (const auto& [currency, sides] : byCurrency) {
    Result<Money> debits = sum(sides.first, currency);
    Result<Money> credits = sum(sides.second, currency);
    if (!debits.isOk()) {
      return debits.status();
    }
    if (!credits.isOk()) {
      return credits.status();
    }
    if (debits.value() != credits.value()) {
      return invalidArgument("does not balance in " + std::string(currency.code()) + ": debits " +
                             formatDecimal(debits.value()) + ", credits " +
                             formatDecimal(credits.value()));
    }
  }
  return Status::ok();
}

}  // namespace

bool postingRuleApplies(const PostingRule& rule, const StoredEvent& event) {
  if (rule.tenant != event.tenant || rule.on != event.event.type) {
    return false;
  }
  if (!rule.connections.empty() && std::find(rule.connections.begin(), rule.connections.end(),
                                             event.connection) == rule.connections.end()) {
    return false;
  }
  return matches(rule.where, event.event.body);
}

lh::Result<PostingPlan> applyPostingRules(std::span<const PostingRule> rules,
                                          const StoredEvent& event) {
  PostingPlan plan;
  const nlohmann::json& body = event.event.body;
  for (const PostingRule& rule : rules) {
    if (!postingRuleApplies(rule, event)) {
      continue;
    }
    auto fail = [&](const std::string& message) {
      return invalidArgument("posting rule '" + rule.id + "' on " + describe(event) + ": " +
                             message);
    };

    PostingDraft draft;
    draft.rule_id = rule.id;
    std::string skipReason;
    for (const PostingLine& line : rule.lines) {
      const nlohmann::json* value = lookup(body, line.amount_field);
      if (!present(value)) {
        skipReason = "money field '" + line.amount_field + "' is absent";
        break;
      }
      Result<Money> money = moneyFromJson(*value);
      if (!money.isOk()) {
        return fail("field '" + line.amount_field + "': " + money.status().message());
      }
      DraftLine draftLine{line.account, line.side, money.value()};
      if (draftLine.amount.isNegative()) {
        Result<Money> magnitude = negate(draftLine.amount);
        if (!magnitude.isOk()) {
          return fail("field '" + line.amount_field + "': " + magnitude.status().message());
        }
        draftLine.amount = magnitude.value();
        draftLine.side = opposite(line.side);
      }
      if (!draftLine.amount.isZero()) {
        draft.lines.push_back(std::move(draftLine));
      }
    }
    if (skipReason.empty() && draft.lines.empty()) {
      skipReason = "every amount is zero";
    }
    const nlohmann::json* date = lookup(body, rule.date_field);
    if (skipReason.empty() && !present(date)) {
      skipReason = "date field '" + rule.date_field + "' is absent";
    }
    if (!skipReason.empty()) {
      plan.skipped.push_back(SkippedRule{rule.id, skipReason});
      continue;
    }
    if (!date->is_string() || !startsWithDate(date->get<std::string>())) {
      return fail("date field '" + rule.date_field + "' is not a date or date-time");
    }
    draft.date = date->get<std::string>().substr(0, 10);
    if (Status balanced = checkBalanced(draft.lines); !balanced.isOk()) {
      return fail("the entry " + balanced.message());
    }
    draft.memo = renderMemo(rule.memo, body);
    plan.entries.push_back(std::move(draft));
  }
  return plan;
}

}  // namespace lh::core
