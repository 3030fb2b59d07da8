#!/usr/bin/env bash
# //tools/cli:version_flag_test: `moirai --version` and `moirai version`
# print "moirai X.Y.Z" with the numbers of core/version.h.
set -euo pipefail
bin="$1"
header="$2"
num() { sed -nE "s/^#define MOIRAI_VERSION_$1 ([0-9]+)$/\1/p" "$header"; }
want="moirai $(num MAJOR).$(num MINOR).$(num PATCH)"
for flag in --version version; do
  got="$("$bin" "$flag")"
  if [ "$got" != "$want" ]; then
    echo "FAIL: moirai $flag printed '$got', want '$want'" >&2
    exit 1
  fi
done
echo "PASS: $want"
