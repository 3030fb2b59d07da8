// Copyright 2026 The Moirai Authors.
//
// lockfree/ms_queue_test.cc
// -----------------------------------------------------------------------------
//
// Tests for MsQueue: conservation and per-producer FIFO over 1..16 threads,
// non-trivial items, and reclamation of every node through its EpochDomain.

#include "moirai/lockfree/ms_queue.h"

#include <memory>
#include <optional>
#include <string>

#include "gtest/gtest.h"
#include "moirai/lockfree/epoch.h"
#include "moirai/lockfree/internal/queue_test_util.h"

namespace moirai::lockfree {
namespace {

using internal::Tracked;
using internal::TrackedCounts;

TEST(MsQueueTest, SequentialFifo) {
  EpochDomain domain;
  MsQueue<std::string> q(&domain);
  EXPECT_TRUE(q.empty());
  EXPECT_FALSE(q.TryPop().has_value());
  for (int i = 0; i < 1000; ++i) q.Push(std::to_string(i));
  EXPECT_FALSE(q.empty());
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(*q.TryPop(), std::to_string(i));
  EXPECT_TRUE(q.empty());
}

TEST(MsQueueTest, MoveOnly) {
  MsQueue<std::unique_ptr<int>> q;  // default domain
  q.Push(std::make_unique<int>(7));
  EXPECT_EQ(**q.TryPop(), 7);
}

TEST(MsQueueTest, DestructorDestroysRemainingItemsOnce) {
  TrackedCounts counts;
  {
    EpochDomain domain;
    MsQueue<Tracked> q(&domain);
    for (int i = 0; i < 100; ++i) q.Emplace(&counts, 0, i);
    for (int i = 0; i < 40; ++i) ASSERT_TRUE(q.TryPop().has_value());
  }
  EXPECT_EQ(counts.live(), 0);
}

class MsQueueThreadsTest : public ::testing::TestWithParam<int> {};

TEST_P(MsQueueThreadsTest, NothingLostDuplicatedOrReordered) {
  int producers, consumers;
  internal::SplitThreads(GetParam(), &producers, &consumers);
  TrackedCounts counts;
  {
    EpochDomain domain;
    {
      MsQueue<Tracked> q(&domain);
      const int per_producer =
          20000 / internal::kTestScale / std::max(1, producers);
      internal::RunProducersConsumers(
          producers, consumers, per_producer, /*fifo=*/true, &counts,
          [&](Tracked t) { q.Push(std::move(t)); }, [&] { return q.TryPop(); });
    }
    EXPECT_TRUE(domain.Synchronize());
    EXPECT_EQ(domain.GetStats().pending, 0u);
  }
  EXPECT_EQ(counts.live(), 0);
}

INSTANTIATE_TEST_SUITE_P(Threads, MsQueueThreadsTest,
                         ::testing::ValuesIn(internal::ThreadCounts()));

}  // namespace
}  // namespace moirai::lockfree
