#include "pipeline/json_schema.h"

#include <algorithm>
#include <cctype>
#include <exception>
#include <regex>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

namespace lh::pipeline {
namespace {

void stripFormats(nlohmann::json* schema);

void stripFormatsIn(nlohmann::json* container, bool isMapOfSchemas) {
  if (container->is_array()) {
    for (nlohmann::json& s : *container) {
      stripFormats(&s);
    }
  } else if (container->is_object()) {
    if (isMapOfSchemas) {
      for (auto& [name, s] : container->items()) {
        stripFormats(&s);
      }
    } else {
      stripFormats(container);
    }
  }
}

// Removes the `format` keyword of every (sub)schema, walking only schema positions so that a
// property *named* "format" survives.
void stripFormats(nlohmann::json* schema) {
  if (!schema->is_object()) {
    return;
  }
  if (auto it = schema->find("format"); it != schema->end() && it->is_string()) {
    schema->erase(it);
  }
  for (const char* key :
       {"properties", "patternProperties", "definitions", "$defs", "dependencies"}) {
    if (auto it = schema->find(key); it != schema->end()) {
      stripFormatsIn(&*it, true);
    }
  }
  for (const char* key : {"items", "additionalItems", "additionalProperties", "allOf", "anyOf",
                          "oneOf", "not", "if", "then", "else", "contains", "propertyNames"}) {
    if (auto it = schema->find(key); it != schema->end()) {
      stripFormatsIn(&*it, false);
    }
  }
}

// "[name]" -> "name".
std::string token(const std::string& context) {
  if (context.size() >= 2 && context.front() == '[' && context.back() == ']') {
    return context.substr(1, context.size() - 2);
  }
  return context;
}

bool startsWith(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

// valijson's "Expected number less than or equal to 100.000000." -> "expected number less than or
// equal to 100".
std::string tidy(std::string message) {
  static const std::regex trailingZeros(R"((\d+)\.0+\b)");
  message = std::regex_replace(message, trailingZeros, "$1");
  while (!message.empty() && (message.back() == '.' || message.back() == ' ')) {
    message.pop_back();
  }
  if (!message.empty()) {
    message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
  }
  return message;
}

// The text between the first pair of single quotes.
std::string quotedName(const std::string& message) {
  const size_t open = message.find('\'');
  const size_t close = open == std::string::npos ? open : message.find('\'', open + 1);
  if (close == std::string::npos) {
    return "";
  }
  return message.substr(open + 1, close - open - 1);
}

bool isWrapper(const std::string& description) {
  return startsWith(description, "Failed to validate against schema associated with property") ||
         startsWith(description, "Failed to validate item #") ||
         startsWith(description, "Failed to validate against additional properties schema") ||
         startsWith(description, "Failed to validate against child schema") ||
         startsWith(description, "Failed to validate against schema associated with pattern");
}

}  // namespace

std::string jsonPointer(const std::vector<std::string>& path) {
  std::string out;
  for (const std::string& part : path) {
    out += '/';
    for (char c : part) {
      if (c == '~') {
        out += "~0";
      } else if (c == '/') {
        out += "~1";
      } else {
        out += c;
      }
    }
  }
  return out;
}

JsonSchema::~JsonSchema() = default;

lh::Result<std::shared_ptr<const JsonSchema>> JsonSchema::compile(const nlohmann::json& schema) {
  std::shared_ptr<JsonSchema> out(new JsonSchema());
  out->source_ = schema;
  nlohmann::json stripped = schema;
  stripFormats(&stripped);
  try {
    out->schema_ = std::make_unique<valijson::Schema>();
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(stripped);
    parser.populateSchema(adapter, *out->schema_);
  } catch (const std::exception& e) {
    return lh::invalidArgument(std::string("invalid JSON Schema: ") + e.what());
  }
  return std::shared_ptr<const JsonSchema>(std::move(out));
}

std::vector<SchemaViolation> JsonSchema::validate(const nlohmann::json& document) const {
  struct Raw {
    std::vector<std::string> path;
    std::string description;
  };
  std::vector<Raw> raw;
  try {
    valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter adapter(document);
    if (!validator.validate(*schema_, adapter, &results)) {
      valijson::ValidationResults::Error error;
      while (results.popError(error)) {
        Raw r;
        // context[0] is "<root>".
        for (size_t i = 1; i < error.context.size(); ++i) {
          r.path.push_back(token(error.context[i]));
        }
        r.description = error.description;
        raw.push_back(std::move(r));
      }
    }
  } catch (const std::exception& e) {
    SchemaViolation v;
    v.message = std::string("cannot be validated: ") + e.what();
    return {v};
  }

  std::vector<SchemaViolation> out;
  for (size_t i = 0; i < raw.size(); ++i) {
    const Raw& r = raw[i];
    if (isWrapper(r.description)) {
      // Drop it when a deeper error explains it.
      const bool explained = std::any_of(raw.begin(), raw.end(), [&](const Raw& other) {
        return other.path.size() > r.path.size() &&
               std::equal(r.path.begin(), r.path.end(), other.path.begin()) &&
               !isWrapper(other.description);
      });
      if (explained) {
        continue;
      }
    }
    SchemaViolation v;
    v.path = r.path;
    if (startsWith(r.description, "Object contains a property that could not be validated")) {
      v.kind = SchemaViolation::Kind::UnknownKey;
      // The message ends with: '<name>'.
      const size_t open = r.description.rfind("'", r.description.size() - 3);
      v.key = r.description.substr(open + 1, r.description.size() - open - 3);
      v.message = "unknown key '" + v.key + "'";
    } else if (startsWith(r.description, "Missing required property")) {
      v.kind = SchemaViolation::Kind::MissingKey;
      v.key = quotedName(r.description);
      v.message = "missing required key '" + v.key + "'";
    } else if (startsWith(r.description, "Value type not permitted")) {
      v.message = "has the wrong type";
      const nlohmann::json* sub = subschemaAt(r.path);
      if (sub != nullptr && sub->contains("type")) {
        const nlohmann::json& type = (*sub)["type"];
        std::string types;
        for (const nlohmann::json& t : type.is_array() ? type : nlohmann::json::array({type})) {
          if (t.is_string()) {
            types += (types.empty() ? "" : " or ") + t.get<std::string>();
          }
        }
        if (!types.empty()) {
          v.message = "must be of type " + types;
        }
      }
    } else if (startsWith(r.description, "Failed to match regex")) {
      v.message = "does not match the pattern the plugin requires";
    } else if (startsWith(r.description, "Failed to match against any enum values")) {
      v.message = "is not one of the allowed values";
    } else {
      v.message = tidy(r.description);
    }
    // Report each (path, message) once: valijson repeats some errors through allOf/anyOf.
    const bool seen = std::any_of(out.begin(), out.end(), [&](const SchemaViolation& o) {
      return o.path == v.path && o.message == v.message;
    });
    if (!seen) {
      out.push_back(std::move(v));
    }
  }
  return out;
}

const nlohmann::json* JsonSchema::subschemaAt(const std::vector<std::string>& path) const {
  const nlohmann::json* node = &source_;
  for (const std::string& part : path) {
    if (!node->is_object()) {
      return nullptr;
    }
    if (auto props = node->find("properties"); props != node->end() && props->contains(part)) {
      node = &(*props)[part];
    } else if (auto items = node->find("items"); items != node->end() && items->is_object()) {
      node = &*items;
    } else {
      return nullptr;
    }
  }
  return node;
}

std::vector<std::string> JsonSchema::propertyNames(const std::vector<std::string>& path) const {
  const nlohmann::json* node = subschemaAt(path);
  if (node == nullptr) {
    return {};
  }
  std::vector<std::string> names;
  if (node->is_object()) {
    if (auto props = node->find("properties"); props != node->end() && props->is_object()) {
      for (auto& [name, s] : props->items()) {
        names.push_back(name);
      }
    }
  }
  return names;
}

}  // namespace lh::pipeline
