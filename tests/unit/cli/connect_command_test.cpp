// `ledgerhost connect` through the real binary: the oauthy/plainy test plugins
// (tests/unit/cli/oauth_plugins), a FakeServer token endpoint, a temp config, SQLite file and key
// file. The test plays the browser and the vendor: it reads the printed authorization URL, takes
// its state and redirect_uri, and sends the redirect (to the loopback listener, or on stdin).
// Afterwards the raw SQLite file and its WAL must not contain the tokens.
#include <fcntl.h>
#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "fakes/fake_server.h"
#include "store/database.h"
#include "store/sqlite_state_store.h"
#include "store/state_cipher.h"
#include "unit/cli/cli_runner.h"
#include "unit/pipeline/engine_test_support.h"

namespace lh::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

constexpr char kAccessToken[] = "AT-7f3c9e1d2b4a-ACCESS-SECRET";
constexpr char kRefreshToken[] = "RT-0a9b8c7d6e5f-REFRESH-SECRET";
constexpr char kKeyHex[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

// The vendor: a token endpoint that takes "good-code" only, and an API that answers 200 or 401.
class FakeVendor {
 public:
  FakeVendor() {
    server_.route("POST", "/oauth2/token", [](const fakes::FakeRequest& req, fakes::FakeResponse& res) {
      if (req.body.find("grant_type=authorization_code") != std::string::npos &&
          req.body.find("code=good-code") != std::string::npos &&
          req.header("Authorization").value_or("").rfind("Basic ", 0) == 0) {
        res.json(200, nlohmann::json{{"access_token", kAccessToken},
                                     {"refresh_token", kRefreshToken},
                                     {"token_type", "bearer"},
                                     {"expires_in", 3600}}
                          .dump());
      } else {
        res.json(400, R"({"error":"invalid_grant"})");
      }
    });
    server_.route("GET", "/items", [this](const fakes::FakeRequest& req, fakes::FakeResponse& res) {
      const bool ok = !revoked_ && req.header("Authorization").value_or("") ==
                                       std::string("Bearer ") + kAccessToken;
      res.json(ok ? 200 : 401, ok ? "[]" : R"({"error":"invalid_token"})");
    });
    EXPECT_TRUE(server_.start().isOk());
  }
  fakes::FakeServer& server() { return server_; }
  void revoke(bool revoked) { revoked_ = revoked; }

 private:
  std::atomic<bool> revoked_{false};
  fakes::FakeServer server_;
};

struct ConnectFixture {
  testsupport::EngineTempDir dir;
  fs::path config;
  fs::path db;
};

// A config with connection "qbo" (oauthy) and "plain" (plainy); the key from a key file, or
// `keyLine` as the store's key line ("" for none).
void writeConfig(ConnectFixture& s, FakeVendor& vendor, std::optional<std::string> keyLine = std::nullopt) {
  s.db = s.dir.path() / "ledger.db";
  s.config = s.dir.path() / "ledgerhost.yaml";
  std::ofstream(s.dir.path() / "master.key") << kKeyHex << "\n";
  const std::string base = vendor.server().baseUrl();
  std::ofstream(s.config) << "store:\n  path: ledger.db\n"
                          << (keyLine ? *keyLine : std::string("  master_key_file: master.key\n"))
                          << "tenants:\n  acme:\n    base_currency: USD\n    accounts:\n"
                             "      - {code: \"1000\", name: Bank, type: asset}\n"
                             "connections:\n"
                             "  qbo:\n    plugin: oauthy\n    tenant: acme\n    config:\n"
                             "      auth_url: https://appcenter.example/connect/oauth2\n"
                             "      token_url: "
                          << base << "/oauth2/token\n      api_url: " << base
                          << "\n      client_id: cid-123\n      client_secret: csecret-456\n"
                             "  plain:\n    plugin: plainy\n    tenant: acme\n    config: {}\n";
}

// A running `ledgerhost` with its stdin and stdout on pipes (stderr to a file).
class Spawned {
 public:
  Spawned(const std::vector<std::string>& args, const fs::path& errFile,
          const std::vector<std::string>& env = {}) {
    int in[2];
    int out[2];
    if (pipe(in) != 0 || pipe(out) != 0) {
      ADD_FAILURE() << "pipe failed";
      return;
    }
    pid_ = fork();
    if (pid_ == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      const int err = open(errFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(err, 2);
      close(in[1]);
      close(out[0]);
      for (const std::string& e : env) {
        putenv(const_cast<char*>(e.c_str()));
      }
      setenv("LEDGERHOST_PLUGIN_DIR", LH_OAUTH_PLUGIN_DIR, 1);
      std::vector<char*> argv;
      const std::string binary = testsupport::ledgerhostBinary().string();
      argv.push_back(const_cast<char*>(binary.c_str()));
      for (const std::string& a : args) {
        argv.push_back(const_cast<char*>(a.c_str()));
      }
      argv.push_back(nullptr);
      execv(binary.c_str(), argv.data());
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    stdin_ = in[1];
    stdout_ = out[0];
    errFile_ = errFile;
  }
  ~Spawned() {
    if (pid_ > 0 && !waited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (stdin_ >= 0) close(stdin_);
    if (stdout_ >= 0) close(stdout_);
  }

  // Reads stdout until a line starting with `prefix` arrives (or 20 s pass); returns that line.
  std::optional<std::string> lineStartingWith(const std::string& prefix) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    for (;;) {
      size_t nl;
      while ((nl = buffer_.find('\n', scanned_)) != std::string::npos) {
        std::string line = buffer_.substr(scanned_, nl - scanned_);
        scanned_ = nl + 1;
        if (line.rfind(prefix, 0) == 0) {
          return line;
        }
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        return std::nullopt;
      }
      pollfd p{stdout_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) {
        return std::nullopt;
      }
      char chunk[4096];
      const ssize_t n = read(stdout_, chunk, sizeof chunk);
      if (n <= 0) {
        return std::nullopt;
      }
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

  void writeLine(const std::string& line) {
    const std::string text = line + "\n";
    ASSERT_EQ(write(stdin_, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }

  // Waits for the exit and collects the rest of stdout and stderr.
  testsupport::CliResult finish() {
    close(stdin_);
    stdin_ = -1;
    char chunk[4096];
    ssize_t n;
    while ((n = read(stdout_, chunk, sizeof chunk)) > 0) {
      buffer_.append(chunk, static_cast<size_t>(n));
    }
    int status = 0;
    waitpid(pid_, &status, 0);
    waited_ = true;
    testsupport::CliResult r;
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = buffer_;
    std::ifstream err(errFile_);
    std::ostringstream text;
    text << err.rdbuf();
    r.err = text.str();
    return r;
  }

 private:
  pid_t pid_ = -1;
  bool waited_ = false;
  int stdin_ = -1;
  int stdout_ = -1;
  fs::path errFile_;
  std::string buffer_;
  size_t scanned_ = 0;
};

std::string percentDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::map<std::string, std::string> queryParams(const std::string& url) {
  std::map<std::string, std::string> params;
  const size_t q = url.find('?');
  std::stringstream rest(q == std::string::npos ? "" : url.substr(q + 1));
  std::string pair;
  while (std::getline(rest, pair, '&')) {
    const size_t eq = pair.find('=');
    params[pair.substr(0, eq)] = eq == std::string::npos ? "" : percentDecode(pair.substr(eq + 1));
  }
  return params;
}

std::string fileBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The tokens appear neither in the database file nor in its WAL (nor anywhere as a substring of
// an encoding-free dump). `sawTokens` guards against a vacuous pass: the files must exist.
void expectNoTokensOnDisk(const ConnectFixture& s) {
  const std::string db = fileBytes(s.db);
  const std::string wal = fileBytes(fs::path(s.db.string() + "-wal"));
  ASSERT_FALSE(db.empty());
  for (const char* token : {kAccessToken, kRefreshToken, "cid-123", "csecret-456"}) {
    EXPECT_EQ(db.find(token), std::string::npos) << token << " in the database file";
    EXPECT_EQ(wal.find(token), std::string::npos) << token << " in the WAL";
  }
}

// The stored tokens, opened with the test key through the real store.
std::optional<std::string> storedTokens(const ConnectFixture& s) {
  auto db = store::Database::open(s.db);
  EXPECT_TRUE(db.isOk()) << db.status();
  std::string key;
  for (size_t i = 0; i < 64; i += 2) {
    key += static_cast<char>(std::stoi(std::string(kKeyHex).substr(i, 2), nullptr, 16));
  }
  auto cipher = store::StateCipher::create(key, 1);
  EXPECT_TRUE(cipher.isOk());
  store::SqliteStateStore state(**db, "qbo", cipher->get());
  auto value = state.get("oauth.tokens");
  EXPECT_TRUE(value.isOk()) << value.status();
  return value.isOk() ? *value : std::nullopt;
}

std::vector<std::string> connectArgs(const ConnectFixture& s, std::vector<std::string> extra) {
  std::vector<std::string> args = {"connect", "qbo", "--config", s.config.string(), "--plugin-dir",
                                   LH_OAUTH_PLUGIN_DIR};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

// A whole --paste consent: reads the URL, answers with `code`, the URL's state and `realm`.
testsupport::CliResult connectByPaste(const ConnectFixture& s, const std::string& errName,
                                      const std::string& code = "good-code",
                                      const std::string& realm = "5") {
  Spawned run(connectArgs(s, {"--paste"}), s.dir.path() / errName);
  auto url = run.lineStartingWith("https://appcenter.example/");
  EXPECT_TRUE(url);
  run.writeLine("http://localhost:8765/callback?code=" + code +
                "&state=" + queryParams(url.value_or(""))["state"] + "&realmId=" + realm);
  return run.finish();
}

// Plays the browser: follows the printed URL's redirect_uri with a code, the state and a realm.
int sendRedirect(const std::string& redirectUri, const std::string& query) {
  // redirect_uri is http://localhost:PORT/callback; connect to 127.0.0.1 like a browser would.
  const std::string prefix = "http://localhost:";
  EXPECT_EQ(redirectUri.rfind(prefix, 0), 0u) << redirectUri;
  const int port = std::stoi(redirectUri.substr(prefix.size()));
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(30, 0);
  auto res = client.Get(("/callback?" + query).c_str());
  return res ? res->status : -1;
}

TEST(ConnectCommandTest, LoopbackFlowStoresEncryptedTokensAndPrintsTheAccount) {
  FakeVendor vendor;
  ConnectFixture s;
  writeConfig(s, vendor);
  Spawned run(connectArgs(s, {"--listen", "0", "--timeout", "30"}), s.dir.path() / "err");
  std::optional<std::string> url = run.lineStartingWith("https://appcenter.example/");
  ASSERT_TRUE(url) << run.finish().err;
  auto params = queryParams(*url);
  EXPECT_EQ(params["client_id"], "cid-123");
  EXPECT_EQ(params["response_type"], "code");
  ASSERT_EQ(params["state"].size(), 32u);  // 128 bits as hex
  EXPECT_EQ(params["state"].find_first_not_of("0123456789abcdef"), std::string::npos);
  const int status =
      sendRedirect(params["redirect_uri"], "code=good-code&state=" + params["state"] + "&realmId=9130");
  EXPECT_EQ(status, 200);
  auto r = run.finish();
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("connected qbo (9130)"));
  EXPECT_EQ(vendor.server().requestCount("POST", "/oauth2/token"), 1u);
  // Nothing secret on the terminal.
  for (const char* secret : {kAccessToken, kRefreshToken, "good-code", "csecret-456"}) {
    EXPECT_THAT(r.out + r.err, Not(HasSubstr(secret)));
  }
  std::optional<std::string> tokens = storedTokens(s);
  ASSERT_TRUE(tokens);
  EXPECT_THAT(*tokens, HasSubstr(kRefreshToken));  // stored, and readable with the key
  expectNoTokensOnDisk(s);
}

TEST(ConnectCommandTest, TwoConnectsDrawDifferentStates) {
  FakeVendor vendor;
  ConnectFixture s;
  writeConfig(s, vendor);
  std::vector<std::string> states;
  for (int i = 0; i < 2; ++i) {
    Spawned run(connectArgs(s, {"--print-url"}), s.dir.path() / "err");
    auto url = run.lineStartingWith("https://appcenter.example/");
    ASSERT_TRUE(url);
    states.push_back(queryParams(*url)["state"]);
    EXPECT_EQ(run.finish().exitCode, 0);
  }
  EXPECT_NE(states[0], states[1]);
}

TEST(ConnectCommandTest, PastedUrlFlowAndEnvKey) {
  FakeVendor vendor;
  ConnectFixture s;
  writeConfig(s, vendor, "  master_key: ${env:LH_TEST_MASTER_KEY}\n");
  Spawned run(connectArgs(s, {"--paste"}), s.dir.path() / "err",
              {std::string("LH_TEST_MASTER_KEY=") + kKeyHex});
  auto url = run.lineStartingWith("https://appcenter.example/");
  ASSERT_TRUE(url) << run.finish().err;
  auto params = queryParams(*url);
  EXPECT_EQ(params["redirect_uri"], "http://localhost:8765/callback");
  run.writeLine(params["redirect_uri"] + "?code=good-code&state=" + params["state"] +
                "&realmId=4620816365");
  auto r = run.finish();
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("connected qbo (4620816365)"));
  ASSERT_TRUE(storedTokens(s));
  expectNoTokensOnDisk(s);
}

TEST(ConnectCommandTest, PrintUrlThenRedirectUrlFinishesOnceOnly) {
  FakeVendor vendor;
  ConnectFixture s;
  writeConfig(s, vendor);
  Spawned start(connectArgs(s, {"--print-url", "--redirect-uri", "https://ops.example/cb"}),
                s.dir.path() / "err");
  auto url = start.lineStartingWith("https://appcenter.example/");
  ASSERT_TRUE(url);
  ASSERT_EQ(start.finish().exitCode, 0);
  auto params = queryParams(*url);
  EXPECT_EQ(params["redirect_uri"], "https://ops.example/cb");
  const std::string redirect =
      "https://ops.example/cb?code=good-code&state=" + params["state"] + "&realmId=77";
  auto done = testsupport::runCli(connectArgs(s, {"--redirect-url", redirect}), LH_OAUTH_PLUGIN_DIR);
  ASSERT_EQ(done.exitCode, 0) << done.err;
  EXPECT_THAT(done.out, HasSubstr("connected qbo (77)"));
  // The state was used up: the same redirect again is refused.
  auto again = testsupport::runCli(connectArgs(s, {"--redirect-url", redirect}), LH_OAUTH_PLUGIN_DIR);
  EXPECT_EQ(again.exitCode, 1);
  EXPECT_THAT(again.err, HasSubstr("no consent was started with --print-url"));
  EXPECT_EQ(vendor.server().requestCount("POST", "/oauth2/token"), 1u);
}

TEST(ConnectCommandTest, AWrongStateIsRefusedAndNothingIsStored) {
  FakeVendor vendor;
  ConnectFixture s;
  writeConfig(s, vendor);
  Spawned run(connectArgs(s, {"--listen", "0", "--timeout", "30"}), s.dir.path() / "err");
  auto url = run.lineStartingWith("https://appcenter.example/");
  ASSERT_TRUE(url);
  auto params = queryParams(*url);
  std::string forged = params["state"];
  forged[0] = forged[0] == 'a' ? 'b' : 'a';
  EXPECT_EQ(sendRedirect(params["redirect_uri"], "code=good-code&state=" + forged + "&realmId=1"),
            400);
  auto r = run.finish();
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("state does not match"));
  EXPECT_THAT(r.err, HasSubstr("nothing was stored"));
  EXPECT_THAT(r.out, Not(HasSubstr("connected qbo")));
  EXPECT_EQ(vendor.server().requestCount("POST", "/oauth2/token"), 0u);  // code never exchanged
  EXPECT_EQ(storedTokens(s), std::nullopt);
}

TEST(ConnectCommandTest, AMissingStateIsRefused) {
  FakeVendor vendor;
  ConnectFixture s;
  writeConfig(s, vendor);
  Spawned run(connectArgs(s, {"--paste"}), s.dir.path() / "err");
  ASSERT_TRUE(run.lineStartingWith("https://appcenter.example/"));
  run.writeLine("http://localhost:8765/callback?code=good-code&realmId=1");
  auto r = run.finish();
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("carries no state"));
  EXPECT_EQ(storedTokens(s), std::nullopt);
}

TEST(ConnectCommandTest, AnErrorRedirectIsRefusedWithTheVendorsMessage) {
  FakeVendor vendor;
  ConnectFixture s;
  writeConfig(s, vendor);
  Spawned run(connectArgs(s, {"--paste"}), s.dir.path() / "err");
  auto url = run.lineStartingWith("https://appcenter.example/");
  ASSERT_TRUE(url);
  run.writeLine("http://localhost:8765/callback?error=access_denied&error_description=User+said+no"
                "&state=" +
                queryParams(*url)["state"]);
  auto r = run.finish();
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("refused: access_denied (User said no)"));
  EXPECT_EQ(vendor.server().requestCount("POST", "/oauth2/token"), 0u);
  EXPECT_EQ(storedTokens(s), std::nullopt);
}

TEST(ConnectCommandTest, ACodeTheVendorRefusesFailsWithItsError) {
  FakeVendor vendor;
  ConnectFixture s;
  writeConfig(s, vendor);
  auto r = connectByPaste(s, "err", "stale-code");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("auth_required"));
  EXPECT_THAT(r.err, HasSubstr("invalid_grant"));
  EXPECT_EQ(storedTokens(s), std::nullopt);
}

TEST(ConnectCommandTest, APluginWithoutOAuth2IsAUsageError) {
  FakeVendor vendor;
  ConnectFixture s;
  writeConfig(s, vendor);
  auto r = testsupport::runCli({"connect", "plain", "--config", s.config.string(), "--plugin-dir",
                                LH_OAUTH_PLUGIN_DIR},
                               LH_OAUTH_PLUGIN_DIR);
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_THAT(r.err, HasSubstr("plugin 'plainy'"));
  EXPECT_THAT(r.err, HasSubstr("lh.oauth2/1"));
  EXPECT_THAT(r.out, Not(HasSubstr("https://")));
}

TEST(ConnectCommandTest, UnknownConnectionAndMissingKeyAreUsageErrors) {
  FakeVendor vendor;
  ConnectFixture s;
  writeConfig(s, vendor, "");
  auto unknown = testsupport::runCli(
      {"connect", "nope", "--config", s.config.string(), "--plugin-dir", LH_OAUTH_PLUGIN_DIR},
      LH_OAUTH_PLUGIN_DIR);
  EXPECT_EQ(unknown.exitCode, 2);
  EXPECT_THAT(unknown.err, HasSubstr("no connection 'nope'"));
  auto noKey = testsupport::runCli(connectArgs(s, {"--print-url"}), LH_OAUTH_PLUGIN_DIR);
  EXPECT_EQ(noKey.exitCode, 2);
  EXPECT_THAT(noKey.err, HasSubstr("no master key is configured"));
  EXPECT_THAT(noKey.err, HasSubstr("${env:LEDGERHOST_MASTER_KEY}"));
  EXPECT_THAT(noKey.out, Not(HasSubstr("https://")));  // refused before the browser round trip
}

TEST(ConnectCommandTest, AuthRequiredMarksTheConnectionUntilConnectClearsIt) {
  FakeVendor vendor;
  ConnectFixture s;
  writeConfig(s, vendor);
  auto sync = [&] {
    return testsupport::runCli({"sync", "--config", s.config.string(), "--plugin-dir",
                                LH_OAUTH_PLUGIN_DIR, "--connection", "qbo"},
                               LH_OAUTH_PLUGIN_DIR);
  };
  auto connectOnce = [&] { return connectByPaste(s, "err"); };
  ASSERT_EQ(connectOnce().exitCode, 0);
  ASSERT_EQ(sync().exitCode, 0);
  EXPECT_EQ(vendor.server().requestCount("GET", "/items"), 1u);

  vendor.revoke(true);
  auto revoked = sync();
  EXPECT_EQ(revoked.exitCode, 1);
  EXPECT_THAT(revoked.err, HasSubstr("run `ledgerhost connect qbo"));
  EXPECT_EQ(vendor.server().requestCount("GET", "/items"), 2u);

  // Marked: the next sync does not call the plugin, and says what to run.
  vendor.revoke(false);
  auto marked = sync();
  EXPECT_EQ(marked.exitCode, 1);
  EXPECT_THAT(marked.err, HasSubstr("connection 'qbo' needs re-authorisation (since "));
  EXPECT_THAT(marked.err, HasSubstr("the access token was refused (revoked)"));
  EXPECT_THAT(marked.err, HasSubstr("run `ledgerhost connect qbo --config " + s.config.string()));
  EXPECT_EQ(vendor.server().requestCount("GET", "/items"), 2u);

  ASSERT_EQ(connectOnce().exitCode, 0);
  auto again = sync();
  EXPECT_EQ(again.exitCode, 0) << again.err;
  EXPECT_EQ(vendor.server().requestCount("GET", "/items"), 3u);
  expectNoTokensOnDisk(s);
}

TEST(ConnectCommandTest, AWrongKeyIsRefusedNamingTheConnectionAndOverwritesNothing) {
  FakeVendor vendor;
  ConnectFixture s;
  writeConfig(s, vendor);
  ASSERT_EQ(connectByPaste(s, "err").exitCode, 0);
  const std::optional<std::string> before = storedTokens(s);
  ASSERT_TRUE(before);
  // Another key (same id): sync cannot read the tokens, and connect cannot overwrite them.
  std::ofstream(s.dir.path() / "master.key")
      << "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n";
  auto sync = testsupport::runCli({"sync", "--config", s.config.string(), "--plugin-dir",
                                   LH_OAUTH_PLUGIN_DIR, "--connection", "qbo"},
                                  LH_OAUTH_PLUGIN_DIR);
  EXPECT_EQ(sync.exitCode, 1);
  EXPECT_THAT(sync.err, HasSubstr("plugin state 'oauth.tokens' of connection 'qbo'"));
  EXPECT_THAT(sync.err, HasSubstr("decryption failed"));
  auto r = connectByPaste(s, "err2");
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_THAT(r.err, HasSubstr("cannot replace plugin state 'oauth.tokens' of connection 'qbo'"));
  EXPECT_THAT(r.err, HasSubstr("--forget-state"));
  // Restoring the original key finds the original tokens, untouched.
  std::ofstream(s.dir.path() / "master.key") << kKeyHex << "\n";
  EXPECT_EQ(storedTokens(s), before);
}

}  // namespace
}  // namespace lh::cli
