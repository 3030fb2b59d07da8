// Copyright 2026 The Moirai Authors.
//
// Tests of the futex contract (core/internal/futex.h) against both
// implementations in every build: the one this build selected (FutexWait /
// FutexWake: Linux futex(2), or the portable fallback under
// --config=portable_futex) and the portable fallback called directly
// (futex_portable::Wait / Wake). The portable-only tests check what only the
// fallback promises (exact counts with known sleepers, no spurious wake-ups,
// FIFO order, no cross-talk between words that share a bucket).

#include "moirai/core/internal/futex.h"

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "moirai/core/internal/futex_portable.h"
#include "moirai/core/mono_time.h"

namespace moirai::core::internal {
namespace {

struct Impl {
  const char* name;
  FutexWaitResult (*wait)(std::atomic<std::uint32_t>*, std::uint32_t,
                          MonoTime) noexcept;
  int (*wake)(std::atomic<std::uint32_t>*, int) noexcept;
};

FutexWaitResult SelectedWait(std::atomic<std::uint32_t>* w, std::uint32_t e,
                             MonoTime d) noexcept {
  return FutexWait(w, e, d);
}

class FutexContractTest : public ::testing::TestWithParam<Impl> {};

TEST(FutexSelection, MatchesTheBuildConfiguration) {
#if defined(MOIRAI_EXPECT_PORTABLE_FUTEX) || !defined(__linux__)
  EXPECT_TRUE(FutexIsPortable());
#else
  EXPECT_FALSE(FutexIsPortable());
#endif
}

TEST_P(FutexContractTest, ValueChangedDoesNotSleep) {
  std::atomic<std::uint32_t> word{1};
  EXPECT_EQ(GetParam().wait(&word, 0, MonoTime::Infinite()),
            FutexWaitResult::kValueChanged);
}

TEST_P(FutexContractTest, PastDeadlineTimesOut) {
  std::atomic<std::uint32_t> word{0};
  EXPECT_EQ(GetParam().wait(&word, 0, MonoTime::Now()),
            FutexWaitResult::kTimedOut);
}

TEST_P(FutexContractTest, TimesOutNoEarlierThanTheDeadline) {
  std::atomic<std::uint32_t> word{0};
  const MonoTime deadline = MonoTime::After(absl::Milliseconds(20));
  FutexWaitResult r;
  // Linux may wake spuriously (or on a signal): loop as callers do.
  do {
    r = GetParam().wait(&word, 0, deadline);
  } while (r == FutexWaitResult::kWoken || r == FutexWaitResult::kInterrupted);
  EXPECT_EQ(r, FutexWaitResult::kTimedOut);
  EXPECT_GE(MonoTime::Now(), deadline);
}

TEST_P(FutexContractTest, WakeWithNoWaitersWakesNobody) {
  std::atomic<std::uint32_t> word{0};
  EXPECT_EQ(GetParam().wake(&word, 1), 0);
  EXPECT_EQ(GetParam().wake(&word, 1 << 30), 0);
}

// A waker that changes the word and wakes is never lost, however the two
// interleave (the waiter loops on its condition, as every caller does).
TEST_P(FutexContractTest, WakeAfterChangeIsNeverLost) {
  for (int round = 0; round < 200; ++round) {
    std::atomic<std::uint32_t> word{0};
    std::thread waiter([&] {
      while (word.load(std::memory_order_acquire) == 0) {
        GetParam().wait(&word, 0, MonoTime::Infinite());
      }
    });
    word.store(1, std::memory_order_release);
    GetParam().wake(&word, 1);
    waiter.join();
  }
}

// Drepper's futex mutex ("Futexes Are Tricky", mutex 2) over the
// implementation: the guarded counter must equal the number of increments.
// A lost wake-up hangs the test; a broken check under the bucket lock lets
// two threads in at once (the counter comes out short).
class TestMutex {
 public:
  explicit TestMutex(const Impl& impl) : impl_(impl) {}
  void Lock() {
    std::uint32_t c = 0;
    // Acquire on success: pairs with Unlock's release exchange.
    if (state_.compare_exchange_strong(c, 1, std::memory_order_acquire)) {
      return;
    }
    if (c != 2) c = state_.exchange(2, std::memory_order_acquire);
    while (c != 0) {
      impl_.wait(&state_, 2, MonoTime::Infinite());
      c = state_.exchange(2, std::memory_order_acquire);
    }
  }
  void Unlock() {
    // Release: publishes the critical section to the next owner.
    if (state_.exchange(0, std::memory_order_release) == 2) {
      impl_.wake(&state_, 1);
    }
  }

 private:
  const Impl& impl_;
  std::atomic<std::uint32_t> state_{0};  // 0 free, 1 locked, 2 contended
};

TEST_P(FutexContractTest, MutexCounterIsExact) {
  for (int threads : {1, 2, 4, 8, 16}) {
    TestMutex mu(GetParam());
    long counter = 0;  // guarded by mu
    constexpr int kIncrements = 5000;
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t) {
      ts.emplace_back([&] {
        for (int i = 0; i < kIncrements; ++i) {
          mu.Lock();
          ++counter;
          mu.Unlock();
        }
      });
    }
    for (std::thread& t : ts) t.join();
    EXPECT_EQ(counter, long{threads} * kIncrements) << threads << " threads";
  }
}

// Every sleeper is woken by a wake-all after the change, and the counts the
// wakes report never exceed the sleepers.
TEST_P(FutexContractTest, WakeAllReleasesEveryWaiter) {
  constexpr int kWaiters = 8;
  std::atomic<std::uint32_t> word{0};
  std::atomic<int> woken{0};
  std::vector<std::thread> ts;
  for (int i = 0; i < kWaiters; ++i) {
    ts.emplace_back([&] {
      while (word.load(std::memory_order_acquire) == 0) {
        if (GetParam().wait(&word, 0, MonoTime::Infinite()) ==
            FutexWaitResult::kWoken) {
          woken.fetch_add(1, std::memory_order_relaxed);
        }
      }
    });
  }
  word.store(1, std::memory_order_release);
  const int reported = GetParam().wake(&word, 1 << 30);
  for (std::thread& t : ts) t.join();
  EXPECT_GE(reported, 0);
  EXPECT_LE(reported, kWaiters);
  // Each thread the wake counted returned kWoken (Linux may add spurious
  // kWoken returns, never fewer).
  EXPECT_GE(woken.load(), reported);
}

INSTANTIATE_TEST_SUITE_P(
    BothImplementations, FutexContractTest,
    ::testing::Values(Impl{"selected", &SelectedWait, &FutexWake},
                      Impl{"portable", &futex_portable::Wait,
                           &futex_portable::Wake}),
    [](const ::testing::TestParamInfo<Impl>& p) {
      return std::string(p.param.name);
    });

// --- What only the portable implementation promises -------------------------

void WaitForWaiters(const std::atomic<std::uint32_t>* word, int n) {
  while (futex_portable::WaitersForTesting(word) != n) {
    std::this_thread::yield();
  }
}

TEST(FutexPortable, WakeCountIsExact) {
  constexpr int kWaiters = 5;
  std::atomic<std::uint32_t> word{0};
  std::atomic<int> returned{0};
  std::vector<std::thread> ts;
  for (int i = 0; i < kWaiters; ++i) {
    ts.emplace_back([&] {
      EXPECT_EQ(futex_portable::Wait(&word, 0, MonoTime::Infinite()),
                FutexWaitResult::kWoken);
      returned.fetch_add(1);
    });
  }
  WaitForWaiters(&word, kWaiters);
  EXPECT_EQ(futex_portable::Wake(&word, 2), 2);
  WaitForWaiters(&word, kWaiters - 2);
  EXPECT_EQ(futex_portable::Wake(&word, 1 << 30), kWaiters - 2);
  EXPECT_EQ(futex_portable::Wake(&word, 1), 0);
  for (std::thread& t : ts) t.join();
  EXPECT_EQ(returned.load(), kWaiters);
}

TEST(FutexPortable, WakesOldestFirst) {
  std::atomic<std::uint32_t> word{0};
  std::atomic<int> order{0};
  int first_done = -1;
  int second_done = -1;
  std::thread first([&] {
    futex_portable::Wait(&word, 0, MonoTime::Infinite());
    first_done = order.fetch_add(1);
  });
  WaitForWaiters(&word, 1);
  std::thread second([&] {
    futex_portable::Wait(&word, 0, MonoTime::Infinite());
    second_done = order.fetch_add(1);
  });
  WaitForWaiters(&word, 2);
  EXPECT_EQ(futex_portable::Wake(&word, 1), 1);
  first.join();  // the oldest one; `second` still sleeps
  EXPECT_EQ(futex_portable::WaitersForTesting(&word), 1);
  EXPECT_EQ(futex_portable::Wake(&word, 1), 1);
  second.join();
  EXPECT_EQ(first_done, 0);
  EXPECT_EQ(second_done, 1);
}

// Two words in one bucket: a wake of one leaves the other's waiter asleep
// (it times out instead of returning kWoken).
TEST(FutexPortable, WordsSharingABucketDoNotCrossTalk) {
  std::vector<std::atomic<std::uint32_t>> words(1024);
  std::size_t other = 1;
  while (futex_portable::BucketForTesting(&words[other]) !=
         futex_portable::BucketForTesting(&words[0])) {
    ++other;
    ASSERT_LT(other, words.size()) << "no two words share a bucket";
  }
  std::atomic<std::uint32_t>& a = words[0];
  std::atomic<std::uint32_t>& b = words[other];
  FutexWaitResult b_result = FutexWaitResult::kWoken;
  std::thread waiter_b([&] {
    b_result =
        futex_portable::Wait(&b, 0, MonoTime::After(absl::Milliseconds(50)));
  });
  std::thread waiter_a(
      [&] { futex_portable::Wait(&a, 0, MonoTime::Infinite()); });
  WaitForWaiters(&a, 1);
  EXPECT_EQ(futex_portable::Wake(&a, 1 << 30), 1);
  waiter_a.join();
  waiter_b.join();
  EXPECT_EQ(b_result, FutexWaitResult::kTimedOut);
}

// A timed-out waiter leaves the list, so a later wake does not count it.
TEST(FutexPortable, TimedOutWaiterIsNotCounted) {
  std::atomic<std::uint32_t> word{0};
  EXPECT_EQ(
      futex_portable::Wait(&word, 0, MonoTime::After(absl::Milliseconds(5))),
      FutexWaitResult::kTimedOut);
  EXPECT_EQ(futex_portable::WaitersForTesting(&word), 0);
  EXPECT_EQ(futex_portable::Wake(&word, 1), 0);
}

// A timed waiter that is woken before its deadline reports kWoken.
TEST(FutexPortable, TimedWaitWokenReportsWoken) {
  std::atomic<std::uint32_t> word{0};
  FutexWaitResult r = FutexWaitResult::kTimedOut;
  std::thread waiter([&] {
    r = futex_portable::Wait(&word, 0, MonoTime::After(absl::Hours(1)));
  });
  WaitForWaiters(&word, 1);
  EXPECT_EQ(futex_portable::Wake(&word, 1), 1);
  waiter.join();
  EXPECT_EQ(r, FutexWaitResult::kWoken);
}

}  // namespace
}  // namespace moirai::core::internal
