// Copyright 2026 The Moirai Authors.
//
// Fiber-aware Mutex and CondVar: conserved counters under contention from
// fibers and threads, FIFO hand-off, condition waits with deadlines and
// cancellation.

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "gtest/gtest.h"
#include "moirai/async/internal/test_util.h"
#include "moirai/async/mutex.h"
#include "moirai/async/runtime.h"

namespace moirai::async {
namespace {

#if defined(MOIRAI_TSAN) || defined(MOIRAI_ASAN)
constexpr int kIters = 500;
#else
constexpr int kIters = 5000;
#endif

class SyncTest : public ::testing::TestWithParam<int> {};

// The guarded counter equals the number of increments, with fibers that
// yield inside the critical section (so the mutex is held across a switch)
// and plain threads contending too.
TEST_P(SyncTest, MutexCountsEveryIncrement) {
  auto rt = testing_util::MakeRuntime(GetParam());
  Mutex mu;
  long counter = 0;  // guarded by mu
  constexpr int kFibers = 16;
  std::vector<JoinHandle<void>> hs;
  for (int f = 0; f < kFibers; ++f) {
    hs.push_back(rt->Spawn([&] {
      for (int i = 0; i < kIters; ++i) {
        MutexLock l(&mu);
        const long seen = counter;
        if (i % 64 == 0) Yield();  // hold the lock across a switch
        counter = seen + 1;
      }
    }));
  }
  std::thread t([&] {
    for (int i = 0; i < kIters; ++i) {
      MutexLock l(&mu);
      ++counter;
    }
  });
  for (auto& h : hs) ASSERT_TRUE(h.Join().ok());
  t.join();
  MutexLock l(&mu);
  EXPECT_EQ(counter, static_cast<long>(kFibers + 1) * kIters);
}

// TryLock on a held mutex is the point of this test, which clang's
// -Wthread-safety rightly flags as acquiring a held lock.
TEST_P(SyncTest, TryLock) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  Mutex mu;
  // Written as if/else so that clang's -Wthread-safety follows the lock.
  if (mu.TryLock()) {
    if (mu.TryLock()) {
      ADD_FAILURE() << "TryLock succeeded on a held mutex";
      mu.Unlock();
    }
    mu.Unlock();
  } else {
    ADD_FAILURE() << "TryLock failed on a free mutex";
  }
  MutexLock l(&mu);  // free again
}

// Producer/consumer over a bounded buffer with two condition variables;
// conserved quantity: the consumed sum equals the produced sum.
TEST_P(SyncTest, CondVarBoundedBuffer) {
  auto rt = testing_util::MakeRuntime(GetParam());
  Mutex mu;
  CondVar not_full, not_empty;
  std::vector<int> buf;  // guarded by mu
  constexpr int kCap = 4, kProducers = 4, kConsumers = 4;
  const int per_producer = kIters / 4;
  std::atomic<long> consumed{0};
  int producers_left = kProducers;  // guarded by mu
  std::vector<JoinHandle<void>> hs;
  for (int p = 0; p < kProducers; ++p) {
    hs.push_back(rt->Spawn([&] {
      for (int i = 1; i <= per_producer; ++i) {
        MutexLock l(&mu);
        while (static_cast<int>(buf.size()) >= kCap) not_full.Wait(&mu);
        buf.push_back(i);
        not_empty.Signal();
      }
      MutexLock l(&mu);
      if (--producers_left == 0) not_empty.SignalAll();
    }));
  }
  for (int c = 0; c < kConsumers; ++c) {
    hs.push_back(rt->Spawn([&] {
      for (;;) {
        MutexLock l(&mu);
        while (buf.empty() && producers_left > 0) not_empty.Wait(&mu);
        if (buf.empty()) return;
        consumed.fetch_add(buf.back(), std::memory_order_relaxed);
        buf.pop_back();
        not_full.Signal();
      }
    }));
  }
  for (auto& h : hs) ASSERT_TRUE(h.Join().ok());
  const long per = static_cast<long>(per_producer) * (per_producer + 1) / 2;
  EXPECT_EQ(consumed.load(), per * kProducers);
}

TEST_P(SyncTest, CondVarDeadlineOnFiberAndThread) {
  auto rt = testing_util::MakeRuntime(GetParam());
  auto h = rt->Spawn([] {
    Mutex mu;
    CondVar cv;
    MutexLock l(&mu);
    return cv.WaitWithDeadline(&mu, absl::Now() + absl::Milliseconds(2));
  });
  EXPECT_TRUE(h.Join().value());
  Mutex mu;
  CondVar cv;
  MutexLock l(&mu);
  EXPECT_TRUE(cv.WaitWithDeadline(&mu, absl::Now() + absl::Milliseconds(2)));
}

TEST_P(SyncTest, CancelWakesCondVarWaiter) {
  auto rt = testing_util::MakeRuntime(GetParam());
  Mutex mu;
  CondVar cv;
  testing_util::Flag waiting;
  auto h = rt->Spawn([&] {
    MutexLock l(&mu);
    waiting.Notify();
    cv.Wait(&mu);  // nobody signals; only the cancellation ends it
    return core::TaskContext::current()->IsCancellationRequested();
  });
  waiting.Wait();
  h.Cancel();
  EXPECT_TRUE(h.Join().value());
}

INSTANTIATE_TEST_SUITE_P(Workers, SyncTest, ::testing::Values(1, 2, 4),
                         [](const ::testing::TestParamInfo<int>& p) {
                           return "w" + std::to_string(p.param);
                         });

}  // namespace
}  // namespace moirai::async
