// Copyright 2026 The Moirai Authors.
//
// tools/testing/deterministic_schedule_test.cc
// -----------------------------------------------------------------------------
//
// The harness must (1) replay an interleaving from its seed, (2) pass correct
// code on every seed, and (3) catch deliberately broken code within a few
// seeds: a counter whose increment is a load followed by a store, and a
// Treiber stack whose pop swings the head with a plain store instead of a
// CAS.

#include "moirai/tools/testing/deterministic_schedule.h"

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "moirai/tools/testing/stress_oracles.h"

namespace moirai::testing {
namespace {

constexpr int kSeeds = 200;

TEST(DeterministicAtomicTest, WorksOutsideASchedule) {
  DeterministicAtomic<int> a(5);
  EXPECT_EQ(a.load(), 5);
  a.store(6);
  EXPECT_EQ(a.exchange(7), 6);
  int expected = 6;
  EXPECT_FALSE(a.compare_exchange_strong(expected, 8));
  EXPECT_EQ(expected, 7);
  EXPECT_TRUE(a.compare_exchange_weak(expected, 8, std::memory_order_acq_rel,
                                      std::memory_order_acquire));
  EXPECT_EQ(a.fetch_add(2), 8);
  EXPECT_EQ(a.fetch_sub(1), 10);
  EXPECT_EQ(a.fetch_or(0x10), 9);
  EXPECT_EQ(a.fetch_and(0x18), 0x19);
  EXPECT_EQ(a.load(std::memory_order_relaxed), 0x18);
  EXPECT_EQ(DeterministicSchedule::ThreadIndex(), -1);

  int x = 0;
  DeterministicAtomic<int*> p;
  EXPECT_EQ(p.load(), nullptr);
  p.store(&x, std::memory_order_release);
  EXPECT_EQ(p.load(std::memory_order_acquire), &x);
}

// The sequence of thread indices that took each step of a 3-thread run.
std::vector<int> TraceOf(uint64_t seed, SchedulePolicy policy) {
  DeterministicSchedule sched({.seed = seed, .policy = policy});
  DeterministicAtomic<int> shared(0);
  std::vector<int> trace;  // appended only by the thread holding the turn
  auto body = [&] {
    for (int i = 0; i < 6; ++i) {
      shared.fetch_add(1);
      trace.push_back(DeterministicSchedule::ThreadIndex());
    }
  };
  sched.Run({body, body, body});
  return trace;
}

TEST(DeterministicScheduleTest, SameSeedReplaysTheSameInterleaving) {
  for (SchedulePolicy policy :
       {SchedulePolicy::kUniform, SchedulePolicy::kPct}) {
    int distinct = 0;
    std::vector<int> previous;
    for (uint64_t seed = 1; seed <= 20; ++seed) {
      std::vector<int> trace = TraceOf(seed, policy);
      EXPECT_EQ(trace.size(), 18u);
      EXPECT_EQ(trace, TraceOf(seed, policy))
          << "seed " << seed << " policy " << SchedulePolicyName(policy);
      if (trace != previous) ++distinct;
      previous = trace;
    }
    // Different seeds explore different interleavings.
    EXPECT_GT(distinct, 10) << SchedulePolicyName(policy);
  }
}

TEST(DeterministicScheduleTest, OnlyOneThreadRunsAtATime) {
  ExploreResult r = ExploreSchedules(
      {.num_seeds = 50}, [](DeterministicSchedule& sched) -> absl::Status {
        DeterministicAtomic<int> touch(0);
        int inside = 0;  // plain int: a data race if two threads ran at once
        int max_inside = 0;
        auto body = [&] {
          for (int i = 0; i < 5; ++i) {
            ++inside;
            max_inside = std::max(max_inside, inside);
            --inside;
            touch.fetch_add(1);
          }
        };
        sched.Run({body, body, body});
        if (max_inside != 1) return absl::InternalError("overlap");
        return absl::OkStatus();
      });
  EXPECT_FALSE(r.failed) << r.message;
}

// A counter under test: Increment() is correct (fetch_add) or broken (a
// load followed by a store: two increments can read the same value).
template <template <typename> class Atom, bool kBroken>
class Counter {
 public:
  void Increment() {
    if constexpr (kBroken) {
      const int v = value_.load(std::memory_order_relaxed);
      value_.store(v + 1, std::memory_order_relaxed);
    } else {
      value_.fetch_add(1, std::memory_order_relaxed);
    }
  }
  int Get() const { return value_.load(std::memory_order_relaxed); }

 private:
  Atom<int> value_{0};
};

template <bool kBroken>
absl::Status CounterTrial(DeterministicSchedule& sched) {
  Counter<DeterministicAtomic, kBroken> counter;
  auto body = [&] {
    for (int i = 0; i < 3; ++i) counter.Increment();
  };
  sched.Run({body, body});
  if (counter.Get() != 6) {
    return absl::DataLossError(
        absl::StrCat("lost increments: counter=", counter.Get(), " want 6"));
  }
  return absl::OkStatus();
}

TEST(DeterministicScheduleTest, CorrectCounterPassesEverySeed) {
  ExploreResult r =
      ExploreSchedules({.num_seeds = kSeeds}, CounterTrial<false>);
  EXPECT_FALSE(r.failed) << r.message;
  EXPECT_EQ(r.trials_run, 2 * kSeeds);
}

TEST(DeterministicScheduleTest, BrokenCounterIsCaughtWithinTenSeeds) {
  for (SchedulePolicy policy :
       {SchedulePolicy::kUniform, SchedulePolicy::kPct}) {
    ExploreResult r = ExploreSchedules(
        {.num_seeds = 10, .policies = {policy}, .print_failure = false},
        CounterTrial<true>);
    ASSERT_TRUE(r.failed) << SchedulePolicyName(policy);
    // The reported seed replays the failure.
    EXPECT_FALSE(ReplaySchedule(r.failing_options, CounterTrial<true>).ok());
  }
}

// A Treiber stack (R. K. Treiber, "Systems programming: coping with
// parallelism", IBM RJ 5118, 1986). Nodes are never freed during a run (an
// arena owns them), so the broken variant misbehaves by losing or
// duplicating items rather than by crashing.
template <template <typename> class Atom, bool kBrokenPop>
class TreiberStack {
 public:
  void Push(uint64_t value) {
    Node* node = &arena_.emplace_back();
    node->value = value;
    Node* head = head_.load(std::memory_order_relaxed);
    do {
      node->next = head;
    } while (!head_.compare_exchange_weak(head, node, std::memory_order_release,
                                          std::memory_order_relaxed));
  }
  std::optional<uint64_t> Pop() {
    Node* head = head_.load(std::memory_order_acquire);
    if constexpr (kBrokenPop) {
      // BROKEN on purpose: between the load and the store another thread can
      // pop the same node (duplicate) or push a node (lost).
      if (head == nullptr) return std::nullopt;
      head_.store(head->next, std::memory_order_release);
      return head->value;
    } else {
      while (head != nullptr && !head_.compare_exchange_weak(
                                    head, head->next, std::memory_order_acquire,
                                    std::memory_order_acquire)) {
      }
      if (head == nullptr) return std::nullopt;
      return head->value;
    }
  }

 private:
  struct Node {
    uint64_t value = 0;
    Node* next = nullptr;
  };
  Atom<Node*> head_{nullptr};
  // Appended only by the thread holding the turn (one at a time); deque keeps
  // addresses stable.
  std::deque<Node> arena_;
};

template <bool kBroken>
absl::Status StackTrial(DeterministicSchedule& sched) {
  TreiberStack<DeterministicAtomic, kBroken> stack;
  constexpr int kProducers = 2;
  constexpr int kItems = 3;
  std::vector<std::vector<TaggedItem>> logs(kProducers + 1);
  std::vector<std::function<void()>> threads;
  for (int p = 0; p < kProducers; ++p) {
    threads.push_back([&, p] {
      for (int s = 0; s < kItems; ++s) {
        stack.Push(
            TaggedItem{static_cast<uint32_t>(p), static_cast<uint64_t>(s)}
                .Pack());
        if (auto v = stack.Pop()) logs[p].push_back(TaggedItem::Unpack(*v));
      }
    });
  }
  sched.Run(std::move(threads));
  while (auto v = stack.Pop())
    logs[kProducers].push_back(TaggedItem::Unpack(*v));
  return CheckTaggedItems(kProducers, kItems, logs, TaggedOrder::kAnyOrder);
}

TEST(DeterministicScheduleTest, CorrectTreiberStackPassesEverySeed) {
  ExploreResult r = ExploreSchedules({.num_seeds = kSeeds}, StackTrial<false>);
  EXPECT_FALSE(r.failed) << r.message;
}

TEST(DeterministicScheduleTest, BrokenTreiberStackIsCaughtWithin50Seeds) {
  for (SchedulePolicy policy :
       {SchedulePolicy::kUniform, SchedulePolicy::kPct}) {
    ExploreResult r = ExploreSchedules(
        {.num_seeds = 50, .policies = {policy}, .print_failure = false},
        StackTrial<true>);
    EXPECT_TRUE(r.failed) << SchedulePolicyName(policy);
  }
}

// The generic mutation: the correct Treiber stack built on BrokenRmwAtomic
// (CAS split into load + store) must be caught too.
absl::Status BrokenRmwStackTrial(DeterministicSchedule& sched) {
  TreiberStack<BrokenRmwAtomic, false> stack;
  std::vector<std::vector<TaggedItem>> logs(3);
  std::vector<std::function<void()>> threads;
  for (int p = 0; p < 2; ++p) {
    threads.push_back([&, p] {
      for (int s = 0; s < 3; ++s) {
        stack.Push(
            TaggedItem{static_cast<uint32_t>(p), static_cast<uint64_t>(s)}
                .Pack());
        if (auto v = stack.Pop()) logs[p].push_back(TaggedItem::Unpack(*v));
      }
    });
  }
  sched.Run(std::move(threads));
  while (auto v = stack.Pop()) logs[2].push_back(TaggedItem::Unpack(*v));
  return CheckTaggedItems(2, 3, logs, TaggedOrder::kAnyOrder);
}

TEST(DeterministicScheduleTest, BrokenRmwAtomicIsCaughtWithin50Seeds) {
  ExploreResult r = ExploreSchedules({.num_seeds = 50, .print_failure = false},
                                     BrokenRmwStackTrial);
  EXPECT_TRUE(r.failed);
  BrokenRmwAtomic<int> a(1);
  EXPECT_EQ(a.exchange(2), 1);
  int expected = 2;
  EXPECT_TRUE(a.compare_exchange_strong(expected, 3));
  EXPECT_EQ(a.fetch_add(1), 3);
  EXPECT_EQ(a.load(), 4);
}

// A spin-wait on a flag set by another thread must finish under both
// policies: under PCT the spinning thread is demoted after a bounded number
// of consecutive steps.
TEST(DeterministicScheduleTest, SpinWaitsMakeProgress) {
  ExploreResult r = ExploreSchedules(
      {.num_seeds = 50}, [](DeterministicSchedule& sched) -> absl::Status {
        DeterministicAtomic<bool> flag(false);
        DeterministicAtomic<int> data(0);
        int seen = -1;
        sched.Run({[&] {
                     while (!flag.load(std::memory_order_acquire)) {
                     }
                     seen = data.load(std::memory_order_relaxed);
                   },
                   [&] {
                     data.store(42, std::memory_order_relaxed);
                     flag.store(true, std::memory_order_release);
                   }});
        if (seen != 42) return absl::InternalError("flag before data");
        return absl::OkStatus();
      });
  EXPECT_FALSE(r.failed) << r.message;
}

TEST(DeterministicScheduleTest, RunCanBeCalledTwice) {
  DeterministicSchedule sched({.seed = 7});
  DeterministicAtomic<int> a(0);
  auto body = [&] { a.fetch_add(1); };
  sched.Run({body, body});
  sched.Run({body, body, body});
  EXPECT_EQ(a.load(), 5);
  EXPECT_GE(sched.steps(), 5);
}

}  // namespace
}  // namespace moirai::testing
