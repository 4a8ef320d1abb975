// The master key as written by an operator (master_key.h) and as the config loader reads it
// (store.master_key / master_key_file / master_key_id): encodings, lengths, positions of errors,
// and that no message ever quotes the key.
#include "pipeline/master_key.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "pipeline/config_loader.h"
#include "unit/pipeline/pipeline_test_support.h"
#include "unit/plugins/plugin_test_support.h"

namespace lh::pipeline {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kHex[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
// The same 32 bytes in base64 and base64url.
constexpr char kBase64[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
constexpr char kBase64Url[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

std::string expectedKey() {
  std::string key;
  for (int i = 0; i < 32; ++i) {
    key += static_cast<char>(i);
  }
  return key;
}

TEST(MasterKeyTest, DecodesHexAndBase64) {
  EXPECT_EQ(*decodeMasterKey(kHex), expectedKey());
  EXPECT_EQ(*decodeMasterKey(std::string(" ") + kHex + "\n"), expectedKey());
  EXPECT_EQ(*decodeMasterKey(kBase64), expectedKey());
  EXPECT_EQ(*decodeMasterKey(kBase64Url), expectedKey());
  std::string upper = kHex;
  for (char& c : upper) {
    c = static_cast<char>(toupper(c));
  }
  EXPECT_EQ(*decodeMasterKey(upper), expectedKey());
}

TEST(MasterKeyTest, RefusesWrongLengthsAndAlphabetsWithoutQuotingThem) {
  for (std::string bad : {std::string(kHex).substr(2), std::string(kHex) + "00",
                          std::string(62, 'a') + "zz", std::string("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh!"),
                          std::string("hunter2")}) {
    auto r = decodeMasterKey(bad);
    ASSERT_FALSE(r.isOk()) << bad;
    EXPECT_EQ(r.status().code(), Code::InvalidConfig);
    EXPECT_THAT(r.status().message(), HasSubstr("64 hex digits or base64"));
    EXPECT_THAT(r.status().message(), Not(HasSubstr(bad)));
  }
}

TEST(MasterKeyTest, KeyFilesHoldRawBytesOrText) {
  testsupport::TempDir dir;
  std::ofstream(dir.path() / "raw", std::ios::binary) << expectedKey();
  std::ofstream(dir.path() / "hex") << kHex << "\n";
  std::ofstream(dir.path() / "short") << "0011";
  EXPECT_EQ(*readMasterKeyFile(dir.path() / "raw"), expectedKey());
  EXPECT_EQ(*readMasterKeyFile(dir.path() / "hex"), expectedKey());
  auto shortKey = readMasterKeyFile(dir.path() / "short");
  ASSERT_FALSE(shortKey.isOk());
  EXPECT_THAT(shortKey.status().message(), HasSubstr("holds 4 bytes that are neither"));
  auto missing = readMasterKeyFile(dir.path() / "missing");
  ASSERT_FALSE(missing.isOk());
  EXPECT_THAT(missing.status().message(), HasSubstr("cannot read key file"));
}

// A config whose store section has `storeLines` after its path.
LoadResult loadWith(const testsupport::TempDir& dir, const std::string& storeLines,
                    std::map<std::string, std::string> env = {}) {
  const fs::path file = dir.path() / "ledgerhost.yaml";
  std::ofstream(file) << "store:\n  path: ledger.db\n"
                      << storeLines
                      << "tenants:\n  acme:\n    base_currency: USD\n    accounts:\n"
                         "      - {code: \"1000\", name: Bank, type: asset}\n";
  LoadOptions options;
  options.env = testsupport::fakeEnv(std::move(env));
  return loadConfig(file, options);
}

std::string firstError(const LoadResult& r) {
  return r.diagnostics.empty() ? std::string("(none)") : r.diagnostics.front().toString();
}

TEST(MasterKeyConfigTest, ReadsTheKeyFromTheEnvironmentOrAFile) {
  testsupport::TempDir dir;
  auto fromEnv =
      loadWith(dir, "  master_key: ${env:LEDGERHOST_MASTER_KEY}\n", {{"LEDGERHOST_MASTER_KEY", kHex}});
  ASSERT_TRUE(fromEnv.ok()) << firstError(fromEnv);
  EXPECT_EQ(fromEnv.config->store.master_key, expectedKey());
  EXPECT_EQ(fromEnv.config->store.master_key_id, 1);

  std::ofstream(dir.path() / "master.key") << kBase64 << "\n";
  auto fromFile = loadWith(dir, "  master_key_file: master.key\n  master_key_id: 3\n");
  ASSERT_TRUE(fromFile.ok()) << firstError(fromFile);
  EXPECT_EQ(fromFile.config->store.master_key, expectedKey());
  EXPECT_EQ(fromFile.config->store.master_key_id, 3);

  auto none = loadWith(dir, "");
  ASSERT_TRUE(none.ok()) << firstError(none);
  EXPECT_EQ(none.config->store.master_key, std::nullopt);
}

TEST(MasterKeyConfigTest, ErrorsAreAtFileLineColumnAndNeverQuoteTheKey) {
  testsupport::TempDir dir;
  const std::string file = (dir.path() / "ledgerhost.yaml").string();
  auto shortKey = loadWith(dir, "  master_key: ${env:K}\n", {{"K", "0011223344556677"}});
  ASSERT_EQ(shortKey.diagnostics.size(), 1u);
  EXPECT_EQ(shortKey.diagnostics[0].toString(),
            file + ":3:15: store: 'master_key' must be 32 bytes written as 64 hex digits or base64 "
                   "(e.g. `openssl rand -hex 32`); got 16 characters that decode to neither");

  auto literal = loadWith(dir, "  master_key: " + std::string(kHex) + "\n");
  ASSERT_EQ(literal.diagnostics.size(), 1u);
  EXPECT_THAT(literal.diagnostics[0].toString(), HasSubstr(":3:15: store: 'master_key' must come "
                                                           "from ${env:VAR} or ${file:path}"));
  EXPECT_THAT(literal.diagnostics[0].toString(), Not(HasSubstr(kHex)));

  auto unset = loadWith(dir, "  master_key: ${env:LEDGERHOST_MASTER_KEY}\n");
  ASSERT_FALSE(unset.ok());
  EXPECT_THAT(firstError(unset), HasSubstr("LEDGERHOST_MASTER_KEY"));

  auto both = loadWith(dir, "  master_key: ${env:K}\n  master_key_file: k\n", {{"K", kHex}});
  ASSERT_EQ(both.diagnostics.size(), 1u);
  EXPECT_THAT(both.diagnostics[0].toString(), HasSubstr(":4:20: store: give either"));

  auto missingFile = loadWith(dir, "  master_key_file: nope.key\n");
  ASSERT_EQ(missingFile.diagnostics.size(), 1u);
  EXPECT_THAT(missingFile.diagnostics[0].toString(), HasSubstr(":3:20: store: 'master_key_file': "
                                                               "cannot read key file"));

  auto badId = loadWith(dir, "  master_key_id: 256\n");
  ASSERT_EQ(badId.diagnostics.size(), 1u);
  EXPECT_THAT(badId.diagnostics[0].toString(), HasSubstr(":3:18: store: 'master_key_id' must be "
                                                         "between 1 and 255"));
}

}  // namespace
}  // namespace lh::pipeline
