#include "pipeline/json_schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace lh::pipeline {
namespace {

using nlohmann::json;

std::shared_ptr<const JsonSchema> compile(const json& schema) {
  auto compiled = JsonSchema::compile(schema);
  EXPECT_TRUE(compiled.isOk()) << compiled.status();
  return compiled.value();
}

const json kSchema = json::parse(R"({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "additionalProperties": false,
  "required": ["api_key"],
  "properties": {
    "api_key": {"type": "string", "pattern": "^sk_"},
    "page_size": {"type": "integer", "minimum": 1, "maximum": 100},
    "base_url": {"type": "string", "format": "uri"},
    "secrets": {"type": "array", "items": {"type": "string", "pattern": "^whsec_"}},
    "fees": {"type": "object", "additionalProperties": false,
             "properties": {"mode": {"enum": ["none", "per_transaction"]}}}
  }
})");

TEST(JsonSchemaTest, ValidDocumentHasNoViolations) {
  EXPECT_THAT(compile(kSchema)->validate(json{{"api_key", "sk_1"}, {"page_size", 5}}),
              ::testing::IsEmpty());
}

TEST(JsonSchemaTest, ReportsEveryViolationWithItsPath) {
  const json doc = {{"page_size", 500},
                    {"base_url", 12},
                    {"secrets", {"whsec_ok", "nope"}},
                    {"fees", {{"mode", "monthly"}, {"rate", 1}}},
                    {"api_kee", "sk_x"}};
  std::vector<std::string> got;
  for (const SchemaViolation& v : compile(kSchema)->validate(doc)) {
    got.push_back(jsonPointer(v.path) + " " + v.message);
  }
  EXPECT_THAT(got, ::testing::UnorderedElementsAre(
                       " missing required key 'api_key'", " unknown key 'api_kee'",
                       "/page_size expected number less than or equal to 100",
                       "/base_url must be of type string",
                       "/secrets/1 does not match the pattern the plugin requires",
                       "/fees/mode is not one of the allowed values", "/fees unknown key 'rate'"));
}

TEST(JsonSchemaTest, KindsAndKeys) {
  auto violations = compile(kSchema)->validate(json{{"x", 1}});
  ASSERT_EQ(violations.size(), 2u);
  for (const SchemaViolation& v : violations) {
    if (v.kind == SchemaViolation::Kind::MissingKey) {
      EXPECT_EQ(v.key, "api_key");
    } else {
      EXPECT_EQ(v.kind, SchemaViolation::Kind::UnknownKey);
      EXPECT_EQ(v.key, "x");
    }
  }
}

TEST(JsonSchemaTest, PropertyNamesForSuggestions) {
  auto schema = compile(kSchema);
  EXPECT_THAT(
      schema->propertyNames({}),
      ::testing::UnorderedElementsAre("api_key", "page_size", "base_url", "secrets", "fees"));
  EXPECT_THAT(schema->propertyNames({"fees"}), ::testing::ElementsAre("mode"));
  EXPECT_THAT(schema->propertyNames({"nope"}), ::testing::IsEmpty());
}

TEST(JsonSchemaTest, AnUnusableSchemaIsAnError) {
  auto compiled = JsonSchema::compile(json{{"type", 5}});
  EXPECT_FALSE(compiled.isOk());
  EXPECT_EQ(compiled.status().code(), Code::InvalidArgument);
}

TEST(JsonSchemaTest, JsonPointerEscapes) {
  EXPECT_EQ(jsonPointer({}), "");
  EXPECT_EQ(jsonPointer({"a/b", "c~d", "0"}), "/a~1b/c~0d/0");
}

}  // namespace
}  // namespace lh::pipeline
