// JsonSchema: a compiled JSON Schema (draft-07, valijson) that reports every violation with the
// path of the offending value. Used for connection configs (against each plugin's schema), and by
// tests for the config schema (config/ledgerhost.schema.json).
//
// `format` keywords are not checked (valijson checks only date/time formats, and throws on a
// non-string value that carries one); patterns are.
//
// Thread safety: validate() is const but valijson keeps a regex cache per call; safe to call
// from several threads on one JsonSchema.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"

namespace valijson {
class Schema;
}

namespace lh::pipeline {

// One violation.
struct SchemaViolation {
  enum class Kind {
    Other,       // `message` says what
    UnknownKey,  // `key` is not allowed in the object at `path`
    MissingKey,  // the object at `path` lacks the required `key`
  };
  Kind kind = Kind::Other;
  std::vector<std::string> path;  // object keys and array indexes (as text) from the root
  std::string key;                // UnknownKey, MissingKey
  std::string message;            // lower-case start, no trailing period; never quotes a value
};

class JsonSchema {
 public:
  // Compiles `schema`. InvalidArgument when valijson cannot parse it.
  static lh::Result<std::shared_ptr<const JsonSchema>> compile(const nlohmann::json& schema);

  ~JsonSchema();
  JsonSchema(const JsonSchema&) = delete;
  JsonSchema& operator=(const JsonSchema&) = delete;

  // Every violation of `document`, innermost first; empty when it is valid. Wrapper errors that
  // only say "a child failed" are dropped when the child's own error is reported.
  std::vector<SchemaViolation> validate(const nlohmann::json& document) const;

  // The schema's `properties` names at `path` (following `properties` and `items`), for "did you
  // mean" suggestions; empty when unknown.
  std::vector<std::string> propertyNames(const std::vector<std::string>& path) const;

 private:
  JsonSchema() = default;
  // The subschema at `path` (following `properties` and `items`), or nullptr.
  const nlohmann::json* subschemaAt(const std::vector<std::string>& path) const;
  nlohmann::json source_;
  std::unique_ptr<valijson::Schema> schema_;
};

// "/a/0/b" for a path (JSON Pointer, RFC 6901 escaping), "" for the root.
std::string jsonPointer(const std::vector<std::string>& path);

}  // namespace lh::pipeline
