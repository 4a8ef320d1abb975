// `ledgerhost connect`: authorise a connection whose plugin uses OAuth2 (sdk.h lh.oauth2/1).
//
//   connect CONNECTION --config F [--plugin-dir D]
//           [--listen PORT | --paste | --print-url | --redirect-url URL]
//           [--redirect-uri URI] [--timeout SECONDS] [--forget-state]
//
// Loads F and the connection's plugin (a plugin without lh.oauth2/1 is a usage error, exit 2; so is
// a config without store.master_key, since the tokens could not be stored: docs/secrets.md), draws
// a random 128-bit `state` (OpenSSL RAND_bytes, 32 hex digits), asks the plugin for the
// authorization URL and prints it on stdout, alone on its line. Then, by mode:
//   --listen PORT   (the default, port 8765; 0 = any free port) waits on 127.0.0.1:PORT for the
//                   browser's redirect to http://localhost:PORT/callback, and answers the browser
//                   with a short page saying whether it worked;
//   --paste         reads the URL the browser ended on from stdin (one line);
//   --print-url     only prints the URL and remembers the state for this connection (until
//                   --timeout); a later `connect C --redirect-url URL` finishes it.
// --redirect-uri sets the redirect_uri given to the vendor for --paste/--print-url (default
// http://localhost:PORT/callback). --timeout (default 300 s) bounds the wait / the pending consent.
//
// The redirect is refused, and nothing is stored, when its `state` is missing or differs from the
// one drawn (compared in constant time), or when it carries `error=...` (the vendor's error and
// description are printed). Otherwise the raw query goes to the plugin's `complete`, which
// exchanges the code and stores the tokens through state_put (encrypted by the host); the
// connection's needs-reauth mark (pipeline/reauth.h) is cleared and "connected C (ACCOUNT)" is
// printed. The code and tokens are never printed or logged.
//
// --forget-state first deletes every plugin state value of C (needed when the master key they were
// encrypted with is lost; no key is needed for it).
//
// Exit codes: 0 connected (or URL printed with --print-url), 1 refused / timed out / the vendor or
// plugin failed, 2 usage or config error.
#pragma once

#include <string>
#include <vector>

#include "cli/command.h"

namespace lh::cli {

int runConnect(const std::vector<std::string>& args, GlobalOptions globals);

}  // namespace lh::cli
