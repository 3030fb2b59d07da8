#!/usr/bin/env bash
# //examples/migration:snippets_test: docs/MIGRATION.md quotes the compiled
# examples exactly. In the guide, a Moirai code block is preceded by
# `<!-- snippet: NAME -->`; in a source, the snippet is the lines between
# `// [START NAME]` and `// [END NAME]`. Leading whitespace is ignored (a
# snippet inside a test body is indented there, not in the guide).
set -uo pipefail
guide="$1"
shift
sources=("$@")
work="${TEST_TMPDIR:-$(mktemp -d)}"
status=0

# The guide's snippets: NAME -> file of its block.
awk -v dir="$work" '
  /^<!-- snippet: [a-z0-9_]+ -->$/ { name = $3; want = 1; next }
  want && /^```cpp$/ { out = dir "/guide." name; printf "" > out; inblock = 1; want = 0; next }
  inblock && /^```$/ { inblock = 0; close(out); next }
  inblock { sub(/^[ \t]+/, ""); print >> out }
' "$guide"

# The sources' regions.
for src in "${sources[@]}"; do
  awk -v dir="$work" '
    /\/\/ \[START [a-z0-9_]+\]/ { match($0, /\[START [a-z0-9_]+\]/); name = substr($0, RSTART + 7, RLENGTH - 8); out = dir "/src." name; printf "" > out; inregion = 1; next }
    /\/\/ \[END [a-z0-9_]+\]/ { inregion = 0; close(out); next }
    inregion { sub(/^[ \t]+/, ""); print >> out }
  ' "$src"
done

shopt -s nullglob
regions=("$work"/src.*)
if ((${#regions[@]} == 0)); then
  echo "FAIL: no // [START name] regions found in ${sources[*]}" >&2
  exit 1
fi
for f in "${regions[@]}"; do
  name="${f##*/src.}"
  if [ ! -f "$work/guide.$name" ]; then
    echo "FAIL: snippet $name is compiled but not quoted in $guide" >&2
    status=1
  elif ! diff -u "$work/guide.$name" "$f" >"$work/diff.$name"; then
    echo "FAIL: snippet $name in $guide differs from the compiled code:" >&2
    cat "$work/diff.$name" >&2
    status=1
  else
    echo "ok:   $name"
  fi
done
for f in "$work"/guide.*; do
  name="${f##*/guide.}"
  if [ ! -f "$work/src.$name" ]; then
    echo "FAIL: $guide quotes snippet $name, which no compiled source has" >&2
    status=1
  fi
done
exit "$status"
