// Copyright 2026 The Moirai Authors.
//
// tools/cli/goals.h
// -----------------------------------------------------------------------------
//
// This header holds the speed goals of PERFORMANCE.md as data, and checks a
// benchmark run against them. Keep `PerformanceGoals()` in step with the
// "Goals" table of PERFORMANCE.md: every goal there that a benchmark case can
// check appears here, with the table's wording in `text`.
//
// Throughput goals ("≥ 1.5x std::mutex throughput") become time-ratio goals
// (Moirai's time / the peer's time ≤ 1/1.5), because every iteration of a
// throughput case does the same fixed work for every implementation.

#ifndef MOIRAI_TOOLS_CLI_GOALS_H_
#define MOIRAI_TOOLS_CLI_GOALS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "moirai/tools/cli/benchmark_json.h"
#include "moirai/tools/cli/compare.h"

namespace moirai::cli {

// GoalKind
enum class GoalKind {
  kRatio,      // Moirai time / peer time <= target
  kNsPerItem,  // Moirai's nanoseconds per item (or per iteration) <= target
  kSpeedup,    // Moirai time of base_case / time of case >= target
};

absl::string_view GoalKindName(GoalKind kind);
std::optional<GoalKind> ParseGoalKind(absl::string_view name);

// Goal
struct Goal {
  GoalKind kind = GoalKind::kRatio;
  std::string case_name;
  // kRatio: the impl names that count as this peer ("tbb" and "onetbb").
  std::vector<std::string> peers;
  double target = 0;
  std::string base_case;  // kSpeedup only
  std::string text;       // PERFORMANCE.md's wording
};

// PerformanceGoals()
//
// The goals table of PERFORMANCE.md.
const std::vector<Goal>& PerformanceGoals();

// GoalStatus
enum class GoalStatus { kMet, kNotMet, kNotMeasured };

absl::string_view GoalStatusName(GoalStatus status);
std::optional<GoalStatus> ParseGoalStatus(absl::string_view name);

// GoalResult
//
// One goal checked against one measurement (a goal measured for two Moirai
// implementations yields two results).
struct GoalResult {
  GoalKind kind = GoalKind::kRatio;
  std::string case_name;
  std::string against;  // the peer, "ns/item", or the base case
  double target = 0;
  std::string text;
  GoalStatus status = GoalStatus::kNotMeasured;
  std::string package;      // empty when not measured
  std::string moirai_impl;  // empty when not measured
  std::optional<double> measured;
  std::string note;  // e.g. "per iteration: no items_per_second reported"
  friend bool operator==(const GoalResult&, const GoalResult&) = default;
};

// PackageResults
//
// One package's results, as EvaluateGoals() reads them.
struct PackageResults {
  std::string package;
  const std::vector<CaseResult>* results;
};

// MatchesGoalCase()
//
// True when a result of `case_name` with `variant` measures `goal_case`: the
// names are equal and the variant is empty, or only repeats the thread count
// the case name already carries (`map_read90_2t` with `threads:2`).
bool MatchesGoalCase(absl::string_view case_name, absl::string_view variant,
                     absl::string_view goal_case);

// EvaluateGoals()
//
// Checks each goal against the results whose case matches it
// (MatchesGoalCase()). Marks each ratio goal on the matching
// comparisons (`goal_ratio`, `goal_met`). Every goal yields at least one
// GoalResult; kNotMeasured when no result matched.
std::vector<GoalResult> EvaluateGoals(absl::Span<const Goal> goals,
                                      absl::Span<const PackageResults> results,
                                      std::vector<Comparison>& comparisons);

}  // namespace moirai::cli

#endif  // MOIRAI_TOOLS_CLI_GOALS_H_
