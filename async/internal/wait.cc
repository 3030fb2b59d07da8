// Copyright 2026 The Moirai Authors.

#include "moirai/async/internal/wait.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "moirai/async/internal/fiber.h"
#include "moirai/async/internal/timer_queue.h"
#include "moirai/async/runtime.h"
#include "moirai/core/internal/futex.h"
#include "moirai/core/task_context.h"

namespace moirai::async::internal {

absl::Time EffectiveDeadline(absl::Time deadline) noexcept {
  const core::TaskContext* ctx = core::TaskContext::current();
  if (ctx != nullptr) deadline = std::min(deadline, ctx->deadline());
  return deadline;
}

int BlockOnSlow(Waiter* w, absl::Time deadline) noexcept {
  return BlockOnUntil(w, core::MonoTime::FromWall(EffectiveDeadline(deadline)));
}

int BlockOnUntil(Waiter* w, core::MonoTime deadline) noexcept {
  FiberBase* fiber = w->fiber();
  if (fiber != nullptr) {
    TimerNode timer;
    bool armed = false;
    if (!deadline.is_infinite()) {
      if (deadline <= core::MonoTime::Now()) {
        if (w->TryClaim(kTagTimeout)) w->Wake();
      } else {
        timer.when = deadline;
        timer.waiter = w;
        timer.tag = kTagTimeout;
        RuntimeAccess::timers(*fiber->runtime()).Add(&timer);
        armed = true;
      }
    }
    fiber->ParkCancellable(w);
    if (armed) RuntimeAccess::timers(*fiber->runtime()).Remove(&timer);
    return w->claimed_by();
  }
  // A plain thread: cancellation through the current TaskContext's token (a
  // scheduler task, say), the deadline through the futex timeout.
  core::CancellationRegistration registration;
  const core::TaskContext* ctx = core::TaskContext::current();
  if (ctx != nullptr && ctx->cancellation().CanBeCancelled()) {
    registration = ctx->cancellation().OnCancel([w] {
      if (w->TryClaim(kTagCancelled)) w->Wake();
    });
  }
  if (deadline.is_infinite()) {
    w->WaitUncancellable();
  } else {
    w->WaitUntilOrClaim(deadline, kTagTimeout);
  }
  registration.Unregister();
  return w->claimed_by();
}

absl::Status StatusForTag(int tag, absl::string_view what) {
  switch (tag) {
    case kTagTimeout:
      return absl::DeadlineExceededError(
          absl::StrCat(what, ": deadline exceeded"));
    case kTagCancelled:
      return absl::CancelledError(absl::StrCat(what, ": cancelled"));
    default:
      return absl::OkStatus();
  }
}

}  // namespace moirai::async::internal
