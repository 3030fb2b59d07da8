// Copyright 2026 The Moirai Authors.
//
// rt/dispatcher_benchmark.cc
// -----------------------------------------------------------------------------
//
// The dispatcher's hot path (part of //rt:rt_benchmark; RT.md G4/G11):
//
//   dispatch_slice_edf_n32   one Next() + Report() pair on a core with 32
//                            admitted EDF tasks (U = 0.85, periods from the
//                            divisors of 1 s), on a virtual clock advanced
//                            by each grant: releases, budget accounting and
//                            the per-job statistics are all inside.
//   dispatch_slice_rm_n32    the same under rate monotonic (U = 0.75).
//   sim_hyperperiod_edf_n8   Simulate() of an 8-task EDF set over its
//                            hyperperiod; items = jobs simulated.
//
// Build with --config=opt.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "benchmark/benchmark.h"
#include "moirai/rt/admission.h"
#include "moirai/rt/clock.h"
#include "moirai/rt/core_dispatcher.h"
#include "moirai/rt/simulator.h"
#include "moirai/rt/task_model.h"
#include "moirai/rt/taskset_gen.h"

namespace moirai::rt {
namespace {

std::vector<TaskSpec> AdmittedSet(int n, double u, Policy policy) {
  GeneratorParams p;
  p.tasks = n;
  p.utilization = u;
  p.policy = policy;
  p.period_min = 10 * kMillisecond;
  p.period_max = kSecond;
  for (std::uint64_t seed = 1; seed < 1000; ++seed) {
    absl::StatusOr<std::vector<TaskSpec>> s = GenerateTaskSet(p, seed);
    if (!s.ok()) continue;
    absl::StatusOr<Verdict> v = ExactTest(*s, policy);
    if (v.ok() && v->accepted) return *std::move(s);
  }
  std::fprintf(stderr, "dispatcher_benchmark: no admitted set\n");
  std::abort();
}

void BM_DispatchSlice(benchmark::State& state, Policy policy, double u) {
  const std::vector<TaskSpec> tasks = AdmittedSet(32, u, policy);
  VirtualClock clock;
  DispatcherOptions o;
  o.policy = policy;
  std::unique_ptr<CoreDispatcher> d = *CoreDispatcher::Create(o, &clock);
  for (const TaskSpec& t : tasks) {
    if (!d->AddTask(t).ok()) state.SkipWithError("AddTask failed");
  }
  std::int64_t slices = 0;
  for (auto _ : state) {
    absl::StatusOr<Slice> s = d->Next();
    while (!s->has_job()) {  // idle: jump to the next release (rare)
      state.PauseTiming();
      (void)clock.Set(s->next_event);
      state.ResumeTiming();
      s = d->Next();
    }
    (void)clock.Advance(s->grant);  // every job runs exactly its WCET
    benchmark::DoNotOptimize(d->Report({s->grant, true}));
    ++slices;
  }
  state.SetItemsProcessed(slices);
  if (d->Stats().total_missed() != 0) state.SkipWithError("a job missed");
}
BENCHMARK_CAPTURE(BM_DispatchSlice, edf, Policy::kEdf, 0.85)
    ->Name("dispatch_slice_edf_n32/moirai");
BENCHMARK_CAPTURE(BM_DispatchSlice, rm, Policy::kRateMonotonic, 0.75)
    ->Name("dispatch_slice_rm_n32/moirai");

void BM_SimHyperperiod(benchmark::State& state) {
  GeneratorParams p;
  p.tasks = 8;
  p.utilization = 0.9;
  p.menu =
      DivisorMenu(200 * kMillisecond, 10 * kMillisecond, 200 * kMillisecond);
  absl::StatusOr<std::vector<TaskSpec>> tasks = GenerateTaskSet(p, 7);
  if (!tasks.ok()) {
    state.SkipWithError("no set");
    return;
  }
  std::vector<SimTask> sim;
  for (const TaskSpec& t : *tasks) {
    SimTask st;
    st.spec = t;
    sim.push_back(st);
  }
  SimOptions o;
  o.horizon = 200 * kMillisecond;
  o.dispatcher.admission = AdmissionMode::kNone;
  std::int64_t jobs = 0;
  for (auto _ : state) {
    absl::StatusOr<SimResult> r = Simulate(sim, o);
    for (const TaskStats& t : r->cores[0].tasks) jobs += t.released;
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(jobs);
}
BENCHMARK(BM_SimHyperperiod)->Name("sim_hyperperiod_edf_n8/moirai");

}  // namespace
}  // namespace moirai::rt
