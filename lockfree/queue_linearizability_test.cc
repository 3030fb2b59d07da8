// Copyright 2026 The Moirai Authors.
//
// lockfree/queue_linearizability_test.cc
// -----------------------------------------------------------------------------
//
// Stack, MsQueue, Queue, BoundedQueue and SpscQueue on real threads: many
// short histories (3 threads x 4 operations, released together so they
// overlap), each recorded with a shared logical clock, drained, and checked
// for linearizability (BoundedQueue against its documented weaker
// specification plus a quiescent count). The interleavings come from the OS;
// the deterministic-schedule tests cover the rarer ones.

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "moirai/core/arch.h"
#include "moirai/lockfree/bounded_queue.h"
#include "moirai/lockfree/epoch.h"
#include "moirai/lockfree/ms_queue.h"
#include "moirai/lockfree/queue.h"
#include "moirai/lockfree/spsc_queue.h"
#include "moirai/lockfree/stack.h"
#include "moirai/tools/testing/container_histories.h"

namespace moirai::lockfree {
namespace {

using ::moirai::testing::CheckLinearizable;
using ::moirai::testing::IntContainerOp;
using ::moirai::testing::IntContainerRet;
using ::moirai::testing::MakeContainerPlan;
using ::moirai::testing::RecordContainerHistory;
using ::moirai::testing::RunThreadsTogether;
using ::moirai::testing::ThreadRole;
using QSpec = ::moirai::testing::QueueSpec<uint64_t>;
using SSpec = ::moirai::testing::StackSpec<uint64_t>;

#if defined(MOIRAI_TSAN) || defined(MOIRAI_ASAN)
constexpr int kRuns = 40;
#else
constexpr int kRuns = 200;
#endif

const std::vector<ThreadRole> kMpmc = {
    ThreadRole::kPushPop, ThreadRole::kPushPop, ThreadRole::kPushPop};

// Push/TryPop containers: `make()` builds a fresh one per run.
template <typename Spec, typename Make>
void CheckRuns(const Spec& spec, const std::vector<ThreadRole>& roles,
               Make make) {
  for (int run = 0; run < kRuns; ++run) {
    auto c = make();
    auto exec = [&](int, const IntContainerOp& op) {
      if (op.kind == IntContainerOp::Kind::kPush) {
        if constexpr (requires { c->TryPush(op.value); }) {
          return IntContainerRet::Pushed(c->TryPush(op.value));
        } else {
          c->Push(op.value);
          return IntContainerRet::Pushed();
        }
      }
      return IntContainerRet::Popped(c->TryPop());
    };
    auto history = RecordContainerHistory<Spec>(
        MakeContainerPlan(run + 1, roles, 4), exec, RunThreadsTogether);
    if constexpr (std::is_same_v<Spec, QSpec>) {
      if (spec.failures_may_be_spurious) {
        int accepted = 0, popped = 0;
        for (const auto& o : history) {
          const bool push = o.op.kind == IntContainerOp::Kind::kPush;
          accepted += push && o.ret.ok ? 1 : 0;
          popped += !push && o.ret.ok ? 1 : 0;
        }
        ASSERT_EQ(accepted, popped) << "run " << run;
      }
    }
    auto r = CheckLinearizable(spec, history);
    ASSERT_TRUE(r.linearizable()) << "run " << run << ": " << r.explanation;
  }
}

TEST(StackLinearizabilityTest, ShortHistories) {
  EpochDomain domain;
  CheckRuns(SSpec{}, kMpmc,
            [&] { return std::make_unique<Stack<uint64_t>>(&domain); });
}

TEST(MsQueueLinearizabilityTest, ShortHistories) {
  EpochDomain domain;
  CheckRuns(QSpec{}, kMpmc,
            [&] { return std::make_unique<MsQueue<uint64_t>>(&domain); });
}

TEST(QueueLinearizabilityTest, ShortHistories) {
  CheckRuns(QSpec{}, kMpmc, [] { return std::make_unique<Queue<uint64_t>>(); });
}

TEST(BoundedQueueLinearizabilityTest, ShortHistoriesWeakSpec) {
  CheckRuns(QSpec{.capacity = 2, .failures_may_be_spurious = true}, kMpmc,
            [] { return std::make_unique<BoundedQueue<uint64_t>>(2); });
}

TEST(SpscQueueLinearizabilityTest, ShortHistories) {
  CheckRuns(QSpec{.capacity = 2}, {ThreadRole::kPush, ThreadRole::kPop},
            [] { return std::make_unique<SpscQueue<uint64_t>>(2); });
}

}  // namespace
}  // namespace moirai::lockfree
