// Copyright 2026 The Moirai Authors.
//
// rt/executor_benchmark.cc
// -----------------------------------------------------------------------------
//
// executor_release_to_start_2w: wall-clock latency from a periodic job's
// nominal release to the start of its body, on an idle 2-worker scheduler
// with the rt Executor installed (one EDF task, C = 50 us, T = 1 ms, on
// worker 0; the worker parks between jobs and wakes at the release, so
// this is mostly the timed futex wake-up). 1000 jobs; the counters are the
// p50/p99/max in microseconds (the benchmark's own time is the 1 s run).

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "moirai/core/mono_time.h"
#include "moirai/rt/executor.h"
#include "moirai/sched/scheduler.h"

namespace moirai::rt {
namespace {

void BM_ReleaseToStart(benchmark::State& state) {
  constexpr int kJobs = 1000;
  std::vector<Nanos> lat;
  for (auto _ : state) {
    ExecutorOptions eo;
    eo.workers = 2;
    auto ex = Executor::Create(eo).value();
    sched::SchedulerOptions so;
    so.num_workers = 2;
    so.dispatch = ex;
    auto s = sched::Scheduler::Create(so).value();
    std::vector<Nanos> samples(kJobs);
    std::atomic<int> n{0};
    AddTaskOptions on0;
    on0.worker = 0;
    auto id = ex->AddTask(
        TaskSpec::Periodic("p", 50 * kMicrosecond, kMillisecond),
        [&](const JobContext& c) {
          const Nanos now = core::MonoTime::Now().nanoseconds();
          // Relaxed: only this worker writes; the reader waits for the
          // shutdown, which orders it after every job.
          const int i = n.load(std::memory_order_relaxed);
          if (i < kJobs) {
            samples[static_cast<std::size_t>(i)] = now - c.arrival;
            n.store(i + 1, std::memory_order_relaxed);
          }
        },
        on0);
    if (!id.ok()) {
      state.SkipWithError("AddTask failed");
      return;
    }
    while (n.load(std::memory_order_relaxed) < kJobs) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    s->Shutdown();
    lat.insert(lat.end(), samples.begin(), samples.end());
  }
  std::sort(lat.begin(), lat.end());
  auto q = [&](double p) {
    return static_cast<double>(lat[std::min(
               lat.size() - 1, static_cast<std::size_t>(p * lat.size()))]) /
           1e3;
  };
  state.counters["p50_us"] = q(0.50);
  state.counters["p99_us"] = q(0.99);
  state.counters["max_us"] = static_cast<double>(lat.back()) / 1e3;
}
BENCHMARK(BM_ReleaseToStart)
    ->Name("executor_release_to_start_2w/moirai")
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace moirai::rt
