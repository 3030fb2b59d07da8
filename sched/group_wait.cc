// Copyright 2026 The Moirai Authors.
//
// sched/group_wait.cc: how `TaskGroup::Wait()` waits.
//
//   * A task with a `core::Parker` in its context (a fiber) parks: it links
//     a GroupParkNode (on its own stack) into the scheduler's
//     `parked_groups_` list, sets the group's waiter bit and calls Park().
//     The task whose completion may have finished the group (it saw the
//     waiter bit) calls WakeGroupWaiters(g), which unlinks every node of `g`
//     under `park_mu_` and unparks its fiber. The list lives in the
//     scheduler, not the group, because the finisher must not touch the
//     group after its decrement (the waiter may return and destroy it); a
//     linked node proves its group is alive (GroupParkNode's invariant).
//     No lost wake-up: the waiter links its node (under park_mu_) before it
//     reads the group's count; the finisher decrements the count before it
//     locks park_mu_. If the finisher's lock came first, its unlock happens
//     before our link, so our read sees its decrement. Exactly one Unpark
//     per Park: only whoever unlinks a node unparks it, and a waiter that
//     finds the group done before parking unlinks its own node -- or, if a
//     finisher already did, parks once to take that finisher's Unpark.
//   * A worker running a plain task waits help-first (HelpWhilePending).
//   * Any other thread blocks on the scheduler's group futex.

#include <thread>

#include "moirai/core/internal/futex.h"
#include "moirai/sched/scheduler.h"
#include "moirai/sched/task_group.h"

namespace moirai::sched {

using core::internal::FutexWait;
using core::internal::FutexWake;
using core::internal::FutexWakeAll;
using internal::GroupParkNode;
using internal::TaskNode;
using internal::Worker;

void Scheduler::ParkWhilePending(TaskGroup* g, core::Parker* parker) {
  GroupParkNode node;
  node.group = g;
  node.parker = parker;
  while (!g->Done()) {
    {
      sync::MutexLock lock(&park_mu_);
      node.prev = nullptr;
      node.next = parked_groups_;
      if (parked_groups_ != nullptr) parked_groups_->prev = &node;
      parked_groups_ = &node;
      node.linked = true;
    }
    // On the group's home worker the home forks are counted in local_:
    // fold them so that the decrement to zero is the one that wakes us (see
    // "Join counting" in task_group.h). This thread is the home worker's
    // thread at this moment (a fiber cannot migrate while it runs).
    if (OwnWorker() == g->home_ && g->home_ != nullptr) g->FoldLocalCount();
    if (g->SetWaiterBit()) {
      parker->Park();  // our node was unlinked by the waker
      continue;
    }
    // Done before we parked: take our node back, unless a finisher already
    // did -- then its Unpark is ours to consume.
    bool unlinked_by_waker;
    {
      sync::MutexLock lock(&park_mu_);
      unlinked_by_waker = !node.linked;
      if (!unlinked_by_waker) {
        if (node.prev != nullptr) node.prev->next = node.next;
        if (node.next != nullptr) node.next->prev = node.prev;
        if (parked_groups_ == &node) parked_groups_ = node.next;
        node.linked = false;
      }
    }
    if (unlinked_by_waker) parker->Park();
  }
}

void Scheduler::WakeGroupWaiters(const TaskGroup* g) noexcept {
  // Parked fibers: unlink g's nodes under the lock, unpark them after it
  // (an Unpark may submit the fiber; a node may be gone once its fiber
  // runs, so each one's fields are read before its Unpark).
  GroupParkNode* wake = nullptr;
  {
    sync::MutexLock lock(&park_mu_);
    for (GroupParkNode* n = parked_groups_; n != nullptr;) {
      GroupParkNode* next = n->next;
      if (n->group == g) {
        if (n->prev != nullptr) n->prev->next = n->next;
        if (n->next != nullptr) n->next->prev = n->prev;
        if (parked_groups_ == n) parked_groups_ = n->next;
        n->linked = false;
        n->next = wake;
        wake = n;
      }
      n = next;
    }
  }
  while (wake != nullptr) {
    GroupParkNode* next = wake->next;
    wake->parker->Unpark();
    wake = next;
  }
  // External waiters.
  group_epoch_.fetch_add(1, std::memory_order_release);
  FutexWakeAll(&group_epoch_);
  // Workers parked in TaskGroup::Wait. The waiter stored waiting_on_group
  // before setting the group's waiter bit (release CAS) and the caller's
  // fetch_sub read that bit (acquire), so the flag is visible here.
  for (auto& w : workers_) {
    if (w->waiting_on_group.load(std::memory_order_acquire)) {
      w->park_word.fetch_add(1, std::memory_order_release);
      FutexWake(&w->park_word, 1);
    }
  }
}

void Scheduler::HelpWhilePending(Worker* w, TaskGroup* g) {
  // On the group's home worker its local forks are finished without
  // atomics (see "Join counting" in task_group.h).
  TaskGroup* const home_wait = w == g->home_ ? g : nullptr;
  // The common case, kept small: help-first, run whatever FindWork gives
  // (most likely our own forked child) until the group is done.
  while (!g->Done()) {
    TaskNode* n = FindWork(w);
    if (n == nullptr) {
      IdleWhilePending(w, g, home_wait);
      return;
    }
    Execute(w, n, home_wait);
  }
}

void Scheduler::IdleWhilePending(Worker* w, TaskGroup* g,
                                 TaskGroup* home_wait) {
  int idle_rounds = 0;
  const int spin_rounds = options_.idle_policy == IdlePolicy::kSpinThenPark
                              ? options_.spin_rounds
                              : 0;
  // FindWork just came back empty: start with the idle step.
  bool searched = true;
  while (!g->Done()) {
    if (!searched) {
      if (TaskNode* n = FindWork(w)) {
        Execute(w, n, home_wait);
        idle_rounds = 0;
        continue;
      }
    }
    searched = false;
    if (idle_rounds < spin_rounds) {
      ++idle_rounds;
      internal::Spin(32);
      if ((idle_rounds & 7) == 0) std::this_thread::yield();
      continue;
    }
    idle_rounds = 0;
    if (StealRunNext(w)) continue;  // as in WorkerMain
    // Parking: whoever finishes the last task must see the whole count in
    // pending_ to wake us.
    if (home_wait != nullptr) g->FoldLocalCount();
    // seq_cst: ordered before the waiter-bit CAS (see WakeGroupWaiters).
    w->waiting_on_group.store(true, std::memory_order_seq_cst);
    if (g->SetWaiterBit()) Park(w, g);
    w->waiting_on_group.store(false, std::memory_order_relaxed);
  }
}

void Scheduler::BlockWhilePending(TaskGroup* g) {
  // Not a worker, so never the home worker: local_ is only read here.
  while (!g->Done()) {
    // Read the epoch before setting the waiter bit: the finisher bumps it
    // only after its fetch_sub observed the bit (acquire/release on
    // pending_), so a bump after our load cannot be missed by FutexWait.
    const std::uint32_t e = group_epoch_.load(std::memory_order_acquire);
    if (!g->SetWaiterBit()) break;
    FutexWait(&group_epoch_, e);
  }
}
}  // namespace moirai::sched
