// Copyright 2026 The Moirai Authors.

#include "moirai/sync/spin_lock.h"

#include <sched.h>

#include <algorithm>

namespace moirai::sync {

void SpinLock::LockSlow() noexcept {
  std::uint32_t backoff = 1;
  std::uint32_t rounds = 0;
  for (;;) {
    // Test: wait on a shared (read-only) copy of the line until it looks free.
    // Relaxed: this load only decides when to retry; the exchange below is
    // the acquire that orders the critical section.
    while (locked_.load(std::memory_order_relaxed)) {
      for (std::uint32_t i = 0; i < backoff; ++i) core::CpuRelax();
      backoff = std::min(backoff * 2, kMaxBackoff);
      if (yield_after_spins_ != kNeverYield && ++rounds >= yield_after_spins_) {
        // The owner is probably not running (more runnable threads than
        // CPUs): give it our CPU instead of burning the rest of the slice.
        sched_yield();
      }
    }
    // Test-and-set. Acquire pairs with the release store in unlock().
    if (!locked_.exchange(true, std::memory_order_acquire)) return;
  }
}

}  // namespace moirai::sync
