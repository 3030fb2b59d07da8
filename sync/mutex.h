// Copyright 2026 The Moirai Authors.
//
// sync/mutex.h
// -----------------------------------------------------------------------------
//
// This header defines `moirai::sync::Mutex`, a one-word adaptive mutex built
// on the Linux futex, and its RAII guard `MutexLock`.
//
// The uncontended lock is one compare-and-swap and the uncontended unlock one
// exchange, both inline. A thread that finds the mutex held first spins for a
// short, bounded time (the owner of a short critical section is usually about
// to release it, and a futex sleep plus wake-up costs microseconds), then
// marks the mutex "contended" and parks in the kernel. Unlock wakes exactly
// one parked thread, and only when the word says someone may be parked, so
// there is no thundering herd and an uncontended unlock makes no system call.
//
// The algorithm is the three-state futex mutex of Ulrich Drepper, "Futexes
// Are Tricky" (2011), section 6 ("mutex3"), with a spinning phase in front of
// the park loop. No wake-up is lost: a thread only sleeps after setting the
// word to `kContended`, and the kernel re-checks that value atomically with
// going to sleep, so any unlock that races with it either changes the word
// (the sleep is refused) or sees `kContended` (and wakes a sleeper).
//
// Mutex satisfies the C++ `Lockable` requirements, so it works with
// `std::lock_guard`, `std::unique_lock`, `std::scoped_lock` and
// `std::condition_variable_any`; `moirai::sync::CondVar` is the condition
// variable made for it. Prefer `MutexLock`, which the thread-safety analysis
// understands.
//
// Memory ordering: for any threads X and Y, everything X does before
// `unlock()` happens before everything Y does after a later `lock()` or
// successful `try_lock()` of the same Mutex returns.
//
// The mutex is not recursive and not fair (a running thread may overtake a
// parked one; that is what makes it fast under contention). It may be unlocked
// by a thread other than the one that locked it, which lets a fiber that
// migrated between threads release what it locked. Unlocking a Mutex that is
// not locked is a programming error and crashes in every build mode with
// "Mutex::unlock() called on an unlocked Mutex" (the check is free: the
// unlock's exchange already reads the old state).

#ifndef MOIRAI_SYNC_MUTEX_H_
#define MOIRAI_SYNC_MUTEX_H_

#include <atomic>
#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "moirai/core/arch.h"

namespace moirai::sync {

class CondVar;

class ABSL_LOCKABLE Mutex {
 public:
  // Mutex::Mutex()
  //
  // An unlocked mutex. constexpr, so a Mutex with static storage duration is
  // constant-initialised and safe to use from other static initialisers.
  constexpr Mutex() noexcept = default;

  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  // Mutex::lock()
  //
  // Blocks until this thread holds the mutex: spins briefly, then sleeps.
  void lock() noexcept ABSL_EXCLUSIVE_LOCK_FUNCTION() {
    std::uint32_t expected = kUnlocked;
    // Acquire pairs with the release exchange in unlock(): the previous
    // owner's critical section happens before ours. Relaxed on failure: the
    // slow path re-reads the word with acquire before it relies on anything.
    if (MOIRAI_LIKELY(state_.compare_exchange_strong(
            expected, kLocked, std::memory_order_acquire,
            std::memory_order_relaxed))) {
      return;
    }
    LockSlow(expected);
  }

  // Mutex::try_lock()
  //
  // Takes the mutex if it is free and returns true; otherwise returns false
  // at once without spinning or sleeping.
  bool try_lock() noexcept ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true) {
    std::uint32_t expected = kUnlocked;
    // Peek first so that a failing try_lock() does not take the cache line
    // exclusive. Acquire on success as in lock().
    return state_.load(std::memory_order_relaxed) == kUnlocked &&
           state_.compare_exchange_strong(expected, kLocked,
                                          std::memory_order_acquire,
                                          std::memory_order_relaxed);
  }

  // Mutex::unlock()
  //
  // Releases the mutex and, if a thread may be parked on it, wakes one.
  // Crashes if the mutex is not locked.
  void unlock() noexcept ABSL_UNLOCK_FUNCTION() {
    // Release pairs with the acquire in lock()/try_lock()/LockSlow().
    const std::uint32_t previous =
        state_.exchange(kUnlocked, std::memory_order_release);
    if (MOIRAI_LIKELY(previous == kLocked)) return;
    UnlockSlow(previous);
  }

  // Mutex::IsLocked()
  //
  // Whether some thread holds the mutex right now. A racy snapshot, for
  // assertions and diagnostics only.
  bool IsLocked() const noexcept {
    return state_.load(std::memory_order_relaxed) != kUnlocked;
  }

  // Mutex::AssertHeld()
  //
  // Tells the thread-safety analysis that the caller holds the mutex, and
  // crashes if the mutex is not locked at all. (One word of state has no room
  // for an owner, so a mutex held by another thread passes.)
  void AssertHeld() const noexcept ABSL_ASSERT_EXCLUSIVE_LOCK();

 private:
  friend class CondVar;

  // State values. Named invariant (I1): `state_ == kUnlocked` exactly when no
  // thread holds the mutex. (I2): if a thread is parked in FutexWait on
  // `state_`, then `state_ == kContended`, or a thread that was woken is
  // about to exchange it to kContended (see LockSlow), so the eventual unlock
  // of the current owner, or of the woken thread, wakes the next sleeper.
  static constexpr std::uint32_t kUnlocked = 0;
  static constexpr std::uint32_t kLocked = 1;     // held, nobody parked
  static constexpr std::uint32_t kContended = 2;  // held, maybe parked waiters

  // The contended lock path; `observed` is the value the fast path saw.
  void LockSlow(std::uint32_t observed) noexcept;
  // Wakes a parked waiter (previous == kContended) or crashes (kUnlocked).
  void UnlockSlow(std::uint32_t previous) noexcept;

  std::atomic<std::uint32_t> state_{kUnlocked};
};

static_assert(sizeof(Mutex) == sizeof(std::uint32_t),
              "Mutex is one futex word");

// MutexLock
//
// Holds a Mutex for the lifetime of the object:
//
//   moirai::sync::Mutex mu;
//   int counter ABSL_GUARDED_BY(mu);
//   ...
//   {
//     moirai::sync::MutexLock lock(&mu);
//     ++counter;
//   }
class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex* mu) noexcept ABSL_EXCLUSIVE_LOCK_FUNCTION(mu)
      : mu_(mu) {
    mu_->lock();
  }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mu_->unlock(); }

 private:
  Mutex* const mu_;
};

}  // namespace moirai::sync

#endif  // MOIRAI_SYNC_MUTEX_H_
