// Copyright 2026 The Moirai Authors.
//
// sync/spin_lock.h
// -----------------------------------------------------------------------------
//
// This header defines `moirai::sync::SpinLock`, a test-and-test-and-set spin
// lock with exponential backoff, and its RAII guard `SpinLockHolder`.
//
// A SpinLock never sleeps in the kernel. Use it only for critical sections
// that are a handful of instructions long and never block; anything else
// belongs under `moirai::sync::Mutex`, which spins briefly and then parks. A
// waiter spins on a plain load (so waiting threads share the cache line
// instead of bouncing it), pausing the CPU for an exponentially growing number
// of iterations between loads (bounded by `kMaxBackoff`), and, unless
// constructed with `SpinLock::kNeverYield`, calls `sched_yield()` after
// `yield_after_spins` rounds so that a waiter on an oversubscribed machine
// gives the CPU back to the owner it is waiting for.
//
// SpinLock satisfies the C++ `Lockable` requirements, so it works with
// `std::lock_guard`, `std::unique_lock` and `std::scoped_lock`; prefer
// `SpinLockHolder`, which the thread-safety analysis understands.
//
// Memory ordering: for any threads X and Y, everything X does before
// `unlock()` happens before everything Y does after a later `lock()` or
// successful `try_lock()` of the same SpinLock returns.
//
// The lock is not recursive and not fair. It may be unlocked by a thread
// other than the one that locked it (this matters for fibers that migrate).

#ifndef MOIRAI_SYNC_SPIN_LOCK_H_
#define MOIRAI_SYNC_SPIN_LOCK_H_

#include <atomic>
#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "moirai/core/arch.h"

namespace moirai::sync {

class ABSL_LOCKABLE SpinLock {
 public:
  // Pass as `yield_after_spins` for a lock that never yields the CPU.
  static constexpr std::uint32_t kNeverYield = 0;
  // Default number of backoff rounds before a waiter starts to yield.
  static constexpr std::uint32_t kDefaultYieldAfterSpins = 64;
  // The longest single pause run, in `CpuRelax()` calls.
  static constexpr std::uint32_t kMaxBackoff = 64;

  // SpinLock::SpinLock()
  //
  // An unlocked lock. `yield_after_spins` is the number of backoff rounds a
  // waiter spins before it starts to call `sched_yield()` between rounds;
  // `kNeverYield` (0) spins forever.
  constexpr explicit SpinLock(
      std::uint32_t yield_after_spins = kDefaultYieldAfterSpins) noexcept
      : yield_after_spins_(yield_after_spins) {}

  SpinLock(const SpinLock&) = delete;
  SpinLock& operator=(const SpinLock&) = delete;

  // SpinLock::lock()
  //
  // Blocks (spinning) until this thread holds the lock.
  void lock() noexcept ABSL_EXCLUSIVE_LOCK_FUNCTION() {
    // Acquire pairs with the release store in unlock(): the previous owner's
    // critical section happens before ours.
    if (MOIRAI_LIKELY(!locked_.exchange(true, std::memory_order_acquire))) {
      return;
    }
    LockSlow();
  }

  // SpinLock::try_lock()
  //
  // Takes the lock if it is free and returns true; otherwise returns false at
  // once. Never spins.
  bool try_lock() noexcept ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true) {
    // Test before test-and-set: a failing try_lock() does not take the cache
    // line exclusive. Relaxed is enough for the peek; the exchange acquires.
    return !locked_.load(std::memory_order_relaxed) &&
           !locked_.exchange(true, std::memory_order_acquire);
  }

  // SpinLock::unlock()
  //
  // Releases the lock. The lock must be held (by any thread); unlocking a
  // free SpinLock is a programming error that is not detected.
  void unlock() noexcept ABSL_UNLOCK_FUNCTION() {
    // Release pairs with the acquire exchange in lock()/try_lock().
    locked_.store(false, std::memory_order_release);
  }

  // SpinLock::IsLocked()
  //
  // Whether some thread holds the lock right now. A racy snapshot, for
  // assertions and diagnostics only.
  bool IsLocked() const noexcept {
    return locked_.load(std::memory_order_relaxed);
  }

 private:
  // The contended path: spin on loads with exponential backoff, then yield.
  void LockSlow() noexcept;

  // Invariant: true exactly while some thread holds the lock.
  std::atomic<bool> locked_{false};
  const std::uint32_t yield_after_spins_;
};

// SpinLockHolder
//
// Holds a SpinLock for the lifetime of the object:
//
//   SpinLockHolder hold(&lock);
class ABSL_SCOPED_LOCKABLE SpinLockHolder {
 public:
  explicit SpinLockHolder(SpinLock* lock) noexcept
      ABSL_EXCLUSIVE_LOCK_FUNCTION(lock)
      : lock_(lock) {
    lock_->lock();
  }
  SpinLockHolder(const SpinLockHolder&) = delete;
  SpinLockHolder& operator=(const SpinLockHolder&) = delete;
  ~SpinLockHolder() ABSL_UNLOCK_FUNCTION() { lock_->unlock(); }

 private:
  SpinLock* const lock_;
};

}  // namespace moirai::sync

#endif  // MOIRAI_SYNC_SPIN_LOCK_H_
