// Copyright 2026 The Moirai Authors.
//
// rt/core_dispatcher_server.cc
// -----------------------------------------------------------------------------
//
// The constant-bandwidth server of each CoreDispatcher task (RT.md, section
// 3, item 7; the rules are in core_dispatcher.h): when a job starts its
// period, throttling at depletion, replenishment, and moving a task between
// the RT queue, the replenishment timers and the demoted queue.

#include <algorithm>

#include "moirai/rt/core_dispatcher.h"
#include "moirai/rt/internal/dispatcher_task.h"

namespace moirai::rt {

// The head job becomes the one to serve, eligible from `ready_at`.
void CoreDispatcher::StartJob(Task& t, Nanos ready_at) {
  const Job& j = t.front();
  t.quantum_left = options_.rr_quantum;
  if (!options_.budgets) {
    t.server_deadline = j.deadline;
    EnqueueRt(t, ready_at);
    return;
  }
  // A job that waited for a demoted predecessor was not ready, as far as
  // the server goes, until `ready_at`: its period starts then (the CBS
  // wake-up rule), or a stale deadline would let it take time that the
  // admission test gave to others.
  const Nanos start =
      t.after_best_effort ? std::max(j.arrival, ready_at) : j.arrival;
  t.after_best_effort = false;
  if (!t.server_started || start >= t.server_start + t.spec.period) {
    // A new server period; an overdraft is carried over.
    t.server_started = true;
    t.server_start = start;
    t.server_deadline = start + t.spec.deadline;
    t.budget = std::min<Nanos>(t.budget, 0) + t.spec.wcet;
  } else {
    // The job arrived inside a period an overrun postponed: it continues
    // that period's budget and deadline, and pays for the overrun.
    t.front().postponed = true;
  }
  if (t.budget > 0) {
    EnqueueRt(t, ready_at);
  } else {
    Throttle(t);
  }
}

void CoreDispatcher::Throttle(Task& t) {
  Dequeue(t);
  t.throttled = true;
  ++t.stats.throttles;
  (void)replenish_.Push(t.slot, t.server_start + t.spec.period, t.slot);
}

void CoreDispatcher::Replenish(Task& t, Nanos at) {
  t.throttled = false;
  t.server_start += t.spec.period;
  t.server_deadline = t.server_start + t.spec.deadline;
  t.budget += t.spec.wcet;
  if (t.budget <= 0) {
    t.throttled = true;  // still in overdraft: one more period
    (void)replenish_.Push(t.slot, t.server_start + t.spec.period, t.slot);
  } else if (t.count > 0 && !t.demoted) {
    EnqueueRt(t, at);
  }
}

void CoreDispatcher::EnqueueRt(Task& t, Nanos ready_at) {
  t.ready_at = ready_at;
  if (options_.policy == Policy::kEdf) {
    t.seq = ++release_seq_;
    (void)edf_.Push(t.slot, t.server_deadline, t.seq);
  } else {
    (void)fp_.PushBack(t.slot, t.level);
  }
}

void CoreDispatcher::Dequeue(Task& t) {
  if (edf_.Contains(t.slot)) (void)edf_.Remove(t.slot);
  if (fp_.Contains(t.slot)) (void)fp_.Remove(t.slot);
  if (demoted_.Contains(t.slot)) (void)demoted_.Remove(t.slot);
  if (replenish_.Contains(t.slot)) (void)replenish_.Remove(t.slot);
  t.throttled = false;
}

}  // namespace moirai::rt
