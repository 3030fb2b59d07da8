// Copyright 2026 The Moirai Authors.
//
// sched/steal.cc: stealing from other workers and the adaptive deque
// fence policy (SchedulerOptions::deque_fences).

#include <cstdint>
#include <iterator>

#include "moirai/sched/scheduler.h"

namespace moirai::sched {

using internal::TaskNode;
using internal::Worker;

namespace {

// Adaptive deque fences (SchedulerOptions::deque_fences), from measured
// costs. Under asymmetric fences every steal attempt on a deque (taken or
// not: a failed attempt and each element of a steal-half batch pay it too)
// costs a membarrier(PRIVATE_EXPEDITED), which interrupts every other CPU
// running the process; under symmetric fences every local pop pays an
// `xchg` instead. Measured on this project's machine kind (2-vCPU VM):
// membarrier ~7.9 us with one other running thread, the `xchg` ~6 ns more
// than a plain pop. The membarrier is modelled as one interrupt per other
// worker, so it gets dearer with the worker count. A worker switches every
// deque to symmetric once the membarriers of its attempts within a window
// of kFenceWindow executed tasks cost more than that window's pops would
// under symmetric fences: attempts * MembarrierNs(workers) >
// kFenceWindow * kSymmetricPopNs. 2 workers: more than 49 attempts per
// 65536 tasks (1 per ~1300); 16 workers: more than 3.
constexpr std::uint64_t kFenceWindow = 65536;
constexpr std::uint64_t kSymmetricPopNs = 6;
constexpr std::uint64_t kMembarrierPerOtherCpuNs = 7900;

std::uint64_t AttemptBudget(int num_workers) noexcept {
  const std::uint64_t others =
      num_workers > 2 ? static_cast<std::uint64_t>(num_workers - 1) : 1;
  return kFenceWindow * kSymmetricPopNs / (kMembarrierPerOtherCpuNs * others);
}

// xorshift64*: a cheap per-worker generator for victim selection.
std::uint64_t NextRandom(Worker* w) noexcept {
  std::uint64_t x = w->rng;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  w->rng = x;
  return x * 0x2545F4914F6CDD1DULL;
}

}  // namespace

TaskNode* Scheduler::StealWork(Worker* w, bool* saw_retry) {
  const int nw = num_workers();
  if (nw <= 1) return nullptr;
  w->victims.clear();
  strategy_->Victims(w->index, nw, NextRandom(w), &w->victims);
  const bool half = strategy_->steal_half();
  for (int v : w->victims) {
    if (v == w->index || v < 0 || v >= nw) continue;
    Worker* victim = workers_[static_cast<std::size_t>(v)].get();
    if (victim->domain != w->domain) continue;  // worker domains
    for (int lane = 0; lane < core::kNumPriorities; ++lane) {
      lockfree::WorkStealingDeque<TaskNode*>& dq = victim->lanes[lane];
      if (dq.EmptyApprox()) continue;
      TaskNode* got = nullptr;
      if (half) {
        std::size_t count = 0, attempts = 0;
        const bool asymmetric = dq.uses_asymmetric_fences();
        const lockfree::StealStatus s =
            dq.StealHalf(w->batch, std::size(w->batch), &count, &attempts);
        if (asymmetric) NoteFencedAttempts(w, attempts);
        if (s == lockfree::StealStatus::kRetry) *saw_retry = true;
        if (count == 0) continue;
        // Keep the rest (oldest first stays oldest for our thieves).
        for (std::size_t i = 1; i < count; ++i)
          w->lanes[lane].Push(w->batch[i]);
        if (count > 1) w->local_mask |= 1u << lane;
        internal::Bump(w->stolen, count);
        got = w->batch[0];
      } else {
        const bool asymmetric = dq.uses_asymmetric_fences();
        lockfree::StealResult<TaskNode*> r = dq.Steal();
        if (asymmetric) NoteFencedAttempts(w, 1);
        if (r.retry()) *saw_retry = true;
        if (!r.success()) continue;
        internal::Bump(w->stolen);
        got = r.value;
      }
      // The victim has more: wake a helper (parallelism spreads this way).
      if (!dq.EmptyApprox() && AnyIdle()) NotifyWork(w);
      return got;
    }
  }
  return nullptr;
}

void Scheduler::NoteFencedAttempts(Worker* w, std::uint64_t attempts) noexcept {
  // Relaxed: a one-way hint; requesting twice is harmless (the deque's CAS
  // fails), and the deques' own mode words order the switch.
  if (attempts == 0 || !adaptive_fences_ ||
      fences_downgraded_.load(std::memory_order_relaxed)) {
    return;
  }
  // The window is counted in this worker's executed tasks (its own counter:
  // the relaxed load reads its own last store). No cost on the execute
  // path: the window is only looked at here, on a steal attempt.
  const std::uint64_t executed = w->executed.load(std::memory_order_relaxed);
  if (executed - w->steal_window_start >= kFenceWindow) {
    w->steal_window_start = executed;
    w->steal_window_attempts = 0;
  }
  w->steal_window_attempts += attempts;
  // (A division per attempt: beside the attempt's membarrier, nothing.)
  if (w->steal_window_attempts <= AttemptBudget(num_workers())) return;
  // Relaxed: the flag only makes the request happen once; each deque's
  // mode word carries the ordering (see work_stealing_deque.h).
  if (fences_downgraded_.exchange(true, std::memory_order_relaxed)) return;
  for (const auto& worker : workers_) {
    for (auto& lane : worker->lanes) lane.RequestSymmetricFences();
  }
}

}  // namespace moirai::sched
