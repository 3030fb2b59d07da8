// Copyright 2026 The Moirai Authors.
//
// wakeup_latency: an external thread hands one item to a parked worker and
// waits until the worker has run it. This is the round trip every
// "start work on an idle pool and wait for it" pays, and what the async
// rows' drivers paid per iteration before they timed themselves.
//
// Same hand-off for every row: the timed region starts right before the
// hand-off and ends when the benchmark thread sees the worker's answer; the
// answer is always the same (a std::atomic<uint32_t> stored and notified,
// waited for with std::atomic::wait). Before each timed hand-off the
// benchmark thread sleeps 2 ms (untimed), so that every pool's worker has
// finished spinning and really sleeps (each implementation spins for less
// than that before parking). Rows:
//   moirai   sched::Scheduler (1 worker), Submit() of a task
//   condvar  one std::thread waiting on a std::condition_variable
//   boost    a Boost.Fiber fiber on its own thread waiting on a
//            boost::fibers::condition_variable
//   tbb      oneTBB task_arena (1 worker), enqueue() of a task
//
// Sensitive to the machine: a cross-CPU wake-up costs what the hypervisor
// and kernel make it cost (2-60 us on the VMs this project runs on); the
// ratios compare implementations on the same machine in the same run.

#include <atomic>
#include <boost/fiber/all.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "benchmark/benchmark.h"
#include "moirai/core/task.h"
#include "moirai/sched/scheduler.h"
#include "oneapi/tbb/task_arena.h"

namespace moirai::async {
namespace {

using Clock = std::chrono::steady_clock;

// Hand-offs per run: each costs a 2 ms untimed sleep, so a fixed count keeps
// a row at ~0.6 s whatever the latency.
constexpr int kWakeups = 300;

// The answer every worker gives: store 1 and wake the benchmark thread.
struct Answer {
  std::atomic<std::uint32_t> done{0};
  void Give() {
    // Release: the benchmark thread's acquire load sees the worker's work.
    done.store(1, std::memory_order_release);
    done.notify_one();
  }
  void Await() {
    while (done.load(std::memory_order_acquire) == 0) done.wait(0);
    done.store(0, std::memory_order_relaxed);  // only this thread reads it now
  }
};

// Times `handoff` (which makes the parked worker call answer->Give()).
template <typename Handoff>
void TimeHandoffs(benchmark::State& state, Answer* answer, Handoff handoff) {
  for (auto _ : state) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    const Clock::time_point t0 = Clock::now();
    handoff();
    answer->Await();
    state.SetIterationTime(
        std::chrono::duration<double>(Clock::now() - t0).count());
  }
}

void BM_WakeupMoirai(benchmark::State& state) {
  sched::SchedulerOptions options;
  options.num_workers = 1;
  auto sched = sched::Scheduler::Create(options).value();
  Answer answer;
  TimeHandoffs(state, &answer, [&] {
    sched->Submit(core::Task([&] { answer.Give(); })).IgnoreError();
  });
  sched->Shutdown(sched::ShutdownMode::kDrain);
}
BENCHMARK(BM_WakeupMoirai)
    ->Name("wakeup_latency/moirai")
    ->UseManualTime()
    ->Iterations(kWakeups);

void BM_WakeupCondvar(benchmark::State& state) {
  std::mutex mu;
  std::condition_variable cv;
  bool go = false, stop = false;
  Answer answer;
  std::thread worker([&] {
    std::unique_lock<std::mutex> lock(mu);
    for (;;) {
      cv.wait(lock, [&] { return go || stop; });
      if (stop) return;
      go = false;
      answer.Give();
    }
  });
  TimeHandoffs(state, &answer, [&] {
    {
      std::lock_guard<std::mutex> lock(mu);
      go = true;
    }
    cv.notify_one();
  });
  {
    std::lock_guard<std::mutex> lock(mu);
    stop = true;
  }
  cv.notify_one();
  worker.join();
}
BENCHMARK(BM_WakeupCondvar)
    ->Name("wakeup_latency/condvar")
    ->UseManualTime()
    ->Iterations(kWakeups);

void BM_WakeupBoost(benchmark::State& state) {
  boost::fibers::mutex mu;
  boost::fibers::condition_variable cv;
  bool go = false, stop = false;
  Answer answer;
  std::thread worker([&] {
    boost::fibers::fiber([&] {
      std::unique_lock<boost::fibers::mutex> lock(mu);
      for (;;) {
        cv.wait(lock, [&] { return go || stop; });
        if (stop) return;
        go = false;
        answer.Give();
      }
    }).join();
  });
  TimeHandoffs(state, &answer, [&] {
    {
      std::unique_lock<boost::fibers::mutex> lock(mu);
      go = true;
    }
    cv.notify_one();
  });
  {
    std::unique_lock<boost::fibers::mutex> lock(mu);
    stop = true;
  }
  cv.notify_one();
  worker.join();
}
BENCHMARK(BM_WakeupBoost)
    ->Name("wakeup_latency/boost")
    ->UseManualTime()
    ->Iterations(kWakeups);

void BM_WakeupTbb(benchmark::State& state) {
  tbb::task_arena arena(/*max_concurrency=*/1, /*reserved_for_masters=*/0);
  Answer answer;
  TimeHandoffs(state, &answer, [&] { arena.enqueue([&] { answer.Give(); }); });
}
BENCHMARK(BM_WakeupTbb)
    ->Name("wakeup_latency/tbb")
    ->UseManualTime()
    ->Iterations(kWakeups);

}  // namespace
}  // namespace moirai::async
