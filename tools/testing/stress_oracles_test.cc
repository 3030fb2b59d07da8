// Copyright 2026 The Moirai Authors.
//
// tools/testing/stress_oracles_test.cc
// -----------------------------------------------------------------------------

#include "moirai/tools/testing/stress_oracles.h"

#include <new>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace moirai::testing {
namespace {

using Logs = std::vector<std::vector<TaggedItem>>;

TEST(TaggedItemTest, PacksAndUnpacks) {
  TaggedItem item{7, 123456789};
  EXPECT_EQ(TaggedItem::Unpack(item.Pack()), item);
}

TEST(CheckTaggedItemsTest, AcceptsAPerfectRun) {
  Logs logs = {{{0, 0}, {1, 0}, {0, 1}}, {{1, 1}, {0, 2}, {1, 2}}};
  EXPECT_TRUE(CheckTaggedItems(2, 3, logs, TaggedOrder::kPerProducerFifo).ok());
}

TEST(CheckTaggedItemsTest, RejectsLostDuplicatedAndForeignItems) {
  Logs lost = {{{0, 0}, {0, 1}}};
  absl::Status s = CheckTaggedItems(1, 3, lost, TaggedOrder::kAnyOrder);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("(0, 2) was lost"), std::string::npos) << s;

  Logs duplicated = {{{0, 0}, {0, 1}}, {{0, 1}}};
  s = CheckTaggedItems(1, 2, duplicated, TaggedOrder::kAnyOrder);
  EXPECT_NE(s.message().find("consumed twice"), std::string::npos) << s;

  Logs foreign = {{{0, 0}, {3, 0}}};
  s = CheckTaggedItems(1, 1, foreign, TaggedOrder::kAnyOrder);
  EXPECT_NE(s.message().find("nobody produced"), std::string::npos) << s;
}

TEST(CheckTaggedItemsTest, FifoOrderIsPerConsumerAndPerProducer) {
  // Reversed order is fine for a stack ...
  Logs reversed = {{{0, 1}, {0, 0}}};
  EXPECT_TRUE(CheckTaggedItems(1, 2, reversed, TaggedOrder::kAnyOrder).ok());
  // ... but not for a queue.
  absl::Status s =
      CheckTaggedItems(1, 2, reversed, TaggedOrder::kPerProducerFifo);
  EXPECT_NE(s.message().find("FIFO"), std::string::npos) << s;
  // Interleaving producers and splitting across consumers is fine.
  Logs split = {{{1, 0}, {0, 1}}, {{0, 0}, {1, 1}}};
  EXPECT_TRUE(
      CheckTaggedItems(2, 2, split, TaggedOrder::kPerProducerFifo).ok());
}

TEST(CountingAllocatorTest, CountsAndChecksEverythingFreed) {
  AllocationCounters counters;
  {
    std::vector<int, CountingAllocator<int>> v{
        CountingAllocator<int>(&counters)};
    for (int i = 0; i < 100; ++i) v.push_back(i);
    EXPECT_GT(counters.allocations(), 0);
    EXPECT_EQ(counters.live_blocks(), 1);
    EXPECT_GE(counters.live_bytes(), static_cast<int64_t>(100 * sizeof(int)));
    EXPECT_EQ(counters.CheckAllFreed().code(), absl::StatusCode::kDataLoss);
  }
  EXPECT_TRUE(counters.CheckAllFreed().ok());
  EXPECT_EQ(counters.allocations(), counters.deallocations());
  CountingAllocator<int> a(&counters);
  CountingAllocator<double> b(a);
  EXPECT_TRUE(a == b);
}

TEST(CountingAllocatorDeathTest, DoubleOrForeignFreeCrashes) {
  AllocationCounters counters;
  int block[4] = {};
  counters.RecordAllocate(block, sizeof(block));
  counters.RecordDeallocate(block, sizeof(block));
  EXPECT_DEATH(counters.RecordDeallocate(block, sizeof(block)), "not live");
  CountingAllocator<int> a(&counters);
  int foreign = 0;
  EXPECT_DEATH(a.deallocate(&foreign, 1), "not live");
  counters.RecordAllocate(block, sizeof(block));
  EXPECT_DEATH(counters.RecordDeallocate(block, 1), "allocated with 16 bytes");
  counters.RecordDeallocate(block, sizeof(block));
}

TEST(LifetimeTrackedTest, CountsConstructionsAndDestructions) {
  LifetimeCounters counters;
  {
    LifetimeTracked a(1, &counters);
    LifetimeTracked b = a;
    LifetimeTracked c = std::move(b);
    EXPECT_EQ(counters.live(), 3);
    EXPECT_EQ(c.value(), 1);
    EXPECT_TRUE(a == c);
  }
  EXPECT_EQ(counters.live(), 0);
  EXPECT_EQ(counters.constructed.load(), 3);
}

TEST(LifetimeTrackedDeathTest, DoubleDestroyCrashes) {
  alignas(LifetimeTracked) unsigned char storage[sizeof(LifetimeTracked)] = {};
  LifetimeCounters counters;
  auto* t = new (storage) LifetimeTracked(5, &counters);
  t->~LifetimeTracked();
  EXPECT_FALSE(t->alive());
  EXPECT_DEATH(t->~LifetimeTracked(), "destruction of a destroyed object");
}

TEST(LifetimeTrackedDeathTest, UseAfterDestroyCrashes) {
  alignas(LifetimeTracked) unsigned char storage[sizeof(LifetimeTracked)] = {};
  auto* t = new (storage) LifetimeTracked(5, nullptr);
  t->~LifetimeTracked();
  EXPECT_DEATH((void)t->value(), "use of a destroyed object");
  EXPECT_DEATH(LifetimeTracked copy(*t), "use of a destroyed object");
}

}  // namespace
}  // namespace moirai::testing
