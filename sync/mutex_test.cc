// Copyright 2026 The Moirai Authors.

#include "moirai/sync/mutex.h"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>

#include "gtest/gtest.h"
#include "moirai/sync/internal/test_util.h"

namespace moirai::sync {
namespace {

using internal::RunThreads;
using internal::Scaled;

static_assert(sizeof(Mutex) == 4, "one word of state");

TEST(MutexTest, LockUnlockTryLock) {
  Mutex mu;
  EXPECT_FALSE(mu.IsLocked());
  mu.lock();
  EXPECT_TRUE(mu.IsLocked());
  EXPECT_FALSE(mu.try_lock());
  mu.unlock();
  EXPECT_TRUE(mu.try_lock());
  mu.unlock();
  EXPECT_FALSE(mu.IsLocked());
}

TEST(MutexTest, TryLockFailsFromAnotherThreadWhileHeld) {
  Mutex mu;
  MutexLock lock(&mu);
  bool acquired = true;
  std::thread([&] { acquired = mu.try_lock(); }).join();
  EXPECT_FALSE(acquired);
}

TEST(MutexTest, WorksWithStandardGuards) {
  Mutex a, b;
  int counter = 0;
  {
    std::lock_guard<Mutex> g(a);
    ++counter;
  }
  {
    std::unique_lock<Mutex> g(a, std::try_to_lock);
    ASSERT_TRUE(g.owns_lock());
    ++counter;
  }
  {
    std::scoped_lock g(a, b);
    ++counter;
  }
  EXPECT_EQ(counter, 3);
  EXPECT_FALSE(a.IsLocked());
  EXPECT_FALSE(b.IsLocked());
}

// A lock taken on one thread may be released on another (fibers migrate).
TEST(MutexTest, UnlockFromAnotherThread) {
  Mutex mu;
  mu.lock();
  std::thread([&] { mu.unlock(); }).join();
  EXPECT_TRUE(mu.try_lock());
  mu.unlock();
}

// Waiters that park while the owner holds the mutex are all woken one by one:
// the owner holds the mutex while every thread starts, so they all go through
// the slow path; the test ends only if no wake-up is lost.
TEST(MutexTest, ParkedWaitersAllGetThrough) {
  Mutex mu;
  int counter = 0;
  constexpr int kThreads = 8;
  std::atomic<int> started{0};
  std::vector<std::thread> threads;
  mu.lock();
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      started.fetch_add(1);
      MutexLock lock(&mu);
      ++counter;
    });
  }
  while (started.load() < kThreads) std::this_thread::yield();
  mu.unlock();
  for (auto& t : threads) t.join();
  EXPECT_EQ(counter, kThreads);
}

TEST(MutexDeathTest, UnlockOfUnlockedMutexCrashes) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Mutex mu;
  EXPECT_DEATH(mu.unlock(), "Mutex::unlock\\(\\) called on an unlocked Mutex");
}

TEST(MutexDeathTest, AssertHeldOnUnlockedMutexCrashes) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Mutex mu;
  EXPECT_DEATH(mu.AssertHeld(), "AssertHeld");
  mu.lock();
  mu.AssertHeld();  // does not crash
  mu.unlock();
}

class MutexStressTest : public ::testing::TestWithParam<int> {};

// Conserved quantity: a counter guarded by the mutex equals the number of
// critical sections, and two fields updated together are never seen apart.
TEST_P(MutexStressTest, GuardedCounterEqualsOperations) {
  const int threads = GetParam();
  const int iterations = Scaled(20000);
  Mutex mu;
  std::int64_t counter = 0;
  std::int64_t shadow = 0;  // always equal to counter outside the lock
  std::atomic<int> torn{0};
  RunThreads(threads, [&](int id) {
    for (int i = 0; i < iterations; ++i) {
      switch ((i + id) % 3) {
        case 0: {
          MutexLock lock(&mu);
          if (counter != shadow) torn.fetch_add(1);
          ++counter;
          ++shadow;
          break;
        }
        case 1: {
          std::lock_guard<Mutex> lock(mu);
          if (counter != shadow) torn.fetch_add(1);
          ++counter;
          ++shadow;
          break;
        }
        default: {
          while (!mu.try_lock()) std::this_thread::yield();
          if (counter != shadow) torn.fetch_add(1);
          ++counter;
          ++shadow;
          mu.unlock();
          break;
        }
      }
    }
  });
  EXPECT_EQ(counter, static_cast<std::int64_t>(threads) * iterations);
  EXPECT_EQ(shadow, counter);
  EXPECT_EQ(torn.load(), 0);
  EXPECT_FALSE(mu.IsLocked());
}

INSTANTIATE_TEST_SUITE_P(Threads, MutexStressTest,
                         ::testing::ValuesIn(internal::kStressThreadCounts));

}  // namespace
}  // namespace moirai::sync
