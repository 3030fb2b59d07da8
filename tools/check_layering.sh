#!/usr/bin/env bash
# Layering check: the transitive dependencies of every Moirai target stay
# within what ARCHITECTURE.md ("Dependency direction") and README.md promise,
# checked with `bazel query 'deps(...)'` so that a stray dependency fails CI.
#
#   1. Direction: a target in package P (library, test, benchmark, binary)
#      depends on no Moirai package after P in core <- sync <- memory <-
#      lockfree <- numa <- sched <- async, and on nothing in tools/ except
#      the build macros' config settings (tools/build_defs) and, for
#      testonly code, the test harnesses (tools/testing).
#   2. Externals: library code of core..sched uses Abseil and nothing else
#      (no Boost, no GoogleTest, no peers); async adds Boost (Context, Asio,
#      Fiber); distributed adds protobuf (its envelope) and no gRPC. Tests and benchmarks may use GoogleTest and the peers.
#   3. Promises the README makes by name: `//sync:mutex` alone pulls in no
#      Boost and no scheduler; the scheduler comes without fibers; lockfree
#      has no Asio/Boost; core depends on no other Moirai package; Boost.Fiber
#      is linked only through `//async:boost_fiber`.
#   4. Umbrellas: every package has `//<pkg>` and it exports every public
#      header of the package (`<pkg>/*.h`), so a component added without
#      joining its umbrella fails. One exception, on purpose: the Boost.Fiber
#      adapter (`//async:boost_fiber`) is opt-in, so that `//async` does not
#      link libboost_fiber (rule 3).
#
# Exits non-zero on any violation and prints the offending dependency path.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
source tools/contract/lib.sh

# forbid NAME SUBJECT FORBIDDEN: nothing in deps(SUBJECT) may be in FORBIDDEN.
forbid() {
  local name="$1" subject="$2" forbidden="$3" hits
  if ! hits="$(bq "deps($subject) intersect ($forbidden)")"; then
    contract_fail "$name: query failed"
    return
  fi
  if [ -z "$hits" ]; then
    contract_ok "$name"
    return
  fi
  contract_fail "$name"
  local hit
  for hit in $(head -5 <<<"$hits"); do
    echo "      stray dependency on $hit:" >&2
    bq "somepath($subject, $hit)" | sed 's/^/        /' >&2
  done
}

# externals_only NAME SUBJECT REPO...: every external target in
# deps(SUBJECT) belongs to one of the listed repositories.
externals_only() {
  local name="$1" subject="$2"
  shift 2
  local allowed=(bazel_tools platforms "$@") deps
  if ! deps="$(bq "deps($subject)")"; then
    contract_fail "$name: query failed"
    return
  fi
  local pattern
  pattern="^@($(IFS='|'; echo "${allowed[*]}"))//"
  local stray
  stray="$(grep '^@' <<<"$deps" | grep -Ev "$pattern" || true)"
  if [ -z "$stray" ]; then
    contract_ok "$name"
    return
  fi
  contract_fail "$name (allowed: ${allowed[*]})"
  local hit
  for hit in $(head -5 <<<"$stray"); do
    echo "      stray dependency on $hit:" >&2
    bq "somepath($subject, $hit)" | sed 's/^/        /' >&2
  done
}

libs() { echo "(kind('cc_library', //$1/...) except attr(testonly, 1, //$1/...))"; }

# Every top-level package must have a place in the layering.
for build in */BUILD.bazel; do
  dir="${build%%/*}"
  [[ "$dir" == bazel-* ]] && continue  # Bazel's convenience symlinks
  known=0
  for p in "${MOIRAI_PACKAGES[@]}" "${MOIRAI_NON_LIBRARY_DIRS[@]}"; do
    [ "$p" = "$dir" ] && known=1
  done
  ((known)) || contract_fail "package '$dir' has no place in the layering: add it to MOIRAI_PACKAGES in tools/contract/lib.sh"
done

# 1 + 2: direction and externals, package by package.
n=${#MOIRAI_PACKAGES[@]}
for ((i = 0; i < n; i++)); do
  pkg="${MOIRAI_PACKAGES[$i]}"
  later=""
  for ((j = i + 1; j < n; j++)); do later+=" + //${MOIRAI_PACKAGES[$j]}/..."; done
  later="${later# + }"
  tools_lib="//tools/... except //tools/build_defs/..."
  tools_test="//tools/... except //tools/build_defs/... except //tools/testing/..."
  if [ -n "$later" ]; then
    forbid "//$pkg libraries depend on no later package or tools" "$(libs "$pkg")" "$later + $tools_lib"
    forbid "//$pkg tests, benchmarks and binaries depend on no later package" "//$pkg/..." "$later + $tools_test"
  else
    forbid "//$pkg libraries depend on nothing in tools" "$(libs "$pkg")" "$tools_lib"
    forbid "//$pkg tests, benchmarks and binaries depend on no tool but tools/testing" "//$pkg/..." "$tools_test"
  fi
  case "$pkg" in
    async) externals_only "//$pkg libraries use only Abseil and Boost" "$(libs "$pkg")" com_google_absl boost ;;
    # The socket-free core: protobuf for the envelope, no gRPC.
    distributed) externals_only "//$pkg libraries use only Abseil and protobuf (no gRPC)" "$(libs "$pkg")" com_google_absl com_google_protobuf ;;
    *) externals_only "//$pkg libraries use only Abseil" "$(libs "$pkg")" com_google_absl ;;
  esac
done

# 3: the README's named promises.
forbid "//sync:mutex pulls in no Boost, no scheduler, no fibers" "//sync:mutex" \
  "@boost//... + //sched/... + //async/..."
forbid "//sync:mutex depends only on core" "//sync:mutex" \
  "//sync/... except //sync:mutex + //memory/... + //lockfree/... + //numa/... + //sched/... + //async/..."
forbid "//lockfree:* has no Asio or other Boost" "$(libs lockfree)" "@boost//..."
forbid "//core:* depends on no other Moirai package" "$(libs core)" \
  "//sync/... + //memory/... + //lockfree/... + //numa/... + //sched/... + //async/... + //tools/... except //tools/build_defs/..."
forbid "the scheduler comes without fibers (//sched:* has no async, no Boost)" "$(libs sched)" \
  "//async/... + @boost//..."
forbid "//async:async links no Boost.Fiber (only //async:boost_fiber does)" "//async:async" "@boost//:fiber"

# 4: one umbrella per package, exporting every public header.
UMBRELLA_EXEMPT=(async/boost_fiber.h)
for pkg in "${MOIRAI_PACKAGES[@]}"; do
  if ! bq "//$pkg:$pkg" >/dev/null; then
    contract_fail "//$pkg has no umbrella target //$pkg:$pkg"
    continue
  fi
  exported="$(bq "labels(hdrs, deps(//$pkg:$pkg) intersect //$pkg:*)")"
  missing=()
  for h in "$pkg"/*.h; do
    [[ " ${UMBRELLA_EXEMPT[*]} " == *" $h "* ]] && continue
    grep -qxF "//$pkg:${h#"$pkg"/}" <<<"$exported" || missing+=("$h")
  done
  if ((${#missing[@]})); then
    contract_fail "umbrella //$pkg does not export ${missing[*]} (add the component to its deps)"
  else
    contract_ok "umbrella //$pkg exports every public header of $pkg/"
  fi
done

if ((contract_failures)); then
  echo "check_layering: $contract_failures rule(s) broken" >&2
  exit 1
fi
echo "check_layering: all rules hold"
