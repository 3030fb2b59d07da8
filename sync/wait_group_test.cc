// Copyright 2026 The Moirai Authors.

#include "moirai/sync/wait_group.h"

#include <cstdint>
#include <limits>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "moirai/sync/internal/test_util.h"

namespace moirai::sync {
namespace {

using internal::RunThreads;
using internal::Scaled;

TEST(WaitGroupTest, EmptyGroupDoesNotBlock) {
  WaitGroup wg;
  wg.Wait();
  EXPECT_TRUE(wg.WaitWithTimeout(absl::ZeroDuration()));
}

TEST(WaitGroupTest, DoneBelowZeroIsAnErrorAndLeavesTheCount) {
  WaitGroup wg;
  absl::Status s = wg.Done();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_NE(s.message().find("negative"), absl::string_view::npos) << s;
  EXPECT_EQ(wg.count(), 0);
  ASSERT_TRUE(wg.Add(3).ok());
  EXPECT_EQ(wg.Add(-4).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(wg.count(), 3);
  EXPECT_TRUE(wg.Add(-3).ok());
  EXPECT_EQ(wg.count(), 0);
  wg.Wait();
}

TEST(WaitGroupTest, OverflowIsAnError) {
  WaitGroup wg;
  ASSERT_TRUE(wg.Add(std::numeric_limits<std::int32_t>::max()).ok());
  EXPECT_EQ(wg.Add(1).code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(wg.count(), std::numeric_limits<std::int32_t>::max());
}

// Nobody calls Done(): a short timed wait reports "not zero".
TEST(WaitGroupTest, WaitWithTimeoutTimesOut) {
  WaitGroup wg;
  ASSERT_TRUE(wg.Add(1).ok());
  EXPECT_FALSE(wg.WaitWithTimeout(absl::Milliseconds(1)));
  EXPECT_FALSE(wg.WaitWithDeadline(absl::InfinitePast()));
  ASSERT_TRUE(wg.Done().ok());
  EXPECT_TRUE(wg.WaitWithTimeout(absl::Milliseconds(1)));
}

TEST(WaitGroupTest, ReusableAfterReachingZero) {
  WaitGroup wg;
  for (int round = 0; round < 3; ++round) {
    ASSERT_TRUE(wg.Add(2).ok());
    std::thread a([&] { ASSERT_TRUE(wg.Done().ok()); });
    std::thread b([&] { ASSERT_TRUE(wg.Done().ok()); });
    wg.Wait();
    EXPECT_EQ(wg.count(), 0);
    a.join();
    b.join();
  }
}

class WaitGroupStressTest : public ::testing::TestWithParam<int> {};

// Workers write plain memory, then Done(); Wait() must see all of it, from
// several waiting threads at once. Conserved: the sum of the writes.
TEST_P(WaitGroupStressTest, WaitSeesEveryDone) {
  const int workers = GetParam();
  const int rounds = Scaled(100) + 1;
  for (int round = 0; round < rounds; ++round) {
    WaitGroup wg;
    std::vector<std::int64_t> slots(workers, 0);
    ASSERT_TRUE(wg.Add(workers).ok());
    std::vector<std::int64_t> sums(2, -1);
    RunThreads(workers + 2, [&](int id) {
      if (id < workers) {
        slots[id] = id + 1;
        EXPECT_TRUE(wg.Done().ok());
      } else {
        wg.Wait();
        std::int64_t sum = 0;
        for (std::int64_t v : slots) sum += v;
        sums[id - workers] = sum;
      }
    });
    const std::int64_t expected =
        static_cast<std::int64_t>(workers) * (workers + 1) / 2;
    EXPECT_EQ(sums[0], expected);
    EXPECT_EQ(sums[1], expected);
    EXPECT_EQ(wg.count(), 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Threads, WaitGroupStressTest,
                         ::testing::ValuesIn(internal::kStressThreadCounts));

}  // namespace
}  // namespace moirai::sync
