// Copyright 2026 The Moirai Authors.
//
// sched/scheduler_test.cc
// -----------------------------------------------------------------------------
//
// Conserved quantities: every submitted task runs exactly once (a per-task
// counter ends at 1), under every steal strategy and 1..16 workers, including
// tasks that submit tasks; shutdown either runs or cancels each queued task,
// and the report's count equals the futures that came back kCancelled.

#include "moirai/sched/scheduler.h"
#include "moirai/sched/internal/test_configs.h"

#include <algorithm>
#include <atomic>
#include <latch>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "moirai/core/arch.h"
#include "moirai/core/future.h"
#include "moirai/core/priority.h"
#include "moirai/core/task.h"
#include "moirai/core/task_context.h"
#include "moirai/lockfree/work_stealing_deque.h"

namespace moirai::sched {
namespace {

using core::Priority;

#if defined(MOIRAI_TSAN) || defined(MOIRAI_ASAN)
constexpr int kRoots = 200;
#else
constexpr int kRoots = 2000;
#endif

using internal::MakeScheduler;
using internal::OccupyWorker;
using internal::WaitFor;

TEST(SchedulerTest, CreateRejectsBadOptions) {
  EXPECT_EQ(Scheduler::Create({.num_workers = -1}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Scheduler::Create({.num_workers = 100000}).status().code(),
            absl::StatusCode::kInvalidArgument);
  SchedulerOptions o;
  o.num_workers = 1;
  o.aging_limit = 0;
  EXPECT_EQ(Scheduler::Create(o).status().code(),
            absl::StatusCode::kInvalidArgument);
  o.aging_limit = 16;
  o.spin_rounds = -1;
  EXPECT_EQ(Scheduler::Create(o).status().code(),
            absl::StatusCode::kInvalidArgument);
  o.spin_rounds = 0;
  o.steal_policy = StealPolicy::kLocalityAware;
  o.worker_places = {WorkerPlace{}, WorkerPlace{}};  // 2 places, 1 worker
  EXPECT_EQ(Scheduler::Create(o).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(SchedulerTest, DefaultWorkerCountIsHardware) {
  auto s = MakeScheduler({});
  EXPECT_GE(s->num_workers(), 1);
}

TEST(SchedulerTest, SubmitRejectsEmptyTask) {
  auto s = MakeScheduler({.num_workers = 1});
  EXPECT_EQ(s->Submit(core::Task()).code(), absl::StatusCode::kInvalidArgument);
}

using Config = internal::TestConfig;

class EveryTaskOnceTest : public ::testing::TestWithParam<Config> {};

// kRoots external submissions; each root submits two children from inside
// its worker, and each child one grandchild. Every task bumps its own slot.
TEST_P(EveryTaskOnceTest, EveryTaskRunsExactlyOnce) {
  const Config c = GetParam();
  SchedulerOptions o;
  o.num_workers = c.workers;
  o.steal_policy = c.policy;
  if (c.policy == StealPolicy::kLocalityAware) {
    // Two fake LLC domains on two nodes.
    for (int i = 0; i < c.workers; ++i) {
      o.worker_places.push_back(WorkerPlace{i % 2, (i / 2) % 2});
    }
  }
  auto s = MakeScheduler(o);
  constexpr int kPerRoot = 1 + 2 + 2;
  std::vector<std::atomic<int>> runs(kRoots * kPerRoot);
  std::latch done(kRoots * kPerRoot);
  Scheduler* sp = s.get();
  for (int r = 0; r < kRoots; ++r) {
    ASSERT_TRUE(s->Submit(core::Task([&, r, sp] {
                   EXPECT_EQ(Scheduler::Current(), sp);
                   runs[r * kPerRoot].fetch_add(1);
                   for (int k = 0; k < 2; ++k) {
                     const int child = r * kPerRoot + 1 + 2 * k;
                     EXPECT_TRUE(sp->Submit(core::Task([&, child, sp] {
                                     runs[child].fetch_add(1);
                                     EXPECT_TRUE(
                                         sp->Submit(core::Task([&, child] {
                                             runs[child + 1].fetch_add(1);
                                             done.count_down();
                                           }))
                                             .ok());
                                     done.count_down();
                                   }))
                                     .ok());
                   }
                   done.count_down();
                 })).ok());
  }
  done.wait();
  for (int i = 0; i < kRoots * kPerRoot; ++i) {
    ASSERT_EQ(runs[i].load(), 1) << "task " << i;
  }
  // The executed counters add up (read after a drain so they are final).
  s->Shutdown(ShutdownMode::kDrain);
  std::uint64_t executed = 0;
  for (const WorkerStats& w : s->Stats().workers) executed += w.executed;
  EXPECT_EQ(executed, static_cast<std::uint64_t>(kRoots * kPerRoot));
}

INSTANTIATE_TEST_SUITE_P(StrategiesAndWorkers, EveryTaskOnceTest,
                         ::testing::ValuesIn(internal::AllTestConfigs()),
                         internal::TestConfigName);

// A user-supplied strategy is used (it records that it was asked).
class CountingStrategy final : public StealStrategy {
 public:
  absl::string_view name() const override { return "counting"; }
  void Victims(int thief, int num_workers, std::uint64_t random,
               std::vector<int>* out) const override {
    calls.fetch_add(1, std::memory_order_relaxed);
    for (int i = 0; i < num_workers; ++i) out->push_back(i);
  }
  mutable std::atomic<int> calls{0};
};

TEST(SchedulerTest, CustomStealStrategyIsUsed) {
  auto strategy = std::make_shared<CountingStrategy>();
  SchedulerOptions o;
  o.num_workers = 2;
  o.steal_strategy = strategy;
  auto s = MakeScheduler(o);
  EXPECT_EQ(s->steal_strategy_name(), "counting");
  std::vector<core::Future<int>> fs;
  for (int i = 0; i < 100; ++i) fs.push_back(s->Spawn([i] { return i; }));
  for (int i = 0; i < 100; ++i) EXPECT_EQ(*std::move(fs[i]).Get(), i);
  // Idle workers search (and so ask the strategy) before they park.
  EXPECT_TRUE(WaitFor([&] { return strategy->calls.load() > 0; }));
}

TEST(SchedulerTest, SpawnDeliversValuesAndExceptions) {
  auto s = MakeScheduler({.num_workers = 2});
  core::Future<int> v = s->Spawn([] { return 6 * 7; });
  core::Future<void> e =
      s->Spawn([]() -> void { throw std::runtime_error("boom"); });
  absl::StatusOr<int> r = std::move(v).Get();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, 42);
  absl::Status es = std::move(e).Get();
  EXPECT_FALSE(es.ok());
  EXPECT_NE(std::string(es.message()).find("boom"), std::string::npos) << es;
}

TEST(SchedulerTest, UncaughtExceptionFromSubmitIsRecorded) {
  auto s = MakeScheduler({.num_workers = 1});
  ASSERT_TRUE(
      s->Submit(core::Task([] { throw std::runtime_error("lost?"); })).ok());
  s->Shutdown();
  EXPECT_EQ(s->Stats().uncaught_exceptions, 1);
  EXPECT_NE(std::string(s->last_uncaught_error().message()).find("lost?"),
            std::string::npos);
}

TEST(SchedulerTest, CurrentAndTaskContextInsideTasks) {
  auto s = MakeScheduler({.num_workers = 2});
  EXPECT_EQ(Scheduler::Current(), nullptr);
  EXPECT_EQ(Scheduler::CurrentWorkerIndex(), -1);
  core::Task t([] {}, Priority::kHigh);
  core::Future<bool> f = s->Spawn(
      [sp = s.get()] {
        core::TaskContext* ctx = core::TaskContext::current();
        const int idx = Scheduler::CurrentWorkerIndex();
        return Scheduler::Current() == sp && ctx != nullptr &&
               ctx->id().valid() && ctx->priority() == Priority::kHigh &&
               idx >= 0 && idx < sp->num_workers();
      },
      Priority::kHigh);
  absl::StatusOr<bool> ok = std::move(f).Get();
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(*ok);
  EXPECT_EQ(core::TaskContext::current(), nullptr);
}

// With one worker busy, queued tasks run most urgent first.
TEST(SchedulerTest, PriorityOrderWithOneWorker) {
  auto s = MakeScheduler({.num_workers = 1});
  std::latch release(1);
  std::latch blocker_running(1);
  ASSERT_TRUE(s->Submit(core::Task([&] {
                 blocker_running.count_down();
                 release.wait();
               })).ok());
  blocker_running.wait();
  std::mutex mu;
  std::vector<Priority> order;
  for (Priority p : {Priority::kBackground, Priority::kLow, Priority::kNormal,
                     Priority::kHigh, Priority::kCritical}) {
    ASSERT_TRUE(s->Submit(core::Task(
                              [&, p] {
                                std::lock_guard<std::mutex> l(mu);
                                order.push_back(p);
                              },
                              p))
                    .ok());
  }
  release.count_down();
  s->Shutdown();
  EXPECT_EQ(order, (std::vector<Priority>{Priority::kCritical, Priority::kHigh,
                                          Priority::kNormal, Priority::kLow,
                                          Priority::kBackground}));
}

// One worker; high-priority tasks keep arriving (each resubmits another) for
// as long as the background task has not run. Without aging this never ends
// (the test would time out); with it the background task runs.
TEST(SchedulerTest, BackgroundDoesNotStarve) {
  auto s = MakeScheduler({.num_workers = 1});
  std::atomic<bool> background_ran{false};
  std::atomic<int> high_runs{0};
  constexpr int kCap = 1000000;  // a safety net: fail instead of hanging
  Scheduler* sp = s.get();
  struct Feeder {
    Scheduler* sp;
    std::atomic<bool>* bg;
    std::atomic<int>* runs;
    void operator()() const {
      if (bg->load() || runs->fetch_add(1) >= kCap) return;
      // Two high-priority successors: the high lane never empties.
      for (int i = 0; i < 2 && runs->load() < kCap; ++i) {
        (void)sp->Submit(core::Task(Feeder{sp, bg, runs}, Priority::kHigh));
      }
    }
  };
  ASSERT_TRUE(s->Submit(core::Task(Feeder{sp, &background_ran, &high_runs},
                                   Priority::kHigh))
                  .ok());
  ASSERT_TRUE(s->Submit(core::Task([&] { background_ran.store(true); },
                                   Priority::kBackground))
                  .ok());
  s->Shutdown();
  EXPECT_TRUE(background_ran.load());
  EXPECT_LT(high_runs.load(), kCap) << "background starved";
}

// aging_limit = 1 used to invert the priorities: the pick that first passed
// over the kHigh lane also served it (the pass-over was counted before the
// choice), so every pick took kHigh and the kCritical task ran after all
// 1000 kHigh tasks. Now a lane is served after it has been passed over
// aging_limit times: the two lanes alternate.
TEST(SchedulerTest, AgingLimitOneAlternatesInsteadOfInverting) {
  auto s = MakeScheduler({.num_workers = 1, .aging_limit = 1});
  std::latch release(1);
  OccupyWorker(s.get(), &release);
  std::mutex mu;
  std::vector<Priority> order;
  auto record = [&](Priority p) {
    return core::Task(
        [&, p] {
          std::lock_guard<std::mutex> l(mu);
          order.push_back(p);
        },
        p);
  };
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(s->Submit(record(Priority::kHigh)).ok());
  }
  ASSERT_TRUE(s->Submit(record(Priority::kCritical)).ok());
  release.count_down();
  s->Shutdown();
  ASSERT_EQ(order.size(), 1001u);
  const auto critical =
      std::find(order.begin(), order.end(), Priority::kCritical) -
      order.begin();
  EXPECT_LE(critical, 1) << "kCritical ran after " << critical << " kHigh";
}

// Same-lane starvation: one worker; a task submits V, then starts a chain of
// 100,000 tasks that each submit the next (all kNormal, on the worker's own
// deque). The deque is LIFO, so V used to run only after the whole chain.
// Now every 64th top-level pick takes the lane's oldest task.
TEST(SchedulerTest, SameLaneChainDoesNotStarveAnOlderTask) {
  auto s = MakeScheduler({.num_workers = 1});
  constexpr int kChain = 100000;
  std::atomic<int> chain_done{0};
  std::atomic<int> chain_at_v{-1};
  struct Chain {
    Scheduler* s;
    std::atomic<int>* done;
    void operator()() const {
      if (done->fetch_add(1, std::memory_order_relaxed) + 1 < kChain) {
        (void)s->Submit(core::Task(Chain{s, done}));
      }
    }
  };
  ASSERT_TRUE(s->Submit(core::Task([&] {
                 (void)s->Submit(core::Task([&] {
                   chain_at_v.store(chain_done.load(std::memory_order_relaxed),
                                    std::memory_order_relaxed);
                 }));
                 (void)s->Submit(core::Task(Chain{s.get(), &chain_done}));
               })).ok());
  s->Shutdown();
  EXPECT_EQ(chain_done.load(), kChain);
  EXPECT_GE(chain_at_v.load(), 0);
  EXPECT_LT(chain_at_v.load(), 1000) << "V waited for the chain";
}

TEST(SchedulerTest, ShutdownDrainRunsEverything) {
  auto s = MakeScheduler({.num_workers = 2});
  std::atomic<int> ran{0};
  constexpr int kTasks = 1000;
  for (int i = 0; i < kTasks; ++i) {
    ASSERT_TRUE(s->Submit(core::Task([&] { ran.fetch_add(1); })).ok());
  }
  ShutdownReport r = s->Shutdown(ShutdownMode::kDrain);
  EXPECT_EQ(r.cancelled, 0);
  EXPECT_EQ(ran.load(), kTasks);
  // After shutdown: rejected, loudly.
  EXPECT_EQ(s->Submit(core::Task([] {})).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(std::move(s->Spawn([] { return 1; })).Get().status().code(),
            absl::StatusCode::kFailedPrecondition);
  // Idempotent.
  EXPECT_EQ(s->Shutdown(ShutdownMode::kCancelPending).mode,
            ShutdownMode::kDrain);
}

TEST(SchedulerTest, ShutdownCancelPendingCancelsQueuedTasks) {
  auto s = MakeScheduler({.num_workers = 1});
  std::latch release(1);
  std::latch blocker_running(1);
  core::Future<int> blocker = s->Spawn([&] {
    blocker_running.count_down();
    release.wait();
    return 7;
  });
  blocker_running.wait();
  constexpr int kQueued = 50;
  std::atomic<int> ran{0};
  std::vector<core::Future<int>> queued;
  for (int i = 0; i < kQueued; ++i) {
    queued.push_back(s->Spawn([&, i] {
      ran.fetch_add(1);
      return i;
    }));
  }
  ShutdownReport report;
  std::thread stopper(
      [&] { report = s->Shutdown(ShutdownMode::kCancelPending); });
  // The running task is not interrupted: release it once the shutdown began.
  ASSERT_TRUE(WaitFor([&] { return s->shutting_down(); }));
  release.count_down();
  stopper.join();
  EXPECT_EQ(report.mode, ShutdownMode::kCancelPending);
  EXPECT_EQ(report.cancelled, kQueued);
  EXPECT_EQ(ran.load(), 0);
  EXPECT_EQ(*std::move(blocker).Get(), 7);
  for (auto& f : queued) {
    EXPECT_EQ(std::move(f).Get().status().code(), absl::StatusCode::kCancelled);
  }
}

TEST(SchedulerTest, TwoSchedulersAtOnce) {
  auto a = MakeScheduler({.num_workers = 2});
  auto b = MakeScheduler({.num_workers = 3});
  std::atomic<int> on_a{0}, on_b{0};
  std::vector<core::Future<void>> fs;
  for (int i = 0; i < 200; ++i) {
    // A task on `a` spawns one on `b` and waits for it.
    fs.push_back(a->Spawn([&, pa = a.get(), pb = b.get()] {
      if (Scheduler::Current() == pa) on_a.fetch_add(1);
      core::Future<void> inner = pb->Spawn([&, pb] {
        if (Scheduler::Current() == pb) on_b.fetch_add(1);
      });
      EXPECT_TRUE(std::move(inner).Get().ok());
    }));
  }
  for (auto& f : fs) EXPECT_TRUE(std::move(f).Get().ok());
  EXPECT_EQ(on_a.load(), 200);
  EXPECT_EQ(on_b.load(), 200);
}

// After work ends every worker parks (stats), and a new submission still
// wakes one (no lost wake-up).
TEST(SchedulerTest, IdleWorkersParkAndWakeUp) {
  auto s = MakeScheduler({.num_workers = 4});
  std::vector<core::Future<int>> fs;
  for (int i = 0; i < 1000; ++i) fs.push_back(s->Spawn([i] { return i; }));
  for (auto& f : fs) ASSERT_TRUE(std::move(f).Get().ok());
  auto all_parked = [&] {
    for (const WorkerStats& w : s->Stats().workers) {
      if (!w.parked) return false;
    }
    return true;
  };
  ASSERT_TRUE(WaitFor(all_parked));
  for (int round = 0; round < 20; ++round) {
    EXPECT_EQ(*s->Spawn([round] { return round; }).Get(), round);
    ASSERT_TRUE(WaitFor(all_parked));
  }
  std::uint64_t parks = 0;
  for (const WorkerStats& w : s->Stats().workers) parks += w.parks;
  EXPECT_GE(parks, 4u);
}

// Submissions from many external threads while workers park and wake: every
// task completes (a lost wake-up would hang a Get()).
TEST(SchedulerTest, ConcurrentExternalSubmitters) {
  SchedulerOptions o;
  o.num_workers = 2;
  o.idle_policy = IdlePolicy::kParkImmediately;
  auto s = MakeScheduler(o);
  constexpr int kThreads = 4;
#if defined(MOIRAI_TSAN)
  constexpr int kEach = 300;
#else
  constexpr int kEach = 3000;
#endif
  std::atomic<int> ran{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t) {
    ts.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        core::Future<void> f = s->Spawn([&] { ran.fetch_add(1); });
        // Every 10th waits, so workers keep going idle and being woken.
        if (i % 10 == 0) {
          EXPECT_TRUE(std::move(f).Get().ok());
        }
      }
    });
  }
  for (auto& t : ts) t.join();
  s->Shutdown();
  EXPECT_EQ(ran.load(), kThreads * kEach);
}

// The adaptive deque fences (SchedulerOptions::deque_fences = kAuto): a
// workload where every task is stolen must switch the deques to symmetric
// fences. One producer task pushes kTasks tasks on its own worker's deque
// (Submit from a worker: a fenced push, so a parked worker is woken) and then
// waits for them without popping, so the other worker steals and executes
// every one of them: 1 steal per executed task, far above the budget
// (49 fenced attempts per 65536 tasks on 2 workers; steal.cc).
TEST(SchedulerTest, StealHeavyWorkloadDowngradesDequeFences) {
  constexpr int kTasks = 1000;
  // Whether deques start asymmetric in this process (membarrier available,
  // or the TSan emulation): only then is there anything to downgrade.
  const bool asymmetric =
      lockfree::WorkStealingDeque<int>().uses_asymmetric_fences();
  for (lockfree::DequeFences f :
       {lockfree::DequeFences::kAuto, lockfree::DequeFences::kSymmetric}) {
    SchedulerOptions o;
    o.num_workers = 2;
    o.deque_fences = f;
    auto s = MakeScheduler(o);
    EXPECT_FALSE(s->Stats().deque_fences_downgraded);
    std::atomic<int> done{0};
    Scheduler* sp = s.get();
    core::Future<int> producer = s->Spawn([sp, &done] {
      for (int i = 0; i < kTasks; ++i) {
        EXPECT_TRUE(sp->Submit(core::Task([&done] {
                        done.fetch_add(1, std::memory_order_relaxed);
                      }))
                        .ok());
      }
      while (done.load(std::memory_order_relaxed) < kTasks) {
        std::this_thread::yield();
      }
      return Scheduler::CurrentWorkerIndex();
    });
    absl::StatusOr<int> producer_worker = std::move(producer).Get();
    ASSERT_TRUE(producer_worker.ok()) << producer_worker.status();
    s->Shutdown();
    const SchedulerStats st = s->Stats();
    const int thief = 1 - *producer_worker;
    EXPECT_GE(st.workers[static_cast<std::size_t>(thief)].stolen,
              static_cast<std::uint64_t>(kTasks));
    EXPECT_EQ(st.deque_fences_downgraded,
              asymmetric && f == lockfree::DequeFences::kAuto);
  }
}

TEST(SchedulerTest, StatsReportQueues) {
  auto s = MakeScheduler({.num_workers = 1});
  std::latch release(1);
  OccupyWorker(s.get(), &release);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(s->Submit(core::Task([] {})).ok());
  SchedulerStats st = s->Stats();
  EXPECT_EQ(st.injection_queue_length, 5);
  EXPECT_EQ(st.pending, 6);
  release.count_down();
  s->Shutdown();
  st = s->Stats();
  EXPECT_EQ(st.pending, 0);
  EXPECT_EQ(st.workers[0].executed, 6u);
}

}  // namespace
}  // namespace moirai::sched
