// Copyright 2026 The Moirai Authors.
//
// examples/migration/migration_test.cc
// -----------------------------------------------------------------------------
//
// Every Moirai snippet of docs/MIGRATION.md, compiled and run. The code
// between a START and an END marker comment is the snippet of that name,
// line for line (//examples/migration:snippets_test compares them), so the
// guide cannot drift from what compiles.

#include <cstdint>
#include <functional>
#include <memory>
#include <numeric>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "moirai/async/channel.h"
#include "moirai/async/mutex.h"
#include "moirai/async/runtime.h"
#include "moirai/core/future.h"
#include "moirai/core/priority.h"
#include "moirai/core/task.h"
#include "moirai/sched/parallel.h"
#include "moirai/sched/scheduler.h"
#include "moirai/sched/task_group.h"
#include "moirai/sync/wait_group.h"

// The tbb_compat snippet, in tbb_compat_example.cc (its include and
// namespace alias sit at file scope there).
long SumOfSquares(const std::vector<long>& v);

namespace {

using moirai::sched::Scheduler;

std::unique_ptr<Scheduler> MakeScheduler() {
  absl::StatusOr<std::unique_ptr<Scheduler>> s =
      Scheduler::Create({.num_workers = 4});
  EXPECT_TRUE(s.ok()) << s.status();
  return std::move(*s);
}

// ---------------------------------------------------------------- oneTBB

// [START tbb_task_group]
int Fib(int n) {
  if (n < 2) return n;
  int a = 0, b = 0;
  moirai::sched::TaskGroup g;  // on the scheduler running this task
  g.Run([&] { a = Fib(n - 1); });
  b = Fib(n - 2);
  g.Wait().IgnoreError();  // a child's exception comes back as a status
  return a + b;
}
// [END tbb_task_group]

TEST(MigrationTbb, TaskGroup) {
  std::unique_ptr<Scheduler> sched = MakeScheduler();
  absl::StatusOr<int> r = sched->Spawn([] { return Fib(20); }).Get();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, 6765);
}

TEST(MigrationTbb, ParallelForAndReduce) {
  std::unique_ptr<Scheduler> owned = MakeScheduler();
  Scheduler& sched = *owned;
  const std::int64_t n = 100000;
  std::vector<double> in(n, 1.5), out(n, 0.0);
  // [START tbb_parallel_for]
  absl::Status s = moirai::sched::ParallelForRange(
      sched, 0, n, /*grain=*/1024, [&](std::int64_t lo, std::int64_t hi) {
        for (std::int64_t i = lo; i < hi; ++i) out[i] = 2 * in[i];
      });
  // [END tbb_parallel_for]
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(std::accumulate(out.begin(), out.end(), 0.0), 3.0 * n);

  // [START tbb_parallel_reduce]
  absl::StatusOr<double> sum = moirai::sched::ParallelReduce(
      sched, 0, n, /*grain=*/1024, /*identity=*/0.0,
      [&](std::int64_t lo, std::int64_t hi) {
        double acc = 0;
        for (std::int64_t i = lo; i < hi; ++i) acc += in[i];
        return acc;
      },
      std::plus<double>());
  // [END tbb_parallel_reduce]
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(*sum, 1.5 * n);
}

TEST(MigrationTbb, Arena) {
  // [START tbb_arena]
  absl::StatusOr<std::unique_ptr<moirai::sched::Scheduler>> sched =
      moirai::sched::Scheduler::Create({.num_workers = 4});
  if (!sched.ok()) return;  // InvalidArgument names the bad option
  absl::StatusOr<int> v = (*sched)->Spawn([] { return 6 * 7; }).Get();
  (*sched)->Shutdown();  // runs what is queued, then joins the workers
  // [END tbb_arena]
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, 42);
}


TEST(MigrationTbb, Compat) {
  std::vector<long> v(1000);
  std::iota(v.begin(), v.end(), 1L);
  EXPECT_EQ(SumOfSquares(v), 1000L * 1001 * 2001 / 6);
}

// ---------------------------------------------------------- Boost.Fiber

TEST(MigrationBoostFiber, ChannelAndJoin) {
  // [START fiber_channel]
  auto rt = moirai::async::Runtime::Create().value();
  moirai::async::Channel<int> ch(16);
  auto producer = rt->Spawn([&] {
    for (int i = 0; i < 100; ++i) ch.Send(i).IgnoreError();
    ch.Close();
  });
  auto consumer = rt->Spawn([&] {
    int sum = 0;
    for (absl::StatusOr<int> v = ch.Recv(); v.ok(); v = ch.Recv()) sum += *v;
    return sum;
  });
  absl::Status p = producer.Join();
  absl::StatusOr<int> sum = consumer.Join();  // 4950
  // [END fiber_channel]
  ASSERT_TRUE(p.ok()) << p;
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(*sum, 4950);
}

TEST(MigrationBoostFiber, MutexCondVarSleep) {
  auto rt = moirai::async::Runtime::Create().value();
  // [START fiber_sync]
  moirai::async::Mutex mu;
  moirai::async::CondVar cv;
  bool ready = false;
  auto waiter = rt->Spawn([&]() -> absl::Status {
    moirai::async::MutexLock l(&mu);
    while (!ready) {
      if (absl::Status s = cv.Wait(&mu); !s.ok()) return s;  // cancelled
    }
    return absl::OkStatus();
  });
  auto setter = rt->Spawn([&] {
    moirai::async::SleepFor(absl::Milliseconds(1)).IgnoreError();
    moirai::async::MutexLock l(&mu);
    ready = true;
    cv.Signal();
  });
  // [END fiber_sync]
  EXPECT_TRUE(setter.Join().ok());
  EXPECT_TRUE(waiter.Join().ok());
}

// ---------------------------------------------------------- folly

TEST(MigrationFolly, ViaThenAdd) {
  // [START folly_executor]
  auto pool = moirai::sched::Scheduler::Create({.num_workers = 4}).value();
  moirai::core::Future<int> f =
      pool->Spawn([] { return 6 * 7; })
          .Then([](absl::StatusOr<int> r) -> absl::StatusOr<int> {
            if (!r.ok()) return r.status();
            return *r + 1;
          });
  absl::StatusOr<int> v = std::move(f).Get();  // 43
  absl::Status queued = pool->Submit(moirai::core::Task(
      [] { /* fire and forget */ }, moirai::core::Priority::kHigh));
  // [END folly_executor]
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, 43);
  EXPECT_TRUE(queued.ok()) << queued;
}

// ------------------------------------------- std::async, std::thread pools

TEST(MigrationStd, AsyncFutures) {
  std::unique_ptr<Scheduler> owned = MakeScheduler();
  Scheduler* sched = owned.get();
  // [START std_async]
  std::vector<moirai::core::Future<int>> fs;
  for (int i = 0; i < 8; ++i) fs.push_back(sched->Spawn([i] { return i * i; }));
  int sum = 0;
  for (auto& f : fs) sum += std::move(f).Get().value_or(0);  // 140
  // [END std_async]
  EXPECT_EQ(sum, 140);
}

TEST(MigrationStd, ThreadPool) {
  std::unique_ptr<Scheduler> owned = MakeScheduler();
  Scheduler* sched = owned.get();
  std::vector<int> results(64, 0);
  // [START std_thread_pool]
  moirai::sync::WaitGroup done;
  done.Add(static_cast<std::int32_t>(results.size())).IgnoreError();
  for (std::size_t i = 0; i < results.size(); ++i) {
    absl::Status s = sched->Submit(moirai::core::Task([&, i] {
      results[i] = static_cast<int>(i) * 2;
      done.Done().IgnoreError();
    }));
    if (!s.ok()) done.Done().IgnoreError();  // refused: shutting down
  }
  done.Wait();  // every task's writes are visible here
  // [END std_thread_pool]
  for (std::size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i], static_cast<int>(i) * 2);
  }
}

}  // namespace
