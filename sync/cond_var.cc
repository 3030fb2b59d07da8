// Copyright 2026 The Moirai Authors.

#include "moirai/sync/cond_var.h"

#include "moirai/core/internal/futex.h"
#include "moirai/core/internal/parking_lot.h"

namespace moirai::sync {

bool CondVar::WaitInternal(Mutex* mu, core::MonoTime deadline) noexcept {
  // Both under the mutex. Relaxed: the mutex orders them with any notifier
  // that changed the predicate under the same mutex (see Notify).
  waiters_.fetch_add(1, std::memory_order_relaxed);
  const std::uint32_t seq = sequence_.load(std::memory_order_relaxed);
  mu->unlock();
  // If a notification comes after we read `seq` (it must: the notifier's
  // state change needed the mutex we held until now), it has changed the word
  // and FutexWait refuses to sleep, or it finds us asleep and wakes us.
  const core::internal::FutexWaitResult result =
      core::internal::WaitOnWord(&sequence_, seq, deadline);
  waiters_.fetch_sub(1, std::memory_order_relaxed);
  mu->lock();
  return result == core::internal::FutexWaitResult::kTimedOut;
}

void CondVar::Notify(bool all) noexcept {
  // Skipping the system call when nobody waits is safe for a notifier that
  // follows the contract (it changed the predicate while holding the mutex,
  // then notifies): a waiter registers (waiters_ += 1) while holding the same
  // mutex before it last checked the predicate. Either that check came after
  // the notifier's change (the waiter will not sleep), or the registration
  // happened before the notifier's critical section, which the mutex orders
  // before this load, so we see waiters_ != 0.
  if (waiters_.load(std::memory_order_relaxed) == 0) return;
  // The data is published by the mutex, not by this word; what matters is
  // that the increment is visible before the wake-up, which the futex call
  // guarantees for a store made before it (the kernel's futex_wake issues a
  // full barrier before looking for sleepers). Release: the caller's earlier
  // writes cannot be reordered after the increment.
  sequence_.fetch_add(1, std::memory_order_release);
  if (all) {
    core::internal::WakeWordAll(&sequence_);
  } else {
    core::internal::WakeWord(&sequence_, 1);
  }
}

}  // namespace moirai::sync
