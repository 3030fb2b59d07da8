#!/usr/bin/env bash
# //tools:hardening_test: checks that the built `moirai` program carries the
# hardening SECURITY.md promises, by reading the ELF file (binutils readelf):
#
#   pie        ELF type DYN with DF_1_PIE (a position-independent executable)
#   relro      a PT_GNU_RELRO segment (the GOT and friends are remapped
#              read-only after relocation)
#   now        DT_FLAGS BIND_NOW or DT_FLAGS_1 NOW (every symbol resolved at
#              load, so with RELRO the whole GOT is read-only: "full RELRO")
#   nx-stack   PT_GNU_STACK without the execute bit
#   canary     a reference to __stack_chk_fail (-fstack-protector-strong)
#   fortify    a reference to a glibc __*_chk function (_FORTIFY_SOURCE); only
#              for binaries built with optimisation (the `opt` argument)
#
# -fstack-clash-protection leaves no mark in the ELF file and is not checked
# here; it is a copt of every Moirai target (tools/build_defs/moirai.bzl).
#
# usage: hardening_test.sh BINARY MODE [BINARY MODE ...]
#        MODE: fastbuild, opt, or opt-without-fortify (clang: see BUILD.bazel)
#        hardening_test.sh --expect-unhardened BINARY
# The second form is the test's teeth: every check above except fortify must
# fail on a binary linked without hardening, or the test itself is broken.
set -uo pipefail

if ! command -v readelf >/dev/null; then
  echo "hardening_test: readelf (binutils) is not installed" >&2
  exit 1
fi

# check_binary PATH MODE: prints one line per property, returns the number of
# properties that are missing.
check_binary() {
  local bin="$1" mode="$2" missing=0 header dynamic segments symbols
  if ! header="$(readelf -hW "$bin")" || ! dynamic="$(readelf -dW "$bin")" ||
    ! segments="$(readelf -lW "$bin")" || ! symbols="$(readelf --dyn-syms -W "$bin")"; then
    echo "  cannot read $bin as an ELF file"
    return 99
  fi
  result() {  # result NAME OK DETAIL
    if [ "$2" = 1 ]; then
      echo "  ok       $1"
    else
      echo "  MISSING  $1: $3"
      missing=$((missing + 1))
    fi
  }
  local ok
  ok=0; grep -qE 'Type: +DYN' <<<"$header" && grep -qE 'FLAGS_1.*PIE' <<<"$dynamic" && ok=1
  result pie "$ok" "not a position-independent executable (link with -pie)"
  ok=0; grep -qE '^ +GNU_RELRO ' <<<"$segments" && ok=1
  result relro "$ok" "no GNU_RELRO segment (link with -Wl,-z,relro)"
  ok=0; grep -qE '\(FLAGS\).*BIND_NOW|\(FLAGS_1\).*NOW' <<<"$dynamic" && ok=1
  result now "$ok" "lazy binding (link with -Wl,-z,now)"
  ok=0; grep -E '^ +GNU_STACK ' <<<"$segments" | grep -qvE ' RWE ' && ok=1
  result nx-stack "$ok" "the stack is executable or PT_GNU_STACK is absent (link with -Wl,-z,noexecstack)"
  ok=0; grep -qE ' UND __stack_chk_fail' <<<"$symbols" && ok=1
  result canary "$ok" "no reference to __stack_chk_fail (compile with -fstack-protector-strong)"
  if [ "$mode" = opt ]; then
    local chk
    chk="$(grep -oE ' UND __[a-z_]+_chk\b' <<<"$symbols" | grep -v __stack_chk_fail | awk '{print $2}' | sort -u | tr '\n' ' ')"
    ok=0; [ -n "$chk" ] && ok=1
    result fortify "$ok" "no __*_chk function referenced (compile with -O2 -D_FORTIFY_SOURCE=2)"
    [ -n "$chk" ] && echo "           (fortified calls: $chk)"
  fi
  return "$missing"
}

if [ "${1:-}" = --expect-unhardened ]; then
  echo "$2 (linked without hardening; every check must fail):"
  check_binary "$2" fastbuild
  n=$?
  if [ "$n" != 5 ]; then
    echo "FAIL: expected 5 missing properties on the unhardened fixture, got $n" >&2
    exit 1
  fi
  echo "PASS: the checks catch an unhardened binary"
  exit 0
fi

status=0
while (($# >= 2)); do
  echo "$1 ($2):"
  check_binary "$1" "$2" || status=1
  shift 2
done
if ((status)); then
  echo "FAIL: the binary lacks hardening that SECURITY.md promises" >&2
else
  echo "PASS"
fi
exit "$status"
