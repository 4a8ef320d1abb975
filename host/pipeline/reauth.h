// The needs-reauth mark of a connection, as the engine uses it (store/sqlite_reauth_store.h holds
// the rows). A plugin's LH_E_AUTH_REQUIRED (sync or delivery) marks its connection; until
// `ledgerhost connect` clears it, the engine does not call that plugin and says what to run:
//   connection 'qbo' needs re-authorisation (since 2026-03-01T10:00:00.000Z: <plugin's message>):
//   run `ledgerhost connect qbo --config /etc/ledgerhost/ledgerhost.yaml`
//
// Thread safety: like the Runtime (one thread at a time).
#pragma once

#include <string>

#include "core/status.h"
#include "pipeline/runtime.h"

namespace lh::pipeline {

// "run `ledgerhost connect <connection> --config <config file>`".
std::string connectHint(const Runtime& runtime, const std::string& connection);

// OK when `connection` is not marked; AuthRequired naming the connection, when and why it was
// marked, and connectHint() when it is. A store error is returned as it is.
lh::Status refuseIfNeedsReauth(Runtime& runtime, const std::string& connection);

// Marks `connection` when `status` is AuthRequired (its message is the reason); does nothing for
// any other status. A failure to store the mark is logged, not returned: the caller is already
// reporting the auth failure itself.
void recordIfNeedsReauth(Runtime& runtime, const std::string& connection, const lh::Status& status);

}  // namespace lh::pipeline
