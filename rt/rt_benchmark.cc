// Copyright 2026 The Moirai Authors.
//
// rt/rt_benchmark.cc
// -----------------------------------------------------------------------------
//
// The cost of admission (RT.md, goal G1: QPA/RTA for n = 32 <= 100 us,
// utilization tests <= 1 us, incremental admission of one task <= 20 us).
// Every case analyses a 32-task set the test accepts, so the whole
// analysis runs (a rejection can stop early):
//
//   qpa_n32              QPA, constrained deadlines, U = 0.85, periods
//                        log-uniform in [10 ms, 1 s] (1 ms granularity).
//   qpa_sliced_n32       the same with a 100 us non-preemptive slice per
//                        task (QPA walks the steps of B(t)).
//   rta_n32              RTA, rate monotonic, implicit deadlines, U = 0.75.
//   liu_layland_n32, hyperbolic_n32, edf_utilization_n32
//                        the O(n) bounds on an implicit-deadline set.
//   admit_remove_edf_n32, admit_remove_rm_n32
//                        AdmissionController::Admit of a 32nd task onto a
//                        core holding 31, then Remove (both timed).
//
// The ready-queue, dispatcher and executor (wall-clock release-to-start
// latency on a 2-worker scheduler) rows are in ready_queue_benchmark.cc,
// dispatcher_benchmark.cc and executor_benchmark.cc, linked into this binary.
//
// Build with --config=opt (see PERFORMANCE.md). Names follow the
// <case>/<impl> convention of `moirai bench`; there is no peer library.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "benchmark/benchmark.h"
#include "moirai/rt/admission.h"
#include "moirai/rt/admission_controller.h"
#include "moirai/rt/task_model.h"
#include "moirai/rt/taskset_gen.h"

namespace moirai::rt {
namespace {

constexpr int kTasks = 32;

// The first seed from 1 whose set `accepts` takes; aborts if none in 1000.
template <typename Accepts>
std::vector<TaskSpec> AcceptedSet(const GeneratorParams& p, Accepts accepts) {
  for (std::uint64_t seed = 1; seed < 1000; ++seed) {
    absl::StatusOr<std::vector<TaskSpec>> s = GenerateTaskSet(p, seed);
    if (s.ok() && accepts(*s)) return *std::move(s);
  }
  std::fprintf(stderr, "rt_benchmark: no accepted set found\n");
  std::abort();
}

GeneratorParams Params(double u, DeadlineKind deadlines, Policy policy) {
  GeneratorParams p;
  p.tasks = kTasks;
  p.utilization = u;
  p.periods = PeriodDistribution::kLogUniform;
  p.period_min = 10 * kMillisecond;
  p.period_max = kSecond;
  p.granularity = kMillisecond;
  p.deadlines = deadlines;
  p.policy = policy;
  return p;
}

const std::vector<TaskSpec>& EdfSet() {
  static const auto* const set = new std::vector<TaskSpec>(AcceptedSet(
      Params(0.85, DeadlineKind::kConstrained, Policy::kEdf),
      [](const std::vector<TaskSpec>& s) { return QpaTest(s)->accepted; }));
  return *set;
}

const std::vector<TaskSpec>& SlicedEdfSet() {
  static const auto* const set = new std::vector<TaskSpec>([] {
    GeneratorParams p = Params(0.85, DeadlineKind::kConstrained, Policy::kEdf);
    return AcceptedSet(p, [](std::vector<TaskSpec>& s) {
      for (TaskSpec& t : s) t.max_slice = 100 * kMicrosecond;
      return QpaTest(s)->accepted;
    });
  }());
  return *set;
}

const std::vector<TaskSpec>& RmSet() {
  static const auto* const set = new std::vector<TaskSpec>(AcceptedSet(
      Params(0.75, DeadlineKind::kImplicit, Policy::kRateMonotonic),
      [](const std::vector<TaskSpec>& s) {
        return ResponseTimeTest(s, PriorityOrder::kRateMonotonic)->accepted;
      }));
  return *set;
}

void BM_Qpa(benchmark::State& state, const std::vector<TaskSpec>& (*make)()) {
  const std::vector<TaskSpec>& set = make();
  for (auto _ : state) {
    absl::StatusOr<Verdict> v = QpaTest(set);
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK_CAPTURE(BM_Qpa, n32, &EdfSet)->Name("qpa_n32/moirai");
BENCHMARK_CAPTURE(BM_Qpa, sliced, &SlicedEdfSet)->Name("qpa_sliced_n32/moirai");

void BM_Rta(benchmark::State& state) {
  const std::vector<TaskSpec>& set = RmSet();
  for (auto _ : state) {
    absl::StatusOr<Verdict> v =
        ResponseTimeTest(set, PriorityOrder::kRateMonotonic);
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_Rta)->Name("rta_n32/moirai");

template <absl::StatusOr<Verdict> (*kTest)(absl::Span<const TaskSpec>)>
void BM_Bound(benchmark::State& state) {
  const std::vector<TaskSpec>& set = RmSet();
  for (auto _ : state) {
    absl::StatusOr<Verdict> v = kTest(set);
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_Bound<LiuLaylandTest>)->Name("liu_layland_n32/moirai");
BENCHMARK(BM_Bound<HyperbolicBoundTest>)->Name("hyperbolic_n32/moirai");
BENCHMARK(BM_Bound<EdfUtilizationTest>)->Name("edf_utilization_n32/moirai");

void BM_AdmitRemove(benchmark::State& state, Policy policy) {
  const std::vector<TaskSpec>& set =
      policy == Policy::kEdf ? EdfSet() : RmSet();
  absl::StatusOr<AdmissionController> ac =
      AdmissionController::Create({1, policy, Placement::kFirstFit});
  for (int i = 0; i + 1 < kTasks; ++i) {
    if (!ac->Admit(set[i]).ok()) state.SkipWithError("setup admit failed");
  }
  const TaskSpec& last = set[kTasks - 1];
  for (auto _ : state) {
    absl::StatusOr<Admission> a = ac->Admit(last);
    if (!a.ok()) {
      state.SkipWithError("admit failed");
      break;
    }
    benchmark::DoNotOptimize(a);
    (void)ac->Remove(a->handle);
  }
}
BENCHMARK_CAPTURE(BM_AdmitRemove, edf, Policy::kEdf)
    ->Name("admit_remove_edf_n32/moirai");
BENCHMARK_CAPTURE(BM_AdmitRemove, rm, Policy::kRateMonotonic)
    ->Name("admit_remove_rm_n32/moirai");

}  // namespace
}  // namespace moirai::rt
