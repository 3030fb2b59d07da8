// Copyright 2026 The Moirai Authors.
//
// tools/cli/bench_command_test.cc
// -----------------------------------------------------------------------------
//
// RunBench() end to end against a fake `bazel` and fake benchmark binaries
// (shell scripts in a temporary workspace): one binary succeeds, one crashes,
// one package does not build. Checks what is run, the exit status and the
// report written; nothing here depends on timing.

#include "moirai/tools/cli/bench_command.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "moirai/tools/cli/report.h"

namespace moirai::cli {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

void Write(const fs::path& path, const std::string& text,
           bool executable = false) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
  if (executable) chmod(path.c_str(), 0755);
}

std::string Read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

constexpr char kCoreJson[] = R"json({
  "context": {"host_name": "fake", "num_cpus": 2},
  "benchmarks": [
    {"name": "task_create/moirai_median", "run_name": "task_create/moirai",
     "run_type": "aggregate", "repetitions": 3, "threads": 1, "aggregate_name": "median",
     "real_time": 10.0, "cpu_time": 10.0, "time_unit": "ns"},
    {"name": "task_create/std_median", "run_name": "task_create/std",
     "run_type": "aggregate", "repetitions": 3, "threads": 1, "aggregate_name": "median",
     "real_time": 40.0, "cpu_time": 40.0, "time_unit": "ns"}
  ]})json";

class BenchCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = getenv("TEST_TMPDIR");
    root_ = fs::path(tmp && *tmp ? tmp : "/tmp") /
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(root_);
    ws_ = root_ / "ws";
    bin_ = root_ / "bazel-bin";
    fake_path_ = root_ / "path";
    out_ = root_ / "out";
    for (const char* pkg : {"core", "sync", "sched", "memory"}) {
      Write(ws_ / pkg / "BUILD.bazel", "");
    }
    Write(ws_ / "WORKSPACE", "");
    // A fake bazel: memory has no benchmark target; sched does not build.
    Write(fake_path_ / "bazel",
          absl::StrCat(
              "#!/bin/sh\n"
              "echo \"$@\" >> ",
              (root_ / "bazel.log").string(),
              "\n"
              "case \"$1\" in\n"
              "  query) printf '//core:core_benchmark\\n//core:other\\n"
              "//sync:sync_benchmark\\n//sched:sched_benchmark\\n'; exit 0;;\n"
              "  build) for a in \"$@\"; do case \"$a\" in //sched:*)\n"
              "    echo 'ERROR: sched/x.cc: does not compile' >&2; exit 1;; "
              "esac; done;"
              " exit 0;;\n"
              "  info) echo ",
              bin_.string(),
              "; exit 0;;\n"
              "esac\nexit 2\n"),
          true);
    Write(root_ / "core.json", kCoreJson);
    // core's binary writes canned JSON to --benchmark_out and logs its args.
    Write(bin_ / "core" / "core_benchmark",
          absl::StrCat(
              "#!/bin/sh\necho \"$@\" > ", (root_ / "core.args").string(),
              "\ncase \"$*\" in *--benchmark_filter=nomatch*)\n"
              "  for a in \"$@\"; do case \"$a\" in --benchmark_out=*)\n"
              "    : > \"${a#--benchmark_out=}\";; esac; done\n"
              "  echo 'Failed to match any benchmarks against regex: nomatch' "
              ">&2\n"
              "  exit 0;;\nesac\n"
              "for a in \"$@\"; do case \"$a\" in --benchmark_out=*)\n"
              "  cp ",
              (root_ / "core.json").string(),
              " \"${a#--benchmark_out=}\";; esac; done\n"),
          true);
    // sync's binary crashes.
    Write(bin_ / "sync" / "sync_benchmark",
          "#!/bin/sh\necho '{\"benchmarks\": [{\"name\": \"lock/moirai\", "
          "\"run_name\": \"lock/moirai\"},'\n"
          "echo 'about to crash' >&2\nkill -SEGV $$\n",
          true);
    const char* path = getenv("PATH");
    old_path_ = path ? path : "";
    setenv("PATH", absl::StrCat(fake_path_.string(), ":", old_path_).c_str(),
           1);
    setenv("BUILD_WORKSPACE_DIRECTORY", ws_.c_str(), 1);
    unsetenv("BUILD_WORKING_DIRECTORY");
  }
  void TearDown() override {
    setenv("PATH", old_path_.c_str(), 1);
    unsetenv("BUILD_WORKSPACE_DIRECTORY");
  }

  fs::path root_, ws_, bin_, fake_path_, out_;
  std::string old_path_;
};

TEST_F(BenchCommandTest, RunsWhatExistsReportsFailuresAndContinues) {
  BenchOptions opts;
  opts.repetitions = 3;
  opts.filter = "task_.*";
  opts.out_dir = out_.string();
  EXPECT_EQ(RunBench(opts), 1);  // sync crashed, sched did not build

  // The binary got the flags `moirai bench` promises.
  const std::string args = Read(root_ / "core.args");
  EXPECT_THAT(args, HasSubstr("--benchmark_format=json"));
  EXPECT_THAT(args, HasSubstr("--benchmark_out="));
  EXPECT_THAT(args, HasSubstr("--benchmark_repetitions=3"));
  EXPECT_THAT(args, HasSubstr("--benchmark_report_aggregates_only=true"));
  EXPECT_THAT(args, HasSubstr("--benchmark_filter=task_.*"));
  const std::string bazel_log = Read(root_ / "bazel.log");
  EXPECT_THAT(bazel_log, HasSubstr("build --config=opt"));
  EXPECT_THAT(bazel_log, HasSubstr("info --config=opt bazel-bin"));

  absl::StatusOr<Report> report =
      ReportFromJson(Read(out_ / "bench-report.json"));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_THAT(Read(out_ / "bench-report.html"), HasSubstr("<svg"));
  // memory has no benchmark target and is skipped; the others run in order.
  ASSERT_EQ(report->packages.size(), 3u);
  const PackageRun& core = report->packages[0];
  EXPECT_EQ(core.target, "//core:core_benchmark");
  EXPECT_TRUE(core.ok) << core.error;
  EXPECT_EQ(core.output.results.size(), 2u);
  const PackageRun& sync = report->packages[1];
  EXPECT_FALSE(sync.ok);
  EXPECT_THAT(sync.error, HasSubstr("killed by signal 11"));
  EXPECT_THAT(sync.log_tail, HasSubstr("about to crash"));
  EXPECT_THAT(sync.log_tail,
              HasSubstr("(last benchmark completed: lock/moirai)"));
  const PackageRun& sched = report->packages[2];
  EXPECT_FALSE(sched.ok);
  EXPECT_THAT(sched.error, HasSubstr("did not build"));
  EXPECT_THAT(sched.log_tail, HasSubstr("does not compile"));

  ASSERT_EQ(report->comparisons.size(), 1u);
  EXPECT_DOUBLE_EQ(report->comparisons[0].ratio, 0.25);
  EXPECT_EQ(report->options["repetitions"], 3);
  EXPECT_TRUE(report->machine.contains("affinity_cpus"));
}

TEST_F(BenchCommandTest, AllGoodExitsZero) {
  BenchOptions opts;
  opts.packages = {"core"};
  opts.out_dir = out_.string();
  opts.build = false;
  EXPECT_EQ(RunBench(opts), 0);
  EXPECT_THAT(Read(root_ / "bazel.log"), Not(HasSubstr("build")));
}

// Google Benchmark exits 0 and writes an empty file when the filter matches
// nothing; that package has no results but did not fail.
TEST_F(BenchCommandTest, FilterMatchingNothingIsNotAFailure) {
  BenchOptions opts;
  opts.packages = {"core"};
  opts.filter = "nomatch";
  opts.out_dir = out_.string();
  EXPECT_EQ(RunBench(opts), 0);
  absl::StatusOr<Report> report =
      ReportFromJson(Read(out_ / "bench-report.json"));
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->packages.size(), 1u);
  EXPECT_TRUE(report->packages[0].ok) << report->packages[0].error;
  EXPECT_TRUE(report->packages[0].output.results.empty());
}

// A binary that exits 0 but writes no JSON has failed.
TEST_F(BenchCommandTest, EmptyOutputWithoutFilterIsAFailure) {
  Write(bin_ / "core" / "core_benchmark", "#!/bin/sh\nexit 0\n", true);
  BenchOptions opts;
  opts.packages = {"core"};
  opts.out_dir = out_.string();
  EXPECT_EQ(RunBench(opts), 1);
  absl::StatusOr<Report> report =
      ReportFromJson(Read(out_ / "bench-report.json"));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->packages[0].ok);
  EXPECT_THAT(report->packages[0].error, HasSubstr("cannot read"));
}

TEST_F(BenchCommandTest, NamedPackageMustHaveABenchmark) {
  BenchOptions opts;
  opts.out_dir = out_.string();
  opts.packages = {"lockfree"};  // no such package in this workspace
  EXPECT_EQ(RunBench(opts), 2);
  opts.packages = {"memory"};  // a package without //memory:memory_benchmark
  EXPECT_EQ(RunBench(opts), 2);
  EXPECT_FALSE(fs::exists(out_ / "bench-report.json"));
}

TEST_F(BenchCommandTest, RerenderReport) {
  BenchOptions opts;
  opts.packages = {"core"};
  opts.out_dir = out_.string();
  ASSERT_EQ(RunBench(opts), 0);
  fs::remove(out_ / "bench-report.html");
  EXPECT_EQ(RerenderReport((out_ / "bench-report.json").string()), 0);
  EXPECT_THAT(Read(out_ / "bench-report.html"), HasSubstr("<svg"));
  EXPECT_EQ(RerenderReport((root_ / "missing.json").string()), 1);
  EXPECT_EQ(RerenderReport((root_ / "core.args").string()), 1);  // not JSON
}

}  // namespace
}  // namespace moirai::cli
