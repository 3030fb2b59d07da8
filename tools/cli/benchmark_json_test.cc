// Copyright 2026 The Moirai Authors.
//
// tools/cli/benchmark_json_test.cc
// -----------------------------------------------------------------------------

#include "moirai/tools/cli/benchmark_json.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moirai::cli {
namespace {

using ::testing::DoubleNear;
using ::testing::HasSubstr;

TEST(ParseBenchmarkNameTest, CaseAndImpl) {
  EXPECT_EQ(ParseBenchmarkName("mutex_uncontended/moirai"),
            (BenchmarkName{"mutex_uncontended", "moirai", ""}));
}

TEST(ParseBenchmarkNameTest, TimingSuffixesAreDroppedThreadsKept) {
  EXPECT_EQ(ParseBenchmarkName("lock/std/real_time/threads:2"),
            (BenchmarkName{"lock", "std", "threads:2"}));
  EXPECT_EQ(ParseBenchmarkName("lock/std/min_time:0.500/threads:4"),
            (BenchmarkName{"lock", "std", "threads:4"}));
  EXPECT_EQ(ParseBenchmarkName("lock/std/iterations:100/repeats:3/manual_time"),
            (BenchmarkName{"lock", "std", ""}));
}

TEST(ParseBenchmarkNameTest, ArgumentsFormTheVariant) {
  EXPECT_EQ(ParseBenchmarkName("queue/moodycamel/64/size:8"),
            (BenchmarkName{"queue", "moodycamel", "64/size:8"}));
}

TEST(ParseBenchmarkNameTest, NoImplWhenSecondPartIsNotAnIdentifier) {
  EXPECT_EQ(ParseBenchmarkName("BM_Foo/64"),
            (BenchmarkName{"BM_Foo", "", "64"}));
  EXPECT_EQ(ParseBenchmarkName("BM_Foo"), (BenchmarkName{"BM_Foo", "", ""}));
  EXPECT_EQ(ParseBenchmarkName("BM_Foo/real_time"),
            (BenchmarkName{"BM_Foo", "", ""}));
}

// Regression: Google Benchmark wrote `"idle_rss_over_baseline_kib": NaN` (the
// cv of a counter whose mean was 0) and the whole sched report was dropped.
TEST(ParseBenchmarkJsonTest, NonFiniteCountersDoNotRejectTheFile) {
  const std::string text = R"({
    "context": {"note": "NaN inside a string stays"},
    "benchmarks": [
      {"name": "idle/moirai", "run_name": "idle/moirai", "run_type": "iteration",
       "iterations": 1, "real_time": 10.0, "cpu_time": 1.0, "time_unit": "ns",
       "a": NaN, "b": -nan, "c": Infinity, "d": -inf}
    ]})";
  absl::StatusOr<BenchmarkOutput> out =
      ParseBenchmarkJson(text, TimeKind::kReal);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->context["note"], "NaN inside a string stays");
}

TEST(IsMoiraiImplTest, MoiraiAndItsVariants) {
  EXPECT_TRUE(IsMoiraiImpl("moirai"));
  EXPECT_TRUE(IsMoiraiImpl("moirai_spin"));
  EXPECT_FALSE(IsMoiraiImpl("moiraix"));
  EXPECT_FALSE(IsMoiraiImpl("std"));
  EXPECT_FALSE(IsMoiraiImpl(""));
}

// Output of Google Benchmark 1.7.1 with --benchmark_repetitions=3
// --benchmark_report_aggregates_only=true (trimmed), including a threaded
// case with /real_time, a case in microseconds with items_per_second, one
// without a _cv aggregate, and one that called SkipWithError.
constexpr char kAggregates[] = R"json({
  "context": {"date": "2026-11-26T14:01:04+00:00", "host_name": "vm",
              "num_cpus": 2, "mhz_per_cpu": 2100, "library_build_type": "release"},
  "benchmarks": [
    {"name": "mutex_uncontended/moirai_mean", "run_name": "mutex_uncontended/moirai",
     "run_type": "aggregate", "repetitions": 3, "threads": 1, "aggregate_name": "mean",
     "aggregate_unit": "time", "iterations": 3, "real_time": 6.5, "cpu_time": 6.4,
     "time_unit": "ns"},
    {"name": "mutex_uncontended/moirai_median", "run_name": "mutex_uncontended/moirai",
     "run_type": "aggregate", "repetitions": 3, "threads": 1, "aggregate_name": "median",
     "aggregate_unit": "time", "iterations": 3, "real_time": 6.56, "cpu_time": 6.2,
     "time_unit": "ns"},
    {"name": "mutex_uncontended/moirai_stddev", "run_name": "mutex_uncontended/moirai",
     "run_type": "aggregate", "repetitions": 3, "threads": 1, "aggregate_name": "stddev",
     "aggregate_unit": "time", "iterations": 3, "real_time": 0.08, "cpu_time": 0.07,
     "time_unit": "ns"},
    {"name": "mutex_uncontended/moirai_cv", "run_name": "mutex_uncontended/moirai",
     "run_type": "aggregate", "repetitions": 3, "threads": 1, "aggregate_name": "cv",
     "aggregate_unit": "percentage", "iterations": 3, "real_time": 0.0131,
     "cpu_time": 0.0125, "time_unit": "ns"},
    {"name": "lock_2t/std/real_time/threads:2_median",
     "run_name": "lock_2t/std/real_time/threads:2", "run_type": "aggregate",
     "repetitions": 3, "threads": 2, "aggregate_name": "median",
     "aggregate_unit": "time", "iterations": 3, "real_time": 1.5, "cpu_time": 2.9,
     "time_unit": "us", "items_per_second": 4.0e6},
    {"name": "lock_2t/std/real_time/threads:2_mean",
     "run_name": "lock_2t/std/real_time/threads:2", "run_type": "aggregate",
     "repetitions": 3, "threads": 2, "aggregate_name": "mean",
     "aggregate_unit": "time", "iterations": 3, "real_time": 2.0, "cpu_time": 2.9,
     "time_unit": "us"},
    {"name": "lock_2t/std/real_time/threads:2_stddev",
     "run_name": "lock_2t/std/real_time/threads:2", "run_type": "aggregate",
     "repetitions": 3, "threads": 2, "aggregate_name": "stddev",
     "aggregate_unit": "time", "iterations": 3, "real_time": 0.5, "cpu_time": 0.1,
     "time_unit": "us"},
    {"name": "err_case/moirai", "run_name": "err_case/moirai", "run_type": "iteration",
     "repetitions": 3, "repetition_index": 0, "threads": 1, "error_occurred": true,
     "error_message": "boom", "iterations": 1, "real_time": 0.0, "cpu_time": 0.0,
     "time_unit": "ns"},
    {"name": "err_case/moirai", "run_name": "err_case/moirai", "run_type": "iteration",
     "repetitions": 3, "repetition_index": 1, "threads": 1, "error_occurred": true,
     "error_message": "boom", "iterations": 1, "real_time": 0.0, "cpu_time": 0.0,
     "time_unit": "ns"}
  ]
})json";

TEST(ParseBenchmarkJsonTest, MediansAndSpreadFromAggregates) {
  absl::StatusOr<BenchmarkOutput> out =
      ParseBenchmarkJson(kAggregates, TimeKind::kReal);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->results.size(), 3u);
  EXPECT_EQ(out->context["host_name"], "vm");

  const CaseResult& m = out->results[0];
  EXPECT_EQ(m.name, "mutex_uncontended/moirai");
  EXPECT_EQ(m.case_name, "mutex_uncontended");
  EXPECT_EQ(m.impl, "moirai");
  EXPECT_EQ(m.variant, "");
  EXPECT_EQ(m.repetitions, 3);
  ASSERT_TRUE(m.median_ns.has_value());
  EXPECT_DOUBLE_EQ(*m.median_ns, 6.56);  // the median, not the mean
  ASSERT_TRUE(m.cv.has_value());
  EXPECT_DOUBLE_EQ(*m.cv, 0.0131);  // the _cv aggregate wins over stddev/mean
  EXPECT_FALSE(m.ns_per_item.has_value());
  EXPECT_EQ(m.error, "");

  const CaseResult& t = out->results[1];
  EXPECT_EQ(t.case_name, "lock_2t");
  EXPECT_EQ(t.impl, "std");
  EXPECT_EQ(t.variant, "threads:2");
  EXPECT_EQ(t.threads, 2);
  EXPECT_DOUBLE_EQ(*t.median_ns, 1500.0);   // microseconds become ns
  EXPECT_DOUBLE_EQ(*t.cv, 0.25);            // no _cv: stddev / mean
  EXPECT_DOUBLE_EQ(*t.ns_per_item, 250.0);  // 1e9 / 4e6

  const CaseResult& e = out->results[2];
  EXPECT_EQ(e.name, "err_case/moirai");
  EXPECT_EQ(e.error, "boom");
  EXPECT_FALSE(e.median_ns.has_value());
  EXPECT_FALSE(e.cv.has_value());
}

TEST(ParseBenchmarkJsonTest, CpuTimeOnRequest) {
  absl::StatusOr<BenchmarkOutput> out =
      ParseBenchmarkJson(kAggregates, TimeKind::kCpu);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_DOUBLE_EQ(*out->results[0].median_ns, 6.2);
  EXPECT_DOUBLE_EQ(*out->results[0].cv, 0.0125);
  EXPECT_DOUBLE_EQ(*out->results[1].median_ns, 2900.0);
}

// With one repetition (or without aggregates-only) there are only iteration
// runs: the median and cv are computed from them.
TEST(ParseBenchmarkJsonTest, IterationRunsWithoutAggregates) {
  constexpr char kText[] = R"json({"benchmarks": [
    {"name": "a/moirai", "run_name": "a/moirai", "run_type": "iteration",
     "repetitions": 1, "threads": 1, "iterations": 100, "real_time": 10.0,
     "cpu_time": 9.0, "time_unit": "ns"},
    {"name": "b/std", "run_type": "iteration", "threads": 1, "iterations": 100,
     "real_time": 1.0, "cpu_time": 1.0, "time_unit": "ms"},
    {"name": "b/std", "run_type": "iteration", "threads": 1, "iterations": 100,
     "real_time": 3.0, "cpu_time": 1.0, "time_unit": "ms"},
    {"name": "b/std", "run_type": "iteration", "threads": 1, "iterations": 100,
     "real_time": 2.0, "cpu_time": 1.0, "time_unit": "ms"}
  ]})json";
  absl::StatusOr<BenchmarkOutput> out =
      ParseBenchmarkJson(kText, TimeKind::kReal);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->results.size(), 2u);
  EXPECT_DOUBLE_EQ(*out->results[0].median_ns, 10.0);
  EXPECT_FALSE(out->results[0].cv.has_value());  // one repetition: no spread
  EXPECT_EQ(out->results[0].repetitions, 1);
  EXPECT_DOUBLE_EQ(*out->results[1].median_ns, 2e6);
  EXPECT_EQ(out->results[1].repetitions, 3);
  // Sample stddev of {1,2,3} is 1, mean 2.
  EXPECT_THAT(*out->results[1].cv, DoubleNear(0.5, 1e-12));
}

TEST(ParseBenchmarkJsonTest, EmptyRunIsValid) {
  absl::StatusOr<BenchmarkOutput> out = ParseBenchmarkJson(
      R"({"context": {}, "benchmarks": []})", TimeKind::kReal);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(out->results.empty());
}

TEST(ParseBenchmarkJsonTest, RejectsBadInput) {
  // A binary that crashed mid-run leaves truncated JSON.
  absl::StatusOr<BenchmarkOutput> truncated = ParseBenchmarkJson(
      R"({"context": {}, "benchmarks": [{"name": )", TimeKind::kReal);
  EXPECT_EQ(truncated.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(truncated.status().message(), HasSubstr("not valid JSON"));

  EXPECT_EQ(ParseBenchmarkJson("", TimeKind::kReal).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ParseBenchmarkJson(R"({"context": {}})", TimeKind::kReal)
                  .status()
                  .message(),
              HasSubstr("no \"benchmarks\""));
  EXPECT_THAT(ParseBenchmarkJson(R"({"benchmarks": [{"real_time": 1}]})",
                                 TimeKind::kReal)
                  .status()
                  .message(),
              HasSubstr("no name"));
  EXPECT_THAT(ParseBenchmarkJson(
                  R"({"benchmarks": [{"name": "a/b", "time_unit": "ns"}]})",
                  TimeKind::kReal)
                  .status()
                  .message(),
              HasSubstr("has no real_time"));
  EXPECT_THAT(
      ParseBenchmarkJson(
          R"({"benchmarks": [{"name": "a/b", "real_time": 1, "cpu_time": 1,
                                      "time_unit": "fortnights"}]})",
          TimeKind::kReal)
          .status()
          .message(),
      HasSubstr("unknown time_unit"));
  EXPECT_EQ(ParseBenchmarkJson(R"({"benchmarks": [3]})", TimeKind::kReal)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace moirai::cli
