// Copyright 2026 The Moirai Authors.
//
// tools/cli/benchmark_json.h
// -----------------------------------------------------------------------------
//
// This header reads the JSON that a Google Benchmark binary writes
// (`--benchmark_format=json` / `--benchmark_out=`) into one `CaseResult` per
// benchmark instance, and splits Moirai's benchmark names into their parts.
//
// Moirai benchmark names are `<case>/<impl>` (see PERFORMANCE.md), for example
// `mutex_uncontended/moirai` or `queue_mpmc_1p1c/moodycamel`. Google Benchmark
// may append parameters (`/64`, `/threads:2`, `/real_time`) and, for
// repetitions, aggregate suffixes (`_mean`, `_median`, `_stddev`, `_cv`).
// `ParseBenchmarkName()` recovers the case, the implementation and the
// parameters that tell two instances of one case apart (the "variant").

#ifndef MOIRAI_TOOLS_CLI_BENCHMARK_JSON_H_
#define MOIRAI_TOOLS_CLI_BENCHMARK_JSON_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace moirai::cli {

// BenchmarkName
//
// The parts of a benchmark's run name (the name without aggregate suffix).
struct BenchmarkName {
  std::string case_name;  // "mutex_uncontended"
  std::string impl;       // "moirai", "std", ...; empty if the name has none
  std::string variant;    // parameters kept for pairing: "threads:2", "64"
  friend bool operator==(const BenchmarkName&, const BenchmarkName&) = default;
};

// ParseBenchmarkName()
//
// Splits `run_name` (`<case>/<impl>[/param...]`). Parameters that only say how
// the time was measured or how long to run (`real_time`, `process_time`,
// `manual_time`, `min_time:*`, `min_warmup_time:*`, `iterations:*`,
// `repeats:*`) are dropped; the others (`threads:2`, `64`, `size:8`) form the
// variant, joined by '/'. A name whose second component is not an identifier
// (for example `BM_x/64`) has no impl: such a result cannot be paired.
BenchmarkName ParseBenchmarkName(absl::string_view run_name);

// IsMoiraiImpl()
//
// True for Moirai's own implementations: `moirai` and variants named
// `moirai_<something>` (for example `moirai_spin`).
bool IsMoiraiImpl(absl::string_view impl);

// TimeKind
//
// Which Google Benchmark time a report compares. Real (wall-clock) time is the
// default because CPU time only counts the benchmark's main thread, which is
// meaningless for cases that run work on other threads.
enum class TimeKind { kReal, kCpu };

absl::string_view TimeKindName(TimeKind kind);

// CaseResult
//
// One benchmark instance with its repetitions summarised. Times are in
// nanoseconds per iteration.
struct CaseResult {
  std::string name;  // the run name, e.g. "lock/moirai/real_time/threads:2"
  std::string case_name;
  std::string impl;
  std::string variant;
  int repetitions = 0;
  int threads = 1;
  // The median time over the repetitions (the `_median` aggregate, or the
  // median of the iteration runs when Google Benchmark reported no
  // aggregates, e.g. with one repetition). Empty when the benchmark failed.
  std::optional<double> median_ns;
  // Coefficient of variation of the time (stddev / mean, a fraction): the
  // `_cv` aggregate, else `_stddev / _mean`, else computed from the iteration
  // runs. Empty with fewer than two repetitions.
  std::optional<double> cv;
  // Nanoseconds per item when the benchmark reports `items_per_second`.
  std::optional<double> ns_per_item;
  // Non-empty when the benchmark reported an error (`SkipWithError`).
  std::string error;
  friend bool operator==(const CaseResult&, const CaseResult&) = default;
};

// BenchmarkOutput
//
// Everything read from one benchmark binary's JSON.
struct BenchmarkOutput {
  nlohmann::json context =
      nlohmann::json::object();     // Google Benchmark's "context"
  std::vector<CaseResult> results;  // in the binary's order
  friend bool operator==(const BenchmarkOutput&,
                         const BenchmarkOutput&) = default;
};

// ParseBenchmarkJson()
//
// Parses Google Benchmark JSON output. Returns InvalidArgument for text that
// is not JSON or lacks the "benchmarks" array, or for an entry without a name
// or time. Entries of unknown aggregate kinds are ignored.
absl::StatusOr<BenchmarkOutput> ParseBenchmarkJson(absl::string_view text,
                                                   TimeKind time);

}  // namespace moirai::cli

#endif  // MOIRAI_TOOLS_CLI_BENCHMARK_JSON_H_
