// Copyright 2026 The Moirai Authors.

#include "moirai/sync/spin_lock.h"

#include <cstdint>
#include <mutex>
#include <thread>
#include <tuple>

#include "gtest/gtest.h"
#include "moirai/sync/internal/test_util.h"

namespace moirai::sync {
namespace {

using internal::RunThreads;
using internal::Scaled;

TEST(SpinLockTest, LockUnlockTryLock) {
  SpinLock lock;
  EXPECT_FALSE(lock.IsLocked());
  lock.lock();
  EXPECT_TRUE(lock.IsLocked());
  EXPECT_FALSE(lock.try_lock());
  bool other = true;
  std::thread([&] { other = lock.try_lock(); }).join();
  EXPECT_FALSE(other);
  lock.unlock();
  EXPECT_TRUE(lock.try_lock());
  lock.unlock();
}

TEST(SpinLockTest, WorksWithStandardGuards) {
  SpinLock a, b(SpinLock::kNeverYield);
  int counter = 0;
  {
    std::lock_guard<SpinLock> g(a);
    ++counter;
  }
  {
    std::scoped_lock g(a, b);
    ++counter;
  }
  EXPECT_EQ(counter, 2);
  EXPECT_FALSE(a.IsLocked());
  EXPECT_FALSE(b.IsLocked());
}

// Parameter: (threads, yield_after_spins).
class SpinLockStressTest
    : public ::testing::TestWithParam<std::tuple<int, std::uint32_t>> {};

TEST_P(SpinLockStressTest, GuardedCounterEqualsOperations) {
  const auto [threads, yield_after] = GetParam();
  // More threads than cores with a lock that never yields makes waiters burn
  // whole time slices; keep that combination short.
  const int iterations = Scaled(
      yield_after == SpinLock::kNeverYield && threads > 2 ? 2000 : 20000);
  SpinLock lock(yield_after);
  std::int64_t counter = 0;
  std::int64_t shadow = 0;
  int torn = 0;  // guarded by lock
  RunThreads(threads, [&](int id) {
    for (int i = 0; i < iterations; ++i) {
      if ((i + id) % 2 == 0) {
        SpinLockHolder hold(&lock);
        if (counter != shadow) ++torn;
        ++counter;
        ++shadow;
      } else {
        while (!lock.try_lock()) std::this_thread::yield();
        if (counter != shadow) ++torn;
        ++counter;
        ++shadow;
        lock.unlock();
      }
    }
  });
  EXPECT_EQ(counter, static_cast<std::int64_t>(threads) * iterations);
  EXPECT_EQ(shadow, counter);
  EXPECT_EQ(torn, 0);
}

INSTANTIATE_TEST_SUITE_P(
    Threads, SpinLockStressTest,
    ::testing::Combine(::testing::ValuesIn(internal::kStressThreadCounts),
                       ::testing::Values(SpinLock::kDefaultYieldAfterSpins,
                                         SpinLock::kNeverYield)));

}  // namespace
}  // namespace moirai::sync
