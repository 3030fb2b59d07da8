// Copyright 2026 The Moirai Authors.
//
// Deterministic-schedule tests of WaitGroup's counter-and-generation word
// (sync/internal/wait_group_state.h): the interleavings of Add() and a
// waiter's checks, explored with //tools/testing:deterministic_schedule.

#include <atomic>
#include <cstdint>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "moirai/sync/internal/wait_group_state.h"
#include "moirai/tools/testing/deterministic_schedule.h"

namespace moirai::sync {
namespace {

using ::moirai::testing::DeterministicAtomic;
using ::moirai::testing::DeterministicSchedule;
using ::moirai::testing::ExploreOptions;
using ::moirai::testing::ExploreResult;
using ::moirai::testing::ExploreSchedules;

using FixedState = internal::WaitGroupState<DeterministicAtomic>;

// The algorithm WaitGroup had before the fix, kept as the variant that must
// fail: the count and the generation are two atomics, and reaching zero and
// moving the generation are two separate steps.
class TwoWordState {
 public:
  static std::int32_t Count(std::uint64_t word) {
    return static_cast<std::int32_t>(word);
  }
  std::uint64_t Load(std::memory_order) const {
    return static_cast<std::uint64_t>(count_.load());
  }
  internal::WaitGroupAddResult Add(std::int32_t delta, std::int32_t* observed) {
    std::int32_t current = count_.load();
    std::int32_t next;
    do {
      *observed = current;
      next = current + delta;
      if (next < 0) return internal::WaitGroupAddResult::kNegative;
    } while (!count_.compare_exchange_weak(current, next));
    if (next == 0 && delta != 0) {
      generation_.fetch_add(1);  // a second step: the window of the bug
      return internal::WaitGroupAddResult::kReachedZero;
    }
    return internal::WaitGroupAddResult::kOk;
  }
  bool ZeroOrGeneration(std::uint32_t* generation) const {
    *generation = generation_.load();
    return count_.load() == 0;
  }
  bool GenerationMoved(std::uint32_t generation) const {
    return generation_.load() != generation;
  }

 private:
  DeterministicAtomic<std::int32_t> count_{0};
  DeterministicAtomic<std::uint32_t> generation_{0};
};

// Regression test for a reused group's Wait() returning early. The
// interleaving that broke the two-word algorithm:
//   T0 (round 1's Done):  count 1 -> 0          ...stalls...
//   T1 (owner):           sees count 0, Add(1) for round 2 (count 1),
//                         Wait(): reads generation g, count 1: waits for g+1
//   T0:                                         generation g -> g+1
//   T1:                   Wait() returns with count() == 1, before T2's Done.
//   T2 (round 2's work):  once T1's Wait() started, sets `finished`, then
//                         Done().
// A round-2 waiter may only return after T2 set `finished`.
template <typename State>
absl::Status ReusedGroupTrial(DeterministicSchedule& sched) {
  State state;
  std::int32_t observed;
  state.Add(1, &observed);  // round 1
  DeterministicAtomic<bool> wait_started{false};
  DeterministicAtomic<bool> finished{false};
  bool early = false;
  sched.Run({
      [&] { state.Add(-1, &observed); },
      [&] {
        std::int32_t seen;
        while (State::Count(state.Load(std::memory_order_seq_cst)) != 0) {
        }
        state.Add(1, &seen);  // round 2
        std::uint32_t generation;
        const bool zero = state.ZeroOrGeneration(&generation);
        wait_started.store(true);  // round 2's work may finish from here on
        if (!zero) {
          while (!state.GenerationMoved(generation)) {
          }
        }
        early = !finished.load();
      },
      [&] {
        std::int32_t seen;
        while (!wait_started.load()) {
        }
        finished.store(true);
        state.Add(-1, &seen);
      },
  });
  if (early) {
    return absl::InternalError(
        "round-2 Wait() returned before round 2's Done()");
  }
  if (State::Count(state.Load(std::memory_order_seq_cst)) != 0) {
    return absl::InternalError("counter not zero at the end");
  }
  return absl::OkStatus();
}

TEST(WaitGroupDeterministicTest, ReusedGroupWaitsForTheNewRound) {
  const ExploreResult r =
      ExploreSchedules({.num_seeds = 300}, ReusedGroupTrial<FixedState>);
  EXPECT_FALSE(r.failed) << r.message;
}

// The harness has teeth: the pre-fix two-word algorithm is caught.
TEST(WaitGroupDeterministicTest, TwoWordVariantIsCaught) {
  const ExploreResult r =
      ExploreSchedules({.num_seeds = 2000, .print_failure = false},
                       ReusedGroupTrial<TwoWordState>);
  EXPECT_TRUE(r.failed);
}

// Conserved quantity under every interleaving: two adders and two removers
// on one word leave the counter at zero, and every reported zero moved the
// generation by exactly one.
absl::Status CountConservedTrial(DeterministicSchedule& sched) {
  FixedState state;
  std::atomic<int> zeroes{0};
  auto add = [&](std::int32_t delta) {
    std::int32_t observed;
    internal::WaitGroupAddResult r;
    // A remover retries until its unit is there (count never negative).
    while ((r = state.Add(delta, &observed)) ==
           internal::WaitGroupAddResult::kNegative) {
    }
    if (r == internal::WaitGroupAddResult::kReachedZero) zeroes.fetch_add(1);
  };
  sched.Run({[&] { add(2); }, [&] { add(-1); }, [&] { add(-1); },
             [&] { add(1), add(-1); }});
  const std::uint64_t w = state.Load(std::memory_order_seq_cst);
  if (FixedState::Count(w) != 0) return absl::InternalError("count != 0");
  if (FixedState::Generation(w) != static_cast<std::uint32_t>(zeroes.load())) {
    return absl::InternalError("generation != number of zeroings");
  }
  return absl::OkStatus();
}

TEST(WaitGroupDeterministicTest, CountAndGenerationConserved) {
  const ExploreResult r =
      ExploreSchedules({.num_seeds = 200}, CountConservedTrial);
  EXPECT_FALSE(r.failed) << r.message;
}

}  // namespace
}  // namespace moirai::sync
