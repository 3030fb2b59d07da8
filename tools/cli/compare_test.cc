// Copyright 2026 The Moirai Authors.
//
// tools/cli/compare_test.cc
// -----------------------------------------------------------------------------

#include "moirai/tools/cli/compare.h"

#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moirai::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

CaseResult Result(std::string run_name, std::optional<double> median_ns,
                  std::optional<double> cv = std::nullopt) {
  CaseResult r;
  BenchmarkName n = ParseBenchmarkName(run_name);
  r.name = std::move(run_name);
  r.case_name = n.case_name;
  r.impl = n.impl;
  r.variant = n.variant;
  r.repetitions = 5;
  r.median_ns = median_ns;
  r.cv = cv;
  if (!median_ns) r.error = "boom";
  return r;
}

TEST(PairResultsTest, RatioIsMoiraiOverPeer) {
  PairingResult p =
      PairResults("sync", {Result("mutex_uncontended/moirai", 8.0, 0.03),
                           Result("mutex_uncontended/std", 16.0, 0.04),
                           Result("mutex_uncontended/floor", 4.0)});
  ASSERT_EQ(p.comparisons.size(), 2u);
  const Comparison& vs_std = p.comparisons[0];
  EXPECT_EQ(vs_std.package, "sync");
  EXPECT_EQ(vs_std.case_name, "mutex_uncontended");
  EXPECT_EQ(vs_std.moirai_impl, "moirai");
  EXPECT_EQ(vs_std.peer, "std");
  EXPECT_DOUBLE_EQ(vs_std.moirai_ns, 8.0);
  EXPECT_DOUBLE_EQ(vs_std.peer_ns, 16.0);
  EXPECT_DOUBLE_EQ(vs_std.ratio, 0.5);
  ASSERT_TRUE(vs_std.spread.has_value());
  EXPECT_DOUBLE_EQ(*vs_std.spread, 0.05);  // sqrt(0.03^2 + 0.04^2)
  EXPECT_FALSE(vs_std.goal_ratio.has_value());

  const Comparison& vs_floor = p.comparisons[1];
  EXPECT_EQ(vs_floor.peer, "floor");
  EXPECT_DOUBLE_EQ(vs_floor.ratio, 2.0);
  EXPECT_FALSE(vs_floor.spread.has_value());  // the floor has no cv
  EXPECT_THAT(p.unpaired, IsEmpty());
  EXPECT_THAT(p.failed, IsEmpty());
}

TEST(PairResultsTest, PeerListedBeforeMoiraiStillPairs) {
  PairingResult p =
      PairResults("x", {Result("c/std", 10.0), Result("c/moirai", 5.0)});
  ASSERT_EQ(p.comparisons.size(), 1u);
  EXPECT_DOUBLE_EQ(p.comparisons[0].ratio, 0.5);
}

TEST(PairResultsTest, VariantsPairOnlyWithTheSameVariant) {
  PairingResult p =
      PairResults("sync", {Result("lock/moirai/real_time/threads:2", 20.0),
                           Result("lock/moirai/real_time/threads:4", 40.0),
                           Result("lock/std/real_time/threads:2", 10.0),
                           Result("lock/std/real_time/threads:4", 80.0)});
  ASSERT_EQ(p.comparisons.size(), 2u);
  EXPECT_EQ(p.comparisons[0].variant, "threads:2");
  EXPECT_DOUBLE_EQ(p.comparisons[0].ratio, 2.0);
  EXPECT_EQ(p.comparisons[1].variant, "threads:4");
  EXPECT_DOUBLE_EQ(p.comparisons[1].ratio, 0.5);
}

TEST(PairResultsTest, EveryMoiraiVariantAgainstEveryPeer) {
  PairingResult p = PairResults(
      "sync", {Result("m/moirai", 1.0), Result("m/moirai_spin", 2.0),
               Result("m/std", 4.0), Result("m/absl", 8.0)});
  ASSERT_EQ(p.comparisons.size(), 4u);
  EXPECT_EQ(p.comparisons[0].moirai_impl, "moirai");
  EXPECT_EQ(p.comparisons[0].peer, "std");
  EXPECT_EQ(p.comparisons[1].peer, "absl");
  EXPECT_EQ(p.comparisons[2].moirai_impl, "moirai_spin");
  EXPECT_DOUBLE_EQ(p.comparisons[3].ratio, 0.25);
}

TEST(PairResultsTest, MissingSidesAreUnpaired) {
  PairingResult p = PairResults(
      "lockfree", {Result("only_moirai/moirai", 1.0),
                   Result("only_peer/tbb", 1.0), Result("BM_Legacy/64", 1.0),
                   Result("ok/moirai", 1.0), Result("ok/boost", 3.0)});
  ASSERT_EQ(p.comparisons.size(), 1u);
  EXPECT_EQ(p.comparisons[0].case_name, "ok");
  EXPECT_THAT(p.unpaired, ElementsAre("BM_Legacy/64", "only_moirai/moirai",
                                      "only_peer/tbb"));
}

TEST(PairResultsTest, FailedResultsAreNotPaired) {
  PairingResult p = PairResults(
      "sched",
      {Result("fib30_1t/moirai", std::nullopt), Result("fib30_1t/tbb", 100.0),
       Result("skynet_1m/moirai", 1.0), Result("skynet_1m/tbb", 2.0)});
  ASSERT_EQ(p.comparisons.size(), 1u);
  EXPECT_EQ(p.comparisons[0].case_name, "skynet_1m");
  EXPECT_THAT(p.failed, ElementsAre("fib30_1t/moirai"));
  // The peer is left without a partner.
  EXPECT_THAT(p.unpaired, ElementsAre("fib30_1t/tbb"));
}

TEST(PairResultsTest, ZeroTimeGivesNoRatio) {
  PairingResult p =
      PairResults("x", {Result("c/moirai", 1.0), Result("c/std", 0.0)});
  EXPECT_THAT(p.comparisons, IsEmpty());
  ASSERT_EQ(p.unpaired.size(), 1u);
}

}  // namespace
}  // namespace moirai::cli
