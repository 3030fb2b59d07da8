// Copyright 2026 The Moirai Authors.

#include "moirai/async/internal/timer_queue.h"

#include <vector>

#include "absl/time/clock.h"
#include "moirai/core/internal/futex.h"

namespace moirai::async::internal {

TimerQueue::TimerQueue() : thread_([this] { Loop(); }) {}

TimerQueue::~TimerQueue() {
  {
    SpinLock lock(&mu_);
    stop_ = true;
    epoch_.fetch_add(1, std::memory_order_relaxed);
  }
  core::internal::FutexWakeAll(&epoch_);
  thread_.join();
}

void TimerQueue::Add(TimerNode* node) {
  bool earliest;
  {
    SpinLock lock(&mu_);
    node->seq = next_seq_++;
    node->queued = true;
    auto it = queue_.insert(node).first;
    earliest = it == queue_.begin();
    // Relaxed: the timer thread reads epoch_ under mu_ too, so the lock
    // orders this bump against its read; the futex only decides whether it
    // sleeps.
    if (earliest) epoch_.fetch_add(1, std::memory_order_relaxed);
  }
  if (earliest) core::internal::FutexWake(&epoch_, 1);
}

void TimerQueue::Remove(TimerNode* node) {
  SpinLock lock(&mu_);
  if (node->queued) {
    queue_.erase(node);
    node->queued = false;
  }
}

std::size_t TimerQueue::size() {
  SpinLock lock(&mu_);
  return queue_.size();
}

void TimerQueue::Loop() {
  std::vector<Waiter*> to_wake;
  for (;;) {
    core::MonoTime next = core::MonoTime::Infinite();
    std::uint32_t epoch;
    {
      SpinLock lock(&mu_);
      if (stop_) return;
      const core::MonoTime now = core::MonoTime::Now();
      while (!queue_.empty() && (*queue_.begin())->when <= now) {
        TimerNode* node = *queue_.begin();
        queue_.erase(queue_.begin());
        node->queued = false;
        // Claim under the lock: the node's owner cannot be past Remove().
        if (node->waiter->TryClaim(node->tag)) to_wake.push_back(node->waiter);
      }
      if (!queue_.empty()) next = (*queue_.begin())->when;
      epoch = epoch_.load(std::memory_order_relaxed);
    }
    if (!to_wake.empty()) {
      // Claimed Waiters stay alive until woken, so waking outside the lock
      // is safe.
      for (Waiter* w : to_wake) w->Wake();
      to_wake.clear();
      continue;
    }
    core::internal::FutexWait(&epoch_, epoch, next);
  }
}

}  // namespace moirai::async::internal
