// Copyright 2026 The Moirai Authors.
//
// rt/ready_queue_test.cc
// -----------------------------------------------------------------------------
//
// The ready queues against simple models (a sorted vector for the heap, a
// vector of deques for the bitmap queue) under seeded random operation
// mixes, plus the FIFO tie-break, re-keying in both directions and misuse.

#include "moirai/rt/ready_queue.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "moirai/rt/taskset_gen.h"

namespace moirai::rt {
namespace {

TEST(IndexedHeapTest, OrdersByKeyThenSequence) {
  IndexedHeap h;
  ASSERT_TRUE(h.Reserve(8).ok());
  ASSERT_TRUE(h.Push(3, 50, 1).ok());
  ASSERT_TRUE(h.Push(1, 20, 2).ok());
  ASSERT_TRUE(h.Push(5, 20, 0).ok());  // same deadline, released earlier
  ASSERT_TRUE(h.Push(0, 70, 3).ok());
  EXPECT_EQ(h.size(), 4u);
  EXPECT_EQ(h.Pop(), 5u);
  EXPECT_EQ(h.Pop(), 1u);
  EXPECT_EQ(h.Pop(), 3u);
  EXPECT_EQ(h.Pop(), 0u);
  EXPECT_EQ(h.Pop(), IndexedHeap::kNone);
  EXPECT_EQ(h.Top(), IndexedHeap::kNone);
}

TEST(IndexedHeapTest, UpdateBothDirectionsAndRemove) {
  IndexedHeap h;
  ASSERT_TRUE(h.Reserve(16).ok());
  for (std::uint32_t i = 0; i < 10; ++i) {
    ASSERT_TRUE(h.Push(i, 100 + 10 * i, i).ok());
  }
  ASSERT_TRUE(h.Update(9, 5, 0).ok());  // decrease-key to the top
  EXPECT_EQ(h.Top(), 9u);
  ASSERT_TRUE(h.Update(9, 1000, 0).ok());  // increase-key to the bottom
  EXPECT_EQ(h.Top(), 0u);
  EXPECT_EQ(h.KeyOf(9), 1000);
  ASSERT_TRUE(h.Remove(0).ok());
  EXPECT_FALSE(h.Contains(0));
  std::vector<std::uint32_t> order;
  while (!h.empty()) order.push_back(h.Pop());
  EXPECT_EQ(order, (std::vector<std::uint32_t>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST(IndexedHeapTest, MisuseIsAStatus) {
  IndexedHeap h;
  EXPECT_EQ(h.Push(0, 1, 1).code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(h.Reserve(2).ok());
  ASSERT_TRUE(h.Push(1, 1, 1).ok());
  EXPECT_EQ(h.Push(1, 1, 1).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(h.Push(2, 1, 1).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(h.Update(0, 1, 1).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(h.Remove(7).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(h.Reserve(std::size_t{1} << 40).code(),
            absl::StatusCode::kInvalidArgument);
}

// Random push/pop/update/remove against a sorted-vector model.
TEST(IndexedHeapTest, MatchesModel) {
  constexpr std::uint32_t kIds = 64;
  Prng rng(7);
  IndexedHeap h;
  ASSERT_TRUE(h.Reserve(kIds).ok());
  using Item = std::tuple<std::int64_t, std::uint64_t, std::uint32_t>;
  std::vector<Item> model;
  auto find = [&](std::uint32_t id) {
    return std::find_if(model.begin(), model.end(),
                        [&](const Item& it) { return std::get<2>(it) == id; });
  };
  std::uint64_t seq = 0;
  for (int step = 0; step < 200000; ++step) {
    const auto id = static_cast<std::uint32_t>(rng.NextBelow(kIds));
    const std::int64_t key = rng.NextInRange(0, 50);  // many ties
    const bool queued = find(id) != model.end();
    ASSERT_EQ(h.Contains(id), queued);
    switch (rng.NextBelow(4)) {
      case 0:
        if (!queued) {
          ASSERT_TRUE(h.Push(id, key, ++seq).ok());
          model.emplace_back(key, seq, id);
        }
        break;
      case 1:
        if (!model.empty()) {
          auto it = std::min_element(model.begin(), model.end());
          ASSERT_EQ(h.Pop(), std::get<2>(*it));
          model.erase(it);
        }
        break;
      case 2:
        if (queued) {
          ASSERT_TRUE(h.Update(id, key, ++seq).ok());
          *find(id) = Item(key, seq, id);
        }
        break;
      default:
        if (queued) {
          ASSERT_TRUE(h.Remove(id).ok());
          model.erase(find(id));
        }
    }
    ASSERT_EQ(h.size(), model.size());
    if (!model.empty()) {
      ASSERT_EQ(h.Top(),
                std::get<2>(*std::min_element(model.begin(), model.end())));
    }
  }
}

TEST(FixedPriorityReadyQueueTest, LevelsThenFifo) {
  FixedPriorityReadyQueue q;
  ASSERT_TRUE(q.Reserve(8, 200).ok());
  ASSERT_TRUE(q.PushBack(0, 130).ok());
  ASSERT_TRUE(q.PushBack(1, 7).ok());
  ASSERT_TRUE(q.PushBack(2, 7).ok());
  ASSERT_TRUE(q.PushFront(3, 7).ok());  // a preempted job keeps the head
  EXPECT_EQ(q.TopLevel(), 7);
  EXPECT_TRUE(q.HasPeer(1));
  EXPECT_FALSE(q.HasPeer(0));
  EXPECT_EQ(q.Pop(), 3u);
  EXPECT_EQ(q.Pop(), 1u);
  EXPECT_EQ(q.Pop(), 2u);
  EXPECT_EQ(q.Pop(), 0u);
  EXPECT_EQ(q.Pop(), FixedPriorityReadyQueue::kNone);
  EXPECT_EQ(q.TopLevel(), FixedPriorityReadyQueue::kMaxLevels);
}

TEST(FixedPriorityReadyQueueTest, SetLevelAndRotate) {
  FixedPriorityReadyQueue q;
  ASSERT_TRUE(q.Reserve(4, 4).ok());
  ASSERT_TRUE(q.PushBack(0, 2).ok());
  ASSERT_TRUE(q.PushBack(1, 2).ok());
  ASSERT_TRUE(q.SetLevel(1, 2).ok());  // same level: keeps its place
  EXPECT_EQ(q.Top(), 0u);
  ASSERT_TRUE(q.SetLevel(1, 0).ok());  // boost
  EXPECT_EQ(q.Top(), 1u);
  EXPECT_EQ(q.LevelOf(1), 0);
  ASSERT_TRUE(q.SetLevel(1, 2).ok());  // unboost: tail of level 2
  ASSERT_TRUE(q.Remove(0).ok());
  ASSERT_TRUE(q.PushBack(0, 2).ok());  // round-robin rotation
  EXPECT_EQ(q.Pop(), 1u);
  EXPECT_EQ(q.Pop(), 0u);
}

TEST(FixedPriorityReadyQueueTest, MisuseIsAStatus) {
  FixedPriorityReadyQueue q;
  EXPECT_EQ(q.Reserve(4, 0).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(q.Reserve(4, FixedPriorityReadyQueue::kMaxLevels + 1).code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(q.Reserve(4, 4).ok());
  EXPECT_EQ(q.PushBack(4, 0).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(q.PushBack(0, 4).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(q.PushBack(0, -1).code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(q.PushBack(0, 1).ok());
  EXPECT_EQ(q.PushFront(0, 1).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(q.Remove(1).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(q.SetLevel(2, 1).code(), absl::StatusCode::kFailedPrecondition);
}

// Random operations over all 4096 levels against per-level deques.
TEST(FixedPriorityReadyQueueTest, MatchesModel) {
  constexpr std::uint32_t kIds = 100;
  constexpr int kLevels = FixedPriorityReadyQueue::kMaxLevels;
  Prng rng(11);
  FixedPriorityReadyQueue q;
  ASSERT_TRUE(q.Reserve(kIds, kLevels).ok());
  std::vector<std::deque<std::uint32_t>> model(kLevels);
  std::vector<int> level_of(kIds, -1);
  auto erase = [&](std::uint32_t id) {
    auto& d = model[level_of[id]];
    d.erase(std::find(d.begin(), d.end(), id));
    level_of[id] = -1;
  };
  for (int step = 0; step < 50000; ++step) {
    const auto id = static_cast<std::uint32_t>(rng.NextBelow(kIds));
    // Levels cluster so that FIFO order within a level is exercised.
    const int level =
        static_cast<int>(rng.NextBelow(8) * 584 + rng.NextBelow(2));
    const bool queued = level_of[id] >= 0;
    ASSERT_EQ(q.Contains(id), queued);
    switch (rng.NextBelow(5)) {
      case 0:
      case 1:
        if (!queued) {
          const bool front = rng.NextBelow(3) == 0;
          ASSERT_TRUE(
              (front ? q.PushFront(id, level) : q.PushBack(id, level)).ok());
          front ? model[level].push_front(id) : model[level].push_back(id);
          level_of[id] = level;
        }
        break;
      case 2: {
        auto it = std::find_if(model.begin(), model.end(),
                               [](const auto& d) { return !d.empty(); });
        ASSERT_EQ(q.TopLevel(), static_cast<int>(it - model.begin()));
        if (it == model.end()) {
          ASSERT_EQ(q.Pop(), FixedPriorityReadyQueue::kNone);
        } else {
          const std::uint32_t want = it->front();
          ASSERT_EQ(q.Pop(), want);
          erase(want);
        }
        break;
      }
      case 3:
        if (queued) {
          ASSERT_TRUE(q.SetLevel(id, level).ok());
          if (level_of[id] != level) {
            erase(id);
            model[level].push_back(id);
            level_of[id] = level;
          }
        }
        break;
      default:
        if (queued) {
          ASSERT_TRUE(q.Remove(id).ok());
          erase(id);
        }
    }
    const auto total = static_cast<std::size_t>(std::count_if(
        level_of.begin(), level_of.end(), [](int l) { return l >= 0; }));
    ASSERT_EQ(q.size(), total);
  }
}

}  // namespace
}  // namespace moirai::rt
