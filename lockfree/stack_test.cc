// Copyright 2026 The Moirai Authors.
//
// lockfree/stack_test.cc
// -----------------------------------------------------------------------------
//
// Tests for the Treiber Stack: LIFO order, conservation over 1..16 threads,
// non-trivial items, and node reclamation through its EpochDomain (an ABA or
// use-after-free shows up as a lost/duplicated item or an ASan report).

#include "moirai/lockfree/stack.h"

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "moirai/lockfree/epoch.h"
#include "moirai/lockfree/internal/queue_test_util.h"

namespace moirai::lockfree {
namespace {

using internal::Tracked;
using internal::TrackedCounts;

TEST(StackTest, SequentialLifo) {
  EpochDomain domain;
  Stack<std::string> s(&domain);
  EXPECT_TRUE(s.empty());
  EXPECT_FALSE(s.TryPop().has_value());
  for (int i = 0; i < 1000; ++i) s.Push(std::to_string(i));
  for (int i = 999; i >= 0; --i) EXPECT_EQ(*s.TryPop(), std::to_string(i));
  EXPECT_TRUE(s.empty());
}

TEST(StackTest, MoveOnly) {
  Stack<std::unique_ptr<int>> s;
  s.Push(std::make_unique<int>(3));
  s.Emplace(new int(4));
  EXPECT_EQ(**s.TryPop(), 4);
  EXPECT_EQ(**s.TryPop(), 3);
}

TEST(StackTest, DestructorDestroysRemainingItemsOnce) {
  TrackedCounts counts;
  {
    EpochDomain domain;
    Stack<Tracked> s(&domain);
    for (int i = 0; i < 100; ++i) s.Emplace(&counts, 0, i);
    for (int i = 0; i < 30; ++i) ASSERT_TRUE(s.TryPop().has_value());
  }
  EXPECT_EQ(counts.live(), 0);
}

class StackThreadsTest : public ::testing::TestWithParam<int> {};

TEST_P(StackThreadsTest, NothingLostOrDuplicated) {
  int producers, consumers;
  internal::SplitThreads(GetParam(), &producers, &consumers);
  TrackedCounts counts;
  {
    EpochDomain domain;
    {
      Stack<Tracked> s(&domain);
      const int per_producer =
          20000 / internal::kTestScale / std::max(1, producers);
      internal::RunProducersConsumers(
          producers, consumers, per_producer, /*fifo=*/false, &counts,
          [&](Tracked t) { s.Push(std::move(t)); }, [&] { return s.TryPop(); });
    }
    EXPECT_TRUE(domain.Synchronize());
    EXPECT_EQ(domain.GetStats().pending, 0u);
  }
  EXPECT_EQ(counts.live(), 0);
}

// Every thread alternates push and pop on a small stack, the pattern that
// recycles nodes fastest and would expose ABA without safe reclamation.
TEST_P(StackThreadsTest, PushPopChurnConservesItems) {
  const int threads = GetParam();
  EpochDomain domain;
  Stack<std::uint64_t> s(&domain);
  const int ops = 20000 / internal::kTestScale;
  std::atomic<std::uint64_t> pushed_sum{0}, popped_sum{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      std::uint64_t in = 0, out = 0;
      for (int i = 0; i < ops; ++i) {
        const std::uint64_t v = static_cast<std::uint64_t>(t) * ops + i + 1;
        s.Push(v);
        in += v;
        if (std::optional<std::uint64_t> x = s.TryPop()) out += *x;
      }
      pushed_sum.fetch_add(in);
      popped_sum.fetch_add(out);
    });
  }
  for (auto& th : pool) th.join();
  std::uint64_t rest = 0;
  while (std::optional<std::uint64_t> x = s.TryPop()) rest += *x;
  EXPECT_EQ(pushed_sum.load(), popped_sum.load() + rest);
}

INSTANTIATE_TEST_SUITE_P(Threads, StackThreadsTest,
                         ::testing::ValuesIn(internal::ThreadCounts()));

}  // namespace
}  // namespace moirai::lockfree
