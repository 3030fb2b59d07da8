# Shared by the contract checks (tools/check_*.sh); sourced, not run.
#
# The library packages in ARCHITECTURE.md's dependency order: a package may
# depend on the packages before it, never on one after it. A new top-level
# package (rt, distributed) must be added here, in its place, before the
# checks pass (check_layering.sh refuses a package it does not know).
MOIRAI_PACKAGES=(core sync memory lockfree numa sched async rt distributed)

# Top-level directories with BUILD files that are not library packages.
MOIRAI_NON_LIBRARY_DIRS=(tools third_party)

# moirai_universe REPO: a query expression for every Moirai package, as
# seen from REPO ("" inside this workspace, "@moirai" from a consumer). Not
# `@moirai//...`: from another workspace that pattern also descends into this
# checkout's bazel-* convenience symlinks (the main build's execroot) and
# fails to load the packages it finds there.
moirai_universe() {
  local repo="$1" expr="" d
  for d in "${MOIRAI_PACKAGES[@]}" "${MOIRAI_NON_LIBRARY_DIRS[@]}"; do
    expr+=" + $repo//$d/..."
  done
  echo "(${expr# + })"
}

contract_failures=0

contract_fail() {
  echo "FAIL: $*" >&2
  contract_failures=$((contract_failures + 1))
}

contract_ok() {
  echo "ok:   $*"
}

# bq QUERY [FLAGS...]: `bazel query` with the progress noise removed. Prints
# the result on stdout; on a query error prints Bazel's messages on stderr
# and returns non-zero.
bq() {
  local expr="$1"
  shift
  local err
  err="$(mktemp)"
  if ! bazel query --noshow_progress --ui_event_filters=-info,-debug \
    --noimplicit_deps "$@" -- "$expr" 2>"$err"; then
    grep -v -e '^Loading:' -e 'linux-sandbox' "$err" >&2
    rm -f "$err"
    return 1
  fi
  rm -f "$err"
}
