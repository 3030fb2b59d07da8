// Copyright 2026 The Moirai Authors.

#include "moirai/sync/sharded_counter.h"

#include <atomic>
#include <cstdint>
#include <thread>

#include "gtest/gtest.h"
#include "moirai/sync/internal/test_util.h"

namespace moirai::sync {
namespace {

using internal::RunThreads;
using internal::Scaled;

TEST(ShardedCounterTest, ShardCountIsAPowerOfTwoInRange) {
  EXPECT_EQ(ShardedCounter(1).num_shards(), 1u);
  EXPECT_EQ(ShardedCounter(3).num_shards(), 4u);
  EXPECT_EQ(ShardedCounter(8).num_shards(), 8u);
  EXPECT_EQ(ShardedCounter(5000).num_shards(), 1024u);
  const std::uint32_t def = ShardedCounter().num_shards();
  EXPECT_GE(def, 2u);
  EXPECT_EQ(def & (def - 1), 0u);
}

TEST(ShardedCounterTest, AddReadReset) {
  ShardedCounter c(4);
  EXPECT_EQ(c.Read(), 0);
  c.Increment();
  c.Add(41);
  c.Add(-2);
  EXPECT_EQ(c.Read(), 40);
  c.Reset();
  EXPECT_EQ(c.Read(), 0);
}

class ShardedCounterStressTest : public ::testing::TestWithParam<int> {};

// Conserved: after the writers are joined, Read() is exactly the sum of all
// Add()s, including when more threads than shards share shards. While they
// run, reads of a counter that only grows never go backwards.
TEST_P(ShardedCounterStressTest, ReadIsExactAfterJoin) {
  const int threads = GetParam();
  const int iterations = Scaled(100000);
  for (std::uint32_t shards : {1u, 2u, 64u}) {
    ShardedCounter c(shards);
    std::atomic<bool> writers_done{false};
    std::atomic<int> went_backwards{0};
    std::thread reader([&] {
      std::int64_t last = 0;
      while (!writers_done.load(std::memory_order_relaxed)) {
        const std::int64_t now = c.Read();
        if (now < last) went_backwards.fetch_add(1);
        last = now;
      }
    });
    RunThreads(threads, [&](int id) {
      for (int i = 0; i < iterations; ++i) c.Add(1 + (i % 3));
    });
    writers_done.store(true);
    reader.join();
    std::int64_t per_thread = 0;
    for (int i = 0; i < iterations; ++i) per_thread += 1 + (i % 3);
    EXPECT_EQ(c.Read(), per_thread * threads) << "shards=" << shards;
    EXPECT_EQ(went_backwards.load(), 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Threads, ShardedCounterStressTest,
                         ::testing::ValuesIn(internal::kStressThreadCounts));

}  // namespace
}  // namespace moirai::sync
