// Copyright 2026 The Moirai Authors.

#include "moirai/sync/mutex.h"

#include "moirai/core/internal/check.h"
#include "moirai/core/internal/futex.h"

namespace moirai::sync {
namespace {

// How many times a waiter re-reads the word (with a CPU pause in between)
// before it parks. A pause is 10 to 150 cycles depending on the CPU, so this
// is roughly 1 to 10 microseconds: longer than a short critical section, far
// shorter than a futex sleep and wake-up.
constexpr int kSpinLimit = 100;

}  // namespace

void Mutex::LockSlow(std::uint32_t observed) noexcept {
  // Phase 1: spin while the owner is likely to release soon. Test-and-test-
  // and-set: read-only spinning keeps the line shared until it looks free.
  // This may overtake parked waiters (CAS 0 -> kLocked); that is safe because
  // a woken waiter always re-marks the word kContended before sleeping again
  // (invariant I2), so the waiters it leaves behind are still woken.
  std::uint32_t c = observed;
  for (int i = 0; i < kSpinLimit; ++i) {
    if (c == kUnlocked) {
      // Acquire pairs with the release exchange in unlock().
      if (state_.compare_exchange_weak(c, kLocked, std::memory_order_acquire,
                                       std::memory_order_relaxed)) {
        return;
      }
      continue;  // `c` holds the fresh value.
    }
    core::CpuRelax();
    // Relaxed: only decides whether to try the CAS above.
    c = state_.load(std::memory_order_relaxed);
  }

  // Phase 2: park. Exchange to kContended: if the old value was kUnlocked we
  // now own the mutex (marked contended, which at worst costs one unneeded
  // wake-up at unlock); otherwise the owner will see kContended at unlock and
  // wake one sleeper. Acquire pairs with the release exchange in unlock().
  c = state_.exchange(kContended, std::memory_order_acquire);
  while (c != kUnlocked) {
    // Sleeps only if the word is still kContended (checked by the kernel
    // atomically with going to sleep), so an unlock in between is not lost.
    core::internal::FutexWait(&state_, kContended);
    c = state_.exchange(kContended, std::memory_order_acquire);
  }
}

void Mutex::UnlockSlow(std::uint32_t previous) noexcept {
  MOIRAI_INTERNAL_CHECK(previous != kUnlocked,
                        "Mutex::unlock() called on an unlocked Mutex");
  // previous == kContended: someone may be parked. Wake exactly one; it will
  // re-mark the word kContended, so the rest are woken one by one later.
  core::internal::FutexWake(&state_, 1);
}

void Mutex::AssertHeld() const noexcept {
  MOIRAI_INTERNAL_CHECK(state_.load(std::memory_order_relaxed) != kUnlocked,
                        "Mutex::AssertHeld() failed: the Mutex is not locked");
}

}  // namespace moirai::sync
