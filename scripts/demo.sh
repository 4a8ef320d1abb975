#!/usr/bin/env bash
# Builds ledgerhost (release preset) and shows what it can do today.
#
# Installs missing Debian packages first (scripts/setup.sh). Only runs commands that exist; the
# end-to-end demo (fake vendor sandbox -> sync -> ledger -> QuickBooks Online -> reconciliation)
# is not built yet and the script says so instead of faking it.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

./scripts/setup.sh

cmake --preset release >/dev/null
# The host and the built-in plugins are all the demo runs; the tests are scripts/test.sh's job.
cmake --build --preset release -j"$(nproc)" --target ledgerhost lh_builtin_plugins

bin=build/release/bin/ledgerhost
run() {
  echo
  echo "\$ ledgerhost $*"
  "$bin" "$@"
}

run --version
run plugins list

cat <<'MSG'

Not built yet: the end-to-end demo - a sandbox of fake Stripe and QuickBooks Online APIs with a
realistic data set, `ledgerhost sync` into the event store, ledger postings and delivery to
QuickBooks Online - comes with issue 7. What works today against real or fake APIs: the Stripe
connector (`ledgerhost sync`, see config/stripe-to-ledger.yaml), the QuickBooks Online connector
(`ledgerhost connect`, delivery during `sync`), the ledger reports (`ledgerhost ledger ...`).
Authorize.net and the bank connector have their descriptors and config schemas only.
MSG
