// Copyright 2026 The Moirai Authors.
//
// sync/cond_var.h
// -----------------------------------------------------------------------------
//
// This header defines `moirai::sync::CondVar`, a futex-based condition
// variable that works with `moirai::sync::Mutex`.
//
//   Mutex mu;
//   bool ready ABSL_GUARDED_BY(mu) = false;
//   CondVar cv;
//
//   // Waiter:                          // Notifier:
//   MutexLock lock(&mu);                {
//   cv.Wait(&mu, [&]() {                  MutexLock lock(&mu);
//     mu.AssertHeld();                    ready = true;
//     return ready;                     }
//   });                                 cv.NotifyOne();
//
// Contract: change the state that a waiter's predicate reads while holding
// the mutex, then notify (with or without the mutex held). A notification
// wakes threads that are waiting at the moment it is made; it is not stored
// for later waiters. The plain `Wait*` overloads may return spuriously (as
// any condition variable's may); the predicate overloads loop until the
// predicate holds (or the time is up), so they never return spuriously.
//
// Timeouts and deadlines: `absl::Duration` and `absl::Time`. A deadline in
// the past, or a zero or negative timeout, checks once and returns without
// sleeping. `absl::InfiniteFuture()` / `absl::InfiniteDuration()` wait
// forever.
//
// On a fiber (async), an untimed wait parks the fiber, not its worker
// thread, so the fiber that will release it can run on the same worker; a
// timed wait blocks the thread (core/internal/parking_lot.h).
//
// Memory ordering: the mutex provides it. Every wait returns with the mutex
// held, so a waiter sees everything done under the mutex before it returned.
//
// Implementation: a 32-bit sequence word that every notification increments
// and waiters sleep on with FUTEX_WAIT (so a notification between "unlock the
// mutex" and "go to sleep" changes the word and the sleep is refused: no lost
// wake-ups), plus a count of waiters so that notifying a condition variable
// nobody waits on makes no system call. `NotifyAll()` wakes every waiter;
// they then take the mutex one at a time (the Mutex spins, then parks them),
// so a broadcast costs one wake-up per waiter. A waiter that sleeps through
// exactly 2^32 notifications could miss one (the ABA limit of a 32-bit word).

#ifndef MOIRAI_SYNC_COND_VAR_H_
#define MOIRAI_SYNC_COND_VAR_H_

#include <atomic>
#include <cstdint>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "moirai/core/mono_time.h"
#include "moirai/sync/mutex.h"

namespace moirai::sync {

class CondVar {
 public:
  constexpr CondVar() noexcept = default;
  CondVar(const CondVar&) = delete;
  CondVar& operator=(const CondVar&) = delete;

  // CondVar::Wait()
  //
  // Atomically releases `mu` and sleeps until notified (or spuriously woken),
  // then re-acquires `mu` before returning. `mu` must be held by the caller.
  void Wait(Mutex* mu) noexcept ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    WaitInternal(mu, core::MonoTime::Infinite());
  }

  // CondVar::WaitWithDeadline()
  //
  // As Wait(), but also returns once `deadline` has passed. Returns true if
  // it returned because the deadline passed (timed out), false if it was
  // notified or woken spuriously. `mu` is held again on return either way.
  bool WaitWithDeadline(Mutex* mu, absl::Time deadline) noexcept
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    return WaitInternal(mu, core::MonoTime::FromWall(deadline));
  }

  // CondVar::WaitWithTimeout()
  //
  // WaitWithDeadline with a deadline `timeout` from now, on the monotonic
  // clock. Returns true if timed out.
  bool WaitWithTimeout(Mutex* mu, absl::Duration timeout) noexcept
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    return WaitInternal(mu, core::MonoTime::After(timeout));
  }

  // CondVar::Wait(mu, pred)
  //
  // Waits until `pred()` returns true. `pred` is called with `mu` held, first
  // before any waiting. Never returns spuriously.
  template <typename Predicate>
  void Wait(Mutex* mu, Predicate pred) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    while (!pred()) WaitInternal(mu, core::MonoTime::Infinite());
  }

  // CondVar::WaitUntil()
  //
  // Waits until `pred()` returns true or `deadline` passes. Returns the last
  // value of `pred()` (checked with `mu` held after the deadline), so false
  // means "timed out and the predicate still does not hold".
  template <typename Predicate>
  bool WaitUntil(Mutex* mu, absl::Time deadline, Predicate pred)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    return WaitUntilMono(mu, core::MonoTime::FromWall(deadline),
                         std::move(pred));
  }

  // CondVar::WaitFor()
  //
  // WaitUntil with a deadline `timeout` from now, on the monotonic clock.
  template <typename Predicate>
  bool WaitFor(Mutex* mu, absl::Duration timeout, Predicate pred)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    return WaitUntilMono(mu, core::MonoTime::After(timeout), std::move(pred));
  }

  // CondVar::WaitUntilMono()
  //
  // WaitUntil with a monotonic deadline (core/mono_time.h).
  template <typename Predicate>
  bool WaitUntilMono(Mutex* mu, core::MonoTime mono, Predicate pred)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    while (!pred()) {
      if (WaitInternal(mu, mono)) return pred();
    }
    return true;
  }

  // CondVar::NotifyOne()
  //
  // Wakes at least one thread waiting on this CondVar, if any is waiting.
  // (Occasionally more than one: a thread that was between releasing the
  // mutex and sleeping also notices.)
  void NotifyOne() noexcept { Notify(/*all=*/false); }

  // CondVar::NotifyAll()
  //
  // Wakes every thread waiting on this CondVar.
  void NotifyAll() noexcept { Notify(/*all=*/true); }

 private:
  // Returns true if the wait ended because `deadline` passed.
  bool WaitInternal(Mutex* mu, core::MonoTime deadline) noexcept
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  void Notify(bool all) noexcept;

  // Incremented by every notification; waiters sleep while it is unchanged.
  std::atomic<std::uint32_t> sequence_{0};
  // Invariant: at least the number of threads between "registered under the
  // mutex" and "woke up" in WaitInternal. Incremented only with the waiter's
  // mutex held (see Notify for why that makes the zero check safe).
  std::atomic<std::uint32_t> waiters_{0};
};

}  // namespace moirai::sync

#endif  // MOIRAI_SYNC_COND_VAR_H_
