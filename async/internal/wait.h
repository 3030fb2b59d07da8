// Copyright 2026 The Moirai Authors.
//
// async/internal/wait.h
// -----------------------------------------------------------------------------
//
// BlockOn(): the shared tail of every blocking operation. After the caller
// registered `w` with its event sources, BlockOn arms the two sources every
// operation shares -- the deadline (the earlier of `deadline` and the current
// task's TaskContext deadline) and the current task's cancellation -- waits,
// disarms them, and returns the winning tag (kTagTimeout, kTagCancelled, or
// the tag of the caller's own source).

#ifndef MOIRAI_ASYNC_INTERNAL_WAIT_H_
#define MOIRAI_ASYNC_INTERNAL_WAIT_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "moirai/async/internal/fiber.h"
#include "moirai/async/internal/waiter.h"
#include "moirai/core/mono_time.h"

namespace moirai::async::internal {

// EffectiveDeadline()
//
// min(deadline, current TaskContext deadline).
absl::Time EffectiveDeadline(absl::Time deadline) noexcept;

// BlockOnUntil()
//
// Waits until `w` is claimed and woken, arming the current task's
// cancellation and the monotonic `deadline` only (not the TaskContext
// deadline): the shared tail of BlockOn() and of sleeps.
int BlockOnUntil(Waiter* w, core::MonoTime deadline) noexcept;

// BlockOnSlow()
//
// BlockOn() with a deadline to arm, or on a plain thread: the effective
// (wall-clock) deadline is converted to the monotonic clock once, here.
int BlockOnSlow(Waiter* w, absl::Time deadline) noexcept;

// BlockOn()
//
// Waits until `w` is claimed and woken. `deadline` is absolute
// (absl::InfiniteFuture() for none). Inline for the common case (a fiber, no
// deadline): the fiber's switch back then lands in the blocking operation's
// own frame, not in frames below it whose returns the CPU would mispredict
// (see execution_context.h).
inline int BlockOn(Waiter* w,
                   absl::Time deadline = absl::InfiniteFuture()) noexcept {
  FiberBase* fiber = w->fiber();
  if (fiber == nullptr ||
      EffectiveDeadline(deadline) != absl::InfiniteFuture()) {
    return BlockOnSlow(w, deadline);
  }
  fiber->ParkCancellable(w);
  return w->claimed_by();
}

// StatusForTag()
//
// kDeadlineExceeded / kCancelled for the shared tags, OK otherwise.
absl::Status StatusForTag(int tag, absl::string_view what);

}  // namespace moirai::async::internal

#endif  // MOIRAI_ASYNC_INTERNAL_WAIT_H_
