// Copyright 2026 The Moirai Authors.
//
// async/internal/waiter.h
// -----------------------------------------------------------------------------
//
// `Waiter`: the one blocking primitive every async operation is built on. A
// fiber (or a plain thread) that must wait creates a Waiter on its stack,
// registers it with every event source that may end the wait (a channel's
// wait queue, a timer, a cancellation callback, an I/O completion handler),
// and calls BlockOn() (wait.h), or WaitUncancellable(). The first source to
// complete calls TryClaim(tag) and, only if that succeeded, Wake(). So:
//
//  - Invariant (exactly once): a Waiter is claimed at most once and woken at
//    most once, by the claimer, after the claim. Sources that lose the claim
//    race never touch the Waiter again after their failed TryClaim (which
//    they make under their own lock, so the owner's later deregistration,
//    taken under the same lock, orders after it).
//  - A wait returns only after Wake(); the owner then deregisters from the
//    other sources and reads `claimed_by()` to learn which one won.
//  - A Waiter registered with exactly one source that cannot be cancelled or
//    time out (a fiber's joiner) may be woken without a claim: there is no
//    race to win, and its owner does not read claimed_by().
//
// On a fiber, a wait parks the fiber (its worker runs other tasks) and Wake()
// re-submits it to the scheduler; on a plain thread, the wait sleeps on a
// futex.

#ifndef MOIRAI_ASYNC_INTERNAL_WAITER_H_
#define MOIRAI_ASYNC_INTERNAL_WAITER_H_

#include <atomic>
#include <cstdint>

#include "absl/time/time.h"
#include "moirai/async/internal/execution_context.h"
#include "moirai/core/internal/futex.h"
#include "moirai/core/mono_time.h"

namespace moirai::async::internal {

class FiberBase;

// Claim tags used by the shared wait machinery; operation-specific sources
// (select cases) use small non-negative tags.
inline constexpr int kUnclaimed = -1;
inline constexpr int kTagTimeout = 1 << 20;
inline constexpr int kTagCancelled = (1 << 20) + 1;
inline constexpr int kTagDone = (1 << 20) + 2;

// CurrentFiber()
//
// The fiber running on this thread, or nullptr on a plain thread.
FiberBase* CurrentFiber() noexcept;

// ParkCurrentFiber() / UnparkFiber()
//
// Defined in fiber.cc. Park suspends the calling fiber until exactly one
// Unpark; an Unpark that comes first makes the Park return at once.
void ParkCurrentFiber(FiberBase* self) noexcept;
void UnparkFiber(FiberBase* fiber) noexcept;

class Waiter {
 public:
  // Waiter::Waiter()
  //
  // Binds to the calling fiber, or to the calling thread outside fibers.
  Waiter() noexcept : fiber_(CurrentFiber()) {}
  Waiter(const Waiter&) = delete;
  Waiter& operator=(const Waiter&) = delete;

  // Waiter::TryClaim()
  //
  // True for the one caller that ends this wait with `tag`. Acquire/release:
  // the claimer sees the owner's setup writes (the owner published them with
  // the lock or store that registered this Waiter), and the owner, after
  // its wait, sees what the claimer wrote before Wake() (through Wake's
  // release).
  bool TryClaim(int tag) noexcept {
    int expected = kUnclaimed;
    return claim_.compare_exchange_strong(
        expected, tag, std::memory_order_acq_rel, std::memory_order_acquire);
  }

  // Waiter::claimed_by()
  //
  // The winning tag, or kUnclaimed.
  int claimed_by() const noexcept {
    return claim_.load(std::memory_order_acquire);
  }

  // Waiter::Wake()
  //
  // Ends the wait. Only the successful claimer calls it, exactly once. After
  // Wake() the Waiter may be destroyed at any moment: Wake touches it last.
  void Wake() noexcept {
    if (fiber_ != nullptr) {
      UnparkFiber(fiber_);
    } else {
      // Release pairs with the acquire load in WaitUncancellable().
      woken_.store(1, std::memory_order_release);
      // The waiter may already have returned and reused this stack slot: a
      // futex wake on it is at worst a spurious wake-up for another futex
      // user, and every futex user re-checks its condition.
      core::internal::FutexWake(&woken_, 1);
    }
  }

  // Waiter::WaitUncancellable()
  //
  // Blocks the calling fiber or thread (the one that constructed the
  // Waiter) until Wake(), ignoring cancellation and deadlines (BlockOn, in
  // wait.h, is the cancellable wait with a deadline).
  void WaitUncancellable() noexcept {
    if (fiber_ != nullptr) {
      ParkCurrentFiber(fiber_);
    } else {
      while (woken_.load(std::memory_order_acquire) == 0) {
        core::internal::FutexWait(&woken_, 0);
      }
    }
  }

  // Waiter::WaitUntilOrClaim()
  //
  // Thread owners only: like WaitUncancellable(), but at `deadline` tries to
  // claim the Waiter with `tag` itself (if another source claimed it first,
  // keeps waiting for that source's Wake()).
  void WaitUntilOrClaim(core::MonoTime deadline, int tag) noexcept {
    while (woken_.load(std::memory_order_acquire) == 0) {
      if (core::internal::FutexWait(&woken_, 0, deadline) ==
              core::internal::FutexWaitResult::kTimedOut &&
          TryClaim(tag)) {
        return;  // we are the claimer: nobody else will Wake()
      }
      if (claimed_by() != kUnclaimed && claimed_by() != tag) {
        deadline = core::MonoTime::Infinite();  // the winner will wake us
      }
    }
  }

  // Waiter::on_fiber()
  //
  // True when the owner is a fiber.
  bool on_fiber() const noexcept { return fiber_ != nullptr; }
  FiberBase* fiber() const noexcept { return fiber_; }

 private:
  std::atomic<int> claim_{kUnclaimed};
  FiberBase* const fiber_;
  std::atomic<std::uint32_t> woken_{0};  // futex word, thread owners only
};

}  // namespace moirai::async::internal

#endif  // MOIRAI_ASYNC_INTERNAL_WAITER_H_
