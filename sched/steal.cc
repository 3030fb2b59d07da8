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

// Adaptive deque fences (SchedulerOptions::deque_fences): a worker that
// steals more than kDowngradeStealLimit tasks within kDowngradeWindow tasks it
// executes switches every deque to symmetric fences (1/64: see scheduler.h).
constexpr std::uint64_t kDowngradeWindow = 4096;
constexpr std::uint64_t kDowngradeStealLimit = kDowngradeWindow / 64;

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
        std::size_t count = 0;
        const lockfree::StealStatus s =
            dq.StealHalf(w->batch, std::size(w->batch), &count);
        if (s == lockfree::StealStatus::kRetry) *saw_retry = true;
        if (count == 0) continue;
        // Keep the rest (oldest first stays oldest for our thieves).
        for (std::size_t i = 1; i < count; ++i)
          w->lanes[lane].Push(w->batch[i]);
        if (count > 1) w->local_mask |= 1u << lane;
        internal::Bump(w->stolen, count);
        NoteSteals(w, count);
        got = w->batch[0];
      } else {
        lockfree::StealResult<TaskNode*> r = dq.Steal();
        if (r.retry()) *saw_retry = true;
        if (!r.success()) continue;
        internal::Bump(w->stolen);
        NoteSteals(w, 1);
        got = r.value;
      }
      // The victim has more: wake a helper (parallelism spreads this way).
      if (!dq.EmptyApprox() && AnyIdle()) NotifyWork(w);
      return got;
    }
  }
  return nullptr;
}

void Scheduler::NoteSteals(Worker* w, std::uint64_t count) noexcept {
  // Relaxed: a one-way hint; requesting twice is harmless (the deque's CAS
  // fails), and the deques' own mode words order the switch.
  if (!adaptive_fences_ || fences_downgraded_.load(std::memory_order_relaxed)) {
    return;
  }
  // The window is counted in this worker's executed tasks (its own counter:
  // the relaxed load reads its own last store). No cost on the execute
  // path: the window is only looked at here, on a steal.
  const std::uint64_t executed = w->executed.load(std::memory_order_relaxed);
  if (executed - w->steal_window_start >= kDowngradeWindow) {
    w->steal_window_start = executed;
    w->steal_window_steals = 0;
  }
  w->steal_window_steals += count;
  if (w->steal_window_steals <= kDowngradeStealLimit) return;
  // Relaxed: the flag only makes the request happen once; each deque's
  // mode word carries the ordering (see work_stealing_deque.h).
  if (fences_downgraded_.exchange(true, std::memory_order_relaxed)) return;
  for (const auto& worker : workers_) {
    for (auto& lane : worker->lanes) lane.RequestSymmetricFences();
  }
}

}  // namespace moirai::sched
