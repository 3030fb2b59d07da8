// Copyright 2026 The Moirai Authors.
//
// async/sched_seam_test.cc
// -----------------------------------------------------------------------------
//
// Where sched and async meet (sched/layer.h): fibers that wait on task
// groups, scheduler shutdown with fibers alive, and where a yielding fiber
// goes. Each test names the failure it once showed.

#include <atomic>
#include <latch>
#include <memory>
#include <numeric>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "moirai/async/channel.h"
#include "moirai/async/internal/test_util.h"
#include "moirai/async/mutex.h"
#include "moirai/async/runtime.h"
#include "moirai/core/arch.h"
#include "moirai/sched/parallel.h"
#include "moirai/sched/scheduler.h"
#include "moirai/sched/task_group.h"

namespace moirai::async {
namespace {

using testing_util::Flag;
using testing_util::MakeRuntime;

std::unique_ptr<sched::Scheduler> MakeScheduler(int workers) {
  auto s = sched::Scheduler::Create({.num_workers = workers});
  EXPECT_TRUE(s.ok()) << s.status();
  return *std::move(s);
}

std::unique_ptr<Runtime> RuntimeOn(sched::Scheduler* s) {
  RuntimeOptions o;
  o.scheduler = s;
  auto rt = Runtime::Create(o);
  EXPECT_TRUE(rt.ok()) << rt.status();
  return *std::move(rt);
}

class SeamTest : public ::testing::TestWithParam<int> {};

// One worker; a fiber forks into a TaskGroup, spawns two fibers and waits.
// The old help-first wait picked up one of those fibers' slices and resumed
// it on the waiting fiber's stack: "ExecutionContext::Resume() from inside a
// fiber", abort. Now the waiting fiber parks and the worker runs the rest.
TEST_P(SeamTest, FiberWaitingOnTaskGroupParksInsteadOfHelping) {
  auto rt = MakeRuntime(GetParam());
  absl::StatusOr<int> r = rt->Spawn([&]() -> int {
                              std::atomic<int> sum{0};
                              sched::TaskGroup g(rt->scheduler());
                              g.Run([&] { sum += 1; });
                              auto a = rt->Spawn([&] { sum += 10; });
                              auto b = rt->Spawn([&] { sum += 100; });
                              EXPECT_TRUE(g.Wait().ok());
                              EXPECT_TRUE(a.Join().ok());
                              EXPECT_TRUE(b.Join().ok());
                              return sum.load();
                            }).Join();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, 111);
}

// The group's only task needs another fiber to make progress: it waits
// (on a plain flag, cooperatively re-submitting itself) for a fiber spawned
// after the waiter parked. Only a waiter that suspends the fiber -- not the
// worker -- lets that fiber run on a single worker.
TEST_P(SeamTest, GroupTaskCanDependOnAFiberSpawnedLater) {
  auto rt = MakeRuntime(GetParam());
  Flag fiber_ran;
  auto waiter = rt->Spawn([&]() -> absl::Status {
    sched::TaskGroup g(rt->scheduler());
    struct Poll {
      sched::TaskGroup* g;
      Flag* flag;
      void operator()() const {
        if (!flag->IsSet()) g->Run(Poll{g, flag});
      }
    };
    g.Run(Poll{&g, &fiber_ran});
    rt->Spawn([&] { fiber_ran.Notify(); }).Detach();
    return g.Wait();
  });
  EXPECT_TRUE(waiter.Join().ok());
  EXPECT_TRUE(fiber_ran.IsSet());
}

// ParallelFor/ParallelReduce and ~TaskGroup from fibers, with other fibers
// competing for the workers: every index exactly once.
TEST_P(SeamTest, ParallelForAndGroupDestructorFromFibers) {
  auto rt = MakeRuntime(GetParam());
  constexpr int kFibers = 8;
  constexpr int kN = 2000;
  std::vector<std::atomic<int>> hits(kFibers * kN);
  std::vector<JoinHandle<std::int64_t>> hs;
  for (int f = 0; f < kFibers; ++f) {
    hs.push_back(rt->Spawn([&, f]() -> std::int64_t {
      EXPECT_TRUE(sched::ParallelFor(*rt->scheduler(), 0, kN, 16, [&](int i) {
                    hits[f * kN + i]++;
                  }).ok());
      {
        sched::TaskGroup g(rt->scheduler());
        for (int i = 0; i < 4; ++i) g.Run([] { Yield(); });
      }  // the destructor waits (parks) for them
      auto sum = sched::ParallelReduce<std::int64_t>(
          *rt->scheduler(), 0, kN, 64, 0,
          [](std::int64_t lo, std::int64_t hi) {
            std::int64_t s = 0;
            for (std::int64_t i = lo; i < hi; ++i) s += i;
            return s;
          },
          [](std::int64_t a, std::int64_t b) { return a + b; });
      return sum.ok() ? *sum : -1;
    }));
  }
  for (auto& h : hs) {
    absl::StatusOr<std::int64_t> v = h.Join();
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(*v, std::int64_t{kN} * (kN - 1) / 2);
  }
  for (auto& h : hits) EXPECT_EQ(h.load(), 1);
}

// Shutdown(kCancelPending) used to destroy parked fibers' slices unrun: the
// fiber never finished, Join and ~Runtime hung, and the fiber's lock stayed
// held. Now the runtime cancels its fibers and their continuations run: the
// sleeper unwinds (releasing its lock), a fiber that never started reports
// kCancelled, and Spawn afterwards is refused.
TEST_P(SeamTest, CancellingShutdownCancelsFibersWhichUnwind) {
  auto s = MakeScheduler(GetParam());
  auto rt = RuntimeOn(s.get());
  Mutex mu;
  Flag holding;
  auto sleeper = rt->Spawn([&]() -> absl::Status {
    MutexLock lock(&mu);
    holding.Notify();
    return async::SleepFor(absl::Hours(1));
  });
  holding.Wait();
  // Fibers queued while every worker is busy: never started.
  const int workers = s->num_workers();
  std::latch running(workers);
  std::latch release(1);
  for (int i = 0; i < workers; ++i) {
    ASSERT_TRUE(s->Submit(core::Task([&] {
                   running.count_down();
                   release.wait();
                 })).ok());
  }
  running.wait();
  std::vector<JoinHandle<void>> queued;
  for (int i = 0; i < 4; ++i) queued.push_back(rt->Spawn([] {}));
  std::thread unblock([&] {
    // Let the shutdown begin first, then free the workers.
    while (!s->shutting_down()) std::this_thread::yield();
    release.count_down();
  });
  s->Shutdown(sched::ShutdownMode::kCancelPending);
  unblock.join();
  EXPECT_TRUE(absl::IsCancelled(sleeper.Join()));
  // The sleeper's lock was released as it unwound.
  const bool lock_free = mu.TryLock();
  EXPECT_TRUE(lock_free);
  if (lock_free) mu.Unlock();
  for (auto& h : queued) EXPECT_TRUE(absl::IsCancelled(h.Join()));
  EXPECT_TRUE(absl::IsFailedPrecondition(rt->Spawn([] {}).Join()));
}

// Shutdown(kDrain) used to return while a fiber slept; the fiber's wake-up
// then aborted ("a fiber could not be scheduled"). Now a drain waits for
// every fiber the runtime holds, the sleeping one included.
TEST_P(SeamTest, DrainingShutdownWaitsForSleepingFibers) {
  auto s = MakeScheduler(GetParam());
  auto rt = RuntimeOn(s.get());
  std::atomic<int> woke{0};
  Flag asleep;
  for (int i = 0; i < 3; ++i) {
    rt->Spawn([&] {
        asleep.Notify();
        if (async::SleepFor(absl::Milliseconds(30)).ok()) woke++;
      }).Detach();
  }
  asleep.Wait();
  s->Shutdown(sched::ShutdownMode::kDrain);
  EXPECT_EQ(woke.load(), 3);
  EXPECT_EQ(rt->live_fibers(), 0u);
}

// The runtime keeps one scheduler hold while it has fibers (runtime.cc,
// "The runtime's hold"); a drain that begins with no fiber live ends it.
// A fiber spawned after that, by a task still running in the drain, must
// hold the drain for itself: it runs to the end before Shutdown returns.
// Also: a fiber spawned off the workers once the shutdown began is refused.
TEST_P(SeamTest, FiberSpawnedByATaskDuringADrainIsWaitedFor) {
  auto s = MakeScheduler(GetParam());
  auto rt = RuntimeOn(s.get());
  std::latch go(1);
  std::atomic<bool> done{false};
  std::atomic<bool> spawned{false};
  ASSERT_TRUE(s->Submit(core::Task([&] {
                 go.wait();
                 auto h = rt->Spawn([&] {
                   if (async::SleepFor(absl::Milliseconds(20)).ok()) {
                     done.store(true);
                   }
                 });
                 spawned.store(h.id().valid());
                 h.Detach();
               })).ok());
  std::thread shutdown([&] { s->Shutdown(sched::ShutdownMode::kDrain); });
  while (!s->shutting_down()) std::this_thread::yield();
  // Off the workers, after the shutdown began: refused.
  EXPECT_EQ(rt->Spawn([] {}).Join().code(),
            absl::StatusCode::kFailedPrecondition);
  go.count_down();
  shutdown.join();
  EXPECT_TRUE(spawned.load());
  EXPECT_TRUE(done.load());
  EXPECT_EQ(rt->live_fibers(), 0u);
}

// One worker; a plain task queues a setter S, then a fiber that spins
// `while (!flag) Yield();`. The old Yield pushed the fiber LIFO onto the
// deque and popped it straight back: 2,000,000 yields and counting. Now a
// yield goes behind ready work, so S runs after a yield or two.
TEST(SeamYieldTest, YieldLetsOlderWorkOfTheSameLaneRun) {
  auto rt = MakeRuntime(1);
  std::atomic<bool> flag{false};
  std::atomic<int> yields{-1};
  std::latch done(1);
  ASSERT_TRUE(rt->scheduler()
                  ->Submit(core::Task([&] {
                    ASSERT_TRUE(
                        rt->scheduler()
                            ->Submit(core::Task([&] { flag.store(true); }))
                            .ok());
                    rt->Spawn([&] {
                        int n = 0;
                        while (!flag.load() && n < 1000000) {
                          Yield();
                          ++n;
                        }
                        yields = n;
                        done.count_down();
                      }).Detach();
                  }))
                  .ok());
  done.wait();
  EXPECT_TRUE(flag.load());
  EXPECT_LE(yields.load(), 4);
}

// A fiber spawned by a running fiber while no worker is idle waits in that
// worker's run-next slot. The old slot was private to the worker's thread:
// if the spawner then computed without yielding, the new fiber waited for
// it although the other worker had gone idle (300 ms in the report; for
// ever here). Now an idle worker about to park takes the slot's fiber.
TEST(SeamRunNextTest, IdleWorkerTakesAFiberWaitingInABusyWorkersSlot) {
  auto rt = MakeRuntime(2);
  std::atomic<bool> occupier_running{false};
  std::atomic<bool> go{false};
  std::atomic<bool> child_ran{false};
  // Keep the other worker busy until the child is in the slot.
  ASSERT_TRUE(rt->scheduler()
                  ->Submit(core::Task([&] {
                    occupier_running = true;
                    while (!go.load()) core::CpuRelax();
                  }))
                  .ok());
  while (!occupier_running.load()) std::this_thread::yield();
  bool seen = rt->Spawn([&] {
                  // No worker is idle: the child goes into this worker's
                  // slot. Then free the other worker and compute (spin)
                  // without yielding until the child has run.
                  rt->Spawn([&] { child_ran = true; }).Detach();
                  go = true;
                  const absl::Time give_up = absl::Now() + absl::Seconds(60);
                  while (!child_ran.load() && absl::Now() < give_up) {
                    core::CpuRelax();
                  }
                  return child_ran.load();
                })
                  .Join()
                  .value_or(false);
  EXPECT_TRUE(seen);
}

INSTANTIATE_TEST_SUITE_P(Workers, SeamTest, ::testing::Values(1, 2, 4),
                         [](const ::testing::TestParamInfo<int>& p) {
                           return "w" + std::to_string(p.param);
                         });

}  // namespace
}  // namespace moirai::async
