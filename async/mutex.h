// Copyright 2026 The Moirai Authors.
//
// async/mutex.h
// -----------------------------------------------------------------------------
//
// Fiber-aware `Mutex` and `CondVar`: waiting parks the fiber (its worker runs
// other work) instead of blocking the thread. Both also work from plain
// threads, which then block. Use them when a critical section may be held
// across a fiber switch (a channel send, I/O); for short sections that never
// block, a plain spin or sync mutex is cheaper.
//
// Memory ordering: everything a holder wrote before Unlock() is visible to
// the next holder after Lock(). Everything written before Signal()/
// SignalAll() is visible to a waiter it wakes.
//
// Waiting on a condition: CondVar's waits report a cancellation (and a
// deadline) in their result, so the loop ends instead of spinning once the
// fiber is cancelled (cancellation is sticky: every later wait of that fiber
// returns kCancelled at once):
//
//   async::MutexLock l(&mu);
//   while (!ready) {
//     if (absl::Status s = cv.Wait(&mu); !s.ok()) return s;  // mu is held
//   }

#ifndef MOIRAI_ASYNC_MUTEX_H_
#define MOIRAI_ASYNC_MUTEX_H_

#include <atomic>
#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "moirai/async/internal/lock.h"
#include "moirai/async/internal/wait_list.h"

namespace moirai::async {

// Mutex
//
// Not recursive. Lock() is FIFO among waiters: Unlock() hands ownership
// directly to the longest waiter (no barging once a waiter queued). Lock()
// is not cancellable.
class ABSL_LOCKABLE Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  // Mutex::Lock()
  //
  // Acquires the mutex, parking the fiber (or blocking the thread) while
  // another holder has it.
  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() {
    std::uint32_t expected = kUnlocked;
    // Acquire pairs with the release in Unlock().
    if (MOIRAI_LIKELY(state_.compare_exchange_strong(
            expected, kLocked, std::memory_order_acquire,
            std::memory_order_relaxed))) {
      return;
    }
    LockSlow();
  }

  // Mutex::TryLock()
  //
  // Acquires the mutex if it is free; never waits.
  bool TryLock() ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true) {
    std::uint32_t expected = kUnlocked;
    return state_.compare_exchange_strong(expected, kLocked,
                                          std::memory_order_acquire,
                                          std::memory_order_relaxed);
  }

  // Mutex::Unlock()
  //
  // Releases the mutex (or hands it to the first waiter). Must be called by
  // the holder.
  void Unlock() ABSL_UNLOCK_FUNCTION() {
    std::uint32_t expected = kLocked;
    // Release publishes the critical section to the next Lock().
    if (MOIRAI_LIKELY(state_.compare_exchange_strong(
            expected, kUnlocked, std::memory_order_release,
            std::memory_order_relaxed))) {
      return;
    }
    UnlockSlow();
  }

 private:
  // state_: kUnlocked; kLocked (no waiter queued); kContended (locked, and
  // waiters may be queued). Invariant: while waiters_ is non-empty, state_
  // is kContended (so the fast paths fail and go through lock_).
  static constexpr std::uint32_t kUnlocked = 0;
  static constexpr std::uint32_t kLocked = 1;
  static constexpr std::uint32_t kContended = 2;

  void LockSlow();
  void UnlockSlow();

  std::atomic<std::uint32_t> state_{kUnlocked};
  internal::SpinMutex lock_;
  internal::WaitList<internal::WaitNode> waiters_ ABSL_GUARDED_BY(lock_);
};

// MutexLock
//
// RAII holder for Mutex.
class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) {
    mu_->Lock();
  }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }

 private:
  Mutex* const mu_;
};

// CondVar
//
// A condition variable for async::Mutex. Wakes may be spurious: always wait
// in a loop that re-checks the condition and the returned status (see the
// file comment). The waits are cancellable; Mutex::Lock() (and so the relock
// at the end of a wait) is not.
class CondVar {
 public:
  CondVar() = default;
  CondVar(const CondVar&) = delete;
  CondVar& operator=(const CondVar&) = delete;

  // CondVar::Wait()
  //
  // Atomically unlocks `mu` and waits for Signal()/SignalAll(), the current
  // task's cancellation or its TaskContext deadline (see Timeout()). Returns
  // OK when signalled (or woken spuriously), kCancelled when the task is (or
  // already was) cancelled, kDeadlineExceeded when the TaskContext deadline
  // passed. `mu` is held again when it returns, whatever the result. A
  // waiter that returns an error consumed no Signal(): that wakes another
  // waiter.
  [[nodiscard]] absl::Status Wait(Mutex* mu) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    return WaitWithDeadline(mu, absl::InfiniteFuture());
  }

  // CondVar::WaitWithDeadline()
  //
  // Like Wait(), but also returns kDeadlineExceeded at `deadline` (absolute;
  // absl::InfiniteFuture() for none; a past one still unlocks and relocks
  // `mu`).
  [[nodiscard]] absl::Status WaitWithDeadline(Mutex* mu, absl::Time deadline)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);

  // CondVar::WaitWithTimeout()
  //
  // WaitWithDeadline(mu, now + timeout).
  [[nodiscard]] absl::Status WaitWithTimeout(Mutex* mu, absl::Duration timeout)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);

  // CondVar::Signal() / SignalAll()
  //
  // Wakes one / every waiter.
  void Signal();
  void SignalAll();

 private:
  internal::SpinMutex lock_;
  internal::WaitList<internal::WaitNode> waiters_ ABSL_GUARDED_BY(lock_);
};

}  // namespace moirai::async

#endif  // MOIRAI_ASYNC_MUTEX_H_
