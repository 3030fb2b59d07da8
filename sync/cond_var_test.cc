// Copyright 2026 The Moirai Authors.

#include "moirai/sync/cond_var.h"

#include <cstdint>
#include <deque>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "moirai/sync/internal/test_util.h"
#include "moirai/sync/mutex.h"

namespace moirai::sync {
namespace {

using internal::RunThreads;
using internal::Scaled;

// Nobody notifies: each timed wait must come back reporting a timeout (the
// time it took is not asserted).
TEST(CondVarTest, WaitWithTimeoutTimesOutWithoutNotification) {
  Mutex mu;
  CondVar cv;
  MutexLock lock(&mu);
  // A plain wait may wake spuriously; a timeout must eventually be reported.
  bool timed_out = false;
  for (int i = 0; i < 100 && !timed_out; ++i) {
    timed_out = cv.WaitWithTimeout(&mu, absl::Milliseconds(1));
  }
  EXPECT_TRUE(timed_out);
  EXPECT_TRUE(mu.IsLocked());  // re-acquired
}

TEST(CondVarTest, DeadlineInThePastReturnsTimedOut) {
  Mutex mu;
  CondVar cv;
  MutexLock lock(&mu);
  EXPECT_TRUE(cv.WaitWithDeadline(&mu, absl::Now() - absl::Seconds(1)));
  EXPECT_TRUE(cv.WaitWithDeadline(&mu, absl::InfinitePast()));
  EXPECT_TRUE(cv.WaitWithTimeout(&mu, absl::ZeroDuration()));
  EXPECT_TRUE(cv.WaitWithTimeout(&mu, -absl::Seconds(1)));
}

TEST(CondVarTest, PredicateOverloadsReportThePredicate) {
  Mutex mu;
  CondVar cv;
  MutexLock lock(&mu);
  bool flag = false;
  int calls = 0;
  EXPECT_FALSE(cv.WaitFor(&mu, absl::Milliseconds(1), [&] {
    ++calls;
    return flag;
  }));
  EXPECT_GE(calls, 2);  // checked before waiting and after the timeout
  EXPECT_FALSE(
      cv.WaitUntil(&mu, absl::Now() - absl::Seconds(1), [&] { return flag; }));
  flag = true;
  EXPECT_TRUE(cv.WaitFor(&mu, absl::Seconds(1000), [&] { return flag; }));
  EXPECT_TRUE(cv.WaitUntil(&mu, absl::InfinitePast(), [&] { return flag; }));
  cv.Wait(&mu, [&] { return flag; });  // returns at once
}

TEST(CondVarTest, NotifyWithoutWaitersIsHarmless) {
  CondVar cv;
  cv.NotifyOne();
  cv.NotifyAll();
}

TEST(CondVarTest, TimedWaitReturnsWhenNotified) {
  Mutex mu;
  CondVar cv;
  bool ready = false;
  std::thread notifier([&] {
    {
      MutexLock lock(&mu);
      ready = true;
    }
    cv.NotifyOne();
  });
  {
    MutexLock lock(&mu);
    EXPECT_TRUE(
        cv.WaitFor(&mu, absl::InfiniteDuration(), [&] { return ready; }));
  }
  notifier.join();
}

// Every waiter wakes from one NotifyAll (with the predicate set first).
TEST(CondVarTest, NotifyAllWakesEveryWaiter) {
  constexpr int kWaiters = 8;
  Mutex mu;
  CondVar cv;
  bool go = false;
  int waiting = 0;
  int woken = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < kWaiters; ++i) {
    threads.emplace_back([&] {
      MutexLock lock(&mu);
      ++waiting;
      cv.NotifyAll();  // tell the main thread (it waits on `waiting`)
      cv.Wait(&mu, [&] { return go; });
      ++woken;
    });
  }
  {
    MutexLock lock(&mu);
    cv.Wait(&mu, [&] { return waiting == kWaiters; });
    go = true;
  }
  cv.NotifyAll();
  for (auto& t : threads) t.join();
  EXPECT_EQ(woken, kWaiters);
}

class CondVarStressTest : public ::testing::TestWithParam<int> {};

// A bounded queue: `threads` producers and `threads` consumers. Conserved:
// every produced value is consumed exactly once (sum and count match).
TEST_P(CondVarStressTest, BoundedQueueConservesItems) {
  const int threads = GetParam();
  const int per_producer = Scaled(5000);
  constexpr std::size_t kCapacity = 4;
  Mutex mu;
  CondVar not_full, not_empty;
  std::deque<std::int64_t> queue;
  std::int64_t consumed_sum = 0;
  std::int64_t consumed_count = 0;
  int producers_left = threads;
  RunThreads(2 * threads, [&](int id) {
    if (id < threads) {
      for (int i = 1; i <= per_producer; ++i) {
        {
          MutexLock lock(&mu);
          not_full.Wait(&mu, [&] { return queue.size() < kCapacity; });
          queue.push_back(i);
        }
        not_empty.NotifyOne();
      }
      MutexLock lock(&mu);
      if (--producers_left == 0) not_empty.NotifyAll();
    } else {
      for (;;) {
        std::int64_t value;
        {
          MutexLock lock(&mu);
          not_empty.Wait(&mu,
                         [&] { return !queue.empty() || producers_left == 0; });
          if (queue.empty()) return;  // producers done and drained
          value = queue.front();
          queue.pop_front();
          consumed_sum += value;
          ++consumed_count;
        }
        not_full.NotifyOne();
      }
    }
  });
  const std::int64_t n = per_producer;
  EXPECT_EQ(consumed_count, threads * n);
  EXPECT_EQ(consumed_sum, threads * n * (n + 1) / 2);
  EXPECT_TRUE(queue.empty());
}

INSTANTIATE_TEST_SUITE_P(Threads, CondVarStressTest,
                         ::testing::ValuesIn(internal::kStressThreadCounts));

}  // namespace
}  // namespace moirai::sync
