// YamlNode: a YAML document as a plain tree that remembers where every node came from (file index,
// 1-based line and column) and whether a scalar was quoted or substituted. Internal to
// lh_pipeline: the only place that touches yaml-cpp, whose exceptions stop here.
//
// Values; thread-compatible.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/internal/diagnostic_sink.h"
#include "pipeline/substitution.h"

namespace lh::pipeline::internal {

struct YamlNode {
  enum class Kind { Null, Scalar, Sequence, Map };
  Kind kind = Kind::Null;
  Pos pos;
  std::string text;          // scalar text, references already expanded
  bool plain = false;        // an unquoted scalar: its type is resolved (YAML 1.2 core schema)
  bool substituted = false;  // had a ${env:}/${file:} reference: a string, never quoted in errors
  bool unresolved = false;   // a reference could not be resolved (already reported)
  std::vector<YamlNode> items;                         // Sequence
  std::vector<std::pair<YamlNode, YamlNode>> entries;  // Map, in file order (keys are scalars)

  bool isNull() const { return kind == Kind::Null; }
  bool isScalar() const { return kind == Kind::Scalar; }
  bool isSequence() const { return kind == Kind::Sequence; }
  bool isMap() const { return kind == Kind::Map; }

  // The value of the first entry whose key is `key`, or nullptr (also for a non-map).
  const YamlNode* find(std::string_view key) const;
  // The key node of that entry, or nullptr.
  const YamlNode* findKey(std::string_view key) const;
};

// The node at `path` under `root` (map keys; list indexes as decimal text), or the deepest node
// the path reaches when a step is missing.
const YamlNode* findPath(const YamlNode& root, const std::vector<std::string>& path);

// The type of a scalar: plain scalars by the YAML 1.2 core schema (null, true/false, integers,
// floats), everything quoted, block or substituted is a string. Null nodes are Null.
enum class ScalarType { Null, Bool, Int, Float, String };
ScalarType scalarType(const YamlNode& node);

// "a mapping", "a list", "null", "a string", "an integer", "a number", "a boolean".
std::string describeKind(const YamlNode& node);

// The node for a message: "'text'" for a plain value, "a substituted value" for one that came from
// a reference (never its text), or describeKind() for a non-scalar.
std::string describeValue(const YamlNode& node);

// The JSON value of a node: typed scalars (see scalarType), arrays, objects (the first of two
// duplicate keys wins). Integers beyond int64 and non-finite floats become strings.
nlohmann::json toJson(const YamlNode& node);

struct ParseOptions {
  // Expand ${env:}/${file:} references in scalar values (never in keys).
  bool substitute = true;
  // With substitute: replace references by their values (false: check their syntax only).
  bool resolve = true;
  EnvLookup env;
  std::filesystem::path base_dir;  // for relative ${file:} paths
};

// Parses `text`, the content of the sink's file `fileIndex`. Syntax errors are reported at the
// parser's mark and return nullopt; substitution errors, non-scalar and duplicate keys are reported
// and the tree is still returned (so the caller can go on finding more errors). An empty document
// is a Null node. Substituted values are registered with the sink as secrets.
std::optional<YamlNode> parseYaml(std::string_view text, int fileIndex, const ParseOptions& options,
                                  DiagnosticSink* sink);

}  // namespace lh::pipeline::internal
