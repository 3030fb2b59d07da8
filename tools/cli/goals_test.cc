// Copyright 2026 The Moirai Authors.
//
// tools/cli/goals_test.cc
// -----------------------------------------------------------------------------

#include "moirai/tools/cli/goals.h"

#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moirai::cli {
namespace {

CaseResult Result(std::string run_name, double median_ns,
                  std::optional<double> ns_per_item = std::nullopt) {
  CaseResult r;
  BenchmarkName n = ParseBenchmarkName(run_name);
  r.name = std::move(run_name);
  r.case_name = n.case_name;
  r.impl = n.impl;
  r.variant = n.variant;
  r.median_ns = median_ns;
  r.ns_per_item = ns_per_item;
  return r;
}

Comparison Pair(std::string case_name, std::string variant, std::string peer,
                double ratio) {
  Comparison c;
  c.package = "sync";
  c.case_name = std::move(case_name);
  c.variant = std::move(variant);
  c.moirai_impl = "moirai";
  c.peer = std::move(peer);
  c.ratio = ratio;
  return c;
}

TEST(PerformanceGoalsTest, TableIsWellFormed) {
  const std::vector<Goal>& goals = PerformanceGoals();
  ASSERT_FALSE(goals.empty());
  std::set<std::string> cases;
  for (const Goal& g : goals) {
    SCOPED_TRACE(g.text);
    EXPECT_FALSE(g.case_name.empty());
    EXPECT_FALSE(g.text.empty());
    EXPECT_GT(g.target, 0);
    EXPECT_EQ(g.kind == GoalKind::kRatio, !g.peers.empty());
    EXPECT_EQ(g.kind == GoalKind::kSpeedup, !g.base_case.empty());
    cases.insert(g.case_name);
  }
  // The case names PERFORMANCE.md fixes for its goals.
  for (const char* c :
       {"mutex_uncontended", "mutex_contended_2t", "rwlock_readers_2t",
        "queue_mpmc_1p1c", "queue_mpmc_2p2c", "stack_push_pop",
        "deque_owner_push_pop", "map_find_10k", "map_read90_2t",
        "alloc_free_64", "fib30_1t", "fib30_2t", "skynet_1m",
        "fiber_spawn_join", "fiber_yield", "channel_pingpong", "echo_tcp"}) {
    EXPECT_TRUE(cases.count(c)) << c;
  }
}

TEST(EvaluateGoalsTest, RatioGoalsMarkComparisons) {
  const std::vector<Goal> goals = {
      {GoalKind::kRatio, "mutex_uncontended", {"std"}, 0.8, "", "<= 0.8x std"},
      {GoalKind::kRatio, "mutex_uncontended", {"absl"}, 1.0, "", "<= absl"},
      {GoalKind::kRatio, "stack_push_pop", {"boost"}, 0.5, "", "not run"}};
  std::vector<Comparison> comps(3);
  comps[0] = Pair("mutex_uncontended", "", "std", 0.7);
  comps[1] = Pair("mutex_uncontended", "", "absl", 1.2);
  // A variant does not match a goal's case.
  comps[2] = Pair("mutex_uncontended", "threads:2", "std", 0.1);
  std::vector<GoalResult> r = EvaluateGoals(goals, {}, comps);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].status, GoalStatus::kMet);
  EXPECT_EQ(r[0].against, "std");
  EXPECT_EQ(r[0].package, "sync");
  EXPECT_DOUBLE_EQ(*r[0].measured, 0.7);
  EXPECT_EQ(r[1].status, GoalStatus::kNotMet);
  EXPECT_EQ(r[2].status, GoalStatus::kNotMeasured);
  EXPECT_EQ(r[2].against, "boost");
  EXPECT_FALSE(r[2].measured.has_value());

  EXPECT_EQ(comps[0].goal_ratio, 0.8);
  EXPECT_EQ(comps[0].goal_met, true);
  EXPECT_EQ(comps[1].goal_ratio, 1.0);
  EXPECT_EQ(comps[1].goal_met, false);
  EXPECT_FALSE(comps[2].goal_ratio.has_value());
}

TEST(MatchesGoalCaseTest, ThreadCountInNameAndVariant) {
  EXPECT_TRUE(MatchesGoalCase("map_read90_2t", "", "map_read90_2t"));
  EXPECT_TRUE(MatchesGoalCase("map_read90_2t", "threads:2", "map_read90_2t"));
  EXPECT_FALSE(MatchesGoalCase("map_read90_2t", "threads:4", "map_read90_2t"));
  EXPECT_FALSE(
      MatchesGoalCase("map_read90_2t", "threads:2/64", "map_read90_2t"));
  EXPECT_FALSE(
      MatchesGoalCase("mutex_uncontended", "threads:1", "mutex_uncontended"));
  EXPECT_FALSE(MatchesGoalCase("map_read90_2t", "", "map_find_10k"));
}

TEST(EvaluateGoalsTest, PeerAliases) {
  const std::vector<Goal> goals = {
      {GoalKind::kRatio, "fib30_1t", {"tbb", "onetbb"}, 0.5, "", "tbb"}};
  std::vector<Comparison> comps(1);
  comps[0] = Pair("fib30_1t", "", "onetbb", 0.5);
  std::vector<GoalResult> r = EvaluateGoals(goals, {}, comps);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status, GoalStatus::kMet);  // the bound is inclusive
  EXPECT_EQ(r[0].against, "onetbb");
}

TEST(EvaluateGoalsTest, NsPerItemPrefersItemsPerSecond) {
  const std::vector<Goal> goals = {
      {GoalKind::kNsPerItem, "deque_owner_push_pop", {}, 3.0, "", "<= 3 ns"},
      {GoalKind::kNsPerItem, "alloc_free_64", {}, 5.0, "", "<= 5 ns"}};
  const std::vector<CaseResult> lockfree = {
      Result("deque_owner_push_pop/moirai", 5.0, /*ns_per_item=*/2.5),
      Result("deque_owner_push_pop/std", 1.0)};  // peers do not count
  const std::vector<CaseResult> memory = {Result("alloc_free_64/moirai", 6.0)};
  const std::vector<PackageResults> results = {{"lockfree", &lockfree},
                                               {"memory", &memory}};
  std::vector<Comparison> comps;
  std::vector<GoalResult> r = EvaluateGoals(goals, results, comps);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].status, GoalStatus::kMet);
  EXPECT_DOUBLE_EQ(*r[0].measured, 2.5);
  EXPECT_EQ(r[0].note, "");
  EXPECT_EQ(r[1].status, GoalStatus::kNotMet);
  EXPECT_DOUBLE_EQ(*r[1].measured, 6.0);
  EXPECT_THAT(r[1].note, ::testing::HasSubstr("per iteration"));
}

TEST(EvaluateGoalsTest, Speedup) {
  const std::vector<Goal> goals = {
      {GoalKind::kSpeedup, "fib30_2t", {}, 1.85, "fib30_1t", "speedup"}};
  const std::vector<CaseResult> good = {Result("fib30_1t/moirai", 100.0),
                                        Result("fib30_2t/moirai", 50.0)};
  const std::vector<CaseResult> bad = {Result("fib30_1t/moirai", 100.0),
                                       Result("fib30_2t/moirai", 60.0)};
  std::vector<Comparison> comps;
  std::vector<GoalResult> r = EvaluateGoals(goals, {{"sched", &good}}, comps);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status, GoalStatus::kMet);
  EXPECT_DOUBLE_EQ(*r[0].measured, 2.0);
  r = EvaluateGoals(goals, {{"sched", &bad}}, comps);
  EXPECT_EQ(r[0].status, GoalStatus::kNotMet);
  // Without the base case the goal is not measured.
  const std::vector<CaseResult> alone = {Result("fib30_2t/moirai", 60.0)};
  r = EvaluateGoals(goals, {{"sched", &alone}}, comps);
  EXPECT_EQ(r[0].status, GoalStatus::kNotMeasured);
}

TEST(GoalNamesTest, RoundTrip) {
  for (GoalKind k :
       {GoalKind::kRatio, GoalKind::kNsPerItem, GoalKind::kSpeedup}) {
    EXPECT_EQ(ParseGoalKind(GoalKindName(k)), k);
  }
  for (GoalStatus s :
       {GoalStatus::kMet, GoalStatus::kNotMet, GoalStatus::kNotMeasured}) {
    EXPECT_EQ(ParseGoalStatus(GoalStatusName(s)), s);
  }
  EXPECT_FALSE(ParseGoalKind("bogus").has_value());
  EXPECT_FALSE(ParseGoalStatus("bogus").has_value());
}

}  // namespace
}  // namespace moirai::cli
