// Copyright 2026 The Moirai Authors.
//
// tools/cli/bench_options_test.cc
// -----------------------------------------------------------------------------

#include "moirai/tools/cli/bench_options.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moirai::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ParseBenchOptionsTest, Defaults) {
  absl::StatusOr<BenchOptions> o = ParseBenchOptions({});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_TRUE(o->packages.empty());
  EXPECT_EQ(o->repetitions, 5);
  EXPECT_EQ(o->filter, "");
  EXPECT_EQ(o->out_dir, "");
  EXPECT_TRUE(o->build);
  EXPECT_EQ(o->time, TimeKind::kReal);
  EXPECT_FALSE(o->help);
}

TEST(ParseBenchOptionsTest, AllOptions) {
  absl::StatusOr<BenchOptions> o =
      ParseBenchOptions({"--packages=core,sync", "--repetitions=1",
                         "--filter=mutex_.*/(moirai|std)", "--out=/tmp/x",
                         "--no-build", "--time=cpu"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_THAT(o->packages, ElementsAre("core", "sync"));
  EXPECT_EQ(o->repetitions, 1);
  EXPECT_EQ(o->filter, "mutex_.*/(moirai|std)");
  EXPECT_EQ(o->out_dir, "/tmp/x");
  EXPECT_FALSE(o->build);
  EXPECT_EQ(o->time, TimeKind::kCpu);
  EXPECT_EQ(o->ToJson()["repetitions"], 1);
}

TEST(ParseBenchOptionsTest, Help) {
  absl::StatusOr<BenchOptions> o = ParseBenchOptions({"--help"});
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->help);
}

TEST(ParseBenchOptionsTest, BadOptionsNameTheProblem) {
  struct Case {
    std::vector<std::string> args;
    const char* message;
  };
  const Case cases[] = {
      {{"--repetitions=0"}, "--repetitions: \"0\""},
      {{"--repetitions=five"}, "not an integer"},
      {{"--repetitions=1001"}, "[1, 1000]"},
      {{"--repetitions"}, "needs a value"},
      {{"--packages="}, "needs a value"},
      {{"--packages=core,,sync"}, "is not a package name"},
      {{"--packages=Core"}, "\"Core\" is not a package name"},
      {{"--packages=../etc"}, "is not a package name"},
      {{"--packages=core,core"}, "named twice"},
      {{"--filter=(unclosed"}, "invalid regular expression"},
      {{"--out="}, "needs a value"},
      {{"--no-build=yes"}, "takes no value"},
      {{"--time=wall"}, "not one of real, cpu"},
      {{"--bogus"}, "unknown option \"--bogus\""},
      {{"sync"}, "unknown option \"sync\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.args[0]);
    absl::StatusOr<BenchOptions> o = ParseBenchOptions(c.args);
    ASSERT_FALSE(o.ok());
    EXPECT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(o.status().message(), HasSubstr(c.message));
  }
}

TEST(KnownPackagesTest, InDependencyOrder) {
  EXPECT_THAT(KnownPackages(),
              ElementsAre("core", "sync", "memory", "lockfree", "numa", "sched",
                          "async", "rt", "distributed"));
}

}  // namespace
}  // namespace moirai::cli
