// Copyright 2026 The Moirai Authors.
//
// lockfree/spsc_queue_test.cc
// -----------------------------------------------------------------------------
//
// Tests for SpscQueue: capacity validation, full/empty, FIFO across laps with
// one producer and one consumer thread, non-trivial items, destruction.

#include "moirai/lockfree/spsc_queue.h"

#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "moirai/lockfree/internal/queue_test_util.h"

namespace moirai::lockfree {
namespace {

using internal::Tracked;
using internal::TrackedCounts;

TEST(SpscQueueTest, RejectsBadCapacity) {
  EXPECT_EQ(SpscQueue<int>::Create(0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SpscQueue<int>::Create(std::size_t{1} << 41).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(SpscQueue<int>::Create(1).ok());
  EXPECT_TRUE(SpscQueue<int>::Create(1000).ok());
}

TEST(SpscQueueDeathTest, ConstructorCrashesOnBadCapacity) {
  EXPECT_DEATH(SpscQueue<int> q(0), "capacity");
}

TEST(SpscQueueTest, FullAndEmpty) {
  auto q = *SpscQueue<std::string>::Create(3);
  EXPECT_EQ(q->capacity(), 3u);
  EXPECT_FALSE(q->TryPop().has_value());
  EXPECT_TRUE(q->TryPush("a"));
  EXPECT_TRUE(q->TryPush("b"));
  EXPECT_TRUE(q->TryPush("c"));
  std::string d = "d";
  EXPECT_FALSE(q->TryPush(std::move(d)));
  EXPECT_EQ(d, "d");
  EXPECT_EQ(q->size(), 3u);
  EXPECT_EQ(*q->TryPop(), "a");
  EXPECT_TRUE(q->TryPush("d"));
  EXPECT_EQ(*q->TryPop(), "b");
  EXPECT_EQ(*q->TryPop(), "c");
  EXPECT_EQ(*q->TryPop(), "d");
  EXPECT_TRUE(q->empty());
}

TEST(SpscQueueTest, DestructorDestroysRemainingItemsOnce) {
  TrackedCounts counts;
  {
    auto q = *SpscQueue<Tracked>::Create(5);
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(q->TryEmplace(&counts, 0, i));
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(q->TryPop().has_value());
    for (int i = 5; i < 8; ++i) ASSERT_TRUE(q->TryEmplace(&counts, 0, i));
  }
  EXPECT_EQ(counts.live(), 0);
}

class SpscQueueCapacityTest : public ::testing::TestWithParam<int> {};

// One producer and one consumer thread (the only legal thread count);
// parameterised over capacities instead, down to 1 (maximal hand-over).
TEST_P(SpscQueueCapacityTest, FifoConservedAcrossThreads) {
  TrackedCounts counts;
  {
    auto q = *SpscQueue<Tracked>::Create(GetParam());
    internal::RunProducersConsumers(
        1, 1, 50000 / internal::kTestScale, /*fifo=*/true, &counts,
        [&](Tracked t) {
          while (!q->TryPush(std::move(t))) std::this_thread::yield();
        },
        [&] { return q->TryPop(); });
  }
  EXPECT_EQ(counts.live(), 0);
}

INSTANTIATE_TEST_SUITE_P(Capacities, SpscQueueCapacityTest,
                         ::testing::Values(1, 2, 7, 64, 1024));

}  // namespace
}  // namespace moirai::lockfree
