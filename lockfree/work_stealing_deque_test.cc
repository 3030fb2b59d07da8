// Copyright 2026 The Moirai Authors.
//
// lockfree/work_stealing_deque_test.cc
// -----------------------------------------------------------------------------
//
// Conserved quantity: the owner pushes N tracked elements (interleaved with
// its own pops) while K thieves steal one at a time or half at a time; the
// sorted union of everything taken equals what was pushed, each element is
// consumed exactly once (its "taken" flag flips 0 -> 1 once), and every
// element constructed is destroyed exactly once.

#include "moirai/lockfree/work_stealing_deque.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "moirai/core/arch.h"

namespace moirai::lockfree {
namespace {

#if defined(MOIRAI_TSAN) || defined(MOIRAI_ASAN)
constexpr int kItems = 20000;
#else
constexpr int kItems = 100000;
#endif

// A counting element: constructions and destructions are tallied, and a
// destroyed element marks itself dead so a use after destroy is caught.
struct Tracked {
  static std::atomic<int> live;
  explicit Tracked(int v) : value(v) { live.fetch_add(1); }
  ~Tracked() {
    EXPECT_EQ(magic, kAlive) << "double destroy of " << value;
    magic = kDead;
    live.fetch_sub(1);
  }
  static constexpr std::uint32_t kAlive = 0xA11CE;
  static constexpr std::uint32_t kDead = 0xDEAD;
  int value;
  std::uint32_t magic = kAlive;
  std::atomic<int> taken{0};
};
std::atomic<int> Tracked::live{0};

// Records that `p` was consumed by the caller: its flag must flip exactly once.
void Consume(Tracked* p, std::vector<int>* got) {
  ASSERT_EQ(p->magic, Tracked::kAlive) << "use after destroy";
  ASSERT_EQ(p->taken.fetch_add(1), 0) << "element " << p->value << " twice";
  got->push_back(p->value);
  delete p;
}

TEST(WorkStealingDequeTest, EmptyDeque) {
  WorkStealingDeque<int> d;
  int v = 0;
  EXPECT_FALSE(d.Pop(&v));
  EXPECT_TRUE(d.Steal().empty());
  std::size_t n = 7;
  int out[4];
  EXPECT_EQ(d.StealHalf(out, 4, &n), StealStatus::kEmpty);
  EXPECT_EQ(n, 0u);
  EXPECT_TRUE(d.EmptyApprox());
  // Pop on empty must leave the deque usable.
  d.Push(5);
  EXPECT_TRUE(d.Pop(&v));
  EXPECT_EQ(v, 5);
  EXPECT_FALSE(d.Pop(&v));
}

TEST(WorkStealingDequeTest, OwnerIsLifoThiefIsFifo) {
  WorkStealingDeque<int> d(2);
  for (int i = 0; i < 10; ++i) d.Push(i);
  EXPECT_EQ(d.SizeApprox(), 10u);
  auto s = d.Steal();
  ASSERT_TRUE(s.success());
  EXPECT_EQ(s.value, 0);
  int v = -1;
  ASSERT_TRUE(d.Pop(&v));
  EXPECT_EQ(v, 9);
  int out[16];
  std::size_t n = 0;
  // 8 left: half is 4, oldest first.
  EXPECT_EQ(d.StealHalf(out, 16, &n), StealStatus::kSuccess);
  ASSERT_EQ(n, 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(out[i], i + 1);
  // max_count caps the batch.
  EXPECT_EQ(d.StealHalf(out, 1, &n), StealStatus::kSuccess);
  ASSERT_EQ(n, 1u);
  EXPECT_EQ(out[0], 5);
  std::vector<int> rest;
  while (d.Pop(&v)) rest.push_back(v);
  EXPECT_EQ(rest, (std::vector<int>{8, 7, 6}));
}

TEST(WorkStealingDequeTest, GrowsAcrossWrapAround) {
  WorkStealingDeque<int> d(4);
  EXPECT_EQ(d.capacity(), 4u);
  // Move top/bottom away from zero so the live range wraps before growing.
  for (int i = 0; i < 3; ++i) d.Push(i);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(d.Steal().success());
  for (int i = 0; i < 1000; ++i) d.Push(i);
  EXPECT_GE(d.capacity(), 1000u);
  for (int i = 0; i < 500; ++i) {
    auto s = d.Steal();
    ASSERT_TRUE(s.success());
    EXPECT_EQ(s.value, i);
  }
  int v;
  for (int i = 999; i >= 500; --i) {
    ASSERT_TRUE(d.Pop(&v));
    EXPECT_EQ(v, i);
  }
  EXPECT_FALSE(d.Pop(&v));
}

struct Params {
  int thieves;
  bool steal_half;
};

class WorkStealingDequeStressTest : public ::testing::TestWithParam<Params> {};

TEST_P(WorkStealingDequeStressTest, SortedUnionEqualsPushed) {
  const Params p = GetParam();
  WorkStealingDeque<Tracked*> d(8);  // small: force many grows under stealing
  std::atomic<bool> done{false};
  std::vector<std::vector<int>> got(p.thieves + 1);

  std::vector<std::thread> thieves;
  for (int k = 0; k < p.thieves; ++k) {
    thieves.emplace_back([&, k] {
      std::vector<int>* mine = &got[k + 1];
      Tracked* batch[32];
      // Loop until the owner is done and the deque is drained.
      for (;;) {
        const bool finished = done.load(std::memory_order_acquire);
        if (p.steal_half) {
          std::size_t n = 0;
          StealStatus s = d.StealHalf(batch, 32, &n);
          for (std::size_t i = 0; i < n; ++i) Consume(batch[i], mine);
          if (s == StealStatus::kEmpty && finished) return;
        } else {
          StealResult<Tracked*> r = d.Steal();
          if (r.success()) Consume(r.value, mine);
          if (r.empty() && finished) return;
        }
      }
    });
  }

  // The owner: push everything, popping one of every three pushes, then
  // drain with pops while the thieves keep stealing.
  std::vector<int>* own = &got[0];
  for (int i = 0; i < kItems; ++i) {
    d.Push(new Tracked(i));
    if (i % 3 == 2) {
      Tracked* x;
      if (d.Pop(&x)) Consume(x, own);
    }
  }
  Tracked* x;
  while (d.Pop(&x)) Consume(x, own);
  done.store(true, std::memory_order_release);
  for (auto& t : thieves) t.join();

  std::vector<int> all;
  for (auto& g : got) all.insert(all.end(), g.begin(), g.end());
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), static_cast<std::size_t>(kItems));
  for (int i = 0; i < kItems; ++i) ASSERT_EQ(all[i], i);
  EXPECT_EQ(Tracked::live.load(), 0);
  EXPECT_TRUE(d.EmptyApprox());
}

INSTANTIATE_TEST_SUITE_P(
    Thieves, WorkStealingDequeStressTest,
    ::testing::Values(Params{1, false}, Params{2, false}, Params{4, false},
                      Params{8, false}, Params{1, true}, Params{2, true},
                      Params{4, true}, Params{8, true}),
    [](const ::testing::TestParamInfo<Params>& param_info) {
      return std::to_string(param_info.param.thieves) + "thieves" +
             (param_info.param.steal_half ? "_half" : "_one");
    });

// The last-element race: the owner pushes one element and pops it while a
// thief steals; exactly one of them gets it, every round.
TEST(WorkStealingDequeTest, LastElementRaceHasOneWinner) {
#if defined(MOIRAI_TSAN)
  constexpr int kRounds = 5000;
#else
  constexpr int kRounds = 50000;
#endif
  WorkStealingDeque<int> d;
  std::atomic<int> thief_won{0};
  std::atomic<bool> stop{false};
  std::thread thief([&] {
    while (!stop.load(std::memory_order_acquire)) {
      auto r = d.Steal();
      if (r.success()) thief_won.fetch_add(1, std::memory_order_relaxed);
    }
  });
  int owner_won = 0;
  for (int i = 0; i < kRounds; ++i) {
    d.Push(i);
    int v;
    if (d.Pop(&v)) {
      EXPECT_EQ(v, i);
      ++owner_won;
    }
    // Wait until the element is gone (stolen or popped) before the next round.
    while (!d.EmptyApprox()) core::CpuRelax();
  }
  stop.store(true, std::memory_order_release);
  thief.join();
  EXPECT_EQ(owner_won + thief_won.load(), kRounds);
}

// The owner's pop without a CAS (more than one element left, as far as it
// can tell) against thieves emptying the deque from the top: the race the
// store-load step in Pop (a fence, or the asymmetric membarrier pairing)
// exists for. Each round the owner pushes three elements and pops until
// empty while two thieves steal; every element must be taken exactly once.
class OwnerPopRaceTest : public ::testing::TestWithParam<DequeFences> {};

TEST_P(OwnerPopRaceTest, OwnerPopWithoutCasRacesThieves) {
#if defined(MOIRAI_TSAN) || defined(MOIRAI_ASAN)
  constexpr int kRounds = 20000;
#else
  constexpr int kRounds = 200000;
#endif
  constexpr int kPerRound = 3;
  WorkStealingDeque<int> d(WorkStealingDeque<int>::kDefaultCapacity,
                           GetParam());
  std::vector<std::atomic<std::uint8_t>> taken(kRounds * kPerRound);
  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> stolen{0};
  auto thief = [&] {
    while (!stop.load(std::memory_order_acquire)) {
      if (d.EmptyApprox()) continue;
      StealResult<int> r = d.Steal();
      if (r.success()) {
        taken[static_cast<std::size_t>(r.value)].fetch_add(
            1, std::memory_order_relaxed);
        stolen.fetch_add(1, std::memory_order_relaxed);
      }
    }
  };
  std::thread t1(thief), t2(thief);
  std::int64_t popped = 0;
  for (int round = 0; round < kRounds; ++round) {
    for (int k = 0; k < kPerRound; ++k) d.Push(round * kPerRound + k);
    int v;
    while (d.Pop(&v)) {
      taken[static_cast<std::size_t>(v)].fetch_add(1,
                                                   std::memory_order_relaxed);
      ++popped;
    }
  }
  stop.store(true, std::memory_order_release);
  t1.join();
  t2.join();
  EXPECT_EQ(popped + stolen.load(), std::int64_t{kRounds} * kPerRound);
  for (std::size_t i = 0; i < taken.size(); ++i) {
    ASSERT_EQ(taken[i].load(), 1) << "element " << i;
  }
  // Which mode ran (informational: depends on the kernel and sanitizer).
  std::printf("asymmetric fences: %s\n",
              d.uses_asymmetric_fences() ? "yes" : "no");
  if (GetParam() == DequeFences::kSymmetric) {
    EXPECT_FALSE(d.uses_asymmetric_fences());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Fences, OwnerPopRaceTest,
    ::testing::Values(DequeFences::kAuto, DequeFences::kSymmetric),
    [](const ::testing::TestParamInfo<DequeFences>& param_info) {
      return std::string(param_info.param == DequeFences::kAuto ? "auto"
                                                                : "symmetric");
    });

// The mode word's state machine, single-threaded: kAuto starts asymmetric
// where it can (membarrier, or emulated under TSan), a request moves it to
// kDowngradeRequested once, and the owner's next Pop completes the switch
// to kSymmetric, which is final. kSymmetric deques ignore requests.
TEST(WorkStealingDequeTest, FenceDowngradeStateMachine) {
  WorkStealingDeque<int> sym(WorkStealingDeque<int>::kDefaultCapacity,
                             DequeFences::kSymmetric);
  EXPECT_EQ(sym.fence_mode(), FenceMode::kSymmetric);
  EXPECT_FALSE(sym.RequestSymmetricFences());
  EXPECT_EQ(sym.fence_mode(), FenceMode::kSymmetric);

  WorkStealingDeque<int> d;
#if defined(MOIRAI_TSAN)
  ASSERT_EQ(d.fence_mode(), FenceMode::kAsymmetric);
#endif
  if (d.fence_mode() == FenceMode::kSymmetric) {
    GTEST_SKIP() << "membarrier(PRIVATE_EXPEDITED) is not available";
  }
  ASSERT_EQ(d.fence_mode(), FenceMode::kAsymmetric);
  d.Push(1);
  d.Push(2);
  int v = 0;
  ASSERT_TRUE(d.Pop(&v));
  EXPECT_EQ(v, 2);
  EXPECT_EQ(d.fence_mode(), FenceMode::kAsymmetric);  // nobody asked
  EXPECT_TRUE(d.RequestSymmetricFences());
  EXPECT_FALSE(d.RequestSymmetricFences());  // once
  EXPECT_EQ(d.fence_mode(), FenceMode::kDowngradeRequested);
  EXPECT_TRUE(d.uses_asymmetric_fences());
  // Steals do not complete the switch (only the owner does)...
  StealResult<int> r = d.Steal();
  ASSERT_TRUE(r.success());
  EXPECT_EQ(r.value, 1);
  EXPECT_EQ(d.fence_mode(), FenceMode::kDowngradeRequested);
  // ...the owner's next Pop does, even on an empty deque.
  EXPECT_FALSE(d.Pop(&v));
  EXPECT_EQ(d.fence_mode(), FenceMode::kSymmetric);
  EXPECT_FALSE(d.uses_asymmetric_fences());
  EXPECT_FALSE(d.RequestSymmetricFences());
  d.Push(3);
  ASSERT_TRUE(d.Pop(&v));
  EXPECT_EQ(v, 3);
  EXPECT_EQ(d.fence_mode(), FenceMode::kSymmetric);
}

// The downgrade while the race of OwnerPopRaceTest runs: on each of several
// deques one thief requests the switch after a varying number of its steal
// attempts (or, at the latest, when the owner reaches the middle of its run
// and waits for the request), while the owner keeps popping without CAS and
// two thieves keep stealing; every element must still be taken exactly once,
// and the owner's pops after the request must have completed the switch.
TEST(WorkStealingDequeTest, DowngradeDuringOwnerPopRace) {
#if defined(MOIRAI_TSAN) || defined(MOIRAI_ASAN)
  constexpr int kTrials = 8;
  constexpr int kRounds = 3000;
#else
  constexpr int kTrials = 40;
  constexpr int kRounds = 5000;
#endif
  constexpr int kPerRound = 3;
  int requested_by_attempts = 0;
  for (int trial = 0; trial < kTrials; ++trial) {
    WorkStealingDeque<int> d;
    const bool started_asymmetric = d.uses_asymmetric_fences();
    std::vector<std::atomic<std::uint8_t>> taken(kRounds * kPerRound);
    std::atomic<bool> stop{false};
    std::atomic<bool> owner_waiting{false};
    std::atomic<bool> requested{false};
    std::atomic<bool> by_attempts{false};
    std::atomic<std::int64_t> stolen{0};
    // Thief 0 requests after this many of its steal attempts.
    const int request_after = 1 + trial * 7 % 50;
    auto thief = [&](bool requester) {
      int attempts = 0;
      while (!stop.load(std::memory_order_acquire)) {
        if (requester && !requested.load(std::memory_order_relaxed) &&
            (attempts >= request_after ||
             owner_waiting.load(std::memory_order_acquire))) {
          by_attempts.store(attempts >= request_after,
                            std::memory_order_relaxed);
          EXPECT_EQ(d.RequestSymmetricFences(), started_asymmetric);
          requested.store(true, std::memory_order_release);
        }
        if (d.EmptyApprox()) continue;
        ++attempts;
        StealResult<int> r = d.Steal();
        if (!r.success()) continue;
        taken[static_cast<std::size_t>(r.value)].fetch_add(
            1, std::memory_order_relaxed);
        stolen.fetch_add(1, std::memory_order_relaxed);
      }
    };
    std::thread t1(thief, true), t2(thief, false);
    std::int64_t popped = 0;
    for (int round = 0; round < kRounds; ++round) {
      if (round == kRounds / 2) {
        owner_waiting.store(true, std::memory_order_release);
        while (!requested.load(std::memory_order_acquire)) {
          std::this_thread::yield();
        }
      }
      for (int k = 0; k < kPerRound; ++k) d.Push(round * kPerRound + k);
      int v;
      while (d.Pop(&v)) {
        taken[static_cast<std::size_t>(v)].fetch_add(1,
                                                     std::memory_order_relaxed);
        ++popped;
      }
    }
    stop.store(true, std::memory_order_release);
    t1.join();
    t2.join();
    EXPECT_EQ(popped + stolen.load(), std::int64_t{kRounds} * kPerRound);
    for (std::size_t i = 0; i < taken.size(); ++i) {
      ASSERT_EQ(taken[i].load(), 1) << "trial " << trial << " element " << i;
    }
    // The owner popped after the request: the switch is complete.
    EXPECT_EQ(d.fence_mode(), FenceMode::kSymmetric);
    if (by_attempts.load()) ++requested_by_attempts;
  }
  std::printf("requested during the race in %d of %d trials\n",
              requested_by_attempts, kTrials);
}

// The asymmetric fence's registration is per address space: a child
// process (fork without exec) must still be able to steal, whatever the
// kernel does with the registration across fork.
TEST(WorkStealingDequeTest, StealsWorkInForkedChild) {
  WorkStealingDeque<int> parent_deque;  // registers in the parent
  parent_deque.Push(1);
  ASSERT_TRUE(parent_deque.Steal().success());
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    WorkStealingDeque<int> d;
    d.Push(7);
    d.Push(8);
    StealResult<int> r = d.Steal();
    int v = 0;
    const bool ok = r.success() && r.value == 7 && d.Pop(&v) && v == 8;
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace moirai::lockfree
