// Copyright 2026 The Moirai Authors.
//
// lockfree/work_stealing_deque_deterministic_test.cc
// -----------------------------------------------------------------------------
//
// WorkStealingDeque under the deterministic schedule (//tools/testing): the
// owner (thread 0) runs a random mix of push and pop, two thieves steal;
// each history (plus a final drain by pops) is checked for linearizability
// against a deque whose steals may report `retry` at any time (the weaker
// specification of StealStatus::kRetry). The initial capacity is 2, so
// pushes grow the buffer while thieves read it. The same trial on
// `BrokenRmwAtomic` (the CAS on `top_` split into a load and a store) must
// be caught.

#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "moirai/core/arch.h"
#include "moirai/lockfree/work_stealing_deque.h"
#include "moirai/tools/testing/container_histories.h"
#include "moirai/tools/testing/deterministic_schedule.h"

namespace moirai::lockfree {
namespace {

using ::moirai::testing::BrokenRmwAtomic;
using ::moirai::testing::DeterministicAtomic;
using ::moirai::testing::DeterministicSchedule;
using ::moirai::testing::ExploreResult;
using ::moirai::testing::ExploreSchedules;
using ::moirai::testing::IntContainerOp;
using ::moirai::testing::IntContainerRet;
using ::moirai::testing::ThreadRole;
using Spec = ::moirai::testing::DequeSpec<uint64_t>;

#if defined(MOIRAI_TSAN)
constexpr int kSeeds = 100;
#else
constexpr int kSeeds = 200;
#endif

template <template <typename> class Atom>
absl::Status DequeTrial(DeterministicSchedule& sched) {
  WorkStealingDeque<uint64_t, Atom> deque(2);
  auto plan = ::moirai::testing::MakeContainerPlan(
      sched.options().seed,
      {ThreadRole::kPushPop, ThreadRole::kSteal, ThreadRole::kSteal}, 4);
  // More pushes than pops for the owner, so thieves find work.
  for (std::size_t i = 0; i < plan[0].size(); i += 2) {
    plan[0][i] = IntContainerOp::Push(1000 + i);
  }
  auto exec = [&](int, const IntContainerOp& op) {
    switch (op.kind) {
      case IntContainerOp::Kind::kPush:
        deque.Push(op.value);
        return IntContainerRet::Pushed();
      case IntContainerOp::Kind::kPop: {
        uint64_t v = 0;
        return deque.Pop(&v) ? IntContainerRet::Popped(v)
                             : IntContainerRet::Popped(std::nullopt);
      }
      case IntContainerOp::Kind::kSteal: {
        StealResult<uint64_t> r = deque.Steal();
        if (r.retry()) return IntContainerRet::Retry();
        return r.success() ? IntContainerRet::Popped(r.value)
                           : IntContainerRet::Popped(std::nullopt);
      }
    }
    return IntContainerRet{};
  };
  auto history = ::moirai::testing::RecordContainerHistory<Spec>(
      plan, exec, [&](auto threads) { sched.Run(std::move(threads)); });
  return ::moirai::testing::LinearizableOrError(
      ::moirai::testing::CheckLinearizable(Spec{}, history));
}

TEST(WorkStealingDequeDeterministicTest, LinearizableOnManySeeds) {
  ExploreResult r =
      ExploreSchedules({.num_seeds = kSeeds}, DequeTrial<DeterministicAtomic>);
  EXPECT_FALSE(r.failed) << r.message;
}

TEST(WorkStealingDequeDeterministicDeathTest, BrokenCasIsCaught) {
  EXPECT_DEATH(::moirai::testing::AbortIfCaught(
                   {.num_seeds = 100, .print_failure = false},
                   DequeTrial<BrokenRmwAtomic>),
               "");
}

}  // namespace
}  // namespace moirai::lockfree
