// Copyright 2026 The Moirai Authors.
//
// rt/partition_test.cc
// -----------------------------------------------------------------------------
//
// Multiprocessor tests by hand: global EDF (GFB, BAK) on light sets, and
// FFD/WFD partitioning, its placements and its refusal message. Dhall's
// set, which separates the two, is in admission_test.cc.

#include "moirai/rt/partition.h"

#include <vector>

#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "moirai/rt/admission.h"
#include "moirai/rt/internal/reference_sim.h"
#include "moirai/rt/task_model.h"

namespace moirai::rt {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr Nanos kMs = kMillisecond;

TaskSpec Task(const char* name, Nanos c, Nanos t) {
  return TaskSpec::Periodic(name, c * kMs, t * kMs);
}

Verdict Get(absl::StatusOr<Verdict> v) {
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? *v : Verdict{};
}

TEST(GlobalEdfTest, LightSetsPass) {
  // Four tasks of U = 0.3 on two cores: sum 1.2 <= 2 - 0.3 = 1.7 (GFB).
  const std::vector<TaskSpec> set = {Task("a", 3, 10), Task("b", 3, 10),
                                     Task("c", 6, 20), Task("d", 9, 30)};
  const Verdict gfb = Get(GfbTest(set, 2));
  EXPECT_TRUE(gfb.accepted) << gfb.reason;
  EXPECT_NEAR(gfb.load, 1.2, 1e-12);
  EXPECT_NEAR(gfb.bound, 1.7, 1e-12);
  EXPECT_TRUE(Get(BakTest(set, 2)).accepted);
  internal::SimConfig c;
  c.scheduler = internal::SimScheduler::kEdf;
  c.processors = 2;
  c.horizon = 2 * Hyperperiod(set).value();
  EXPECT_FALSE(internal::Simulate(set, c).missed);
  // On one processor GFB is the density test: 1.2 > 1, 0.6 <= 1.
  EXPECT_FALSE(Get(GfbTest(set, 1)).accepted);
  EXPECT_TRUE(Get(GfbTest({set[0], set[1]}, 1)).accepted);
}

TEST(PartitionTest, FirstFitPacksWorstFitSpreads) {
  const std::vector<TaskSpec> set = {Task("a", 3, 10), Task("b", 2, 10),
                                     Task("c", 1, 10)};
  PartitionOptions o;
  o.cores = 2;
  o.policy = Policy::kRateMonotonic;
  absl::StatusOr<PartitionResult> ff = PartitionTasks(set, o);
  ASSERT_TRUE(ff.ok());
  EXPECT_TRUE(ff->verdict.accepted);
  EXPECT_THAT(ff->core_of_task, ElementsAre(0, 0, 0));
  o.heuristic = PartitionHeuristic::kWorstFitDecreasing;
  absl::StatusOr<PartitionResult> wf = PartitionTasks(set, o);
  ASSERT_TRUE(wf.ok());
  EXPECT_THAT(wf->core_of_task, ElementsAre(0, 1, 1));
  EXPECT_EQ(wf->core_verdicts[1].test, TestKind::kResponseTime);
}

TEST(PartitionTest, FailureNamesTheTaskAndEachCore) {
  const std::vector<TaskSpec> set = {Task("a", 6, 10), Task("b", 6, 10),
                                     Task("c", 6, 10)};
  PartitionOptions o;
  o.cores = 2;
  absl::StatusOr<PartitionResult> p = PartitionTasks(set, o);
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->verdict.accepted);
  EXPECT_EQ(p->verdict.failing_task, 2);
  EXPECT_THAT(p->verdict.reason, HasSubstr("task 'c' fits on none of 2 cores"));
  EXPECT_THAT(p->verdict.reason, HasSubstr("core 0:"));
  EXPECT_THAT(p->verdict.reason, HasSubstr("core 1:"));
  EXPECT_THAT(p->core_of_task, ElementsAre(0, 1, -1));
}

}  // namespace
}  // namespace moirai::rt
