// Copyright 2026 The Moirai Authors.
//
// tools/cli/bench_options.h
// -----------------------------------------------------------------------------
//
// This header parses the options of `moirai bench`.

#ifndef MOIRAI_TOOLS_CLI_BENCH_OPTIONS_H_
#define MOIRAI_TOOLS_CLI_BENCH_OPTIONS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "moirai/tools/cli/benchmark_json.h"
#include "nlohmann/json.hpp"

namespace moirai::cli {

// KnownPackages()
//
// The packages whose `//<pkg>:<pkg>_benchmark` `moirai bench` runs by default,
// in dependency order (ARCHITECTURE.md).
const std::vector<std::string>& KnownPackages();

// BenchOptions
struct BenchOptions {
  std::vector<std::string> packages;  // empty: every known package present
  int repetitions = 5;
  std::string filter;   // --benchmark_filter regex; empty: all
  std::string out_dir;  // empty: the workspace root
  bool build = true;
  TimeKind time = TimeKind::kReal;
  bool help = false;

  nlohmann::json ToJson() const;
};

// kBenchUsage
//
// The help text of `moirai bench`.
extern const char kBenchUsage[];

// ParseBenchOptions()
//
// Parses the arguments after `bench`. Accepts `--packages=a,b`,
// `--repetitions=N` (1..1000), `--filter=REGEX` (POSIX extended, as Google
// Benchmark), `--out=DIR`, `--no-build`, `--time=real|cpu`, `--help`.
// InvalidArgument names the offending argument.
absl::StatusOr<BenchOptions> ParseBenchOptions(
    const std::vector<std::string>& args);

}  // namespace moirai::cli

#endif  // MOIRAI_TOOLS_CLI_BENCH_OPTIONS_H_
