// Copyright 2026 The Moirai Authors.
//
// tools/cli/report_test.cc
// -----------------------------------------------------------------------------

#include "moirai/tools/cli/report.h"

#include <string>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moirai::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Two packages as Google Benchmark would report them: sync ran and met one
// goal and missed another; sched's binary crashed after one case.
Report SampleReport() {
  constexpr char kSync[] = R"json({
    "context": {"host_name": "vm", "num_cpus": 2},
    "benchmarks": [
      {"name": "mutex_uncontended/moirai_median", "run_name": "mutex_uncontended/moirai",
       "run_type": "aggregate", "repetitions": 5, "threads": 1, "aggregate_name": "median",
       "real_time": 8.0, "cpu_time": 8.0, "time_unit": "ns"},
      {"name": "mutex_uncontended/moirai_cv", "run_name": "mutex_uncontended/moirai",
       "run_type": "aggregate", "repetitions": 5, "threads": 1, "aggregate_name": "cv",
       "aggregate_unit": "percentage", "real_time": 0.02, "cpu_time": 0.02, "time_unit": "ns"},
      {"name": "mutex_uncontended/std_median", "run_name": "mutex_uncontended/std",
       "run_type": "aggregate", "repetitions": 5, "threads": 1, "aggregate_name": "median",
       "real_time": 16.0, "cpu_time": 16.0, "time_unit": "ns"},
      {"name": "mutex_uncontended/std_cv", "run_name": "mutex_uncontended/std",
       "run_type": "aggregate", "repetitions": 5, "threads": 1, "aggregate_name": "cv",
       "aggregate_unit": "percentage", "real_time": 0.1, "cpu_time": 0.1, "time_unit": "ns"},
      {"name": "mutex_uncontended/absl_median", "run_name": "mutex_uncontended/absl",
       "run_type": "aggregate", "repetitions": 5, "threads": 1, "aggregate_name": "median",
       "real_time": 6.0, "cpu_time": 6.0, "time_unit": "ns"},
      {"name": "spin<4>/moirai_median", "run_name": "spin<4>/moirai",
       "run_type": "aggregate", "repetitions": 5, "threads": 1, "aggregate_name": "median",
       "real_time": 3.0, "cpu_time": 3.0, "time_unit": "us"},
      {"name": "spin<4>/std_median", "run_name": "spin<4>/std",
       "run_type": "aggregate", "repetitions": 5, "threads": 1, "aggregate_name": "median",
       "real_time": 1.0, "cpu_time": 1.0, "time_unit": "us"},
      {"name": "lonely/moirai_median", "run_name": "lonely/moirai",
       "run_type": "aggregate", "repetitions": 5, "threads": 1, "aggregate_name": "median",
       "real_time": 1.0, "cpu_time": 1.0, "time_unit": "ns"},
      {"name": "broken/moirai", "run_name": "broken/moirai", "run_type": "iteration",
       "repetitions": 5, "threads": 1, "error_occurred": true, "error_message": "bad setup",
       "real_time": 0, "cpu_time": 0, "time_unit": "ns"}
    ]})json";
  Report report;
  report.moirai_version = "0.1.0";
  report.generated_at = "2026-11-26T14:00:00Z";
  report.machine = {
      {"hostname", "vm"}, {"affinity_cpus", 2}, {"load_avg", {3.5, 1.0, 0.5}}};
  report.options = {{"repetitions", 5}, {"filter", ""}};
  PackageRun sync;
  sync.package = "sync";
  sync.target = "//sync:sync_benchmark";
  sync.seconds = 12.5;
  sync.output = *ParseBenchmarkJson(kSync, TimeKind::kReal);
  report.packages.push_back(sync);
  PackageRun sched;
  sched.package = "sched";
  sched.target = "//sched:sched_benchmark";
  sched.ok = false;
  sched.error =
      "the benchmark binary was killed by signal 11 (Segmentation fault)";
  sched.log_tail = "Running sched_benchmark\n<crash & burn>";
  sched.seconds = 0.5;
  report.packages.push_back(sched);
  ComputeComparisons(report);
  return report;
}

TEST(ReportTest, ComputeComparisons) {
  const Report r = SampleReport();
  ASSERT_EQ(r.comparisons.size(), 3u);
  EXPECT_EQ(r.comparisons[0].peer, "std");
  EXPECT_DOUBLE_EQ(r.comparisons[0].ratio, 0.5);
  EXPECT_EQ(r.comparisons[0].goal_ratio, 0.8);
  EXPECT_EQ(r.comparisons[0].goal_met, true);
  EXPECT_EQ(r.comparisons[1].peer, "absl");
  EXPECT_EQ(r.comparisons[1].goal_met, false);
  EXPECT_EQ(r.comparisons[2].case_name, "spin<4>");
  EXPECT_DOUBLE_EQ(r.comparisons[2].ratio, 3.0);
  EXPECT_THAT(r.unpaired, ::testing::ElementsAre("sync: lonely/moirai"));
  EXPECT_THAT(r.failed,
              ::testing::ElementsAre("sync: broken/moirai: bad setup"));
  int met = 0, not_met = 0;
  for (const GoalResult& g : r.goals) {
    met += g.status == GoalStatus::kMet;
    not_met += g.status == GoalStatus::kNotMet;
  }
  EXPECT_EQ(met, 1);
  EXPECT_EQ(not_met, 1);
  EXPECT_EQ(r.goals.size(), PerformanceGoals().size());
}

TEST(ReportTest, JsonRoundTrips) {
  const Report r = SampleReport();
  const std::string text = ReportToJson(r);
  absl::StatusOr<Report> back = ReportFromJson(text);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(*back == r);
  EXPECT_EQ(ReportToJson(*back), text);
  // Raw medians, ratios and machine info are all in the file.
  EXPECT_THAT(text, HasSubstr("\"median_ns\": 8.0"));
  EXPECT_THAT(text, HasSubstr("\"ratio\": 0.5"));
  EXPECT_THAT(text, HasSubstr("\"hostname\": \"vm\""));
  EXPECT_THAT(text, HasSubstr("\"cv\": null"));  // absl had no spread
}

TEST(ReportTest, FromJsonRejectsOtherJson) {
  EXPECT_EQ(ReportFromJson("not json").status().code(),
            absl::StatusCode::kInvalidArgument);
  absl::StatusOr<Report> r = ReportFromJson(R"({"benchmarks": []})");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("moirai_version"));
  std::string text = ReportToJson(SampleReport());
  const std::string needle = "\"status\": \"met\"";
  text.replace(text.find(needle), needle.size(), "\"status\": \"great\"");
  EXPECT_THAT(ReportFromJson(text).status().message(), HasSubstr("great"));
}

TEST(ReportTest, HtmlHasChartsAndIsSelfContained) {
  const std::string html = RenderHtml(SampleReport());
  EXPECT_TRUE(absl::StartsWith(html, "<!DOCTYPE html>"));
  EXPECT_THAT(html, HasSubstr("<svg class=\"chart\""));
  EXPECT_THAT(html, HasSubstr("</svg>"));
  EXPECT_THAT(html, HasSubstr("<rect"));  // bars
  EXPECT_THAT(html, HasSubstr("0.50×"));  // the ratio against std
  EXPECT_THAT(html, HasSubstr("goal ≤0.80×"));
  // Names are escaped, not injected as markup.
  EXPECT_THAT(html, HasSubstr("spin&lt;4&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("spin<4>")));
  EXPECT_THAT(html, HasSubstr("&lt;crash &amp; burn&gt;"));
  // The failed binary and the noisy machine are called out.
  EXPECT_THAT(html, HasSubstr("//sched:sched_benchmark failed"));
  EXPECT_THAT(html, HasSubstr("Noisy machine"));
  EXPECT_THAT(html, HasSubstr("not measured"));
  // No script and nothing fetched from the network.
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_THAT(html, Not(HasSubstr("https://")));
}

TEST(ReportTest, TableShowsRatiosGoalsAndFailures) {
  const std::string table = RenderTable(SampleReport(), /*color=*/false);
  EXPECT_THAT(table, HasSubstr("mutex_uncontended"));
  EXPECT_THAT(table, HasSubstr("0.50x"));
  EXPECT_THAT(table, HasSubstr("<=0.80x met"));
  EXPECT_THAT(table, HasSubstr("<=1.00x NOT MET"));
  EXPECT_THAT(table, HasSubstr("8 ns"));
  EXPECT_THAT(table, HasSubstr("1 us"));
  EXPECT_THAT(table, HasSubstr("Goals (PERFORMANCE.md): 1 met, 1 not met"));
  EXPECT_THAT(table, HasSubstr("FAILED //sched:sched_benchmark"));
  EXPECT_THAT(table, HasSubstr("failed sync: broken/moirai: bad setup"));
  EXPECT_THAT(table, Not(HasSubstr("\033[")));  // no colour when asked not to
  EXPECT_THAT(RenderTable(SampleReport(), /*color=*/true),
              HasSubstr("\033[32m"));
}

TEST(ReportTest, EmptyReportRenders) {
  Report r;
  ComputeComparisons(r);
  EXPECT_THAT(RenderTable(r, false), HasSubstr("No Moirai/peer pairs"));
  EXPECT_THAT(RenderHtml(r), HasSubstr("</html>"));
  absl::StatusOr<Report> back = ReportFromJson(ReportToJson(r));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(*back == r);
}

TEST(FormatNsTest, Units) {
  EXPECT_EQ(FormatNs(12.345), "12.3 ns");
  EXPECT_EQ(FormatNs(4560), "4.56 us");
  EXPECT_EQ(FormatNs(789e6), "789 ms");
  EXPECT_EQ(FormatNs(1.234e9), "1.23 s");
}

}  // namespace
}  // namespace moirai::cli
