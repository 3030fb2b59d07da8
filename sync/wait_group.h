// Copyright 2026 The Moirai Authors.
//
// sync/wait_group.h
// -----------------------------------------------------------------------------
//
// This header defines `moirai::sync::WaitGroup`, Go's `sync.WaitGroup`: a
// counter of outstanding work that goes up with `Add()`, down with `Done()`,
// and `Wait()` blocks until it is zero. Unlike a Latch it can be reused and
// raised again after reaching zero.
//
//   moirai::sync::WaitGroup wg;
//   for (auto& item : items) {
//     wg.Add(1).IgnoreError();  // cannot fail below INT32_MAX
//     pool.Submit([&wg, &item] {
//       Process(item);
//       wg.Done().IgnoreError();  // fails only if Done() outnumbers Add()
//     });
//   }
//   wg.Wait();
//
// Errors: where Go panics on a negative counter, `Add()` and `Done()` return
// `absl::InvalidArgumentError` and leave the counter unchanged, so a caller
// that counts wrong gets a clear error instead of corrupted state. A counter
// above INT32_MAX is refused the same way (`absl::OutOfRangeError`).
//
// `Wait()` returns once the counter has been zero at some moment after the
// call began (it cannot miss a zero that is followed by a new `Add()`).
//
// On a fiber (async), an untimed wait parks the fiber, not its worker
// thread, so the fiber that will release it can run on the same worker; a
// timed wait blocks the thread (core/internal/parking_lot.h).
//
// Memory ordering: everything a thread does before a `Done()` (or `Add()`)
// that brings the counter to zero, and before any earlier `Add()`/`Done()`,
// happens before everything a thread does after the `Wait()` that observed
// that zero returns.

#ifndef MOIRAI_SYNC_WAIT_GROUP_H_
#define MOIRAI_SYNC_WAIT_GROUP_H_

#include <atomic>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "moirai/sync/internal/wait_group_state.h"

namespace moirai::sync {

class WaitGroup {
 public:
  WaitGroup() noexcept = default;
  WaitGroup(const WaitGroup&) = delete;
  WaitGroup& operator=(const WaitGroup&) = delete;

  // WaitGroup::Add()
  //
  // Adds `delta` (may be negative) to the counter and wakes the waiters if it
  // becomes zero. Returns InvalidArgument (counter unchanged) if the result
  // would be negative, OutOfRange if it would exceed INT32_MAX.
  absl::Status Add(std::int32_t delta) noexcept;

  // WaitGroup::Done()
  //
  // Add(-1).
  absl::Status Done() noexcept { return Add(-1); }

  // WaitGroup::count()
  //
  // The current counter. A snapshot, for diagnostics.
  std::int32_t count() const noexcept {
    return State::Count(state_.Load(std::memory_order_relaxed));
  }

  // WaitGroup::Wait()
  //
  // Blocks until the counter is zero.
  void Wait() const noexcept { WaitWithDeadline(absl::InfiniteFuture()); }

  // WaitGroup::WaitWithDeadline()
  //
  // Blocks until the counter is zero or `deadline` passes; returns true if
  // it saw zero, false if the deadline passed first.
  bool WaitWithDeadline(absl::Time deadline) const noexcept;

  // WaitGroup::WaitWithTimeout()
  //
  // WaitWithDeadline(absl::Now() + timeout).
  bool WaitWithTimeout(absl::Duration timeout) const noexcept {
    return WaitWithDeadline(timeout == absl::InfiniteDuration()
                                ? absl::InfiniteFuture()
                                : absl::Now() + timeout);
  }

 private:
  using State = internal::WaitGroupState<>;

  // Counter and generation in one word (see internal/wait_group_state.h):
  // invariant, count >= 0 and the generation moves exactly when, and in the
  // same atomic step as, the count becomes zero.
  State state_;
  // The futex word waiters sleep on, derived from state_: bumped after each
  // generation move, before the wake-up. Waiters decide from state_ only;
  // this word just makes a sleep that raced with the move return at once.
  mutable std::atomic<std::uint32_t> wake_seq_{0};
  // Threads that are (about to be) asleep on wake_seq_; lets Add() skip the
  // wake-up system call when nobody sleeps.
  mutable std::atomic<std::uint32_t> sleepers_{0};
};

}  // namespace moirai::sync

#endif  // MOIRAI_SYNC_WAIT_GROUP_H_
