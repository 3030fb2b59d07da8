// Copyright 2026 The Moirai Authors.
//
// rt/admission.h
// -----------------------------------------------------------------------------
//
// This header defines the uniprocessor and global schedulability tests of
// `moirai::rt`, each returning a `Verdict` with its evidence:
//
//   test                      scheduler                 kind        cost
//   LiuLaylandTest            FP, rate monotonic        sufficient  O(n log n)
//   HyperbolicBoundTest       FP, rate monotonic        sufficient  O(n log n)
//   ResponseTimeTest          FP, any priority order    exact*      pseudo-poly
//   EdfUtilizationTest        EDF, D >= T               exact       O(n)
//   EdfDensityTest            EDF                       sufficient  O(n)
//   QpaTest                   EDF                       exact*      pseudo-poly
//   GfbTest, BakTest          global EDF, M processors  sufficient  O(n),
//   O(n^2)
//
// (*) exact for preemptive scheduling (the property tests check both
// directions against a simulator, jitter included); with non-preemptive
// slices or blocking they are sufficient (safe) tests.
//
// Partitioning (FFD/WFD) is in rt/partition.h, online admission in
// rt/admission_controller.h. Both use ExactTest() per core.
//
// Non-preemptive slices. A Moirai fiber yields at most every `max_slice`;
// a job that has started runs that long before a more urgent job can take
// the core. This is the floating non-preemptive region model (Baruah 2005;
// Yao, Buttazzo & Bertogna 2009), which the tests account for as blocking:
//
//   * FP: B_i = max(task.blocking, max { NonPreemptiveLength(j) : j has lower
//     priority than i }). At most one lower-priority job can run while a
//     level-i job waits (it can only have started before the level-i busy
//     period began), and under SRP/PCP critical sections the same holds, so
//     the two terms combine by max, not sum.
//   * EDF: the demand check becomes h(t) + B(t) <= t at every deadline point
//     t (Baruah 2005, "The limited-preemption uniprocessor scheduling of
//     sporadic task systems", ECRTS; Bertogna & Baruah 2010, IEEE TII), with
//       B(t) = max( max { Q_j : D_j > t },
//                   min( max { B_k : D_k - J_k <= t }, max { C_j : D_j > t } )
//                   )
//     when some D_j > t, and B(t) = 0 otherwise. Only a job whose deadline
//     lies beyond the window can be running when the window opens; the
//     second term charges the blocking terms of the jobs inside the window
//     (Baker 1991, SRP), capped by the blocker's own WCET.
//
// All tests are pure functions of their input; invalid tasks give
// InvalidArgument (see Validate()). A test that does not apply to the task
// model given (e.g. Liu & Layland with D != T) returns a Verdict with
// `applicable = false, accepted = false` and says why in `reason`.

#ifndef MOIRAI_RT_ADMISSION_H_
#define MOIRAI_RT_ADMISSION_H_

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "moirai/rt/task_model.h"

namespace moirai::rt {

// Test: which schedulability test produced a Verdict.
enum class TestKind : std::uint8_t {
  kLiuLayland,
  kHyperbolic,
  kResponseTime,
  kEdfUtilization,
  kEdfDensity,
  kQpa,
  kGlobalEdfGfb,
  kGlobalEdfBak,
  kPartitioned,
};

// TestName(): "L&L", "HB", "RTA", "EDF-U", "EDF-density", "QPA", "GFB",
// "BAK" or "partitioned".
absl::string_view TestName(TestKind test);

// kUnbounded: a response time that the iteration showed to grow without
// bound (the load at and above the task's priority is >= 1), or one that
// was not worth computing exactly once it passed the deadline.
inline constexpr Nanos kUnbounded = std::numeric_limits<Nanos>::max();

// Verdict
//
// The outcome of one test and the evidence for it. Indices refer to the
// input span.
struct Verdict {
  TestKind test = TestKind::kLiuLayland;
  // The set passed the test. For a sufficient test, false means "not
  // proven", not "unschedulable".
  bool accepted = false;
  // False when the test does not apply to the task model given (accepted
  // is then false too, and `reason` says which assumption failed).
  bool applicable = true;
  // The quantity the test compared and its bound: U and n(2^(1/n) - 1)
  // (L&L), prod(U_i + 1) and 2 (HB), U and 1 (EDF-U, RTA, QPA), density and
  // 1 (EDF-density), the per-task left and right side of the GFB or BAK
  // inequality (global EDF; for the failing task, else the tightest one).
  double load = 0;
  double bound = 0;
  // RTA only: the worst-case response time R_i of each task (kUnbounded
  // when it diverged or was cut short past D_i) and the blocking B_i used.
  std::vector<Nanos> response_times;
  std::vector<Nanos> blocking;
  // The task that fails (RTA, L&L, HB, GFB, BAK: the most urgent failing
  // task; QPA: a task with an absolute deadline at `failing_point`), or -1.
  int failing_task = -1;
  // QPA only: the deadline point t where h(t) + B(t) > t, with h(t) in
  // `demand` and B(t) in `demand_blocking`; -1 when none.
  Nanos failing_point = -1;
  Nanos demand = -1;
  Nanos demand_blocking = -1;
  // A sentence for people, e.g. "task 'ctl' misses: R=8ms > D=7ms under RTA".
  std::string reason;
};

// PriorityOrder: where fixed priorities come from.
//
//   kRateMonotonic      by period, then deadline, then input index (Liu &
//                       Layland 1973): unique ranks.
//   kDeadlineMonotonic  by deadline, then period, then index (Leung &
//                       Whitehead 1982): unique ranks.
//   kExplicit           TaskSpec::priority as given; equal priorities are
//                       analysed as interfering with each other, which is
//                       safe for FIFO and round robin among them.
enum class PriorityOrder : std::uint8_t {
  kRateMonotonic,
  kDeadlineMonotonic,
  kExplicit,
};

// PriorityRanks(): the priority of each task under `order`, lower = more
// urgent (RM/DM: 0..n-1; kExplicit: the `priority` fields).
std::vector<int> PriorityRanks(absl::Span<const TaskSpec> tasks,
                               PriorityOrder order);

// PriorityOrderFor(): the order a fixed-priority policy implies (RM, DM, or
// kExplicit for FIFO/RR); InvalidArgument for kEdf.
absl::StatusOr<PriorityOrder> PriorityOrderFor(Policy policy);

// LiuLaylandTest()
//
// Liu & Layland (1973), with blocking as in Sha, Rajkumar & Lehoczky (1990):
// under RM priorities, for every task i (in RM order, position k from 1)
//   sum_{j <= k} U_j + B_i / T_i <= k (2^(1/k) - 1).
// Without blocking this is sum U <= n (2^(1/n) - 1) -> ln 2. Applies to
// implicit deadlines without jitter. Sufficient only.
absl::StatusOr<Verdict> LiuLaylandTest(absl::Span<const TaskSpec> tasks);

// HyperbolicBoundTest()
//
// Bini, Buttazzo & Buttazzo (2003): under RM, for every task i (position k)
//   prod_{j < k} (U_j + 1) * (U_i + B_i / T_i + 1) <= 2.
// Dominates Liu & Layland at the same cost. Same applicability. Sufficient.
absl::StatusOr<Verdict> HyperbolicBoundTest(absl::Span<const TaskSpec> tasks);

// ResponseTimeTest()
//
// Exact response-time analysis for preemptive fixed priorities (Joseph &
// Pandya 1986; Audsley, Burns, Richardson, Tindell & Wellings 1993), with
// release jitter (Tindell) and blocking:
//   w_i = B_i + C_i + sum_{j in hep(i)} ceil((w_i + J_j) / T_j) C_j,
//   R_i = J_i + w_i,  accepted iff R_i <= D_i for every i,
// iterated from B_i + C_i + sum C_j. hep(i) holds every other task whose
// priority is at least as urgent as i's; B_i is defined in the banner.
// Needs constrained deadlines (D <= T); otherwise not applicable. Every
// task's R_i is reported, not only up to the first miss.
absl::StatusOr<Verdict> ResponseTimeTest(absl::Span<const TaskSpec> tasks,
                                         PriorityOrder order);

// EdfUtilizationTest()
//
// Liu & Layland (1973): preemptive EDF meets every deadline iff U <= 1,
// when every D >= T and there is no jitter, blocking or non-preemptive
// slice (otherwise not applicable). "U <= 1" is decided with certainty:
// in long double when U is more than 1e-12 away from 1, else with exact
// 128-bit rationals; only if those overflow too (huge coprime periods
// with U within 1e-12 of 1) is the set refused as "too close to decide".
absl::StatusOr<Verdict> EdfUtilizationTest(absl::Span<const TaskSpec> tasks);

// EdfDensityTest()
//
// Sufficient: sum C_i / min(D_i - J_i, T_i) <= 1. With blocking, it also
// needs B(t) <= (1 - density) t at the start of every step of B(t) (banner),
// which implies h(t) + B(t) <= t. Dominated by QpaTest.
absl::StatusOr<Verdict> EdfDensityTest(absl::Span<const TaskSpec> tasks);

// QpaTest()
//
// The exact EDF processor-demand test (Baruah, Rosier & Howell 1990):
// accepted iff U <= 1 and h(t) + B(t) <= t at every absolute deadline t
// below L, where
//   h(t) = sum_i max(0, floor((t + J_i - D_i) / T_i) + 1) C_i
// and L = max(D_max, min(L_a, L_b)) (L_b: synchronous busy period; L_a:
// sum (T_i - D_i + J_i) U_i / (1 - U), for U < 1). Jitter enters as the
// effective deadline D_i - J_i (Spuri 1996). U <= 1 is decided as in
// EdfUtilizationTest, or proven by L_b converging. The deadline points are
// visited with Quick Processor-demand Analysis (Zhang & Burns 2009, IEEE
// TC 58(9)), which walks down from L by t <- h(t); the walk is done per
// step of B(t), since h + B is monotone only where B is constant.
// Arbitrary deadlines are allowed. If the busy period does not converge
// within an iteration budget (huge hyperperiods at U = 1), the set is
// rejected and the reason says so.
absl::StatusOr<Verdict> QpaTest(absl::Span<const TaskSpec> tasks);

// GfbTest()
//
// Goossens, Funk & Baruah (2003), density form for constrained deadlines:
// global preemptive EDF on `processors` identical cores meets every
// deadline if sum lambda_i <= M - (M - 1) lambda_max, lambda_i = C_i /
// min(D_i, T_i). Needs no jitter, blocking or slices. Sufficient only.
// InvalidArgument unless processors >= 1.
absl::StatusOr<Verdict> GfbTest(absl::Span<const TaskSpec> tasks,
                                int processors);

// BakTest()
//
// Baker (2003), "Multiprocessor EDF and deadline monotonic schedulability
// analysis", RTSS, in the form SchedCAT implements: for every task k, with
// lambda = C_k / D_k,
//   sum_i min(1, beta_i) <= M - (M - 1) lambda, where
//   beta_i = U_i (1 + (T_i - D_i) / D_k)
//            + (C_i - lambda T_i) / D_k   if U_i > lambda.
// Constrained deadlines, no jitter, blocking or slices. Sufficient only.
absl::StatusOr<Verdict> BakTest(absl::Span<const TaskSpec> tasks,
                                int processors);

// ExactTest()
//
// The exact uniprocessor test for `policy`: QpaTest for kEdf,
// ResponseTimeTest with PriorityOrderFor(policy) otherwise. Used per core
// by partitioning and by AdmissionController.
absl::StatusOr<Verdict> ExactTest(absl::Span<const TaskSpec> tasks,
                                  Policy policy);

}  // namespace moirai::rt

#endif  // MOIRAI_RT_ADMISSION_H_
