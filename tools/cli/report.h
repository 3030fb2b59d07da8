// Copyright 2026 The Moirai Authors.
//
// tools/cli/report.h
// -----------------------------------------------------------------------------
//
// This header defines `Report`, everything one `moirai bench` run measured,
// and its three renderings: the terminal table (`RenderTable()`), the JSON
// file (`ReportToJson()`, read back by `ReportFromJson()`) and the
// self-contained HTML page with inline SVG charts (`RenderHtml()`).
//
// Example:
//
//   Report report;
//   report.packages.push_back(run_of_sync_benchmark);
//   ComputeComparisons(report);           // pairs, ratios, goals
//   std::cout << RenderTable(report, /*color=*/false);
//   WriteFile("bench-report.html", RenderHtml(report));

#ifndef MOIRAI_TOOLS_CLI_REPORT_H_
#define MOIRAI_TOOLS_CLI_REPORT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "moirai/tools/cli/benchmark_json.h"
#include "moirai/tools/cli/compare.h"
#include "moirai/tools/cli/goals.h"
#include "nlohmann/json.hpp"

namespace moirai::cli {

// PackageRun
//
// One package's benchmark binary: how it went and what it measured. A binary
// that failed (did not build, exited non-zero, wrote no JSON) has `ok ==
// false` and an `error`; results it did write are kept.
struct PackageRun {
  std::string package;  // "sync"
  std::string target;   // "//sync:sync_benchmark"
  bool ok = true;
  std::string error;
  std::string log_tail;  // last lines of the binary's output when it failed
  double seconds = 0;    // wall-clock time the binary ran
  BenchmarkOutput output;
  friend bool operator==(const PackageRun&, const PackageRun&) = default;
};

// Report
struct Report {
  std::string moirai_version;
  std::string generated_at;                           // RFC 3339, UTC
  nlohmann::json machine = nlohmann::json::object();  // see MachineInfoJson()
  nlohmann::json options = nlohmann::json::object();  // the bench options
  TimeKind time = TimeKind::kReal;
  std::vector<PackageRun> packages;
  // Derived from `packages` by ComputeComparisons().
  std::vector<Comparison> comparisons;
  std::vector<std::string> unpaired;  // "<package>: <run name>"
  std::vector<std::string> failed;    // "<package>: <run name>: <error>"
  std::vector<GoalResult> goals;
  friend bool operator==(const Report&, const Report&) = default;
};

// ComputeComparisons()
//
// Fills `comparisons`, `unpaired`, `failed` and `goals` from `packages`,
// checking PerformanceGoals().
void ComputeComparisons(Report& report);

// ReportToJson()
//
// The report as indented JSON: all raw medians and spreads per package, the
// comparisons with their ratios, the goals, machine info and options.
std::string ReportToJson(const Report& report);

// ReportFromJson()
//
// Reads what ReportToJson() wrote; InvalidArgument for anything else.
absl::StatusOr<Report> ReportFromJson(absl::string_view text);

// RenderTable()
//
// The terminal table: one row per comparison with both medians, the ratio,
// its spread and the goal, then the goal tally, failures and unpaired
// results. `color` adds ANSI colours (green faster, red slower).
std::string RenderTable(const Report& report, bool color);

// RenderHtml()
//
// A self-contained HTML page (inline CSS and SVG, no script, no network):
// per package, horizontal bars of the Moirai/peer ratio on a log scale around
// the 1.0 line, with spread whiskers and goal markers; then the goals table,
// the raw medians, failures and machine info.
std::string RenderHtml(const Report& report);

// FormatNs()
//
// "12.3 ns", "4.56 us", "789 ms", "1.23 s": three significant digits.
std::string FormatNs(double ns);

}  // namespace moirai::cli

#endif  // MOIRAI_TOOLS_CLI_REPORT_H_
