// Copyright 2026 The Moirai Authors.
//
// sched/pick.cc: how a worker picks its next task -- priority lanes,
// aging, precedence of external work, the FIFO pick -- and FindWork, which
// falls back to stealing (steal.cc).

#include <cstdint>
#include <utility>

#include "absl/base/attributes.h"
#include "moirai/core/arch.h"
#include "moirai/sched/scheduler.h"

namespace moirai::sched {

using internal::TaskNode;
using internal::Worker;

namespace {

// PickLocal: one pick in this many that finds external work in a lane takes
// it before the own deque's.
constexpr std::uint32_t kInjectionFirstPeriod = 61;

}  // namespace

TaskNode* Scheduler::StealLoop(Worker* w) {
  for (int attempt = 0; attempt < 4; ++attempt) {
    bool saw_retry = false;
    if (TaskNode* n = StealWork(w, &saw_retry)) return n;
    if (!saw_retry) break;
  }
  return nullptr;
}

TaskNode* Scheduler::PickDispatched(Worker* w) {
  core::Task t = dispatch_->Pick(w->index);
  if (!t) return nullptr;
  TaskNode* n = AllocNode(w);
  n->task = std::move(t);
  // Not counted (the dispatch holds what it must not lose; see dispatch.h),
  // and run even while a cancelling shutdown discards queued tasks.
  n->must_run = true;
  return n;
}

TaskNode* Scheduler::PickOldestLocal(Worker* w) {
  const unsigned avail = w->local_mask | injection_.mask();
  if (avail == 0) return nullptr;
  const int lane = __builtin_ctz(avail);
  if ((w->local_mask & (1u << lane)) == 0) return nullptr;
  // The owner steals from its own deque's old end: a thief's CAS on top,
  // which races only with other thieves (this thread is not popping). Not
  // counted as a steal (nor for the adaptive fences: nothing moved between
  // workers).
  lockfree::StealResult<TaskNode*> r = w->lanes[lane].Steal();
  return r.success() ? r.value : nullptr;
}

TaskNode* Scheduler::PickLocal(Worker* w) {
  const unsigned inj = injection_.mask();
  // Fast path: exactly one lane has work, only in the own deque. The general
  // loop below would pick it too, with nothing passed over (so no aging to
  // record) and no injection queue to give precedence to.
  const unsigned local = w->local_mask;
  if (MOIRAI_LIKELY(inj == 0 && local != 0 && (local & (local - 1)) == 0)) {
    const int lane = __builtin_ctz(local);
    w->passed_over[lane] = 0;
    TaskNode* n;
    if (MOIRAI_LIKELY(w->lanes[lane].Pop(&n))) return n;
    w->local_mask = 0;
    return nullptr;
  }
  return PickLocalSlow(w, inj);
}

ABSL_ATTRIBUTE_NOINLINE TaskNode* Scheduler::PickLocalSlow(Worker* w,
                                                           unsigned inj) {
  unsigned avail = w->local_mask | inj;
  while (avail != 0) {
    // The most urgent available lane, unless aging says a less urgent one
    // has been passed over long enough.
    // A lane is served once it has been passed over aging_limit times by
    // earlier picks; this pick's pass-overs are counted after the choice
    // (counting first would serve a lane that was never passed over when
    // aging_limit is 1, inverting the priorities).
    int lane = __builtin_ctz(avail);
    const auto limit = static_cast<std::uint32_t>(options_.aging_limit);
    for (unsigned m = avail & ~((2u << lane) - 1); m != 0; m &= m - 1) {
      const int j = __builtin_ctz(m);
      if (w->passed_over[j] >= limit) {
        lane = j;
        break;
      }
    }
    for (unsigned m = avail & ~((2u << lane) - 1); m != 0; m &= m - 1) {
      ++w->passed_over[__builtin_ctz(m)];
    }
    w->passed_over[lane] = 0;
    const unsigned bit = 1u << lane;
    TaskNode* n = nullptr;
    // Every kInjectionFirstPeriod-th pick that sees external work the
    // injection queue goes before the local deque of the same lane, so
    // external submissions are not starved by local forks.
    bool injection_first = false;
    if ((inj & bit) != 0) {
      if (w->picks_until_injection_first == 0) {
        w->picks_until_injection_first = kInjectionFirstPeriod;
        injection_first = true;
      }
      --w->picks_until_injection_first;
    }
    if (injection_first) n = injection_.Pop(lane);
    if (n == nullptr && (w->local_mask & bit) != 0) {
      if (!w->lanes[lane].Pop(&n)) {
        n = nullptr;
        w->local_mask &= ~bit;
      }
    }
    if (n == nullptr && (inj & bit) != 0) {
      n = injection_.Pop(lane);
      // More external work queued: get another worker going on it.
      if (n != nullptr && injection_.mask() != 0 && AnyIdle()) NotifyWork();
    }
    if (n != nullptr) return n;
    avail &= ~bit;
  }
  return nullptr;
}

}  // namespace moirai::sched
