// Copyright 2026 The Moirai Authors.
//
// lockfree/queue_test.cc
// -----------------------------------------------------------------------------
//
// Tests for the segmented MPMC Queue: conservation and per-producer FIFO over
// 1..16 threads, block boundaries, items of non-trivial types, and that items
// left in the queue are destroyed exactly once.

#include "moirai/lockfree/queue.h"

#include <memory>
#include <optional>
#include <string>

#include "gtest/gtest.h"
#include "moirai/lockfree/internal/queue_test_util.h"

namespace moirai::lockfree {
namespace {

using internal::Tracked;
using internal::TrackedCounts;

constexpr int kBlock = static_cast<int>(Queue<int>::kBlockCapacity);

TEST(QueueTest, SequentialFifoAcrossBlocks) {
  Queue<int> q;
  EXPECT_TRUE(q.empty());
  EXPECT_FALSE(q.TryPop().has_value());
  constexpr int kN = 5 * kBlock + 7;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < kN; ++i) q.Push(i);
    EXPECT_EQ(q.size(), static_cast<std::size_t>(kN));
    for (int i = 0; i < kN; ++i) {
      std::optional<int> v = q.TryPop();
      ASSERT_TRUE(v.has_value());
      EXPECT_EQ(*v, i);
    }
    EXPECT_TRUE(q.empty());
    EXPECT_EQ(q.size(), 0u);
    EXPECT_FALSE(q.TryPop().has_value());
  }
}

TEST(QueueTest, MoveOnlyAndStrings) {
  Queue<std::unique_ptr<std::string>> q;
  q.Push(std::make_unique<std::string>("hello"));
  q.Emplace(new std::string("world"));
  EXPECT_EQ(**q.TryPop(), "hello");
  EXPECT_EQ(**q.TryPop(), "world");
  Queue<std::string> s;
  s.Push(std::string(100, 'x'));
  EXPECT_EQ(s.TryPop()->size(), 100u);
}

TEST(QueueTest, DestructorDestroysRemainingItemsOnce) {
  TrackedCounts counts;
  {
    Queue<Tracked> q;
    for (int i = 0; i < 3 * kBlock + 5; ++i) {
      q.Emplace(&counts, 0, i);
    }
    for (int i = 0; i < kBlock + 2; ++i) {
      ASSERT_TRUE(q.TryPop().has_value());
    }
  }
  EXPECT_EQ(counts.live(), 0);
}

class QueueThreadsTest : public ::testing::TestWithParam<int> {};

TEST_P(QueueThreadsTest, NothingLostDuplicatedOrReordered) {
  int producers, consumers;
  internal::SplitThreads(GetParam(), &producers, &consumers);
  TrackedCounts counts;
  {
    Queue<Tracked> q;
    const int per_producer =
        40000 / internal::kTestScale / std::max(1, producers);
    internal::RunProducersConsumers(
        producers, consumers, per_producer, /*fifo=*/true, &counts,
        [&](Tracked t) { q.Push(std::move(t)); }, [&] { return q.TryPop(); });
    EXPECT_TRUE(q.empty());
  }
  EXPECT_EQ(counts.live(), 0);
}

INSTANTIATE_TEST_SUITE_P(Threads, QueueThreadsTest,
                         ::testing::ValuesIn(internal::ThreadCounts()));

}  // namespace
}  // namespace moirai::lockfree
