// Copyright 2026 The Moirai Authors.
//
// lockfree/interleaving_fuzzer.cc
// -----------------------------------------------------------------------------
//
// Differential fuzzer of concurrent histories under the deterministic
// schedule (//tools/testing:deterministic_schedule): the input chooses the
// container (Stack, MsQueue, Queue or WorkStealingDeque, each built on
// DeterministicAtomic), the operations of three threads, and the
// interleaving (the schedule's policy and seed come from the input, so the
// same bytes replay the same interleaving, and libFuzzer's mutations of
// them explore new ones). The history, plus a final drain, must be
// linearizable against the sequential model (sequential_specs.h): nothing
// lost, nothing duplicated, nothing invented, order kept.
//
// Input layout: byte 0 container; byte 1 policy (uniform or PCT) and PCT
// depth; bytes 2..9 schedule seed; then per thread one count byte (1..4
// operations) and one byte per operation (push or pop; deque thieves
// steal).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "moirai/lockfree/epoch.h"
#include "moirai/lockfree/ms_queue.h"
#include "moirai/lockfree/queue.h"
#include "moirai/lockfree/stack.h"
#include "moirai/lockfree/work_stealing_deque.h"
#include "moirai/tools/testing/container_histories.h"
#include "moirai/tools/testing/deterministic_schedule.h"
#include "moirai/tools/testing/fuzz_input.h"

namespace {

using ::moirai::testing::CheckLinearizable;
using ::moirai::testing::DeterministicAtomic;
using ::moirai::testing::DeterministicSchedule;
using ::moirai::testing::FuzzInput;
using ::moirai::testing::IntContainerOp;
using ::moirai::testing::IntContainerRet;
using ::moirai::testing::RecordContainerHistory;

using Plan = std::vector<std::vector<IntContainerOp>>;

constexpr int kThreads = 3;

// Thread t's operations; push values are unique: (t + 1) * 1000 + i.
// `steal_threads`: threads 1.. steal instead of popping (deque thieves).
Plan ReadPlan(FuzzInput& in, bool steal_threads) {
  Plan plan(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    const int n = 1 + static_cast<int>(in.Below(4));
    for (int i = 0; i < n; ++i) {
      const bool push = (in.Byte() & 1) != 0;
      if (steal_threads && t > 0) {
        plan[t].push_back(IntContainerOp::Steal());
      } else if (push) {
        plan[t].push_back(IntContainerOp::Push(
            static_cast<std::uint64_t>((t + 1) * 1000 + i)));
      } else {
        plan[t].push_back(IntContainerOp::Pop());
      }
    }
  }
  return plan;
}

template <typename Spec, typename Exec>
void CheckHistory(const Plan& plan, Exec exec, DeterministicSchedule& sched) {
  auto history = RecordContainerHistory<Spec>(
      plan, exec, [&](auto threads) { sched.Run(std::move(threads)); });
  const auto result = CheckLinearizable(Spec{}, history);
  if (!result.linearizable()) {
    std::fprintf(stderr, "%s\n", result.explanation.c_str());
  }
  MOIRAI_FUZZ_CHECK(result.linearizable());
}

// Push/TryPop containers (Stack, MsQueue, Queue).
template <typename Spec, typename C>
void RunPushPop(C& c, const Plan& plan, DeterministicSchedule& sched) {
  auto exec = [&](int, const IntContainerOp& op) {
    if (op.kind == IntContainerOp::Kind::kPush) {
      c.Push(op.value);
      return IntContainerRet::Pushed();
    }
    return IntContainerRet::Popped(c.TryPop());
  };
  CheckHistory<Spec>(plan, exec, sched);
}

void RunDeque(const Plan& plan, DeterministicSchedule& sched) {
  // Capacity 2 so that pushes grow the ring while thieves read it.
  moirai::lockfree::WorkStealingDeque<std::uint64_t, DeterministicAtomic> deque(
      2);
  auto exec = [&](int, const IntContainerOp& op) {
    switch (op.kind) {
      case IntContainerOp::Kind::kPush:
        deque.Push(op.value);
        return IntContainerRet::Pushed();
      case IntContainerOp::Kind::kPop: {
        std::uint64_t v = 0;
        return deque.Pop(&v) ? IntContainerRet::Popped(v)
                             : IntContainerRet::Popped(std::nullopt);
      }
      case IntContainerOp::Kind::kSteal: {
        moirai::lockfree::StealResult<std::uint64_t> r = deque.Steal();
        if (r.retry()) return IntContainerRet::Retry();
        return r.success() ? IntContainerRet::Popped(r.value)
                           : IntContainerRet::Popped(std::nullopt);
      }
    }
    return IntContainerRet{};
  };
  CheckHistory<moirai::testing::DequeSpec<std::uint64_t>>(plan, exec, sched);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  FuzzInput in(data, size);
  const int container = in.Byte() % 4;
  const std::uint8_t policy = in.Byte();
  moirai::testing::ScheduleOptions options;
  options.policy = (policy & 1) != 0
                       ? moirai::testing::SchedulePolicy::kPct
                       : moirai::testing::SchedulePolicy::kUniform;
  options.pct_depth = 1 + (policy >> 1) % 4;
  options.seed = in.U64();
  // Small histories take a few hundred steps; a run far beyond that is a
  // livelock, which the schedule reports by aborting.
  options.max_steps = int64_t{1} << 16;
  const Plan plan = ReadPlan(in, /*steal_threads=*/container == 3);
  DeterministicSchedule sched(options);
  using Queue = moirai::testing::QueueSpec<std::uint64_t>;
  switch (container) {
    case 0: {
      moirai::lockfree::EpochDomain domain;  // outlives the stack
      moirai::lockfree::Stack<std::uint64_t, DeterministicAtomic> stack(
          &domain);
      RunPushPop<moirai::testing::StackSpec<std::uint64_t>>(stack, plan, sched);
      break;
    }
    case 1: {
      moirai::lockfree::EpochDomain domain;
      moirai::lockfree::MsQueue<std::uint64_t, DeterministicAtomic> queue(
          &domain);
      RunPushPop<Queue>(queue, plan, sched);
      break;
    }
    case 2: {
      moirai::lockfree::Queue<std::uint64_t, DeterministicAtomic> queue;
      RunPushPop<Queue>(queue, plan, sched);
      break;
    }
    default:
      RunDeque(plan, sched);
  }
  return 0;
}
