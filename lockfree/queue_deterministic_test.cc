// Copyright 2026 The Moirai Authors.
//
// lockfree/queue_deterministic_test.cc
// -----------------------------------------------------------------------------
//
// MsQueue, Queue, BoundedQueue and SpscQueue under the deterministic
// schedule (//tools/testing): many seeded interleavings of short histories,
// each (plus a final drain) checked for linearizability against a FIFO
// queue. BoundedQueue documents that a failed Try may be reported while a
// concurrent operation is in flight, so it is checked against that weaker
// specification plus a quiescent count. Each structure keeps a broken
// variant that must be caught: the MPMC queues built on `BrokenRmwAtomic`
// (every CAS / fetch_add split into a load and a store), and the SPSC queue
// used by two producers (a contract violation it cannot survive).

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "moirai/core/arch.h"
#include "moirai/lockfree/bounded_queue.h"
#include "moirai/lockfree/epoch.h"
#include "moirai/lockfree/ms_queue.h"
#include "moirai/lockfree/queue.h"
#include "moirai/lockfree/spsc_queue.h"
#include "moirai/tools/testing/container_histories.h"
#include "moirai/tools/testing/deterministic_schedule.h"

namespace moirai::lockfree {
namespace {

using ::moirai::testing::BrokenRmwAtomic;
using ::moirai::testing::CheckLinearizable;
using ::moirai::testing::DeterministicAtomic;
using ::moirai::testing::DeterministicSchedule;
using ::moirai::testing::ExploreResult;
using ::moirai::testing::ExploreSchedules;
using ::moirai::testing::History;
using ::moirai::testing::IntContainerOp;
using ::moirai::testing::IntContainerRet;
using ::moirai::testing::LinearizableOrError;
using ::moirai::testing::MakeContainerPlan;
using ::moirai::testing::RecordContainerHistory;
using ::moirai::testing::ThreadRole;
using Spec = ::moirai::testing::QueueSpec<uint64_t>;

#if defined(MOIRAI_TSAN)
constexpr int kSeeds = 100;  // TSan makes each schedule step ~10x slower
#else
constexpr int kSeeds = 200;
#endif

const std::vector<ThreadRole> kMpmcRoles = {
    ThreadRole::kPushPop, ThreadRole::kPushPop, ThreadRole::kPushPop};

// Runs a plan on `queue` (Push/TryPop API) and checks it against `spec`.
template <typename Q>
absl::Status UnboundedTrial(DeterministicSchedule& sched, Q& queue) {
  auto plan = MakeContainerPlan(sched.options().seed, kMpmcRoles, 3);
  auto exec = [&](int, const IntContainerOp& op) {
    if (op.kind == IntContainerOp::Kind::kPush) {
      queue.Push(op.value);
      return IntContainerRet::Pushed();
    }
    return IntContainerRet::Popped(queue.TryPop());
  };
  auto history = RecordContainerHistory<Spec>(
      plan, exec, [&](auto threads) { sched.Run(std::move(threads)); });
  return LinearizableOrError(CheckLinearizable(Spec{}, history));
}

template <template <typename> class Atom>
absl::Status MsQueueTrial(DeterministicSchedule& sched) {
  EpochDomain domain;
  MsQueue<uint64_t, Atom> queue(&domain);
  return UnboundedTrial(sched, queue);
}

template <template <typename> class Atom>
absl::Status QueueTrial(DeterministicSchedule& sched) {
  Queue<uint64_t, Atom> queue;
  return UnboundedTrial(sched, queue);
}

TEST(MsQueueDeterministicTest, LinearizableOnManySeeds) {
  ExploreResult r = ExploreSchedules({.num_seeds = kSeeds},
                                     MsQueueTrial<DeterministicAtomic>);
  EXPECT_FALSE(r.failed) << r.message;
}

TEST(MsQueueDeterministicDeathTest, BrokenCasIsCaught) {
  EXPECT_DEATH(::moirai::testing::AbortIfCaught(
                   {.num_seeds = 100, .print_failure = false},
                   MsQueueTrial<BrokenRmwAtomic>),
               "");
}

TEST(QueueDeterministicTest, LinearizableOnManySeeds) {
  ExploreResult r =
      ExploreSchedules({.num_seeds = kSeeds}, QueueTrial<DeterministicAtomic>);
  EXPECT_FALSE(r.failed) << r.message;
}

TEST(QueueDeterministicDeathTest, BrokenRmwIsCaught) {
  EXPECT_DEATH(::moirai::testing::AbortIfCaught(
                   {.num_seeds = 100, .print_failure = false},
                   QueueTrial<BrokenRmwAtomic>),
               "");
}

template <template <typename> class Atom>
absl::Status BoundedQueueTrial(DeterministicSchedule& sched) {
  BoundedQueue<uint64_t, Atom> queue(2);
  auto plan = MakeContainerPlan(sched.options().seed, kMpmcRoles, 3);
  int accepted = 0;  // written by the thread holding the turn only
  auto exec = [&](int, const IntContainerOp& op) {
    if (op.kind == IntContainerOp::Kind::kPush) {
      const bool ok = queue.TryPush(op.value);
      accepted += ok ? 1 : 0;
      return IntContainerRet::Pushed(ok);
    }
    return IntContainerRet::Popped(queue.TryPop());
  };
  auto history = RecordContainerHistory<Spec>(
      plan, exec, [&](auto threads) { sched.Run(std::move(threads)); });
  int popped = 0;
  for (const auto& o : history) {
    popped += o.op.kind == IntContainerOp::Kind::kPop && o.ret.ok ? 1 : 0;
  }
  if (popped != accepted) {
    return absl::DataLossError(
        absl::StrCat(accepted, " pushes accepted, ", popped, " items popped"));
  }
  const Spec spec{.capacity = 2, .failures_may_be_spurious = true};
  return LinearizableOrError(CheckLinearizable(spec, history));
}

TEST(BoundedQueueDeterministicTest, WeaklyLinearizableOnManySeeds) {
  ExploreResult r = ExploreSchedules({.num_seeds = kSeeds},
                                     BoundedQueueTrial<DeterministicAtomic>);
  EXPECT_FALSE(r.failed) << r.message;
}

TEST(BoundedQueueDeterministicDeathTest, BrokenRmwIsCaught) {
  EXPECT_DEATH(::moirai::testing::AbortIfCaught(
                   {.num_seeds = 100, .print_failure = false},
                   BoundedQueueTrial<BrokenRmwAtomic>),
               "");
}

// roles: one producer and one consumer (the contract), or two producers.
absl::Status SpscTrial(DeterministicSchedule& sched,
                       const std::vector<ThreadRole>& roles) {
  SpscQueue<uint64_t, DeterministicAtomic> queue(2);
  auto plan = MakeContainerPlan(sched.options().seed, roles, 4);
  auto exec = [&](int, const IntContainerOp& op) {
    if (op.kind == IntContainerOp::Kind::kPush) {
      return IntContainerRet::Pushed(queue.TryPush(op.value));
    }
    return IntContainerRet::Popped(queue.TryPop());
  };
  auto history = RecordContainerHistory<Spec>(
      plan, exec, [&](auto threads) { sched.Run(std::move(threads)); });
  return LinearizableOrError(
      CheckLinearizable(Spec{.capacity = queue.capacity()}, history));
}

TEST(SpscQueueDeterministicTest, LinearizableOnManySeeds) {
  ExploreResult r =
      ExploreSchedules({.num_seeds = kSeeds}, [](DeterministicSchedule& sched) {
        return SpscTrial(sched, {ThreadRole::kPush, ThreadRole::kPop});
      });
  EXPECT_FALSE(r.failed) << r.message;
}

TEST(SpscQueueDeterministicTest, TwoProducersAreCaught) {
  ExploreResult r = ExploreSchedules(
      {.num_seeds = 100, .print_failure = false},
      [](DeterministicSchedule& sched) {
        return SpscTrial(
            sched, {ThreadRole::kPush, ThreadRole::kPush, ThreadRole::kPop});
      });
  EXPECT_TRUE(r.failed) << r.trials_run << " trials passed";
}

}  // namespace
}  // namespace moirai::lockfree
