#!/usr/bin/env bash
# Builds every libFuzzer target (the cc_binary targets tagged `moirai_fuzzer`,
# made by moirai_cc_fuzzer in tools/build_defs/moirai.bzl) with --config=fuzz
# (clang, libFuzzer, ASan+UBSan) and runs each for a short fixed budget on a
# scratch copy of its checked-in corpus (testdata/<name>_corpus/). Prints one
# line `fuzz://pkg:name PASSED|FAILED` per target (tools/run_tests.sh counts
# them) and exits non-zero if any target crashed, leaked, hung or did not
# build. A crash leaves its input under $MOIRAI_FUZZ_ARTIFACTS (printed);
# add it to the corpus with a fix and a regression test.
#
#   tools/run_fuzzers.sh                      every fuzzer, 20 s each
#   MOIRAI_FUZZ_SECONDS=300 tools/run_fuzzers.sh //lockfree:queue_fuzzer
#
# Environment: MOIRAI_FUZZ_SECONDS (budget per target, default 20),
# MOIRAI_FUZZ_SEED (libFuzzer -seed, default 1, so that a run is repeatable
# up to timing), MOIRAI_FUZZ_ARTIFACTS (where crashers go, default a
# temporary directory).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds="${MOIRAI_FUZZ_SECONDS:-20}"
seed="${MOIRAI_FUZZ_SEED:-1}"
artifacts="${MOIRAI_FUZZ_ARTIFACTS:-$(mktemp -d)}"
mkdir -p "$artifacts"

targets=("$@")
if ((${#targets[@]} == 0)); then
  mapfile -t targets < <(bazel query --noshow_progress \
    'attr(tags, "\bmoirai_fuzzer\b", kind(cc_binary, //...))' 2>/dev/null)
fi
if ((${#targets[@]} == 0)); then
  echo "run_fuzzers.sh: no target is tagged moirai_fuzzer" >&2
  exit 1
fi

echo "=== bazel build --config=fuzz ${targets[*]}"
if ! bazel build --config=fuzz --keep_going -- "${targets[@]}" 2>&1 |
  grep --line-buffered -vE 'linux-sandbox|Cannot export local symbol'; then
  :
fi
bin="$(bazel info --config=fuzz bazel-bin 2>/dev/null)"

status=0
for target in "${targets[@]}"; do
  pkg="${target#//}"
  pkg="${pkg%%:*}"
  name="${target##*:}"
  exe="$bin/$pkg/$name"
  if [ ! -x "$exe" ]; then
    echo "fuzz:$target FAILED (did not build)"
    status=1
    continue
  fi
  # libFuzzer adds what it finds to the first corpus directory: a scratch
  # copy keeps the checked-in corpus small and reviewed.
  work="$(mktemp -d)"
  cp -r "$pkg/testdata/${name}_corpus/." "$work/"
  log="$artifacts/$name.log"
  # -timeout: one input running this long is a hang (a failure);
  # -rss_limit_mb: libFuzzer's default, stated.
  if "$exe" -max_total_time="$seconds" -seed="$seed" -timeout=30 \
    -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/$name-" "$work" >"$log" 2>&1; then
    runs="$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" |
      grep -oE '[0-9]+$')"
    echo "fuzz:$target PASSED (${runs:-?} inputs in ${seconds}s)"
  else
    echo "fuzz:$target FAILED; the last lines of $log:"
    tail -n 40 "$log"
    ls "$artifacts/$name-"* 2>/dev/null | sed 's/^/  crasher: /'
    status=1
  fi
  rm -rf "$work"
done
exit $status
