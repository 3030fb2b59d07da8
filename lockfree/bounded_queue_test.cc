// Copyright 2026 The Moirai Authors.
//
// lockfree/bounded_queue_test.cc
// -----------------------------------------------------------------------------
//
// Tests for BoundedQueue: capacity validation, full/empty behaviour of the
// try operations, conservation and per-producer FIFO over 1..16 threads with
// both the try and the parking operations, deadlines, and item destruction.

#include "moirai/lockfree/bounded_queue.h"

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "moirai/lockfree/internal/queue_test_util.h"

namespace moirai::lockfree {
namespace {

using internal::Tracked;
using internal::TrackedCounts;

TEST(BoundedQueueTest, RejectsBadCapacity) {
  for (std::size_t bad : {std::size_t{0}, std::size_t{1}, std::size_t{3},
                          std::size_t{1000}, std::size_t{1} << 41}) {
    auto q = BoundedQueue<int>::Create(bad);
    EXPECT_EQ(q.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_TRUE(BoundedQueue<int>::Create(2).ok());
}

TEST(BoundedQueueDeathTest, ConstructorCrashesOnBadCapacity) {
  EXPECT_DEATH(BoundedQueue<int> q(3), "power of two");
}

TEST(BoundedQueueTest, FullAndEmpty) {
  auto q = *BoundedQueue<std::unique_ptr<int>>::Create(4);
  EXPECT_EQ(q->capacity(), 4u);
  EXPECT_FALSE(q->TryPop().has_value());
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(q->TryPush(std::make_unique<int>(i)));
  auto extra = std::make_unique<int>(99);
  EXPECT_FALSE(q->TryPush(std::move(extra)));
  ASSERT_NE(extra, nullptr) << "a failed TryPush must not consume the value";
  EXPECT_EQ(q->size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(**q->TryPop(), i);
  EXPECT_TRUE(q->empty());
  // Wrap around several laps.
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(q->TryPush(std::make_unique<int>(i)));
    EXPECT_EQ(**q->TryPop(), i);
  }
}

TEST(BoundedQueueTest, DeadlinesExpire) {
  auto q = *BoundedQueue<int>::Create(2);
  EXPECT_FALSE(q->PopUntil(absl::Now() + absl::Milliseconds(5)).has_value());
  EXPECT_FALSE(q->PopUntil(absl::InfinitePast()).has_value());
  EXPECT_TRUE(q->PushUntil(1, absl::InfinitePast()));
  EXPECT_TRUE(q->PushUntil(2, absl::Now()));
  EXPECT_FALSE(q->PushUntil(3, absl::Now() + absl::Milliseconds(5)));
  EXPECT_EQ(q->Pop(), 1);
  EXPECT_EQ(q->Pop(), 2);
}

TEST(BoundedQueueTest, BlockedPopIsWokenByPush) {
  auto q = *BoundedQueue<std::string>::Create(2);
  std::thread consumer([&] { EXPECT_EQ(q->Pop(), "wake"); });
  // Whether the consumer parked before this push or not, it must return.
  q->Push("wake");
  consumer.join();
}

TEST(BoundedQueueTest, DestructorDestroysRemainingItemsOnce) {
  TrackedCounts counts;
  {
    auto q = *BoundedQueue<Tracked>::Create(8);
    for (int i = 0; i < 8; ++i) ASSERT_TRUE(q->TryEmplace(&counts, 0, i));
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(q->TryPop().has_value());
    for (int i = 8; i < 10; ++i) ASSERT_TRUE(q->TryEmplace(&counts, 0, i));
  }
  EXPECT_EQ(counts.live(), 0);
}

class BoundedQueueThreadsTest : public ::testing::TestWithParam<int> {};

TEST_P(BoundedQueueThreadsTest, TryOpsConserveAndKeepFifo) {
  int producers, consumers;
  internal::SplitThreads(GetParam(), &producers, &consumers);
  TrackedCounts counts;
  {
    const int per_producer =
        20000 / internal::kTestScale / std::max(1, producers);
    // Inline mode pushes everything before popping: make room for it.
    auto q = *BoundedQueue<Tracked>::Create(producers == 0 ? 32768 : 64);
    internal::RunProducersConsumers(
        producers, consumers, per_producer, /*fifo=*/true, &counts,
        [&](Tracked t) {
          while (!q->TryPush(std::move(t))) std::this_thread::yield();
        },
        [&] { return q->TryPop(); });
  }
  EXPECT_EQ(counts.live(), 0);
}

// Tiny capacity so producers and consumers park on each other constantly.
TEST_P(BoundedQueueThreadsTest, BlockingOpsConserveAndKeepFifo) {
  const int threads = std::max(2, GetParam());
  const int producers = threads / 2, consumers = threads - threads / 2;
  const int per_producer = 10000 / internal::kTestScale / producers;
  auto q = *BoundedQueue<std::uint64_t>::Create(2);
  const std::uint64_t total =
      static_cast<std::uint64_t>(producers) * per_producer;
  std::vector<std::unique_ptr<std::atomic<int>[]>> seen(producers);
  for (auto& s : seen) s = std::make_unique<std::atomic<int>[]>(per_producer);
  std::atomic<std::uint64_t> claimed{0};
  std::vector<std::thread> pool;
  for (int p = 0; p < producers; ++p) {
    pool.emplace_back([&, p] {
      for (int i = 0; i < per_producer; ++i) {
        q->Push(static_cast<std::uint64_t>(p) << 32 | static_cast<unsigned>(i));
      }
    });
  }
  for (int c = 0; c < consumers; ++c) {
    pool.emplace_back([&] {
      std::vector<std::int64_t> last(producers, -1);
      // Each consumer takes a ticket per pop so that exactly `total` pops
      // happen and nobody parks forever.
      while (claimed.fetch_add(1) < total) {
        const std::uint64_t v = q->Pop();
        const int p = static_cast<int>(v >> 32);
        const std::int64_t i = static_cast<std::int64_t>(v & 0xffffffffu);
        ASSERT_LT(p, producers);
        EXPECT_GT(i, last[p]);
        last[p] = i;
        EXPECT_EQ(seen[p][i].fetch_add(1), 0);
      }
    });
  }
  for (auto& t : pool) t.join();
  for (int p = 0; p < producers; ++p) {
    for (int i = 0; i < per_producer; ++i) ASSERT_EQ(seen[p][i].load(), 1);
  }
  EXPECT_TRUE(q->empty());
}

INSTANTIATE_TEST_SUITE_P(Threads, BoundedQueueThreadsTest,
                         ::testing::ValuesIn(internal::ThreadCounts()));

}  // namespace
}  // namespace moirai::lockfree
