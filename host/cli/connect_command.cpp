#include "cli/connect_command.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <chrono>
#include <iostream>
#include <optional>
#include <string>

#include "cli/engine_setup.h"
#include "cli/oauth_callback_listener.h"
#include "store/sqlite_oauth_pending_store.h"
#include "store/sqlite_reauth_store.h"
#include "store/sqlite_state_store.h"

namespace lh::cli {
namespace {

namespace po = boost::program_options;

constexpr int kDefaultPort = 8765;
constexpr int kDefaultTimeoutSeconds = 300;
constexpr size_t kStateBytes = 16;  // 128 bits

// What the redirect carried that the host itself checks. The rest of the query (the code, the
// realm...) is the plugin's business and is never printed.
struct Redirect {
  std::string query;  // raw, as received (percent-encoded)
  std::optional<std::string> state;
  std::optional<std::string> error;
  std::string errorDescription;
};

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded decoding; a malformed escape stays as it is.
std::string formDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hexDigit(s[i + 1]) >= 0 &&
               hexDigit(s[i + 2]) >= 0) {
      out += static_cast<char>(hexDigit(s[i + 1]) << 4 | hexDigit(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

Redirect parseQuery(std::string query) {
  Redirect r;
  r.query = std::move(query);
  std::string_view rest = r.query;
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    const size_t eq = pair.find('=');
    const std::string name = formDecode(pair.substr(0, eq));
    const std::string value =
        eq == std::string_view::npos ? std::string() : formDecode(pair.substr(eq + 1));
    // The first occurrence counts; a second `state` cannot override the checked one.
    if (name == "state" && !r.state) {
      r.state = value;
    } else if (name == "error" && !r.error) {
      r.error = value;
    } else if (name == "error_description" && r.errorDescription.empty()) {
      r.errorDescription = value;
    }
  }
  return r;
}

// The query of a redirect URL (pasted or given), without the fragment.
std::optional<std::string> queryOfUrl(std::string url) {
  while (!url.empty() && (url.back() == '\n' || url.back() == '\r' || url.back() == ' ')) {
    url.pop_back();
  }
  const size_t q = url.find('?');
  if (q == std::string::npos) {
    return std::nullopt;
  }
  std::string query = url.substr(q + 1);
  if (const size_t hash = query.find('#'); hash != std::string::npos) {
    query.resize(hash);
  }
  return query;
}

std::optional<std::string> drawState() {
  unsigned char bytes[kStateBytes];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    return std::nullopt;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  return out;
}

bool sameState(const std::optional<std::string>& got, const std::string& expected) {
  return got && got->size() == expected.size() &&
         CRYPTO_memcmp(got->data(), expected.data(), expected.size()) == 0;
}

// Why a redirect is refused before the plugin sees it, or nullopt when it may go on.
std::optional<std::string> refusal(const Redirect& r, const std::string& expectedState) {
  if (!sameState(r.state, expectedState)) {
    return std::string(r.state ? "the redirect's state does not match the one this consent drew"
                               : "the redirect carries no state") +
           " (a stale or forged redirect?); nothing was stored";
  }
  if (r.error) {
    return "the authorisation was refused: " + *r.error +
           (r.errorDescription.empty() ? "" : " (" + r.errorDescription + ")") +
           "; nothing was stored";
  }
  return std::nullopt;
}

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int runConnect(const std::vector<std::string>& args, GlobalOptions globals) {
  EngineSetupOptions setup;
  std::string connection;
  int listenPort = kDefaultPort;
  std::string redirectUrl;
  std::string redirectUri;
  int timeoutSeconds = kDefaultTimeoutSeconds;
  po::options_description options("ledgerhost connect CONNECTION --config FILE [options]");
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("connection", po::value<std::string>(&connection)->value_name("NAME"),
       "the connection to authorise (also the first positional argument)")
      ("config", po::value<std::string>(&setup.configFile)->value_name("FILE"), "the config file")
      ("plugin-dir", po::value<std::string>(&setup.pluginDir)->value_name("DIR"),
       "load plugins from DIR before the default plugin directory")
      ("listen", po::value<int>(&listenPort)->value_name("PORT"),
       "wait for the browser's redirect on 127.0.0.1:PORT (default 8765; 0: any free port)")
      ("paste", po::bool_switch(), "read the URL the browser was sent to from stdin instead")
      ("print-url", po::bool_switch(),
       "only print the URL; finish later with --redirect-url")
      ("redirect-url", po::value<std::string>(&redirectUrl)->value_name("URL"),
       "finish a consent started with --print-url with the URL the browser was sent to")
      ("redirect-uri", po::value<std::string>(&redirectUri)->value_name("URI"),
       "the redirect_uri for --paste/--print-url (default http://localhost:PORT/callback)")
      ("timeout", po::value<int>(&timeoutSeconds)->value_name("SECONDS"),
       "how long to wait for the redirect, or a --print-url consent stays valid (default 300)")
      ("forget-state", po::bool_switch(),
       "delete the connection's stored plugin state first (e.g. after losing the master key)");
  // clang-format on
  options.add(loggingOptions(&globals));
  po::positional_options_description positional;
  positional.add("connection", 1);
  po::variables_map vm;
  int exitCode = kExitOk;
  if (!parseArgs("connect", args, options, positional, &vm, &exitCode)) {
    return exitCode;
  }
  if (vm.count("help") != 0) {
    std::cout << options;
    return kExitOk;
  }
  const bool paste = vm["paste"].as<bool>();
  const bool printUrl = vm["print-url"].as<bool>();
  const bool finishPending = vm.count("redirect-url") != 0;
  if (connection.empty()) {
    return usageError("connect", "which connection? (ledgerhost connect CONNECTION --config F)");
  }
  if (setup.configFile.empty()) {
    return usageError("connect", "--config FILE is required");
  }
  if (static_cast<int>(paste) + static_cast<int>(printUrl) + static_cast<int>(finishPending) +
          static_cast<int>(vm.count("listen") != 0) >
      1) {
    return usageError("connect", "--listen, --paste, --print-url and --redirect-url exclude each other");
  }
  if (listenPort < 0 || listenPort > 65535) {
    return usageError("connect", "--listen must be a port 0..65535");
  }
  if (timeoutSeconds < 1) {
    return usageError("connect", "--timeout must be at least 1 second");
  }
  if (!redirectUri.empty() && !paste && !printUrl) {
    return usageError("connect", "--redirect-uri goes with --paste or --print-url (the listener's "
                                 "own is http://localhost:PORT/callback)");
  }
  if (int rc = startLogging(globals); rc != kExitOk) {
    return rc;
  }
  Engine engine;
  if (int rc = openEngine("connect", setup, &engine); rc != kExitOk) {
    return rc;
  }
  pipeline::Runtime& runtime = *engine.runtime;
  const pipeline::Connection* declared = runtime.config().findConnection(connection);
  if (declared == nullptr) {
    printError("connect", "no connection '" + connection + "' in " + setup.configFile);
    return kExitUsage;
  }
  if (vm["forget-state"].as<bool>()) {
    store::SqliteStateStore state(runtime.database(), connection, nullptr);
    Result<int64_t> forgot = state.forgetAll();
    if (!forgot.isOk()) {
      printError("connect", forgot.status().message());
      return kExitFailure;
    }
    std::cerr << "forgot " << *forgot << " stored value(s) of connection '" << connection << "'\n";
  }
  Result<std::unique_ptr<pipeline::ConnectionSession>> session = runtime.connect(connection);
  if (!session.isOk()) {
    printError("connect", session.status().message());
    return session.status().code() == Code::InvalidConfig ? kExitUsage : kExitFailure;
  }
  plugins::PluginInstance& plugin = (*session)->instance();
  if (!plugin.supportsOAuth2()) {
    printError("connect", "connection '" + connection + "' (plugin '" + declared->plugin +
                              "') has no OAuth2 consent to run: its plugin does not offer the " +
                              LH_EXT_OAUTH2 + " extension");
    return kExitUsage;
  }
  if (!runtime.config().store.master_key) {
    // Checked before the browser round trip: the plugin could not store the tokens.
    printError("connect",
               "no master key is configured, so the connection's tokens could not be stored "
               "(they are only kept encrypted). Set store.master_key: "
               "${env:LEDGERHOST_MASTER_KEY} (32 bytes as 64 hex digits or base64, e.g. from "
               "`openssl rand -hex 32`) or store.master_key_file: PATH in " +
                   setup.configFile + "; see docs/secrets.md");
    return kExitUsage;
  }

  store::SqliteOAuthPendingStore pendingStore(runtime.database());
  std::string state;
  std::string query;
  OAuthCallbackListener listener;
  const bool listening = !paste && !printUrl && !finishPending;
  if (finishPending) {
    Result<std::optional<store::OAuthPending>> pending = pendingStore.take(connection);
    if (!pending.isOk()) {
      printError("connect", pending.status().message());
      return kExitFailure;
    }
    if (!*pending || (*pending)->expires_at_ms < nowMs()) {
      printError("connect", std::string(*pending ? "the consent started with --print-url expired"
                                                 : "no consent was started with --print-url") +
                                " for connection '" + connection + "'; run `ledgerhost connect " +
                                connection + " --config " + setup.configFile +
                                " --print-url` first");
      return kExitFailure;
    }
    state = (*pending)->state;
    redirectUri = (*pending)->redirect_uri;
    std::optional<std::string> q = queryOfUrl(redirectUrl);
    if (!q) {
      printError("connect", "--redirect-url is not a redirect URL (it has no query)");
      return kExitFailure;
    }
    query = *q;
  } else {
    std::optional<std::string> drawn = drawState();
    if (!drawn) {
      printError("connect", "the OpenSSL random generator failed");
      return kExitFailure;
    }
    state = *drawn;
    if (listening) {
      if (Status started = listener.start(listenPort); !started.isOk()) {
        printError("connect", started.message());
        return kExitFailure;
      }
      redirectUri = listener.redirectUri();
    } else if (redirectUri.empty()) {
      redirectUri = "http://localhost:" + std::to_string(listenPort) + "/callback";
    }
    Result<std::string> url = plugin.authorizationUrl(state, redirectUri);
    if (!url.isOk()) {
      printError("connect", url.status().message());
      return url.status().code() == Code::InvalidConfig ? kExitUsage : kExitFailure;
    }
    std::cout << "Open this URL in a browser to authorise connection '" << connection
              << "':\n"
              << *url << '\n'
              << std::flush;
    if (printUrl) {
      const store::OAuthPending pending{state, redirectUri,
                                        nowMs() + int64_t{timeoutSeconds} * 1000};
      if (Status saved = pendingStore.put(connection, pending); !saved.isOk()) {
        printError("connect", saved.message());
        return kExitFailure;
      }
      std::cout << "Then run, within " << timeoutSeconds << " s:\n  ledgerhost connect "
                << connection << " --config " << setup.configFile
                << " --redirect-url 'URL THE BROWSER WAS SENT TO'\n";
      return kExitOk;
    }
    if (listening) {
      std::cerr << "waiting for the redirect to " << redirectUri << " (timeout " << timeoutSeconds
                << " s)...\n";
      std::optional<std::string> received =
          listener.waitForCallback(std::chrono::seconds(timeoutSeconds));
      if (!received) {
        printError("connect", "no redirect arrived within " + std::to_string(timeoutSeconds) +
                                  " s; nothing was stored");
        return kExitFailure;
      }
      query = *received;
    } else {
      std::cerr << "Paste the URL your browser was sent to, then press Enter:\n";
      std::string line;
      if (!std::getline(std::cin, line)) {
        printError("connect", "no URL on stdin; nothing was stored");
        return kExitFailure;
      }
      std::optional<std::string> q = queryOfUrl(line);
      if (!q) {
        printError("connect", "that is not a redirect URL (it has no query); nothing was stored");
        return kExitFailure;
      }
      query = *q;
    }
  }

  const Redirect redirect = parseQuery(query);
  if (std::optional<std::string> why = refusal(redirect, state)) {
    listener.finish(false, *why);
    printError("connect", "connection '" + connection + "': " + *why);
    return kExitFailure;
  }
  Result<std::string> account = plugin.completeAuthorization(redirect.query, redirectUri);
  if (!account.isOk()) {
    listener.finish(false, "The authorisation could not be completed; see the terminal.");
    printError("connect", "connection '" + connection + "': " + account.status().message());
    return account.status().code() == Code::InvalidConfig ? kExitUsage : kExitFailure;
  }
  store::SqliteReauthStore marks(runtime.database());
  if (Result<bool> cleared = marks.clear(connection); !cleared.isOk()) {
    // The consent is stored; only the mark could not be removed.
    printError("connect", cleared.status().message());
  }
  const std::string done =
      "connected " + connection + (account->empty() ? std::string() : " (" + *account + ")");
  listener.finish(true, done);
  listener.stop();
  std::cout << done << '\n';
  return kExitOk;
}

}  // namespace lh::cli
