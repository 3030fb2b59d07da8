// Copyright 2026 The Moirai Authors.
//
// rt/admission_test.cc
// -----------------------------------------------------------------------------
//
// The classic vectors of RT.md section 3 and hand-computed examples for
// every test, each also run through the reference simulator so that the
// expected outcome does not rest on the analysis alone; bad input and
// inapplicable models. Online admission is in admission_controller_test.cc,
// global EDF and partitioning by hand in partition_test.cc.

#include "moirai/rt/admission.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "moirai/rt/internal/reference_sim.h"
#include "moirai/rt/partition.h"
#include "moirai/rt/task_model.h"

namespace moirai::rt {
namespace {

using internal::SimConfig;
using internal::SimResult;
using internal::SimScheduler;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr Nanos kMs = kMillisecond;

TaskSpec Task(const char* name, Nanos c, Nanos t, Nanos d = 0) {
  return TaskSpec::Periodic(name, c * kMs, t * kMs, (d == 0 ? t : d) * kMs);
}

Verdict Get(absl::StatusOr<Verdict> v) {
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? *v : Verdict{};
}

// Synchronous release over two hyperperiods (limited preemption: with the
// task `blocker` arriving 1 ns before the others).
SimResult Sim(const std::vector<TaskSpec>& tasks, SimScheduler s,
              PriorityOrder order = PriorityOrder::kRateMonotonic,
              bool limited = false, int blocker = -1, int processors = 1) {
  SimConfig c;
  c.scheduler = s;
  c.processors = processors;
  c.limited_preemptive = limited;
  if (s == SimScheduler::kFixedPriority)
    c.priorities = PriorityRanks(tasks, order);
  if (blocker >= 0) {
    c.arrival_offset.assign(tasks.size(), 0);
    c.arrival_offset[blocker] = -1;
  }
  c.horizon = 2 * Hyperperiod(tasks).value();
  SimResult r = internal::Simulate(tasks, c);
  EXPECT_EQ(r.error, "");
  return r;
}

// RT.md 3.2: (C,T) = (2,5), (4,7). U = 0.971; prod(U+1) = 2.2.
TEST(ClassicVectorsTest, RmFailsWhereEdfSucceeds) {
  const std::vector<TaskSpec> set = {Task("a", 2, 5), Task("ctl", 4, 7)};
  const Verdict ll = Get(LiuLaylandTest(set));
  EXPECT_FALSE(ll.accepted);
  EXPECT_TRUE(ll.applicable);
  EXPECT_NEAR(ll.load, 2.0 / 5 + 4.0 / 7, 1e-9);
  EXPECT_NEAR(ll.bound, 2 * (std::sqrt(2.0) - 1), 1e-9);
  const Verdict hb = Get(HyperbolicBoundTest(set));
  EXPECT_FALSE(hb.accepted);
  EXPECT_NEAR(hb.load, 1.4 * (1 + 4.0 / 7), 1e-9);
  EXPECT_EQ(hb.bound, 2);

  const Verdict rta = Get(ResponseTimeTest(set, PriorityOrder::kRateMonotonic));
  EXPECT_FALSE(rta.accepted);
  EXPECT_EQ(rta.failing_task, 1);
  EXPECT_THAT(rta.response_times, ElementsAre(2 * kMs, 8 * kMs));
  EXPECT_EQ(rta.reason, "task 'ctl' misses: R=8ms > D=7ms under RTA");
  const SimResult fp = Sim(set, SimScheduler::kFixedPriority);
  EXPECT_TRUE(fp.missed);
  EXPECT_EQ(fp.task, 1);
  EXPECT_EQ(fp.finish, 8 * kMs);

  EXPECT_TRUE(Get(EdfUtilizationTest(set)).accepted);
  EXPECT_TRUE(Get(EdfDensityTest(set)).accepted);
  EXPECT_TRUE(Get(QpaTest(set)).accepted);
  EXPECT_FALSE(Sim(set, SimScheduler::kEdf).missed);
}

// RT.md 3.4 ([K1] 3.2): (C,D,T) = (50,50,100), (10,100,100) has density 1.1
// and is EDF-schedulable.
TEST(ClassicVectorsTest, DensityIsOnlySufficient) {
  const std::vector<TaskSpec> set = {Task("a", 50, 100, 50),
                                     Task("b", 10, 100, 100)};
  const Verdict density = Get(EdfDensityTest(set));
  EXPECT_FALSE(density.accepted);
  EXPECT_NEAR(density.load, 1.1, 1e-12);
  const Verdict qpa = Get(QpaTest(set));
  EXPECT_TRUE(qpa.accepted) << qpa.reason;
  EXPECT_FALSE(Sim(set, SimScheduler::kEdf).missed);
  // D < T: the utilization test does not apply.
  EXPECT_FALSE(Get(EdfUtilizationTest(set)).applicable);
}

// Dhall & Liu (1978), RT.md 3.5: M + 1 tasks, M light (2e, 1) and one heavy
// (1, 1 + e), here with e = 1 ms and unit 10 ms. Global EDF runs the light
// jobs first and the heavy one misses; partitioned EDF is fine.
TEST(ClassicVectorsTest, DhallEffect) {
  const std::vector<TaskSpec> set = {
      Task("light0", 2, 10), Task("light1", 2, 10), Task("heavy", 10, 11)};
  EXPECT_FALSE(Get(GfbTest(set, 2)).accepted);
  EXPECT_FALSE(Get(BakTest(set, 2)).accepted);
  const SimResult global = Sim(set, SimScheduler::kEdf, {}, false, -1, 2);
  EXPECT_TRUE(global.missed);
  EXPECT_EQ(global.task, 2);
  EXPECT_EQ(global.finish, 12 * kMs);
  for (const PartitionHeuristic h : {PartitionHeuristic::kFirstFitDecreasing,
                                     PartitionHeuristic::kWorstFitDecreasing}) {
    PartitionOptions o;
    o.cores = 2;
    o.heuristic = h;
    absl::StatusOr<PartitionResult> p = PartitionTasks(set, o);
    ASSERT_TRUE(p.ok());
    EXPECT_TRUE(p->verdict.accepted) << p->verdict.reason;
    // Decreasing utilization puts the heavy task first, alone on core 0.
    EXPECT_THAT(p->core_of_task, ElementsAre(1, 1, 0));
    EXPECT_THAT(p->tasks_on_core[0], ElementsAre(2));
    EXPECT_TRUE(p->core_verdicts[0].accepted);
    EXPECT_TRUE(p->core_verdicts[1].accepted);
  }
}

// Buttazzo, "Hard Real-Time Computing Systems" (3rd ed., 2011), section
// 4.5: the deadline-monotonic response-time example (C, D, T) = (1,3,4),
// (1,4,5), (2,5,6), (1,10,11). Recomputed by hand: R = 1, 2, 4, 10.
TEST(ClassicVectorsTest, ButtazzoDeadlineMonotonicExample) {
  const std::vector<TaskSpec> set = {Task("t1", 1, 4, 3), Task("t2", 1, 5, 4),
                                     Task("t3", 2, 6, 5),
                                     Task("t4", 1, 11, 10)};
  const Verdict rta =
      Get(ResponseTimeTest(set, PriorityOrder::kDeadlineMonotonic));
  EXPECT_TRUE(rta.accepted) << rta.reason;
  EXPECT_THAT(rta.response_times,
              ElementsAre(1 * kMs, 2 * kMs, 4 * kMs, 10 * kMs));
  EXPECT_FALSE(
      Sim(set, SimScheduler::kFixedPriority, PriorityOrder::kDeadlineMonotonic)
          .missed);
  // The utilization bounds need D = T.
  EXPECT_FALSE(Get(LiuLaylandTest(set)).applicable);
  EXPECT_FALSE(Get(HyperbolicBoundTest(set)).applicable);
}

// Harmonic periods are RM-schedulable up to U = 1 (Buttazzo, section 4.3),
// where both utilization bounds give up: (1,2), (1,4), (2,8).
TEST(ClassicVectorsTest, HarmonicSetAtFullUtilization) {
  const std::vector<TaskSpec> set = {Task("a", 1, 2), Task("b", 1, 4),
                                     Task("c", 2, 8)};
  EXPECT_FALSE(Get(LiuLaylandTest(set)).accepted);
  EXPECT_FALSE(Get(HyperbolicBoundTest(set)).accepted);
  const Verdict rta = Get(ResponseTimeTest(set, PriorityOrder::kRateMonotonic));
  EXPECT_TRUE(rta.accepted);
  EXPECT_THAT(rta.response_times, ElementsAre(1 * kMs, 2 * kMs, 8 * kMs));
  EXPECT_FALSE(Sim(set, SimScheduler::kFixedPriority).missed);
  const Verdict edf = Get(EdfUtilizationTest(set));
  EXPECT_TRUE(edf.accepted);
  EXPECT_THAT(edf.reason, HasSubstr("(exact)"));
  EXPECT_TRUE(Get(QpaTest(set)).accepted);
}

// Bini, Buttazzo & Buttazzo (2003): HB accepts sets L&L rejects. U = 0.6 +
// 0.24 = 0.84 > 0.828, while 1.6 * 1.24 = 1.984 <= 2.
TEST(ClassicVectorsTest, HyperbolicBoundDominatesLiuLayland) {
  const std::vector<TaskSpec> set = {Task("a", 3, 5), Task("b", 6, 25)};
  EXPECT_FALSE(Get(LiuLaylandTest(set)).accepted);
  const Verdict hb = Get(HyperbolicBoundTest(set));
  EXPECT_TRUE(hb.accepted);
  EXPECT_NEAR(hb.load, 1.984, 1e-9);
  const Verdict rta = Get(ResponseTimeTest(set, PriorityOrder::kRateMonotonic));
  EXPECT_THAT(rta.response_times, ElementsAre(3 * kMs, 15 * kMs));
}

// By hand: tasks (C, T) = (1, 4), (2, 10) with J = 1, (3, 20) with a 2 ms
// non-preemptive slice. B_1 = B_2 = 2 (t3's slice), B_3 = 0.
//   R_1 = 2 + 1 = 3;  w_2 = 2 + 2 + ceil(w/4) = 6, R_2 = 1 + 6 = 7;
//   w_3 = 3 + ceil(w/4) + 2 ceil((w + 1)/10) = 7, R_3 = 7.
TEST(ResponseTimeTest, BlockingFromSlicesAndJitter) {
  std::vector<TaskSpec> set = {Task("t1", 1, 4), Task("t2", 2, 10),
                               Task("t3", 3, 20)};
  set[1].jitter = 1 * kMs;
  set[2].max_slice = 2 * kMs;
  Verdict rta = Get(ResponseTimeTest(set, PriorityOrder::kRateMonotonic));
  EXPECT_TRUE(rta.accepted) << rta.reason;
  EXPECT_THAT(rta.blocking, ElementsAre(2 * kMs, 2 * kMs, 0));
  EXPECT_THAT(rta.response_times, ElementsAre(3 * kMs, 7 * kMs, 7 * kMs));

  // A critical-section term larger than the slice wins (max, not sum):
  // B_1 = 3 makes R_1 = 4 = D_1; B_1 = 4 makes t1 miss.
  set[0].blocking = 3 * kMs;
  rta = Get(ResponseTimeTest(set, PriorityOrder::kRateMonotonic));
  EXPECT_TRUE(rta.accepted);
  EXPECT_EQ(rta.response_times[0], 4 * kMs);
  set[0].blocking = 4 * kMs;
  rta = Get(ResponseTimeTest(set, PriorityOrder::kRateMonotonic));
  EXPECT_FALSE(rta.accepted);
  EXPECT_EQ(rta.failing_task, 0);
  EXPECT_EQ(rta.reason, "task 't1' misses: R=5ms > D=4ms under RTA");

  // The utilization bounds count the slice too: with B/T added, L&L
  // position 1 is 0.25 + 0.5 and the bound 1; t2 (position 2) has 0.45 +
  // 0.2 = 0.65 <= 0.828; t3: 0.6 + 0 <= 0.78. Jitter is not in their model.
  set[0].blocking = 0;
  set[1].jitter = 0;
  const Verdict ll = Get(LiuLaylandTest(set));
  EXPECT_TRUE(ll.accepted) << ll.reason;
  set[1].jitter = 1 * kMs;
  EXPECT_FALSE(Get(LiuLaylandTest(set)).applicable);
}

TEST(ResponseTimeTest, ExplicitPrioritiesAndTies) {
  std::vector<TaskSpec> set = {Task("lo", 2, 10), Task("hi", 1, 5),
                               Task("peer", 1, 5)};
  set[0].priority = 9;
  set[1].priority = 1;
  set[2].priority = 1;  // same priority as "hi": they interfere both ways
  const Verdict rta = Get(ResponseTimeTest(set, PriorityOrder::kExplicit));
  EXPECT_TRUE(rta.accepted);
  EXPECT_THAT(rta.response_times, ElementsAre(4 * kMs, 2 * kMs, 2 * kMs));
  EXPECT_THAT(PriorityRanks(set, PriorityOrder::kExplicit),
              ElementsAre(9, 1, 1));
  EXPECT_THAT(PriorityRanks(set, PriorityOrder::kRateMonotonic),
              ElementsAre(2, 0, 1));
}

TEST(ResponseTimeTest, DivergingResponseTimeIsReported) {
  // The high-priority load alone is 1: the low task's R grows forever.
  const std::vector<TaskSpec> set = {Task("hog", 5, 5), Task("starved", 1, 10)};
  const Verdict rta = Get(ResponseTimeTest(set, PriorityOrder::kRateMonotonic));
  EXPECT_FALSE(rta.accepted);
  EXPECT_EQ(rta.failing_task, 1);
  EXPECT_EQ(rta.response_times[1], kUnbounded);
  EXPECT_THAT(rta.reason, HasSubstr("diverges"));
}

TEST(ResponseTimeTest, LargeTimesDoNotOverflow) {
  const Nanos big = kMaxTaskTime;
  const std::vector<TaskSpec> set = {TaskSpec::Periodic("a", big / 2, big),
                                     TaskSpec::Periodic("b", big / 2, big)};
  const Verdict rta = Get(ResponseTimeTest(set, PriorityOrder::kRateMonotonic));
  EXPECT_TRUE(rta.accepted);
  EXPECT_THAT(rta.response_times, ElementsAre(big / 2, big));
  EXPECT_TRUE(Get(QpaTest(set)).accepted);
  const std::vector<TaskSpec> over = {
      TaskSpec::Periodic("a", big / 2, big),
      TaskSpec::Periodic("b", big / 2 + 1, big)};
  EXPECT_FALSE(
      Get(ResponseTimeTest(over, PriorityOrder::kRateMonotonic)).accepted);
  EXPECT_FALSE(Get(QpaTest(over)).accepted);
}

// By hand: a (C=2, D=4, T=10) and b (C=3, D=T=10) whose whole job is one
// non-preemptive region. If b starts just before a arrives, a finishes at
// 3 + 2 = 5 > 4: h(4) + B(4) = 2 + 3 > 4. With a 2 ms slice: 2 + 2 <= 4.
TEST(QpaTest, BlockingFromSlices) {
  std::vector<TaskSpec> set = {Task("a", 2, 10, 4), Task("b", 3, 10)};
  set[1].max_slice = 3 * kMs;
  Verdict qpa = Get(QpaTest(set));
  EXPECT_FALSE(qpa.accepted);
  EXPECT_EQ(qpa.failing_point, 4 * kMs);
  EXPECT_EQ(qpa.demand, 2 * kMs);
  EXPECT_EQ(qpa.demand_blocking, 3 * kMs);
  EXPECT_EQ(qpa.failing_task, 0);
  EXPECT_EQ(qpa.reason,
            "task 'a' misses: demand h(t)=2ms + blocking B(t)=3ms > t=4ms "
            "under QPA");
  EXPECT_TRUE(Sim(set, SimScheduler::kEdf, {}, true, /*blocker=*/1).missed);
  EXPECT_FALSE(Get(EdfDensityTest(set)).accepted);

  set[1].max_slice = 2 * kMs;
  qpa = Get(QpaTest(set));
  EXPECT_TRUE(qpa.accepted) << qpa.reason;
  EXPECT_FALSE(Sim(set, SimScheduler::kEdf, {}, true, /*blocker=*/1).missed);
  // A critical-section term on `a` (blocked by `b`, whose deadline is
  // later) counts the same way, capped by b's WCET.
  set[1].max_slice = 0;
  set[0].blocking = 5 * kMs;
  qpa = Get(QpaTest(set));
  EXPECT_FALSE(qpa.accepted);
  EXPECT_EQ(qpa.demand_blocking, 3 * kMs);
}

// By hand, arbitrary deadlines (D > T) at U = 1: x (C=3, D=8, T=4) and y
// (C=1, D=2, T=4). Busy period 4; deadline points below max(4, 8): 2, 6
// with h = 1, 2.
TEST(QpaTest, ArbitraryDeadlinesAtFullUtilization) {
  const std::vector<TaskSpec> set = {Task("x", 3, 4, 8), Task("y", 1, 4, 2)};
  EXPECT_TRUE(Get(QpaTest(set)).accepted);
  EXPECT_FALSE(Sim(set, SimScheduler::kEdf).missed);
  EXPECT_FALSE(Get(EdfUtilizationTest(set)).applicable);  // y has D < T
  // One more nanosecond of work breaks U <= 1.
  std::vector<TaskSpec> over = set;
  over[1].wcet += 1;
  const Verdict v = Get(QpaTest(over));
  EXPECT_FALSE(v.accepted);
  EXPECT_THAT(v.reason, HasSubstr("> 1 (exact)"));
}

TEST(QpaTest, JitterShortensTheWindow) {
  // (C=2, D=4, T=5) twice: h(4) = 4 <= 4. With J = 1 on one, its deadline
  // point moves to 3: h(3) = 2, h(4) = 4 - fine; with J = 1 on both,
  // h(3) = 4 > 3.
  std::vector<TaskSpec> set = {Task("p", 2, 5, 4), Task("q", 2, 5, 4)};
  EXPECT_TRUE(Get(QpaTest(set)).accepted);
  set[0].jitter = 1 * kMs;
  EXPECT_TRUE(Get(QpaTest(set)).accepted);
  set[1].jitter = 1 * kMs;
  const Verdict v = Get(QpaTest(set));
  EXPECT_FALSE(v.accepted);
  EXPECT_EQ(v.failing_point, 3 * kMs);
  EXPECT_EQ(v.demand, 4 * kMs);
}

TEST(BadInputTest, EveryTestRejectsInvalidTasks) {
  const std::vector<TaskSpec> bad = {Task("ok", 1, 10), Task("neg", 1, 10)};
  std::vector<TaskSpec> set = bad;
  set[1].period = -1;
  EXPECT_EQ(LiuLaylandTest(set).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(HyperbolicBoundTest(set).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      ResponseTimeTest(set, PriorityOrder::kRateMonotonic).status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(EdfUtilizationTest(set).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(EdfDensityTest(set).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(QpaTest(set).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GfbTest(set, 2).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(BakTest(set, 2).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(QpaTest(set).status().message(), HasSubstr("'neg'"));
  EXPECT_EQ(GfbTest(bad, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(BakTest(bad, -1).status().code(),
            absl::StatusCode::kInvalidArgument);
  PartitionOptions o;
  o.cores = 0;
  EXPECT_EQ(PartitionTasks(bad, o).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(PriorityOrderFor(Policy::kEdf).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ExactTest(set, Policy::kEdf).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(BadInputTest, InapplicableModelsSaySo) {
  std::vector<TaskSpec> arbitrary = {Task("late", 2, 5, 9)};  // EDF, D > T
  const Verdict rta =
      Get(ResponseTimeTest(arbitrary, PriorityOrder::kExplicit));
  EXPECT_FALSE(rta.applicable);
  EXPECT_FALSE(rta.accepted);
  EXPECT_THAT(rta.reason, HasSubstr("'late'"));
  EXPECT_FALSE(Get(BakTest(arbitrary, 2)).applicable);
  std::vector<TaskSpec> sliced = {Task("s", 2, 5)};
  sliced[0].max_slice = kMs;
  EXPECT_FALSE(Get(EdfUtilizationTest(sliced)).applicable);
  EXPECT_FALSE(Get(GfbTest(sliced, 2)).applicable);
  EXPECT_TRUE(Get(QpaTest(sliced)).accepted);
}

TEST(VerdictTest, NamesOfTests) {
  EXPECT_EQ(TestName(TestKind::kLiuLayland), "L&L");
  EXPECT_EQ(TestName(TestKind::kHyperbolic), "HB");
  EXPECT_EQ(TestName(TestKind::kResponseTime), "RTA");
  EXPECT_EQ(TestName(TestKind::kEdfUtilization), "EDF-U");
  EXPECT_EQ(TestName(TestKind::kEdfDensity), "EDF-density");
  EXPECT_EQ(TestName(TestKind::kQpa), "QPA");
  EXPECT_EQ(TestName(TestKind::kGlobalEdfGfb), "GFB");
  EXPECT_EQ(TestName(TestKind::kGlobalEdfBak), "BAK");
  EXPECT_EQ(TestName(TestKind::kPartitioned), "partitioned");
}

TEST(VerdictTest, EmptySetIsSchedulable) {
  EXPECT_TRUE(Get(LiuLaylandTest({})).accepted);
  EXPECT_TRUE(Get(HyperbolicBoundTest({})).accepted);
  EXPECT_TRUE(
      Get(ResponseTimeTest({}, PriorityOrder::kRateMonotonic)).accepted);
  EXPECT_TRUE(Get(EdfUtilizationTest({})).accepted);
  EXPECT_TRUE(Get(EdfDensityTest({})).accepted);
  EXPECT_TRUE(Get(QpaTest({})).accepted);
  EXPECT_TRUE(Get(GfbTest({}, 2)).accepted);
  EXPECT_TRUE(Get(BakTest({}, 2)).accepted);
}

}  // namespace
}  // namespace moirai::rt
