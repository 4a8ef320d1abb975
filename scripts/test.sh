#!/usr/bin/env bash
# Builds ledgerhost and runs the whole test suite.
#
#   ./scripts/test.sh          debug preset (build/debug)
#   ./scripts/test.sh --asan   the same suite under ASan+UBSan (build/asan)
#
# Installs missing Debian packages first (scripts/setup.sh), builds with every core, then runs
# ctest with -j2, which keeps CI within its budget. Exits non-zero on any failure and always ends
# with one line saying PASSED or FAILED.
set -euo pipefail

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; }

preset=debug
for arg in "$@"; do
  case "$arg" in
    --asan) preset=asan ;;
    -h | --help) usage; exit 0 ;;
    *) echo "test.sh: unknown argument '$arg'" >&2; usage >&2; exit 2 ;;
  esac
done

cd "$(dirname "${BASH_SOURCE[0]}")/.."

finish() {
  local status=$?
  if [[ $status -eq 0 ]]; then
    echo "test.sh: PASSED ($preset preset)"
  else
    echo "test.sh: FAILED ($preset preset, exit $status)" >&2
  fi
}
trap finish EXIT

./scripts/setup.sh

if [[ "$preset" == asan ]]; then
  # Leaks are errors; UBSan reports carry a stack (the build already makes them fatal).
  export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
  export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
fi

cmake --preset "$preset"
cmake --build --preset "$preset" -j"$(nproc)"
ctest --preset "$preset" -j2 --output-on-failure
