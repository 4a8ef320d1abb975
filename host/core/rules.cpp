#include "core/rules.h"

#include <algorithm>

namespace lh::core {
namespace {

// The value at dotted `path` in `body`, or nullptr when any step is missing.
const nlohmann::json* lookup(const nlohmann::json& body, const std::string& path) {
  const nlohmann::json* node = &body;
  size_t start = 0;
  while (start <= path.size()) {
    size_t dot = path.find('.', start);
    std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!node->is_object()) {
      return nullptr;
    }
    auto it = node->find(key);
    if (it == node->end()) {
      return nullptr;
    }
    node = &*it;
    if (dot == std::string::npos) {
      return node;
    }
    start = dot + 1;
  }
  return nullptr;
}

bool holds(const Condition& c, const nlohmann::json& body) {
  const nlohmann::json* value = lookup(body, c.path);
  auto in = [&] {
    return value != nullptr && std::find(c.values.begin(), c.values.end(), *value) != c.values.end();
  };
  switch (c.op) {
    case Condition::Op::Eq: return in();
    case Condition::Op::Ne: return !in();
    case Condition::Op::In: return in();
    case Condition::Op::NotIn: return !in();
    case Condition::Op::Exists: return value != nullptr && !value->is_null();
    case Condition::Op::Missing: return value == nullptr || value->is_null();
  }
  return false;
}

}  // namespace

bool matches(const std::vector<Condition>& where, const nlohmann::json& body) {
  return std::all_of(where.begin(), where.end(), [&](const Condition& c) { return holds(c, body); });
}

}  // namespace lh::core
