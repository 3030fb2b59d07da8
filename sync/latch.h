// Copyright 2026 The Moirai Authors.
//
// sync/latch.h
// -----------------------------------------------------------------------------
//
// This header defines `moirai::sync::Latch`, a single-use downward counter:
// threads count it down, and `Wait()` blocks until it reaches zero. Unlike a
// Barrier it cannot be reused; unlike a WaitGroup it cannot count up.
//
//   moirai::sync::Latch done(kWorkers);
//   for (...) StartWorker([&] { Work(); done.CountDown(); });
//   done.Wait();
//
// On a fiber (async), an untimed wait parks the fiber, not its worker
// thread, so the fiber that will release it can run on the same worker; a
// timed wait blocks the thread (core/internal/parking_lot.h).
//
// Memory ordering: everything a thread does before `CountDown()` happens
// before everything a thread does after a `Wait()` (or a `TryWait()` that
// returns true) observes zero.
//
// Bad input is a programming error and crashes in every build mode: a
// negative initial count ("Latch: negative initial count"), a negative
// `CountDown(n)` argument, or counting below zero ("Latch: counted down below
// zero").

#ifndef MOIRAI_SYNC_LATCH_H_
#define MOIRAI_SYNC_LATCH_H_

#include <atomic>
#include <cstdint>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "moirai/core/mono_time.h"

namespace moirai::sync {

class Latch {
 public:
  // Latch::Latch()
  //
  // A latch that opens after `count` (>= 0) count-downs; 0 is open at once.
  explicit Latch(std::int32_t count) noexcept;

  Latch(const Latch&) = delete;
  Latch& operator=(const Latch&) = delete;

  // Latch::CountDown()
  //
  // Decrements the count by `n` (>= 0, at most the current count) and wakes
  // the waiters when it reaches zero. Never blocks.
  void CountDown(std::int32_t n = 1) noexcept;

  // Latch::TryWait()
  //
  // Whether the count has reached zero. Never blocks.
  bool TryWait() const noexcept {
    // Acquire pairs with the acq_rel decrement that reached zero.
    return (count_.load(std::memory_order_acquire) & kCountMask) == 0;
  }

  // Latch::Wait()
  //
  // Blocks until the count reaches zero.
  void Wait() const noexcept { WaitWithDeadline(absl::InfiniteFuture()); }

  // Latch::WaitWithDeadline()
  //
  // Blocks until the count reaches zero or `deadline` passes. Returns true
  // if the latch is open (count zero), false if the deadline passed first.
  bool WaitWithDeadline(absl::Time deadline) const noexcept {
    return WaitUntilMono(core::MonoTime::FromWall(deadline));
  }

  // Latch::WaitWithTimeout()
  //
  // WaitWithDeadline with a deadline `timeout` from now, on the monotonic
  // clock.
  bool WaitWithTimeout(absl::Duration timeout) const noexcept {
    return WaitUntilMono(core::MonoTime::After(timeout));
  }

  // Latch::WaitUntilMono()
  //
  // WaitWithDeadline with a monotonic deadline (core/mono_time.h).
  bool WaitUntilMono(core::MonoTime deadline) const noexcept;

  // Latch::ArriveAndWait()
  //
  // CountDown(n), then Wait().
  void ArriveAndWait(std::int32_t n = 1) noexcept {
    CountDown(n);
    Wait();
  }

 private:
  // Bit 31 of count_: set by a waiter before it sleeps, so that the
  // count-down that reaches zero makes the wake-up system call only when
  // someone may be asleep. The count itself is the low 31 bits.
  static constexpr std::uint32_t kWaitersBit = 1u << 31;
  static constexpr std::uint32_t kCountMask = kWaitersBit - 1;

  // The remaining count plus kWaitersBit; the futex word waiters sleep on.
  // Mutable because waiting (a const operation) marks the waiters bit.
  mutable std::atomic<std::uint32_t> count_;
};

}  // namespace moirai::sync

#endif  // MOIRAI_SYNC_LATCH_H_
