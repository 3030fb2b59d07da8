// Copyright 2026 The Moirai Authors.

#include "moirai/core/task_id.h"

#include <algorithm>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "gtest/gtest.h"

namespace moirai::core {
namespace {

TEST(TaskIdTest, DefaultIsInvalid) {
  TaskId id;
  EXPECT_FALSE(id.valid());
  EXPECT_EQ(id.value(), 0u);
  EXPECT_EQ(id, TaskId(0));
}

TEST(TaskIdTest, NextIsValidAndIncreasesWithinAThread) {
  TaskId prev = TaskId::Next();
  EXPECT_TRUE(prev.valid());
  // Cross several block boundaries.
  for (std::uint64_t i = 0; i < 3 * TaskId::kBlockSize; ++i) {
    TaskId id = TaskId::Next();
    ASSERT_TRUE(id.valid());
    ASSERT_LT(prev, id);
    prev = id;
  }
}

TEST(TaskIdTest, PrintsAndRoundTrips) {
  std::ostringstream os;
  os << TaskId(42) << " " << TaskId();
  EXPECT_EQ(os.str(), "task#42 task#invalid");
  TaskId id = TaskId::Next();
  EXPECT_EQ(TaskId(id.value()), id);
}

TEST(TaskIdTest, Hashable) {
  absl::flat_hash_set<TaskId> set;
  set.insert(TaskId(1));
  set.insert(TaskId(1));
  set.insert(TaskId(2));
  EXPECT_EQ(set.size(), 2u);
  EXPECT_EQ(std::hash<TaskId>()(TaskId(7)), std::hash<TaskId>()(TaskId(7)));
  EXPECT_EQ(absl::Hash<TaskId>()(TaskId(7)), absl::Hash<TaskId>()(TaskId(7)));
}

// Conserved quantity: threads x per_thread ids, all distinct and valid.
class TaskIdThreadsTest : public ::testing::TestWithParam<int> {};

TEST_P(TaskIdThreadsTest, UniqueAcrossThreads) {
  const int threads = GetParam();
  constexpr int per_thread = 20000;
  std::vector<std::vector<std::uint64_t>> ids(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&ids, t] {
      ids[t].reserve(per_thread);
      for (int i = 0; i < per_thread; ++i) {
        ids[t].push_back(TaskId::Next().value());
      }
    });
  }
  for (auto& w : workers) w.join();
  std::vector<std::uint64_t> all;
  for (auto& v : ids) {
    // Strictly increasing within each thread.
    EXPECT_TRUE(std::is_sorted(v.begin(), v.end()));
    all.insert(all.end(), v.begin(), v.end());
  }
  ASSERT_EQ(all.size(), static_cast<std::size_t>(threads) * per_thread);
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end());
  EXPECT_NE(all.front(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Threads, TaskIdThreadsTest,
                         ::testing::Values(1, 2, 4, 8, 16));

}  // namespace
}  // namespace moirai::core
