// Copyright 2026 The Moirai Authors.
//
// sched/sleep.cc: parking idle workers and waking them.
//
// Sleeping
// --------
//
// Idle workers park on their own futex word (`Worker::park_word`) and
// advertise themselves in the idle set (`idle_words_`, one bit per worker).
// The protocol is the standard "announce, re-check, sleep" one:
//
//   sleeper (Park)                         waker (NotifyWork)
//   g = park_word (acquire)                make the task visible (push)
//   set my idle bit (seq_cst RMW)          ThreadFence(seq_cst)       [F1]
//   ThreadFence(seq_cst)          [F2]     load idle bits
//   if any queue has work: clear bit, go   claim one: fetch_and clears a bit;
//   FutexWait(park_word, g)                  if it was set, park_word += 1
//   clear my idle bit                        and FutexWake that worker
//
// No lost wake-up: F1 and F2 are ordered in the single total order S of
// seq_cst operations. If F1 precedes F2, the sleeper's re-check (after F2)
// sees the push (before F1) and does not sleep. If F2 precedes F1, the
// waker's load (after F1) sees the idle bit (set before F2) and claims it,
// unless the sleeper already cleared it (it then searches anyway); a claim
// reads the bit written by the sleeper's release RMW, so the sleeper's load
// of g happens before the claimer's increment, and FutexWait(g) either sees
// the new value or is woken by FutexWake. Claiming a bit is exclusive, so
// each notification wakes at most one worker and repeated notifications do
// not turn into a storm of system calls.
//
// TaskGroup::Run on a worker skips F1 (it reads the idle bits relaxed): a
// missed wake-up there only delays parallelism, because the pushing worker
// will run the task itself (it pops its own deque before waiting). External
// submissions (Submit, Spawn, Run off-worker) always fence.
//
// A worker waiting in TaskGroup::Wait parks the same way, with
// `waiting_on_group` set before it sets the group's waiter bit; the task that
// brings the group's count to zero sees the waiter bit and wakes every
// worker with `waiting_on_group` (and the external waiters' futex), without
// touching the group again (it may already be destroyed).
//

#include <cstdint>

#include "absl/time/time.h"
#include "moirai/core/arch.h"
#include "moirai/core/internal/futex.h"
#include "moirai/core/mono_time.h"
#include "moirai/sched/scheduler.h"
#include "moirai/sched/task_group.h"

namespace moirai::sched {

using core::internal::FutexWait;
using core::internal::FutexWake;
using core::internal::FutexWakeAll;
using internal::TaskNode;
using internal::Worker;

bool Scheduler::MayHaveWork(const Worker* self) const noexcept {
  if (injection_.mask() != 0) return true;
  for (const auto& w : workers_) {
    // Another domain's queues are not ours to take (and their own workers
    // are woken for them: see WakeOne).
    if (w->domain != self->domain) continue;
    for (const auto& lane : w->lanes) {
      if (!lane.EmptyApprox()) return true;
    }
    // A waiting run-next item keeps idle workers up until one takes it
    // (see OfferNext in layer.cc; relaxed after Park's F2 fence).
    if (w->run_next.load(std::memory_order_relaxed) != nullptr) return true;
  }
  return false;
}

void Scheduler::Park(Worker* w, const TaskGroup* g) {
  const std::size_t word = static_cast<std::size_t>(w->index / 64);
  const std::uint64_t bit = std::uint64_t{1} << (w->index % 64);
  // Acquire: pairs with the release increment by a waker, so a wake-up
  // that happened before is not mistaken for a future one.
  const std::uint32_t gen = w->park_word.load(std::memory_order_acquire);
  // Announce (seq_cst RMW, release for the claimer; see "Sleeping").
  idle_words_[word].fetch_or(bit, std::memory_order_seq_cst);
  core::ThreadFence(std::memory_order_seq_cst);  // F2
  bool must_stay_awake = MayHaveWork(w) ||
                         stop_.load(std::memory_order_acquire) ||
                         (g != nullptr && g->Done());
  // The dispatch's work for this worker, asked after F2 like the queues
  // (DispatchHandle::Wake fences as NotifyWork does), and its next release.
  core::MonoTime deadline = core::MonoTime::Infinite();
  if (!must_stay_awake && dispatch_ != nullptr) {
    must_stay_awake = dispatch_->HasWork(w->index);
    if (!must_stay_awake) deadline = dispatch_->NextWakeup(w->index);
  }
  if (!must_stay_awake) {
    w->parked.store(true, std::memory_order_relaxed);
    const core::MonoTime start = core::MonoTime::Now();
    core::internal::FutexWait(&w->park_word, gen, deadline);
    w->parked_ns.store(
        w->parked_ns.load(std::memory_order_relaxed) +
            absl::ToInt64Nanoseconds(core::MonoTime::Now() - start),
        std::memory_order_relaxed);
    internal::Bump(w->parks);
    w->parked.store(false, std::memory_order_relaxed);
  }
  // Leave the idle set (a no-op if a waker claimed us already).
  idle_words_[word].fetch_and(~bit, std::memory_order_acq_rel);
}

void Scheduler::WakeOne(const Worker* near) noexcept {
  const std::uint64_t* domain = near != nullptr ? near->domain_mask : nullptr;
  for (int i = 0; i < num_idle_words_; ++i) {
    std::uint64_t m = idle_words_[i].load(std::memory_order_relaxed);
    if (domain != nullptr) m &= domain[i];
    while (m != 0) {
      const std::uint64_t bit = m & (~m + 1);
      // Claim: only the thread that clears the bit wakes that worker.
      // Acquire pairs with the sleeper's release fetch_or (its load of
      // park_word happens before our increment).
      const std::uint64_t old =
          idle_words_[i].fetch_and(~bit, std::memory_order_acq_rel);
      if ((old & bit) != 0) {
        Worker* target =
            workers_[static_cast<std::size_t>(i * 64 + __builtin_ctzll(bit))]
                .get();
        // Release pairs with the acquire load of park_word in Park.
        target->park_word.fetch_add(1, std::memory_order_release);
        FutexWake(&target->park_word, 1);
        return;
      }
      m = old & ~bit;
      if (domain != nullptr) m &= domain[i];
    }
  }
}

void Scheduler::WakeWorker(int index) noexcept {
  const std::size_t word = static_cast<std::size_t>(index / 64);
  const std::uint64_t bit = std::uint64_t{1} << (index % 64);
  if ((idle_words_[word].load(std::memory_order_relaxed) & bit) == 0) return;
  // Claim as WakeOne does (acquire pairs with the sleeper's release RMW).
  if ((idle_words_[word].fetch_and(~bit, std::memory_order_acq_rel) & bit) ==
      0) {
    return;  // another waker claimed it: it is being woken anyway
  }
  Worker* target = workers_[static_cast<std::size_t>(index)].get();
  // Release pairs with the acquire load of park_word in Park.
  target->park_word.fetch_add(1, std::memory_order_release);
  FutexWake(&target->park_word, 1);
}

void Scheduler::NotifyWork(const Worker* near) noexcept {
  core::ThreadFence(std::memory_order_seq_cst);  // F1 (see "Sleeping")
  WakeOne(near);
}

void Scheduler::WakeAll() noexcept {
  core::ThreadFence(std::memory_order_seq_cst);
  for (auto& w : workers_) {
    w->park_word.fetch_add(1, std::memory_order_release);
    FutexWake(&w->park_word, 1);
  }
}

}  // namespace moirai::sched
