// Copyright 2026 The Moirai Authors.
//
// sched/task_group_test.cc
// -----------------------------------------------------------------------------
//
// Fork-join correctness: fib computed by nested TaskGroups equals the serial
// value under every strategy and 1..16 workers; a tree of nested groups runs
// every leaf exactly once; cancellation skips queued tasks; exceptions reach
// Wait(); the split join counter (home forks counted without atomics) stays
// exact when the forks finish elsewhere, when the group's own tasks fork into
// it from other workers, and when the waiter is not on the home worker.

#include "moirai/sched/task_group.h"

#include <atomic>
#include <cstdio>
#include <functional>
#include <latch>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "moirai/core/arch.h"
#include "moirai/core/task_context.h"
#include "moirai/sched/internal/test_configs.h"
#include "moirai/sched/scheduler.h"

namespace moirai::sched {
namespace {

#if defined(MOIRAI_TSAN) || defined(MOIRAI_ASAN)
constexpr int kFibN = 16;
#else
constexpr int kFibN = 22;
#endif

using internal::MakeScheduler;
using internal::OccupyWorker;

long SerialFib(int n) {
  return n < 2 ? n : SerialFib(n - 1) + SerialFib(n - 2);
}

long Fib(int n) {
  if (n < 2) return n;
  long a = 0, b = 0;
  TaskGroup g;
  g.Run([&] { a = Fib(n - 1); });
  b = Fib(n - 2);
  EXPECT_TRUE(g.Wait().ok());
  return a + b;
}

using Config = internal::TestConfig;

class FibTest : public ::testing::TestWithParam<Config> {};

TEST_P(FibTest, NestedForkJoinComputesFib) {
  SchedulerOptions o;
  o.num_workers = GetParam().workers;
  o.steal_policy = GetParam().policy;
  auto s = MakeScheduler(o);
  core::Future<long> f = s->Spawn([] { return Fib(kFibN); });
  absl::StatusOr<long> r = std::move(f).Get();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, SerialFib(kFibN));
}

INSTANTIATE_TEST_SUITE_P(StrategiesAndWorkers, FibTest,
                         ::testing::ValuesIn(internal::AllTestConfigs()),
                         internal::TestConfigName);

// Both deque fence modes (SchedulerOptions::deque_fences) compute the same
// fib, with 1 worker (no steals) and 4 (steals, on 2 cores oversubscribed).
TEST(TaskGroupTest, BothDequeFenceModesComputeFib) {
  for (lockfree::DequeFences f :
       {lockfree::DequeFences::kAuto, lockfree::DequeFences::kSymmetric}) {
    for (int workers : {1, 4}) {
      SchedulerOptions o;
      o.num_workers = workers;
      o.deque_fences = f;
      auto s = MakeScheduler(o);
      absl::StatusOr<long> r = s->Spawn([] { return Fib(kFibN); }).Get();
      ASSERT_TRUE(r.ok()) << r.status();
      EXPECT_EQ(*r, SerialFib(kFibN));
    }
  }
}

// The adaptive deque fences keep fork-join asymmetric: fib steals only a few
// large subtrees (each stolen task is the oldest, biggest pending sibling),
// far below the downgrade's budget (49 fenced steal attempts per 65536
// executed tasks on 2 workers; steal.cc).
TEST(TaskGroupTest, ForkJoinKeepsAsymmetricDequeFences) {
  SchedulerOptions o;
  o.num_workers = 2;
  auto s = MakeScheduler(o);
  absl::StatusOr<long> r = s->Spawn([] { return Fib(kFibN); }).Get();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, SerialFib(kFibN));
  s->Shutdown();
  const SchedulerStats st = s->Stats();
  std::uint64_t stolen = 0, executed = 0;
  for (const WorkerStats& w : st.workers) {
    stolen += w.stolen;
    executed += w.executed;
  }
  std::printf("fib(%d): %llu tasks executed, %llu stolen\n", kFibN,
              static_cast<unsigned long long>(executed),
              static_cast<unsigned long long>(stolen));
  EXPECT_FALSE(st.deque_fences_downgraded);
}

// A 4-ary tree of nested groups, depth 5: every leaf bumps its own slot.
void Tree(int depth, int index, std::vector<std::atomic<int>>* leaves) {
  if (depth == 0) {
    (*leaves)[index].fetch_add(1);
    return;
  }
  TaskGroup g;
  for (int k = 0; k < 4; ++k) {
    g.Run([=] { Tree(depth - 1, index * 4 + k, leaves); });
  }
  EXPECT_TRUE(g.Wait().ok());
}

TEST(TaskGroupTest, NestedGroupsRunEveryLeafOnce) {
  auto s = MakeScheduler({.num_workers = 4});
  std::vector<std::atomic<int>> leaves(1024);
  ASSERT_TRUE(s->Spawn([&] { Tree(5, 0, &leaves); }).Get().ok());
  for (int i = 0; i < 1024; ++i) ASSERT_EQ(leaves[i].load(), 1) << i;
}

// The group's own tasks fork into it again, from whichever worker runs them
// (home forks on the creator's worker, counted forks elsewhere), and the
// creator's Wait waits for all of them: every node of a 4-ary tree of depth 5
// runs exactly once.
class SameGroupTreeTest : public ::testing::TestWithParam<Config> {};

void SpreadInto(TaskGroup* g, int depth, int index,
                std::vector<std::atomic<int>>* nodes) {
  (*nodes)[index].fetch_add(1);
  if (depth == 0) return;
  for (int k = 0; k < 4; ++k) {
    g->Run([=] { SpreadInto(g, depth - 1, index * 4 + k + 1, nodes); });
  }
}

TEST_P(SameGroupTreeTest, NestedRunsIntoOneGroupAreAllWaitedFor) {
  SchedulerOptions o;
  o.num_workers = GetParam().workers;
  o.steal_policy = GetParam().policy;
  auto s = MakeScheduler(o);
  // Indices: node i has children 4i+1..4i+4; depth 5 -> (4^6-1)/3 nodes.
  constexpr int kNodes = (4096 - 1) / 3;
  for (int round = 0; round < 3; ++round) {
    std::vector<std::atomic<int>> nodes(kNodes);
    absl::Status st = s->Spawn([&] {
                         TaskGroup g;
                         SpreadInto(&g, 5, 0, &nodes);
                         return g.Wait();
                       })
                          .Get()
                          .value();
    ASSERT_TRUE(st.ok()) << st;
    for (int i = 0; i < kNodes; ++i) ASSERT_EQ(nodes[i].load(), 1) << i;
  }
}

INSTANTIATE_TEST_SUITE_P(StrategiesAndWorkers, SameGroupTreeTest,
                         ::testing::ValuesIn(internal::AllTestConfigs()),
                         internal::TestConfigName);

// A group created inside a task (so with a home worker, whose forks are
// counted in its local count) is waited for by a thread that is not a worker
// at all, after the creating task returned: the forks finish on the workers'
// main loops (not inside the group's home Wait), so they must be counted
// through the atomic count and wake the external waiter.
TEST(TaskGroupTest, HomeForksWaitedForByExternalThread) {
  for (int workers : {1, 2, 4}) {
    auto s = MakeScheduler({.num_workers = workers});
    constexpr int kTasks = 200;
    std::vector<std::atomic<int>> runs(kTasks);
    std::atomic<bool> go{false};
    std::unique_ptr<TaskGroup> g;
    ASSERT_TRUE(s->Spawn([&] {
                   g = std::make_unique<TaskGroup>();
                   for (int i = 0; i < kTasks; ++i) {
                     g->Run([&, i] {
                       // Hold the first task until the waiter is about to
                       // wait, so that it (usually) has to park.
                       if (i == 0) {
                         while (!go.load()) core::CpuRelax();
                       }
                       runs[i].fetch_add(1);
                     });
                   }
                 })
                    .Get()
                    .ok());
    go.store(true);
    EXPECT_TRUE(g->Wait().ok());
    for (int i = 0; i < kTasks; ++i) ASSERT_EQ(runs[i].load(), 1) << i;
    // Reuse from the same external thread: now off-worker forks.
    std::atomic<int> again{0};
    g->Run([&] { again.fetch_add(1); });
    EXPECT_TRUE(g->Wait().ok());
    EXPECT_EQ(again.load(), 1);
  }
}

// The waiter is a worker, but not the group's home worker (as when a fiber
// that created the group migrates): the home worker forks, then blocks until
// a task submitted from outside (so run by another worker) has started and
// waits on the group. The waiter steals the home forks (finishing them off
// the home worker) while the released home worker runs the rest in its main
// loop; both finish through the atomic count.
TEST(TaskGroupTest, HomeForksWaitedForByAnotherWorker) {
  for (int round = 0; round < 20; ++round) {
    auto s = MakeScheduler({.num_workers = 2});
    constexpr int kTasks = 64;
    std::vector<std::atomic<int>> runs(kTasks);
    std::unique_ptr<TaskGroup> g;
    std::atomic<bool> forked{false}, waiter_started{false};
    std::atomic<int> home_index{-1}, waiter_index{-1};
    ASSERT_TRUE(s->Submit(core::Task([&] {
                   home_index.store(Scheduler::CurrentWorkerIndex());
                   g = std::make_unique<TaskGroup>();
                   for (int i = 0; i < kTasks; ++i) {
                     g->Run([&, i] { runs[i].fetch_add(1); });
                   }
                   forked.store(true);
                   // Hold the home worker until the waiter runs elsewhere.
                   while (!waiter_started.load()) core::CpuRelax();
                 })).ok());
    while (!forked.load()) core::CpuRelax();
    core::Future<absl::Status> waited = s->Spawn([&] {
      waiter_index.store(Scheduler::CurrentWorkerIndex());
      waiter_started.store(true);
      return g->Wait();
    });
    absl::StatusOr<absl::Status> st = std::move(waited).Get();
    ASSERT_TRUE(st.ok() && st->ok());
    EXPECT_NE(home_index.load(), waiter_index.load());
    for (int i = 0; i < kTasks; ++i) ASSERT_EQ(runs[i].load(), 1) << i;
  }
}

// Home forks of a cancelled group are skipped by the home Wait's fast path
// (which counts them without atomics) and Wait still reports kCancelled.
TEST(TaskGroupTest, CancelledHomeForksAreSkipped) {
  auto s = MakeScheduler({.num_workers = 1});
  std::atomic<int> ran{0};
  absl::Status st = s->Spawn([&] {
                       TaskGroup g;
                       for (int i = 0; i < 10; ++i) {
                         g.Run([&] { ran.fetch_add(1); });
                       }
                       g.Cancel();
                       absl::Status w = g.Wait();
                       // Reusable: a new fork after Wait is dropped too
                       // (cancellation is sticky), and Wait returns at once.
                       g.Run([&] { ran.fetch_add(1); });
                       EXPECT_EQ(g.Wait().code(), absl::StatusCode::kCancelled);
                       return w;
                     })
                        .Get()
                        .value();
  EXPECT_EQ(st.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(ran.load(), 0);
}

TEST(TaskGroupTest, GroupFromExternalThread) {
  auto s = MakeScheduler({.num_workers = 2});
  std::vector<std::atomic<int>> runs(1000);
  TaskGroup g(s.get());
  for (int i = 0; i < 1000; ++i) g.Run([&, i] { runs[i].fetch_add(1); });
  EXPECT_TRUE(g.Wait().ok());
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(runs[i].load(), 1);
  // Reusable after Wait.
  std::atomic<int> again{0};
  g.Run([&] { again.fetch_add(1); });
  EXPECT_TRUE(g.Wait().ok());
  EXPECT_EQ(again.load(), 1);
}

TEST(TaskGroupTest, ExceptionIsCapturedAndReturned) {
  auto s = MakeScheduler({.num_workers = 2});
  absl::Status st = s->Spawn([] {
                       TaskGroup g;
                       g.Run([] { throw std::runtime_error("fork failed"); });
                       absl::Status w = g.Wait();
                       EXPECT_NE(g.exception(), nullptr);
                       return w;
                     })
                        .Get()
                        .value();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(std::string(st.message()).find("fork failed"), std::string::npos)
      << st;
}

// One worker, blocked: tasks queued in a group are skipped after Cancel().
TEST(TaskGroupTest, CancelSkipsQueuedTasksAndCancelsToken) {
  auto s = MakeScheduler({.num_workers = 1});
  std::latch release(1);
  OccupyWorker(s.get(), &release);
  TaskGroup g(s.get());
  core::CancellationToken token = g.token();
  std::atomic<int> ran{0};
  for (int i = 0; i < 10; ++i) g.Run([&] { ran.fetch_add(1); });
  g.Cancel();
  EXPECT_TRUE(token.IsCancellationRequested());
  release.count_down();
  EXPECT_EQ(g.Wait().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(ran.load(), 0);
  // Run on a cancelled group drops the task.
  g.Run([&] { ran.fetch_add(1); });
  EXPECT_EQ(g.Wait().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(ran.load(), 0);
}

// Tasks see the group's token in their TaskContext and can stop early.
TEST(TaskGroupTest, TasksObserveGroupTokenThroughContext) {
  auto s = MakeScheduler({.num_workers = 2});
  TaskGroup g(s.get());
  core::CancellationToken token = g.token();
  std::atomic<bool> saw_token{false};
  std::atomic<bool> saw_cancel{false};
  std::latch started(1);
  g.Run([&] {
    core::TaskContext* ctx = core::TaskContext::current();
    saw_token.store(ctx != nullptr && ctx->cancellation() == token);
    started.count_down();
    while (ctx != nullptr && !ctx->IsCancellationRequested()) core::CpuRelax();
    saw_cancel.store(true);
  });
  started.wait();
  g.Cancel();
  EXPECT_EQ(g.Wait().code(), absl::StatusCode::kCancelled);
  EXPECT_TRUE(saw_token.load());
  EXPECT_TRUE(saw_cancel.load());
}

// After shutdown a group run from outside executes inline: nothing is lost.
// Run() without a priority used to fork at kNormal whatever the parent ran
// at; children now inherit the calling task's priority.
TEST(TaskGroupTest, ChildrenInheritTheParentsPriority) {
  auto s = MakeScheduler({.num_workers = 2});
  for (core::Priority p : {core::Priority::kCritical, core::Priority::kLow,
                           core::Priority::kBackground}) {
    core::Future<core::Priority> f = s->Spawn(
        [sp = s.get()] {
          core::Priority child = core::Priority::kNormal;
          TaskGroup g(sp);
          g.Run([&] { child = core::TaskContext::current()->priority(); });
          EXPECT_TRUE(g.Wait().ok());
          return child;
        },
        p);
    absl::StatusOr<core::Priority> got = std::move(f).Get();
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(*got, p);
  }
  // Outside any task: kNormal; an explicit priority wins.
  TaskGroup g(s.get());
  std::atomic<int> seen_normal{0}, seen_low{0};
  g.Run([&] {
    if (core::TaskContext::current()->priority() == core::Priority::kNormal) {
      seen_normal++;
    }
  });
  g.Run(
      [&] {
        if (core::TaskContext::current()->priority() == core::Priority::kLow) {
          seen_low++;
        }
      },
      core::Priority::kLow);
  ASSERT_TRUE(g.Wait().ok());
  EXPECT_EQ(seen_normal.load(), 1);
  EXPECT_EQ(seen_low.load(), 1);
}

// Cancel() used to run the token's callbacks under the group's mutex, so a
// callback that touched the group (token(), here) deadlocked.
TEST(TaskGroupTest, CancelCallbackMayUseTheGroup) {
  auto s = MakeScheduler({.num_workers = 1});
  TaskGroup g(s.get());
  std::atomic<bool> called{false};
  core::CancellationRegistration reg = g.token().OnCancel([&] {
    EXPECT_TRUE(g.token().IsCancellationRequested());
    EXPECT_TRUE(g.IsCancelled());
    called = true;
  });
  g.Cancel();
  EXPECT_TRUE(called.load());
  EXPECT_TRUE(absl::IsCancelled(g.Wait()));
}

TEST(TaskGroupTest, RunAfterShutdownRunsInline) {
  auto s = MakeScheduler({.num_workers = 1});
  s->Shutdown();
  TaskGroup g(s.get());
  int ran = 0;
  g.Run([&] { ++ran; });
  EXPECT_TRUE(g.Wait().ok());
  EXPECT_EQ(ran, 1);
}

// Cancel-pending shutdown discards queued group tasks: the group reports it.
TEST(TaskGroupTest, CancelPendingShutdownCancelsGroupTasks) {
  auto s = MakeScheduler({.num_workers = 1});
  std::latch release(1);
  OccupyWorker(s.get(), &release);
  TaskGroup g(s.get());
  std::atomic<int> ran{0};
  for (int i = 0; i < 5; ++i) g.Run([&] { ran.fetch_add(1); });
  ShutdownReport report;
  std::thread stopper(
      [&] { report = s->Shutdown(ShutdownMode::kCancelPending); });
  while (!s->shutting_down()) core::CpuRelax();
  release.count_down();
  stopper.join();
  EXPECT_EQ(report.cancelled, 5);
  EXPECT_EQ(ran.load(), 0);
  EXPECT_EQ(g.Wait().code(), absl::StatusCode::kCancelled);
}

}  // namespace
}  // namespace moirai::sched
