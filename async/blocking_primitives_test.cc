// Copyright 2026 The Moirai Authors.
//
// The blocking primitives below async (core::Future, sync::Latch,
// WaitGroup, Barrier, CondVar, OnceCell, lockfree::BoundedQueue) park a
// fiber that waits on them, not its worker (core/internal/parking_lot.h).
// Each test runs on ONE worker: a fiber waits, and a fiber spawned after it
// releases the wait. When the wait blocked the worker thread (the code
// before the parking lot), the releasing fiber never ran: each test then
// fails at WaitForFibers' timeout (the main thread releases the waiter
// afterwards so that the test can end).

#include <atomic>
#include <functional>
#include <memory>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "moirai/async/internal/test_util.h"
#include "moirai/async/runtime.h"
#include "moirai/core/future.h"
#include "moirai/lockfree/bounded_queue.h"
#include "moirai/sync/barrier.h"
#include "moirai/sync/cond_var.h"
#include "moirai/sync/latch.h"
#include "moirai/sync/mutex.h"
#include "moirai/sync/once_cell.h"
#include "moirai/sync/wait_group.h"

namespace moirai::async {
namespace {

// Runs `wait` on a fiber and then `release` on a second fiber, both on one
// worker. `rescue` releases the waiter from this thread if the two could
// not finish (the old behaviour), so that the failure is reported instead
// of hanging.
void ExpectFiberWaitDoesNotBlockTheWorker(std::function<void()> wait,
                                          std::function<void()> release,
                                          std::function<void()> rescue) {
  auto rt = testing_util::MakeRuntime(1);
  std::atomic<bool> waited{false};
  rt->Spawn([&] {
      wait();
      waited.store(true);
    }).Detach();
  rt->Spawn([&] { release(); }).Detach();
  const absl::Status s = rt->WaitForFibers(absl::Seconds(20));
  EXPECT_TRUE(s.ok()) << s << " (the waiting fiber blocked its worker)";
  if (!s.ok()) {
    rescue();
    ASSERT_TRUE(rt->WaitForFibers().ok());
  }
  EXPECT_TRUE(waited.load());
}

TEST(BlockingPrimitivesTest, FutureWaitParksTheFiber) {
  // Not a structured binding: clang 14 cannot capture one in a lambda.
  auto pf = core::MakePromiseFuture<int>();
  auto p = std::make_shared<core::Promise<int>>(std::move(pf.first));
  auto future = std::move(pf.second);
  int got = 0;
  ExpectFiberWaitDoesNotBlockTheWorker(
      [&] {
        absl::StatusOr<int> r = std::move(future).Get();
        ASSERT_TRUE(r.ok()) << r.status();
        got = *r;
      },
      [&] { EXPECT_TRUE(p->SetValue(7).ok()); },
      [&] { p->SetValue(7).IgnoreError(); });
  EXPECT_EQ(got, 7);
}

TEST(BlockingPrimitivesTest, LatchWaitParksTheFiber) {
  sync::Latch latch(1);
  ExpectFiberWaitDoesNotBlockTheWorker([&] { latch.Wait(); },
                                       [&] { latch.CountDown(); },
                                       [&] { latch.CountDown(); });
}

TEST(BlockingPrimitivesTest, WaitGroupWaitParksTheFiber) {
  sync::WaitGroup wg;
  ASSERT_TRUE(wg.Add(1).ok());
  ExpectFiberWaitDoesNotBlockTheWorker([&] { wg.Wait(); },
                                       [&] { wg.Done().IgnoreError(); },
                                       [&] { wg.Done().IgnoreError(); });
}

TEST(BlockingPrimitivesTest, BarrierParksTheFirstArrival) {
  sync::Barrier barrier(2);
  ExpectFiberWaitDoesNotBlockTheWorker([&] { barrier.ArriveAndWait(); },
                                       [&] { barrier.ArriveAndWait(); },
                                       [&] { barrier.ArriveAndDrop(); });
}

TEST(BlockingPrimitivesTest, CondVarWaitParksTheFiber) {
  sync::Mutex mu;
  sync::CondVar cv;
  bool ready = false;
  auto set = [&] {
    sync::MutexLock lock(&mu);
    ready = true;
    cv.NotifyOne();
  };
  ExpectFiberWaitDoesNotBlockTheWorker(
      [&] {
        sync::MutexLock lock(&mu);
        while (!ready) cv.Wait(&mu);
      },
      set, set);
}

TEST(BlockingPrimitivesTest, OnceCellWaitParksTheFiber) {
  // Fiber A runs the initializer, which waits (parked) on a latch; fiber B
  // asks for the value too and waits (parked) on the cell; fiber C, last on
  // the one worker, opens the latch.
  auto rt = testing_util::MakeRuntime(1);
  sync::OnceCell<int> cell;
  sync::Latch go(1);
  std::atomic<int> sum{0};
  for (int i = 0; i < 2; ++i) {
    rt->Spawn([&] {
        sum.fetch_add(cell.GetOrInit([&] {
          go.Wait();
          return 5;
        }));
      }).Detach();
  }
  rt->Spawn([&] { go.CountDown(); }).Detach();
  const absl::Status s = rt->WaitForFibers(absl::Seconds(20));
  EXPECT_TRUE(s.ok()) << s << " (a waiting fiber blocked its worker)";
  if (!s.ok()) {
    go.CountDown();
    ASSERT_TRUE(rt->WaitForFibers().ok());
  }
  EXPECT_EQ(sum.load(), 10);
}

TEST(BlockingPrimitivesTest, BoundedQueuePopParksTheFiber) {
  lockfree::BoundedQueue<int> q(4);
  int got = 0;
  ExpectFiberWaitDoesNotBlockTheWorker([&] { got = q.Pop(); },
                                       [&] { q.Push(3); }, [&] { q.Push(3); });
  EXPECT_EQ(got, 3);
}

// A wake-all reaches every parked fiber, across buckets' batch size (16).
TEST(BlockingPrimitivesTest, LatchReleasesManyParkedFibers) {
  auto rt = testing_util::MakeRuntime(2);
  sync::Latch latch(1);
  std::atomic<int> passed{0};
  constexpr int kFibers = 100;
  for (int i = 0; i < kFibers; ++i) {
    rt->Spawn([&] {
        latch.Wait();
        passed.fetch_add(1);
      }).Detach();
  }
  rt->Spawn([&] { latch.CountDown(); }).Detach();
  ASSERT_TRUE(rt->WaitForFibers().ok());
  EXPECT_EQ(passed.load(), kFibers);
}

}  // namespace
}  // namespace moirai::async
