#!/usr/bin/env bash
# Consumer check: examples/consumer is a separate Bazel workspace that depends
# on Moirai exactly as README.md says (local_repository + moirai_dependencies(),
# `build --cxxopt=-std=c++20`). This script
#
#   1. builds it and runs its tests: one program per package on the package's
#      umbrella, one per component target the README names, and one test
#      linking seven packages together;
#   2. runs the README's `:app` example and the README's echo server
#      (`@moirai//async/examples:echo_server`, one line echoed back);
#   3. checks visibility from outside the repository: every target in
#      examples/consumer/refused (each depends on one private Moirai target:
#      an internal/ library or a test-only helper) must be refused by the
#      analysis with "is not visible"; and of all the Moirai libraries an
#      outside target can see (`bazel query 'visible(...)'`), none may be
#      testonly or have only internal/ headers, while every public header
#      (`<pkg>/*.h`) must be exported by one of them.
#
# Extra arguments go to every `bazel build`/`test` (for example
# `--disk_cache=` to measure a cold build). The consumer has its own output
# base, so it compiles the Moirai sources it uses once more; it shares the
# main build's disk cache, so a rerun (even from a fresh clone) is cheap.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/tools/contract/lib.sh"
cd "$root/examples/consumer" || exit 2

# The consumer's Bazel server exits after 10 idle minutes: CI machines are
# small, and the main workspace's server is the one worth keeping warm.
bazel() { command bazel --max_idle_secs=600 "$@"; }
flags=(--disk_cache="$HOME/.cache/moirai/bazel-disk" "$@")
quiet() { grep --line-buffered -v -e 'linux-sandbox' -e '^INFO: From ' -e '^Loading:'; }
start=$SECONDS

# 1 + 2: build everything (the echo server too) and run the tests.
echo "=== consumer: bazel test //... @moirai//async/examples:echo_server"
bazel test -k --test_output=errors --nocache_test_results "${flags[@]}" \
  -- //... @moirai//async/examples:echo_server 2>&1 | quiet
if [ "${PIPESTATUS[0]}" = 0 ]; then
  contract_ok "consumer workspace builds; its tests pass"
else
  contract_fail "consumer workspace: build or tests failed (see above)"
fi

bin="$(bazel info "${flags[@]}" bazel-bin 2>/dev/null)"
if out="$("$bin/app" 2>&1)"; then
  contract_ok "README example :app runs ($out)"
else
  contract_fail "README example :app failed: $out"
fi
if out="$(./run_echo_server.sh "$bin/external/moirai/async/examples/echo_server" 2>&1)"; then
  contract_ok "README echo server runs ($out)"
else
  contract_fail "README echo server: $out"
fi

# 3a: private targets are refused.
mapfile -t refused < <(bq 'kind("cc_test", //refused:*)')
if ((${#refused[@]} == 0)); then
  contract_fail "examples/consumer/refused holds no targets"
fi
log="$(mktemp)"
# --nobuild: visibility is an analysis error, nothing needs compiling.
bazel build -k --nobuild "${flags[@]}" -- "${refused[@]}" >"$log" 2>&1
rc=$?
if [ "$rc" = 0 ]; then
  contract_fail "the refused targets built: private Moirai targets are visible to other workspaces"
fi
for t in "${refused[@]}"; do
  dep="$(bq "kind('cc_library', deps($t, 1)) intersect $(moirai_universe @moirai)")"
  if grep -qF "target '$dep' is not visible from target '$t'" "$log"; then
    contract_ok "$t is refused: $dep is not visible"
  else
    contract_fail "$t was not refused for visibility (it depends on private $dep)"
  fi
done
if ((contract_failures)); then
  grep -E '^(ERROR|WARNING):' "$log" | grep -v 'is not visible' | head -20 >&2
fi
rm -f "$log"

# 3b: what an outside target sees. --output=build prints each rule's
# testonly flag and headers; records are separated by "cc_library(".
visible="$(bq "visible(//:multi_package_test, kind('cc_library', $(moirai_universe @moirai)))" --output=build)"
bad="$(awk '
  /^# /           { where = $2 }
  /^cc_library\(/ { name = ""; testonly = 0; hdrs = "" }
  /^  name = /    { name = $3; gsub(/[",]/, "", name) }
  /^  testonly = True/ { testonly = 1 }
  /^  hdrs = /    { hdrs = $0 }
  /^\)/ {
    n = split(hdrs, h, /", "|\["|"\]/); internal = 0; public = 0
    for (i = 1; i <= n; i++) {
      if (h[i] !~ /\.h$/) continue
      if (h[i] ~ /[:\/]internal\//) internal++; else public++
    }
    if (testonly) print name " (testonly; " where ")"
    else if (internal > 0 && public == 0) print name " (only internal/ headers; " where ")"
  }' <<<"$visible")"
if [ -n "$bad" ]; then
  while IFS= read -r b; do
    contract_fail "private Moirai target visible to other workspaces: $b"
  done <<<"$bad"
else
  contract_ok "no testonly or internal-only Moirai library is visible to other workspaces"
fi
unexported=0
for pkg in "${MOIRAI_PACKAGES[@]}"; do
  for h in "$root/$pkg"/*.h; do
    h="${h#"$root/$pkg/"}"
    if ! grep -qF "\"@moirai//$pkg:$h\"" <<<"$visible"; then
      contract_fail "public header $pkg/$h is in no library visible to other workspaces"
      unexported=1
    fi
  done
done
((unexported)) || contract_ok "every public header is exported by a library visible to other workspaces"

echo "check_consumer: $((SECONDS - start))s"
if ((contract_failures)); then
  echo "check_consumer: $contract_failures problem(s)" >&2
  exit 1
fi
echo "check_consumer: the consumer workspace builds and runs as README.md says"
