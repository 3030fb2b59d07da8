#!/usr/bin/env bash
# Runs Moirai's test suite under each build configuration and ends with one line
# `N passed, N failed` counted from Bazel's per-target results (one count per
# test target per configuration). Exits non-zero if anything failed or did not
# build.
#
# The pseudo-configuration `contract` runs the checks of the Bazel consumer
# contract instead of tests, one count each: every label in README.md
# resolves (tools/check_readme_labels.sh), the layering and umbrella rules
# hold (tools/check_layering.sh), and the consumer workspace in
# examples/consumer builds, runs and is refused Moirai's private targets
# (tools/check_consumer.sh).
#
# The pseudo-configuration `portable` runs the tests of the packages that
# park threads (PORTABLE_TARGETS below) with the portable futex fallback
# forced (--config=portable_futex; core/internal/futex.h), so the fallback
# that non-Linux platforms get is tested on Linux.
#
# The pseudo-configuration `fuzz` builds every libFuzzer target with
# --config=fuzz and runs each for a short fixed budget on a copy of its
# corpus (tools/run_fuzzers.sh; MOIRAI_FUZZ_SECONDS, default 20), one count
# per fuzzer. Their corpora are also replayed as ordinary tests
# (<name>_corpus_test) in every other configuration.
#
#   tools/run_tests.sh                 every configuration, then `fuzz`
#                                      and `contract`
#   tools/run_tests.sh --configs=default,tsan
#   tools/run_tests.sh --configs=contract   only the contract checks
#   tools/run_tests.sh --stress        also run the long `stress` variants
#   tools/run_tests.sh -- //sync/...   only these targets (no `contract`
#                                      unless --configs names it)
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

configs=""
stress=0
targets=()
while (($#)); do
  case "$1" in
    --configs=*) configs="${1#--configs=}" ;;
    --stress) stress=1 ;;
    --) shift; targets=("$@"); break ;;
    *) echo "run_tests.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$configs" ]; then
  configs="default,asan,tsan,clang,portable"
  ((${#targets[@]})) || configs+=",fuzz,contract"
fi
# `portable` runs these unless targets are given (the packages whose code
# parks on core/internal/futex.h; lockfree's blocking queues too).
PORTABLE_TARGETS=(//core/... //sync/... //lockfree/... //sched/... //async/...)
((${#targets[@]})) && PORTABLE_TARGETS=("${targets[@]}")
((${#targets[@]})) || targets=(//...)

logdir="$(mktemp -d)"
total_pass=0
total_fail=0
status=0
IFS=',' read -ra config_list <<<"$configs"
for config in "${config_list[@]}"; do
  if [ "$config" = fuzz ]; then
    log="$logdir/fuzz.log"
    tools/run_fuzzers.sh 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    pass=$(grep -cE '^fuzz:[^ ]+ PASSED' "$log")
    fail=$(grep -cE '^fuzz:[^ ]+ FAILED' "$log")
    if [ "$rc" != 0 ] && [ "$fail" = 0 ]; then fail=1; fi
    echo "--- $config: $pass passed, $fail failed"
    total_pass=$((total_pass + pass))
    total_fail=$((total_fail + fail))
    ((fail)) && status=1
    continue
  fi
  if [ "$config" = contract ]; then
    pass=0
    fail=0
    for check in check_readme_labels check_layering check_consumer; do
      echo "=== tools/$check.sh"
      if "tools/$check.sh"; then
        echo "contract:$check PASSED"
        pass=$((pass + 1))
      else
        echo "contract:$check FAILED"
        fail=$((fail + 1))
      fi
    done
    echo "--- $config: $pass passed, $fail failed"
    total_pass=$((total_pass + pass))
    total_fail=$((total_fail + fail))
    ((fail)) && status=1
    continue
  fi
  # Results are never taken from the cache: a concurrency test that passed once
  # must keep passing, so every run runs every test (builds still hit the cache).
  flags=(--keep_going --test_summary=short --nocache_test_results)
  # Opt-in for //async:wall_clock_step_test, which steps the real wall clock
  # (.ci/run opts in; a developer's machine is left alone by default).
  [ -n "${MOIRAI_TEST_CLOCK_STEP:-}" ] && flags+=(--test_env=MOIRAI_TEST_CLOCK_STEP)
  # The default configuration also builds every non-test target (benchmarks,
  # the CLI) so they cannot rot; sanitizer builds compile what tests need.
  run_targets=("${targets[@]}")
  bazel_config="$config"
  if [ "$config" = portable ]; then
    bazel_config=portable_futex
    run_targets=("${PORTABLE_TARGETS[@]}")
  fi
  [ "$config" != default ] && flags+=("--config=$bazel_config" --build_tests_only)
  if ((stress)); then
    flags+=(--test_tag_filters=-benchmark)
  elif [ "$config" = default ] || [ "$config" = clang ] || [ "$config" = portable ]; then
    flags+=(--test_tag_filters=-stress,-benchmark)
  fi
  echo "=== bazel test ${flags[*]} ${run_targets[*]}"
  log="$logdir/$config.log"
  bazel test "${flags[@]}" -- "${run_targets[@]}" 2>&1 | grep --line-buffered -v 'linux-sandbox' | tee "$log"
  rc=${PIPESTATUS[0]}
  # Per-target result lines: "//pkg:name   (cached) PASSED in 0.1s".
  pass=$(grep -cE '^//[^ ]+ +(\(cached\) )?PASSED' "$log")
  fail=$(grep -cE '^//[^ ]+ +(\(cached\) )?(FAILED|TIMEOUT|FLAKY|NO STATUS|INCOMPLETE|REMOTE FAILURE|FAILED TO BUILD)' "$log")
  # rc 4 means "no test targets" (allowed); any other non-zero rc is a failure
  # even if no per-target line said so (for example an analysis error).
  if [ "$rc" != 0 ] && [ "$rc" != 4 ] && [ "$fail" = 0 ]; then fail=1; fi
  echo "--- $config: $pass passed, $fail failed"
  total_pass=$((total_pass + pass))
  total_fail=$((total_fail + fail))
  ((fail)) && status=1
done
rm -rf "$logdir"
echo
echo "$total_pass passed, $total_fail failed"
exit $status
