// Copyright 2026 The Moirai Authors.

#include "moirai/sync/rw_lock.h"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "moirai/sync/internal/test_util.h"

namespace moirai::sync {
namespace {

using internal::RunThreads;
using internal::Scaled;

TEST(RwLockTest, ExclusiveAndSharedExcludeEachOther) {
  RwLock lock;
  lock.lock_shared();
  EXPECT_TRUE(lock.try_lock_shared());  // many readers
  EXPECT_FALSE(lock.try_lock());        // no writer while readers are in
  lock.unlock_shared();
  lock.unlock_shared();
  EXPECT_TRUE(lock.try_lock());
  EXPECT_FALSE(lock.try_lock());
  bool reader_got_in = true;
  std::thread([&] { reader_got_in = lock.try_lock_shared(); }).join();
  EXPECT_FALSE(reader_got_in);
  lock.unlock();
  EXPECT_TRUE(lock.try_lock_shared());
  lock.unlock_shared();
}

TEST(RwLockTest, WorksWithStandardGuards) {
  RwLock lock;
  int value = 0;
  {
    std::unique_lock<RwLock> g(lock);
    value = 1;
  }
  {
    std::shared_lock<RwLock> g1(lock);
    std::shared_lock<RwLock> g2(lock);
    EXPECT_EQ(value, 1);
  }
  {
    std::scoped_lock g(lock);
    value = 2;
  }
  EXPECT_EQ(value, 2);
  EXPECT_TRUE(lock.try_lock());
  lock.unlock();
}

// A shared lock taken on one thread and released on another (as a migrating
// fiber would) still lets a writer in afterwards.
TEST(RwLockTest, SharedUnlockOnAnotherThreadBalances) {
  RwLock lock;
  std::thread([&] { lock.lock_shared(); }).join();
  std::thread([&] { lock.unlock_shared(); }).join();
  lock.lock();  // would wait forever if the counts did not balance
  lock.unlock();
}

// Writer preference: once a writer waits, new readers are turned away until
// it has been through. Reader 1 holds the lock; a writer blocks in lock();
// we poll try_lock_shared() until it refuses (the writer has announced
// itself; if it never did, the test hangs and fails by timeout). Then the
// writer gets in as soon as reader 1 leaves.
TEST(RwLockTest, WaitingWriterBlocksNewReaders) {
  RwLock lock;
  lock.lock_shared();
  std::atomic<bool> writer_done{false};
  std::thread writer([&] {
    lock.lock();
    writer_done.store(true);
    lock.unlock();
  });
  for (;;) {
    if (!lock.try_lock_shared()) break;
    lock.unlock_shared();
    std::this_thread::yield();
  }
  EXPECT_FALSE(writer_done.load());  // we still hold the lock shared
  lock.unlock_shared();
  writer.join();
  EXPECT_TRUE(writer_done.load());
  EXPECT_TRUE(lock.try_lock_shared());
  lock.unlock_shared();
}

// Readers re-acquire the lock in a tight loop, so there is always a reader
// inside or about to enter; each writer must still get through. The readers
// stop only after every write is done, so the writes happened while the
// stream of readers was running. Behavioural: nothing is timed; a starving
// writer hangs the test.
TEST(RwLockTest, WritersAreNotStarvedByAStreamOfReaders) {
  RwLock lock;
  std::int64_t value = 0;
  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> reads_during_writes{0};
  constexpr int kReaders = 4;
  const int writes = Scaled(200) + 1;
  std::vector<std::thread> readers;
  std::atomic<int> readers_running{0};
  for (int i = 0; i < kReaders; ++i) {
    readers.emplace_back([&] {
      readers_running.fetch_add(1);
      while (!stop.load(std::memory_order_relaxed)) {
        lock.lock_shared();
        const std::int64_t v = value;
        lock.unlock_shared();
        EXPECT_GE(v, 0);
        reads_during_writes.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  while (readers_running.load() < kReaders) std::this_thread::yield();
  for (int w = 0; w < writes; ++w) {
    lock.lock();
    ++value;
    lock.unlock();
  }
  stop.store(true);
  for (auto& t : readers) t.join();
  EXPECT_EQ(value, writes);
  EXPECT_GT(reads_during_writes.load(), 0);
}

TEST(RwLockDeathTest, UnlockWithoutExclusiveHoldCrashes) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  RwLock lock;
  EXPECT_DEATH(lock.unlock(), "without an exclusive hold");
}

class RwLockStressTest : public ::testing::TestWithParam<int> {};

// Writers write a record of several fields one after another (each field
// holds the same generation number); readers check under the shared lock
// that all fields agree, i.e. that they never see a half-written record.
// Conserved: the final generation equals the number of writes.
TEST_P(RwLockStressTest, ReadersNeverSeeHalfWrittenState) {
  const int threads = GetParam();
  const int iterations = Scaled(10000);
  RwLock lock;
  constexpr int kFields = 8;
  std::int64_t record[kFields] = {};
  std::atomic<std::int64_t> writes{0};
  std::atomic<std::int64_t> torn{0};
  std::atomic<std::int64_t> reads{0};
  RunThreads(threads, [&](int id) {
    for (int i = 0; i < iterations; ++i) {
      // One operation in eight writes (every thread writes sometimes, also
      // with one thread). Mix the guard styles and the try variants.
      if ((i * 7 + id) % 8 == 0) {
        if (i % 3 == 0) {
          while (!lock.try_lock()) std::this_thread::yield();
        } else {
          lock.lock();
        }
        const std::int64_t next = record[0] + 1;
        for (int f = 0; f < kFields; ++f) record[f] = next;
        lock.unlock();
        writes.fetch_add(1, std::memory_order_relaxed);
      } else {
        if (i % 5 == 0) {
          while (!lock.try_lock_shared()) std::this_thread::yield();
        } else {
          lock.lock_shared();
        }
        for (int f = 1; f < kFields; ++f) {
          if (record[f] != record[0]) {
            torn.fetch_add(1, std::memory_order_relaxed);
            break;
          }
        }
        lock.unlock_shared();
        reads.fetch_add(1, std::memory_order_relaxed);
      }
    }
  });
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(writes.load() + reads.load(),
            static_cast<std::int64_t>(threads) * iterations);
  for (int f = 0; f < kFields; ++f) EXPECT_EQ(record[f], writes.load());
  EXPECT_TRUE(lock.try_lock());  // nothing left held
  lock.unlock();
}

INSTANTIATE_TEST_SUITE_P(Threads, RwLockStressTest,
                         ::testing::ValuesIn(internal::kStressThreadCounts));

}  // namespace
}  // namespace moirai::sync
