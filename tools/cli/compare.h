// Copyright 2026 The Moirai Authors.
//
// tools/cli/compare.h
// -----------------------------------------------------------------------------
//
// This header pairs Moirai's benchmark results with its peers' by case and
// computes the ratios `moirai bench` reports: Moirai's median time divided by
// the peer's median time in the same run (lower is better for Moirai).

#ifndef MOIRAI_TOOLS_CLI_COMPARE_H_
#define MOIRAI_TOOLS_CLI_COMPARE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "moirai/tools/cli/benchmark_json.h"

namespace moirai::cli {

// Comparison
//
// One Moirai implementation against one peer on one case (and variant).
struct Comparison {
  std::string package;
  std::string case_name;
  std::string variant;      // e.g. "threads:2"; empty for most cases
  std::string moirai_impl;  // "moirai" or "moirai_<variant>"
  std::string peer;         // "std", "absl", "floor", ...
  double moirai_ns = 0;     // median time per iteration
  double peer_ns = 0;
  double ratio = 0;  // moirai_ns / peer_ns
  std::optional<double> moirai_cv;
  std::optional<double> peer_cv;
  // Relative spread of the ratio, sqrt(moirai_cv^2 + peer_cv^2); empty when
  // either side has no cv (one repetition).
  std::optional<double> spread;
  // Filled by EvaluateGoals(): the goal ratio for this pair, when
  // PERFORMANCE.md states one, and whether this run met it.
  std::optional<double> goal_ratio;
  std::optional<bool> goal_met;
  friend bool operator==(const Comparison&, const Comparison&) = default;
};

// PairingResult
//
// The comparisons found in one package's results, plus the names of results
// that could not be paired (no impl in the name, a Moirai case without any
// peer, or a peer without Moirai) and of failed results.
struct PairingResult {
  std::vector<Comparison> comparisons;
  std::vector<std::string> unpaired;
  std::vector<std::string> failed;
};

// PairResults()
//
// Pairs every Moirai implementation of a (case, variant) with every peer of
// the same (case, variant), in the order the results appear. Results without a
// time (failed benchmarks) are not paired and are listed in `failed`.
PairingResult PairResults(absl::string_view package,
                          const std::vector<CaseResult>& results);

}  // namespace moirai::cli

#endif  // MOIRAI_TOOLS_CLI_COMPARE_H_
