#!/usr/bin/env bash
# e2e.sdk_package: proves a third party can build a connector against an *installed* ledgerhost.
#
#  1. `cmake --install <build> --prefix <tmp>/prefix`, and check the install tree: bin/ledgerhost,
#     the four built-in plugins (each exporting lh_plugin_entry alone), the SDK headers and the
#     ledgerhost-sdk CMake package.
#  2. Copy sdk/template out of the source tree and build it with
#     -DCMAKE_PREFIX_PATH=<tmp>/prefix (find_package(ledgerhost-sdk) + lh_add_plugin).
#  3. `<tmp>/prefix/bin/ledgerhost plugins check <template.so> --config {...}` must exit 0.
#  4. `<tmp>/prefix/bin/ledgerhost plugins list --format json`, run from another directory with
#     no flag and no LEDGERHOST_PLUGIN_DIR, must list the four built-ins from
#     <tmp>/prefix/lib/ledgerhost/plugins; after installing the template there, five.
#
# Hermetic: everything lives in a fresh temp dir, removed on exit; no network.
# Exit codes: 0 pass, 1 fail, 77 skipped (the `ledgerhost` target does not exist yet).
set -euo pipefail

build_dir="" source_dir="" cmake_bin="cmake" generator="" cxx="" host_target_exists=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build-dir) build_dir="$2"; shift 2 ;;
    --source-dir) source_dir="$2"; shift 2 ;;
    --cmake) cmake_bin="$2"; shift 2 ;;
    --generator) generator="$2"; shift 2 ;;
    --cxx) cxx="$2"; shift 2 ;;
    --host-target-exists) host_target_exists="$2"; shift 2 ;;
    *) echo "sdk_package_test: unknown argument $1" >&2; exit 1 ;;
  esac
done
[[ -n "$build_dir" && -n "$source_dir" ]] || { echo "usage: $0 --build-dir B --source-dir S" >&2; exit 1; }

if [[ "$host_target_exists" != 1 ]]; then
  echo "SKIPPED: the ledgerhost binary target (host/cli) does not exist in this build yet"
  exit 77
fi

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "--- $*"; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/lh-sdk-package.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"
plugin_dir="$prefix/lib/ledgerhost/plugins"
builtins=(stripe authnet qbo openbanking)

step "install $build_dir into $prefix"
"$cmake_bin" --install "$build_dir" --prefix "$prefix" >"$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log" >&2; fail "cmake --install failed"; }

for f in bin/ledgerhost include/ledgerhost/sdk.h include/ledgerhost/plugin.hpp \
  lib/cmake/ledgerhost-sdk/ledgerhost-sdkConfig.cmake \
  lib/cmake/ledgerhost-sdk/ledgerhost-sdkConfigVersion.cmake \
  lib/cmake/ledgerhost-sdk/ledgerhost-sdkTargets.cmake \
  lib/cmake/ledgerhost-sdk/LedgerhostPlugin.cmake lib/cmake/ledgerhost-sdk/lh_plugin.map; do
  [[ -e "$prefix/$f" ]] || fail "install tree lacks $f"
done
[[ -x "$prefix/bin/ledgerhost" ]] || fail "bin/ledgerhost is not executable"
for p in "${builtins[@]}"; do
  so="$plugin_dir/$p.so"
  [[ -f "$so" ]] || fail "install tree lacks lib/ledgerhost/plugins/$p.so"
  exported="$(nm -D --defined-only "$so" | awk '{print $3}' | sort -u | tr '\n' ' ')"
  [[ "$exported" == "lh_plugin_entry " ]] || fail "$p.so exports [$exported], expected lh_plugin_entry alone"
done

step "build sdk/template out of tree against the installed SDK"
cp -r "$source_dir/sdk/template" "$tmp/template"
configure=("$cmake_bin" -S "$tmp/template" -B "$tmp/template-build" "-DCMAKE_PREFIX_PATH=$prefix")
[[ -n "$generator" ]] && configure+=(-G "$generator")
[[ -n "$cxx" ]] && configure+=("-DCMAKE_CXX_COMPILER=$cxx")
# Nothing from the source or build tree may leak in: only the installed prefix is on the path.
env -u CMAKE_PREFIX_PATH "${configure[@]}" >"$tmp/configure.log" 2>&1 ||
  { cat "$tmp/configure.log" >&2; fail "configuring sdk/template failed"; }
sdk_dir="$(sed -n 's/^ledgerhost-sdk_DIR:PATH=//p' "$tmp/template-build/CMakeCache.txt")"
[[ "$(realpath "$sdk_dir")" == "$(realpath "$prefix/lib/cmake/ledgerhost-sdk")" ]] ||
  fail "the template found ledgerhost-sdk in '$sdk_dir', not in the installed prefix"
"$cmake_bin" --build "$tmp/template-build" >"$tmp/build.log" 2>&1 ||
  { cat "$tmp/build.log" >&2; fail "building sdk/template failed"; }
template_so="$tmp/template-build/template.so"
[[ -f "$template_so" ]] || fail "the template build produced no template.so"
exported="$(nm -D --defined-only "$template_so" | awk '{print $3}' | sort -u | tr '\n' ' ')"
[[ "$exported" == "lh_plugin_entry " ]] || fail "template.so exports [$exported], expected lh_plugin_entry alone"

# Run the installed host from an unrelated directory, with no plugin-dir override, so it can only
# find its plugins relative to its own location.
host() { (cd "$tmp" && env -u LEDGERHOST_PLUGIN_DIR "$prefix/bin/ledgerhost" "$@"); }

step "ledgerhost plugins check template.so"
# The template requires an api_key, so hand `check` a config it accepts (create() does no I/O).
if ! host plugins check "$template_so" --config '{"api_key": "sk_test_e2e"}' >"$tmp/check.out" 2>&1; then
  cat "$tmp/check.out" >&2
  fail "plugins check $template_so exited non-zero"
fi
cat "$tmp/check.out"
grep -q "template" "$tmp/check.out" || fail "plugins check output does not name the plugin"

step "ledgerhost plugins list --format json (no flag)"
host plugins list --format json >"$tmp/list.json" 2>"$tmp/list.err" ||
  { cat "$tmp/list.json" "$tmp/list.err" >&2; fail "plugins list exited non-zero"; }
cat "$tmp/list.json"
"$cmake_bin" -DJSON_FILE="$tmp/list.json" -DEXPECT_DIR="$plugin_dir" \
  "-DEXPECT_NAMES=$(IFS=';'; echo "${builtins[*]}")" \
  -P "$source_dir/tests/e2e/check_plugin_list.cmake" || fail "plugins list is missing built-ins"

step "install the template into the prefix; the host lists it without a flag"
"$cmake_bin" --install "$tmp/template-build" --prefix "$prefix" >>"$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log" >&2; fail "installing the template failed"; }
host plugins list --format json >"$tmp/list2.json" 2>"$tmp/list2.err" ||
  { cat "$tmp/list2.json" "$tmp/list2.err" >&2; fail "plugins list exited non-zero"; }
"$cmake_bin" -DJSON_FILE="$tmp/list2.json" -DEXPECT_DIR="$plugin_dir" \
  "-DEXPECT_NAMES=$(IFS=';'; echo "${builtins[*]};template")" \
  -P "$source_dir/tests/e2e/check_plugin_list.cmake" || fail "the installed template is not listed"

echo "PASS: installed SDK builds sdk/template; the installed host loads it and finds its plugins"
