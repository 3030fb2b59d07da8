// Copyright 2026 The Moirai Authors.
//
// lockfree/stack_deterministic_test.cc
// -----------------------------------------------------------------------------
//
// Stack under the deterministic schedule (//tools/testing): many seeded
// interleavings of 3 threads x 3 random push/pop operations, each history
// (plus a final drain) checked for linearizability against a LIFO stack.
// The same trial with `BrokenRmwAtomic` (the CAS on `head_` split into a load
// and a store) must fail: proof that the trial can catch a broken stack.

#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "moirai/lockfree/epoch.h"
#include "moirai/lockfree/stack.h"
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
using Spec = ::moirai::testing::StackSpec<uint64_t>;

template <template <typename> class Atom>
absl::Status StackTrial(DeterministicSchedule& sched) {
  EpochDomain domain;  // outlives the stack; frees its garbage at the end
  Stack<uint64_t, Atom> stack(&domain);
  auto plan = ::moirai::testing::MakeContainerPlan(
      sched.options().seed,
      {ThreadRole::kPushPop, ThreadRole::kPushPop, ThreadRole::kPushPop}, 3);
  auto exec = [&](int, const IntContainerOp& op) {
    if (op.kind == IntContainerOp::Kind::kPush) {
      stack.Push(op.value);
      return IntContainerRet::Pushed();
    }
    return IntContainerRet::Popped(stack.TryPop());
  };
  auto history = ::moirai::testing::RecordContainerHistory<Spec>(
      plan, exec, [&](auto threads) { sched.Run(std::move(threads)); });
  return ::moirai::testing::LinearizableOrError(
      ::moirai::testing::CheckLinearizable(Spec{}, history));
}

TEST(StackDeterministicTest, LinearizableOn200Seeds) {
  ExploreResult r =
      ExploreSchedules({.num_seeds = 200}, StackTrial<DeterministicAtomic>);
  EXPECT_FALSE(r.failed) << r.message;
}

// The broken stack pops one node twice, which double-frees it: a death test
// (see AbortIfCaught). It must not run clean.
TEST(StackDeterministicDeathTest, BrokenCasIsCaught) {
  EXPECT_DEATH(::moirai::testing::AbortIfCaught(
                   {.num_seeds = 100, .print_failure = false},
                   StackTrial<BrokenRmwAtomic>),
               "");
}

}  // namespace
}  // namespace moirai::lockfree
