#include "pipeline/internal/yaml_tree.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <regex>

#include "pipeline/internal/text.h"

namespace lh::pipeline::internal {
namespace {

Pos posOf(const YAML::Mark& mark, int fileIndex) {
  if (mark.line < 0 || mark.column < 0) {
    return Pos{fileIndex, 0, 0};
  }
  // yaml-cpp counts lines and columns from 0; diagnostics count from 1.
  return Pos{fileIndex, mark.line + 1, mark.column + 1};
}

class Builder {
 public:
  Builder(int fileIndex, const ParseOptions& options, DiagnosticSink* sink)
      : file_(fileIndex), options_(options), sink_(sink) {}

  YamlNode build(const YAML::Node& node, const Pos& fallback, bool isKey) {
    YamlNode out;
    out.pos = posOf(node.Mark(), file_);
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        out.kind = YamlNode::Kind::Null;
        // yaml-cpp marks an empty value at the start of the next line; the key is where it is.
        out.pos = fallback;
        break;
      case YAML::NodeType::Scalar:
        out.kind = YamlNode::Kind::Scalar;
        out.text = node.Scalar();
        out.plain = node.Tag() == "?";
        if (!isKey && options_.substitute) {
          substitute(&out);
        }
        break;
      case YAML::NodeType::Sequence:
        out.kind = YamlNode::Kind::Sequence;
        for (const YAML::Node& item : node) {
          out.items.push_back(build(item, out.pos, false));
        }
        break;
      case YAML::NodeType::Map:
        out.kind = YamlNode::Kind::Map;
        for (auto it = node.begin(); it != node.end(); ++it) {
          YamlNode key = build(it->first, out.pos, true);
          if (!key.isScalar()) {
            sink_->error(key.pos, "a key must be a plain name, not " + describeKind(key));
            continue;
          }
          if (const YamlNode* first = out.findKey(key.text); first != nullptr) {
            sink_->error(key.pos, "duplicate key " + singleQuoted(key.text) + " (first at line " +
                                      std::to_string(first->pos.line) + ")");
            continue;
          }
          YamlNode value = build(it->second, key.pos, false);
          out.entries.emplace_back(std::move(key), std::move(value));
        }
        break;
    }
    return out;
  }

 private:
  void substitute(YamlNode* node) {
    if (node->text.find('$') == std::string::npos) {
      return;
    }
    lh::Result<Expansion> expanded =
        expandReferences(node->text, options_.base_dir, options_.env, options_.resolve);
    if (!expanded.isOk()) {
      sink_->error(node->pos, expanded.status().message());
      node->substituted = true;  // never quote what may be half a secret
      node->unresolved = true;
      return;
    }
    for (const std::string& secret : expanded->secrets) {
      sink_->addSecret(secret);
    }
    if (expanded->had_reference) {
      node->substituted = true;
      node->plain = false;
    }
    node->text = std::move(expanded->text);
  }

  int file_;
  const ParseOptions& options_;
  DiagnosticSink* sink_;
};

// YAML 1.2 core schema: decimal, octal (0o) and hexadecimal (0x) integers.
const std::regex& intPattern() {
  static const std::regex re("[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+");
  return re;
}
// YAML 1.2 core schema floats, with infinities and NaN.
const std::regex& floatPattern() {
  static const std::regex re(
      R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))");
  return re;
}

}  // namespace

const YamlNode* YamlNode::find(std::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k.text == key) {
      return &v;
    }
  }
  return nullptr;
}

const YamlNode* YamlNode::findKey(std::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k.text == key) {
      return &k;
    }
  }
  return nullptr;
}

const YamlNode* findPath(const YamlNode& root, const std::vector<std::string>& path) {
  const YamlNode* node = &root;
  for (const std::string& part : path) {
    const YamlNode* next = nullptr;
    if (node->isSequence()) {
      size_t index = 0;
      auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), index);
      if (ec == std::errc() && end == part.data() + part.size() && index < node->items.size()) {
        next = &node->items[index];
      }
    } else if (node->isMap()) {
      next = node->find(part);
    }
    if (next == nullptr) {
      return node;
    }
    node = next;
  }
  return node;
}

ScalarType scalarType(const YamlNode& node) {
  if (node.isNull()) {
    return ScalarType::Null;
  }
  if (!node.isScalar() || !node.plain) {
    return ScalarType::String;
  }
  const std::string& t = node.text;
  if (t.empty() || t == "~" || t == "null" || t == "Null" || t == "NULL") {
    return ScalarType::Null;
  }
  if (t == "true" || t == "True" || t == "TRUE" || t == "false" || t == "False" || t == "FALSE") {
    return ScalarType::Bool;
  }
  if (std::regex_match(t, intPattern())) {
    return ScalarType::Int;
  }
  if (std::regex_match(t, floatPattern())) {
    return ScalarType::Float;
  }
  return ScalarType::String;
}

std::string describeKind(const YamlNode& node) {
  switch (node.kind) {
    case YamlNode::Kind::Null:
      return "null";
    case YamlNode::Kind::Sequence:
      return "a list";
    case YamlNode::Kind::Map:
      return "a mapping";
    case YamlNode::Kind::Scalar:
      break;
  }
  switch (scalarType(node)) {
    case ScalarType::Null:
      return "null";
    case ScalarType::Bool:
      return "a boolean";
    case ScalarType::Int:
      return "an integer";
    case ScalarType::Float:
      return "a number";
    case ScalarType::String:
      return "a string";
  }
  return "a string";
}

std::string describeValue(const YamlNode& node) {
  if (!node.isScalar()) {
    return describeKind(node);
  }
  if (node.substituted) {
    return "a substituted value";
  }
  return singleQuoted(node.text);
}

nlohmann::json toJson(const YamlNode& node) {
  switch (node.kind) {
    case YamlNode::Kind::Null:
      return nullptr;
    case YamlNode::Kind::Sequence: {
      nlohmann::json out = nlohmann::json::array();
      for (const YamlNode& item : node.items) {
        out.push_back(toJson(item));
      }
      return out;
    }
    case YamlNode::Kind::Map: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& [key, value] : node.entries) {
        if (!out.contains(key.text)) {
          out[key.text] = toJson(value);
        }
      }
      return out;
    }
    case YamlNode::Kind::Scalar:
      break;
  }
  const std::string& t = node.text;
  switch (scalarType(node)) {
    case ScalarType::Null:
      return nullptr;
    case ScalarType::Bool:
      return t[0] == 't' || t[0] == 'T';
    case ScalarType::Int: {
      int64_t value = 0;
      std::string_view digits = t;
      int base = 10;
      bool negative = false;
      if (digits.substr(0, 2) == "0o") {
        digits.remove_prefix(2);
        base = 8;
      } else if (digits.substr(0, 2) == "0x") {
        digits.remove_prefix(2);
        base = 16;
      } else if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
        negative = digits[0] == '-';
        digits.remove_prefix(1);
      }
      // Parse the magnitude with its sign so INT64_MIN still fits.
      std::string signedDigits = (negative ? "-" : "") + std::string(digits);
      auto [end, ec] = std::from_chars(signedDigits.data(),
                                       signedDigits.data() + signedDigits.size(), value, base);
      if (ec != std::errc() || end != signedDigits.data() + signedDigits.size()) {
        return t;
      }
      return value;
    }
    case ScalarType::Float: {
      // JSON has no infinities or NaN: YAML's .inf/.nan (which strtod does not read) stay text.
      char* end = nullptr;
      const double value = std::strtod(t.c_str(), &end);
      if (end != t.c_str() + t.size() || !std::isfinite(value)) {
        return t;
      }
      return value;
    }
    case ScalarType::String:
      return t;
  }
  return t;
}

std::optional<YamlNode> parseYaml(std::string_view text, int fileIndex, const ParseOptions& options,
                                  DiagnosticSink* sink) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    sink->error(posOf(e.mark, fileIndex), "YAML syntax error: " + e.msg);
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    sink->error(posOf(e.mark, fileIndex), "YAML error: " + e.msg);
    return std::nullopt;
  }
  try {
    Builder builder(fileIndex, options, sink);
    return builder.build(root, Pos{fileIndex, 1, 1}, false);
  } catch (const YAML::Exception& e) {
    sink->error(posOf(e.mark, fileIndex), "YAML error: " + e.msg);
    return std::nullopt;
  }
}

}  // namespace lh::pipeline::internal
