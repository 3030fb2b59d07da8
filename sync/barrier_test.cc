// Copyright 2026 The Moirai Authors.

#include "moirai/sync/barrier.h"

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "moirai/sync/internal/test_util.h"

namespace moirai::sync {
namespace {

using internal::RunThreads;
using internal::Scaled;

TEST(BarrierTest, SinglePartyCompletesEveryPhaseAlone) {
  int completions = 0;
  Barrier barrier(1, [&] { ++completions; });
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(barrier.phase(), static_cast<std::uint32_t>(i));
    EXPECT_TRUE(barrier.ArriveAndWait());
  }
  EXPECT_EQ(completions, 5);
  EXPECT_EQ(barrier.phase(), 5u);
}

TEST(BarrierDeathTest, ZeroOrNegativePartiesCrash) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(Barrier(0), "Barrier: parties must be positive");
  EXPECT_DEATH(Barrier(-3), "Barrier: parties must be positive");
}

TEST(BarrierTest, ArriveAndDropShrinksLaterPhases) {
  Barrier barrier(3);
  std::thread dropper([&] { barrier.ArriveAndDrop(); });
  std::thread t([&] {
    for (int i = 0; i < 10; ++i) barrier.ArriveAndWait();
  });
  for (int i = 0; i < 10; ++i) barrier.ArriveAndWait();
  t.join();
  dropper.join();
  EXPECT_EQ(barrier.phase(), 10u);
  EXPECT_EQ(barrier.parties(), 2);
}

class BarrierStressTest : public ::testing::TestWithParam<int> {};

// Loop round p has two phases. In phase 2p every thread writes its slot
// (plain memory) and arrives; the completion step of that phase checks and
// sums all slots, so it must see every arrival's write, and after the
// barrier every thread checks them too. Phase 2p+1 keeps anyone from
// overwriting a slot before everyone has checked it. Conserved: one serial
// thread and one completion per phase, phase() counts them, and the sum the
// completions saw equals the sum of all writes.
TEST_P(BarrierStressTest, PhasesSeeEveryArrival) {
  const int threads = GetParam();
  const int rounds = Scaled(2000);
  std::vector<std::int64_t> slots(threads, 0);
  std::int64_t completion_total = 0;
  int completions = 0;
  std::int64_t bad_in_completion = 0;
  int phase_mismatch = 0;
  Barrier* barrier_ptr = nullptr;
  Barrier barrier(threads, [&] {
    // Inside the completion step phase() is the number of the phase being
    // completed.
    const std::uint32_t phase = barrier_ptr->phase();
    if (phase != static_cast<std::uint32_t>(completions)) ++phase_mismatch;
    ++completions;
    if (phase % 2 != 0) return;
    for (int t = 0; t < threads; ++t) {
      if (slots[t] != static_cast<std::int64_t>(phase) * 1000 + t) {
        ++bad_in_completion;
      }
      completion_total += slots[t];
    }
  });
  barrier_ptr = &barrier;
  std::atomic<int> serial{0};
  std::atomic<int> bad_after{0};
  RunThreads(threads, [&](int id) {
    for (int p = 0; p < rounds; ++p) {
      const std::int64_t phase = 2 * p;
      slots[id] = phase * 1000 + id;
      if (barrier.ArriveAndWait()) serial.fetch_add(1);
      if (barrier.phase() < static_cast<std::uint32_t>(phase + 1)) {
        bad_after.fetch_add(1);
      }
      for (int t = 0; t < threads; ++t) {
        if (slots[t] != phase * 1000 + t) bad_after.fetch_add(1);
      }
      if (barrier.ArriveAndWait()) serial.fetch_add(1);
    }
  });
  EXPECT_EQ(serial.load(), rounds * 2);
  EXPECT_EQ(completions, rounds * 2);
  EXPECT_EQ(barrier.phase(), static_cast<std::uint32_t>(rounds * 2));
  EXPECT_EQ(bad_in_completion, 0);
  EXPECT_EQ(bad_after.load(), 0);
  EXPECT_EQ(phase_mismatch, 0);
  // Sum over p < n and t < k of (2000p + t).
  const std::int64_t n = rounds, k = threads;
  EXPECT_EQ(completion_total, 2000 * k * n * (n - 1) / 2 + n * k * (k - 1) / 2);
}

INSTANTIATE_TEST_SUITE_P(Threads, BarrierStressTest,
                         ::testing::ValuesIn(internal::kStressThreadCounts));

}  // namespace
}  // namespace moirai::sync
