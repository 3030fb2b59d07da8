// Copyright 2026 The Moirai Authors.
//
// async/internal/fiber.cc: the fiber control block -- preparation, parking
// and waking (through WakeState), joining, cancellation, release. The run
// loop is in fiber_run_loop.cc.

#include "moirai/async/internal/fiber.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "moirai/async/runtime.h"
#include "moirai/core/arch.h"
#include "moirai/core/internal/futex.h"
#include "moirai/core/task.h"
#include "moirai/core/task_id.h"
#include "moirai/sched/scheduler.h"

namespace moirai::async::internal {

FiberBase* CurrentFiber() noexcept { return FiberBase::Current(); }

void ParkCurrentFiber(FiberBase* self) noexcept { self->Park(); }

void UnparkFiber(FiberBase* fiber) noexcept { fiber->Unpark(); }

FiberBase::~FiberBase() = default;

void FiberBase::Prepare(void* control_block, core::Priority priority,
                        absl::Time deadline,
                        const core::CancellationToken& parent) noexcept {
  // cancel_source_ was default-constructed with a fresh state: replace it
  // only when it must be linked under `parent` (a state per fiber, not two).
  if (parent.CanBeCancelled()) {
    cancel_source_ = core::CancellationSource::ChildOf(parent);
  }
  // Field by field: no temporary TaskContext (and token) moved in.
  task_ctx_.set_id(core::TaskId::Next());
  task_ctx_.set_priority(priority);
  task_ctx_.set_deadline(deadline);
  task_ctx_.set_cancellation(cancel_source_.token());
  task_ctx_.set_parker(&parker_);
  // The control block lives outside the stack (stack_pool.h): all of it.
  Init(stack_, &FiberBase::Entry, this);
}

void FiberBase::Entry(void* self) noexcept {
  static_cast<FiberBase*>(self)->Body();
}

void FiberBase::Unpark() noexcept {
  // True: we cleared the parked bit and own the resume. False: the fiber
  // was still switching out and runs again by itself; we must not touch it.
  if (wake_.Unpark()) Ready();
}

void FiberBase::WaitFinished() noexcept {
  if (IsFinished()) return;
  Waiter w;
  std::uintptr_t expected = kJoinRunning;
  // Release publishes the Waiter to Finish(); acquire on failure (kJoinDone)
  // makes the result visible.
  if (join_state_.compare_exchange_strong(
          expected, reinterpret_cast<std::uintptr_t>(&w),
          std::memory_order_acq_rel, std::memory_order_acquire)) {
    // On a fiber, park here rather than through w.WaitUncancellable(): the
    // switch back lands in this frame (see execution_context.h).
    if (w.fiber() != nullptr) {
      w.fiber()->Park();
    } else {
      w.WaitUncancellable();
    }
  }
}

void FiberBase::Finish() noexcept {
  if (cancel_registered_) cancel_registration_.Unregister();
  // Out of the registry before the control block can be freed (Release).
  runtime_->fibers_->Remove(this);
  // Release publishes the result; acquire pairs with the joiner's release
  // of its Waiter.
  std::uintptr_t prev =
      join_state_.exchange(kJoinDone, std::memory_order_acq_rel);
  if (prev != kJoinRunning) {
    // The joiner's Waiter waits on this fiber alone (Join is not
    // cancellable and has no deadline), so there is no claim to race for.
    reinterpret_cast<Waiter*>(prev)->Wake();
  }
  Runtime* rt = runtime_;
  const bool own_hold = own_hold_;
  Release();
  rt->OnFiberFinished(own_hold);
}

void FiberBase::RegisterCancellation() noexcept {
  // The callback runs on the cancelling thread, or right here if the fiber
  // is already cancelled (then it only sets kPoked: the fiber is running).
  cancel_registered_ = true;
  cancel_registration_ =
      cancel_source_.token().OnCancel([this] { OnCancelRequested(); });
}

void FiberBase::ClaimForCancellation(Waiter* w) noexcept {
  if (w->TryClaim(kTagCancelled)) return;  // nobody else will wake us for w
  // Another source claimed `w`; its Unpark() came (kNotified) or is coming.
  Park();
}

void FiberBase::OnCancelRequested() noexcept {
  // True: it was in a cancellable park, and claims its Waiter once resumed.
  if (wake_.Cancel()) Ready();
}

void FiberBase::Release() noexcept {
  // acq_rel: the last releaser must see every write of the other reference
  // holder before destroying the block.
  if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    Runtime* rt = runtime_;
    const Stack stack = stack_;
    this->~FiberBase();
    rt->OnControlBlockFreed(stack, this);
  }
}

}  // namespace moirai::async::internal
