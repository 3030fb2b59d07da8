// Copyright 2026 The Moirai Authors.

#include "moirai/sync/lock_metrics.h"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "moirai/sync/internal/test_util.h"
#include "moirai/sync/mutex.h"
#include "moirai/sync/rw_lock.h"
#include "moirai/sync/spin_lock.h"

namespace moirai::sync {
namespace {

using internal::RunThreads;
using internal::Scaled;

static_assert(sizeof(MeteredLock<Mutex, MetricsMode::kOff>) == sizeof(Mutex),
              "compiled-out metrics cost no space");

// A Mutex that reports when a thread has entered lock(), so a test can make
// a metered acquisition contended without timing: the waiter's try_lock has
// failed once it is inside lock().
class GateMutex {
 public:
  void lock() {
    entered.store(true);
    mu_.lock();
  }
  bool try_lock() { return mu_.try_lock(); }
  void unlock() { mu_.unlock(); }
  std::atomic<bool> entered{false};

 private:
  Mutex mu_;
};

TEST(LockMetricsTest, UncontendedAcquisitionsAreCounted) {
  LockMetrics metrics;
  MeteredLock<Mutex> mu(&metrics);
  for (int i = 0; i < 10; ++i) {
    mu.lock();
    mu.unlock();
  }
  ASSERT_TRUE(mu.try_lock());
  mu.unlock();
  const LockMetricsSnapshot s = metrics.Snapshot();
  EXPECT_EQ(s.acquisitions, 11);
  EXPECT_EQ(s.contended, 0);
  EXPECT_EQ(s.wait_time, absl::ZeroDuration());
}

TEST(LockMetricsTest, ContendedAcquisitionIsCountedWithWaitTime) {
  LockMetrics metrics;
  MeteredLock<GateMutex> mu(&metrics);
  mu.lock();  // uncontended: acquisitions 1
  std::thread waiter([&] {
    mu.lock();  // try_lock fails (we hold it), then blocks: contended
    mu.unlock();
  });
  // The waiter's GateMutex::lock() sets `entered` only after its try_lock
  // failed; spin until then, then let it in.
  while (!mu.wrapped().entered.load()) std::this_thread::yield();
  mu.unlock();
  waiter.join();
  const LockMetricsSnapshot s = metrics.Snapshot();
  EXPECT_EQ(s.acquisitions, 2);
  EXPECT_EQ(s.contended, 1);
  EXPECT_GE(s.wait_time, absl::ZeroDuration());
}

TEST(LockMetricsTest, RuntimeSwitch) {
  LockMetrics metrics(/*enabled=*/false);
  MeteredLock<SpinLock> lock(&metrics);
  lock.lock();
  lock.unlock();
  EXPECT_EQ(metrics.Snapshot().acquisitions, 0);
  metrics.Enable();
  EXPECT_TRUE(metrics.enabled());
  lock.lock();
  lock.unlock();
  EXPECT_EQ(metrics.Snapshot().acquisitions, 1);
  metrics.Disable();
  lock.lock();
  lock.unlock();
  EXPECT_EQ(metrics.Snapshot().acquisitions, 1);
  metrics.Reset();
  EXPECT_EQ(metrics.Snapshot().acquisitions, 0);
}

TEST(LockMetricsTest, CompileTimeModesIgnoreTheRuntimeSwitch) {
  LockMetrics metrics(/*enabled=*/false);
  MeteredLock<Mutex, MetricsMode::kOn> on(&metrics);
  MeteredLock<Mutex, MetricsMode::kOff> off(&metrics);
  EXPECT_EQ(off.metrics(), nullptr);
  EXPECT_EQ(on.metrics(), &metrics);
  on.lock();
  on.unlock();
  metrics.Enable();
  off.lock();
  off.unlock();
  EXPECT_EQ(metrics.Snapshot().acquisitions, 1);
}

TEST(LockMetricsTest, SharedModeIsMetered) {
  LockMetrics metrics;
  MeteredLock<RwLock> lock(&metrics);
  {
    std::shared_lock<MeteredLock<RwLock>> r1(lock);
    ASSERT_TRUE(lock.try_lock_shared());
    lock.unlock_shared();
    EXPECT_FALSE(lock.try_lock());  // failed attempts are not acquisitions
  }
  { std::unique_lock<MeteredLock<RwLock>> w(lock); }
  EXPECT_EQ(metrics.Snapshot().acquisitions, 3);
}

class LockMetricsStressTest : public ::testing::TestWithParam<int> {};

// Conserved: acquisitions equal lock operations exactly, the guarded counter
// equals them too, and contended <= acquisitions.
TEST_P(LockMetricsStressTest, AcquisitionsEqualOperations) {
  const int threads = GetParam();
  const int iterations = Scaled(20000);
  LockMetrics metrics;
  MeteredLock<Mutex> mu(&metrics);
  std::int64_t counter = 0;
  RunThreads(threads, [&](int) {
    for (int i = 0; i < iterations; ++i) {
      MeteredLockHolder hold(&mu);
      ++counter;
    }
  });
  const LockMetricsSnapshot s = metrics.Snapshot();
  const std::int64_t ops = static_cast<std::int64_t>(threads) * iterations;
  EXPECT_EQ(counter, ops);
  EXPECT_EQ(s.acquisitions, ops);
  EXPECT_LE(s.contended, s.acquisitions);
  if (threads == 1) {
    EXPECT_EQ(s.contended, 0);
  }
  EXPECT_GE(s.wait_time, absl::ZeroDuration());
}

INSTANTIATE_TEST_SUITE_P(Threads, LockMetricsStressTest,
                         ::testing::ValuesIn(internal::kStressThreadCounts));

}  // namespace
}  // namespace moirai::sync
