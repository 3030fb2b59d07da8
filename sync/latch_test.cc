// Copyright 2026 The Moirai Authors.

#include "moirai/sync/latch.h"

#include <cstdint>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "moirai/sync/internal/test_util.h"

namespace moirai::sync {
namespace {

using internal::RunThreads;

TEST(LatchTest, ZeroCountIsOpen) {
  Latch latch(0);
  EXPECT_TRUE(latch.TryWait());
  latch.Wait();
  EXPECT_TRUE(latch.WaitWithTimeout(absl::ZeroDuration()));
}

TEST(LatchTest, CountDownByMoreThanOne) {
  Latch latch(5);
  latch.CountDown(2);
  EXPECT_FALSE(latch.TryWait());
  latch.CountDown(0);
  EXPECT_FALSE(latch.TryWait());
  latch.CountDown(3);
  EXPECT_TRUE(latch.TryWait());
}

// Nobody counts down: a short timed wait reports "not open".
TEST(LatchTest, WaitWithTimeoutTimesOut) {
  Latch latch(1);
  EXPECT_FALSE(latch.WaitWithTimeout(absl::Milliseconds(1)));
  EXPECT_FALSE(latch.WaitWithDeadline(absl::Now() - absl::Seconds(1)));
  latch.CountDown();
  EXPECT_TRUE(latch.WaitWithTimeout(absl::Milliseconds(1)));
}

TEST(LatchDeathTest, BadCountsCrash) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(Latch(-1), "Latch: negative initial count");
  EXPECT_DEATH(
      {
        Latch latch(1);
        latch.CountDown(2);
      },
      "Latch: counted down below zero");
  EXPECT_DEATH(
      {
        Latch latch(1);
        latch.CountDown(-1);
      },
      "Latch: negative CountDown");
}

class LatchStressTest : public ::testing::TestWithParam<int> {};

// Each thread writes its slot (plain memory) and counts down; the waiters
// must see every write once Wait() returns. Conserved: the sum of the slots.
TEST_P(LatchStressTest, WaitSeesEveryCountDown) {
  const int threads = GetParam();
  for (int round = 0; round < internal::Scaled(50) + 1; ++round) {
    std::vector<std::int64_t> slots(threads, 0);
    Latch latch(threads);
    std::vector<std::int64_t> sums(threads, -1);
    // Every thread counts down and then waits (ArriveAndWait), so waiters
    // are woken by the last arrival.
    RunThreads(threads, [&](int id) {
      slots[id] = id + 1;
      latch.ArriveAndWait();
      std::int64_t sum = 0;
      for (std::int64_t v : slots) sum += v;
      sums[id] = sum;
    });
    const std::int64_t expected =
        static_cast<std::int64_t>(threads) * (threads + 1) / 2;
    for (std::int64_t s : sums) EXPECT_EQ(s, expected);
    EXPECT_TRUE(latch.TryWait());
  }
}

INSTANTIATE_TEST_SUITE_P(Threads, LatchStressTest,
                         ::testing::ValuesIn(internal::kStressThreadCounts));

}  // namespace
}  // namespace moirai::sync
