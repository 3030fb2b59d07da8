#!/usr/bin/env bash
# README label check: every Bazel label README.md names resolves.
#
# Labels are taken from the whole README (prose and code blocks): `//pkg`,
# `//pkg:name`, `@moirai//pkg:name`, patterns such as `//sync/...`, and the
# short forms `:name` that follow a full label on the same line (as in
# "`//core:future`, `:task`", which means `//core:task`). `@moirai//x` is
# checked as `//x`. Each must resolve with `bazel query` in this workspace.
#
# Every library label named this way must also be used by the consumer
# workspace (examples/consumer), which builds and runs a program on it, so a
# label the README starts to promise cannot go untested.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
source tools/contract/lib.sh
readme="${1:-README.md}"

# extract_labels FILE: one label per line, in order, short forms expanded.
extract_labels() {
  local line token pkg
  while IFS= read -r line; do
    pkg=""
    # A full label starts after a space, backtick, quote or parenthesis (so
    # `https://` and C++ `// comments` are not labels); a short form is a
    # backticked `:name`.
    while IFS= read -r token; do
      [ -z "$token" ] && continue
      case "$token" in
        '`:'*)
          token="${token#\`}"
          [ -n "$pkg" ] && echo "$pkg$token" || echo "UNANCHORED$token"
          ;;
        *)
          token="${token#?}"  # the delimiter before the label
          token="${token#@moirai}"
          pkg="${token%%:*}"
          echo "$token"
          ;;
      esac
    done < <(grep -oE '(^|[[:space:]`"(])(@moirai)?//[A-Za-z0-9_.][A-Za-z0-9_/.+-]*(:[A-Za-z0-9_/.+-]+)?|`:[A-Za-z_][A-Za-z0-9_.+-]*`' <<<" $line" |
      sed 's/`$//')
  done <"$1"
}

mapfile -t labels < <(extract_labels "$readme" | awk '!seen[$0]++')
if ((${#labels[@]} == 0)); then
  contract_fail "no labels found in $readme (is the extraction broken?)"
  exit 1
fi
echo "$readme names ${#labels[@]} labels"

rules=()
for label in "${labels[@]}"; do
  if [[ "$label" == UNANCHORED* ]]; then
    contract_fail "'${label#UNANCHORED}' in $readme: a short label with no full label before it on its line"
    continue
  fi
  if out="$(bq "$label")" && [ -n "$out" ]; then
    contract_ok "$label"
    [[ "$label" != *...* ]] && rules+=("$label")
  else
    contract_fail "$label (named in $readme) does not resolve"
  fi
done

# Library labels must have a program in the consumer workspace.
if ((${#rules[@]})); then
  libraries="$(bq "kind('cc_library rule', set(${rules[*]}))")"
  consumer_deps="$(cat examples/consumer/BUILD.bazel examples/consumer/*/BUILD.bazel)"
  for lib in $libraries; do
    pkg="${lib#//}"
    pkg="${pkg%%:*}"
    name="${lib##*:}"
    # Named in the consumer BUILD files as "@moirai//pkg:name", as
    # "@moirai//pkg" for an umbrella, or through the umbrella/components
    # comprehensions ("pkg", "name").
    if grep -qF "\"@moirai//$pkg:$name\"" <<<"$consumer_deps" ||
      { [ "$pkg" = "$name" ] && grep -qE "\"@moirai//$pkg\"|^ +\"$pkg\",\$" <<<"$consumer_deps"; } ||
      grep -qF "(\"$pkg\", \"$name\")" <<<"$consumer_deps"; then
      :
    else
      contract_fail "$lib is named in $readme but no program in examples/consumer depends on it"
    fi
  done
fi

if ((contract_failures)); then
  echo "check_readme_labels: $contract_failures problem(s)" >&2
  exit 1
fi
echo "check_readme_labels: every label in $readme resolves"
