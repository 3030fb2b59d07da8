// Copyright 2026 The Moirai Authors.

#include "moirai/async/internal/fiber.h"

#include <cstdio>
#include <cstdlib>

#include "moirai/async/runtime.h"
#include "moirai/core/internal/futex.h"
#include "moirai/core/task.h"
#include "moirai/core/task_id.h"

namespace moirai::async::internal {

FiberBase* CurrentFiber() noexcept { return FiberBase::Current(); }

void ParkCurrentFiber(FiberBase* self) noexcept { self->Park(); }

void UnparkFiber(FiberBase* fiber) noexcept { fiber->Unpark(); }

FiberBase::~FiberBase() = default;

void FiberBase::Start(void* control_block, core::Priority priority,
                      absl::Time deadline,
                      const core::CancellationToken& parent) noexcept {
  cancel_source_ = parent.CanBeCancelled()
                       ? core::CancellationSource::ChildOf(parent)
                       : core::CancellationSource();
  task_ctx_ = core::TaskContext(core::TaskId::Next(), priority, deadline,
                                cancel_source_.token());
  // The callback only claims and wakes the fiber's current waiter; it runs
  // on the cancelling thread (or right here if `parent` is cancelled).
  cancel_registration_ =
      cancel_source_.token().OnCancel([this] { OnCancelRequested(); });
  Stack below = stack_;
  below.size =
      static_cast<std::size_t>(static_cast<char*>(control_block) - stack_.base);
  // Keep the entry frame 16-byte aligned below the control block.
  below.size &= ~std::size_t{15};
  Init(below, &FiberBase::Entry, this);
  Schedule();
}

void FiberBase::Entry(void* self) noexcept {
  static_cast<FiberBase*>(self)->Body();
}

void FiberBase::Schedule() noexcept {
  absl::Status s = runtime_->scheduler()->Submit(
      core::Task([this] { RunSlice(); }, task_ctx_.priority()));
  if (MOIRAI_UNLIKELY(!s.ok())) {
    std::fprintf(stderr,
                 "moirai: a fiber could not be scheduled (%s); was the "
                 "scheduler destroyed before its async::Runtime?\n",
                 s.ToString().c_str());
    std::abort();
  }
}

void FiberBase::RunSlice() noexcept {
  core::TaskContext* previous = core::TaskContext::Exchange(&task_ctx_);
  action_ = Action::kNone;
  Resume();
  core::TaskContext::Exchange(previous);
  if (finished()) {
    Finish();
    return;
  }
  switch (action_) {
    case Action::kYield:
      Schedule();
      break;
    case Action::kPark: {
      // The fiber is now fully switched out. Publish kParked unless an
      // Unpark() arrived while it was switching (kNotified). acq_rel: the
      // release half lets the eventual Unpark()er's re-submission order after
      // everything the fiber did; the acquire half (on failure, reading
      // kNotified) makes the waker's writes visible before we resume.
      std::uint32_t expected = kRunning;
      if (!wake_state_.compare_exchange_strong(expected, kParked,
                                               std::memory_order_acq_rel,
                                               std::memory_order_acquire)) {
        wake_state_.store(kRunning, std::memory_order_relaxed);
        Schedule();
      }
      break;
    }
    case Action::kNone:
      std::fputs("moirai: fiber switched out without an action\n", stderr);
      std::abort();
  }
}

void FiberBase::Park() noexcept {
  action_ = Action::kPark;
  Suspend();
}

void FiberBase::Unpark() noexcept {
  // acq_rel: release publishes the waker's writes (the handed-over value) to
  // the fiber; acquire on reading kParked orders our Schedule() after the
  // fiber's switch-out. If the fiber is still switching out (kRunning), the
  // worker's CAS in RunSlice() sees kNotified and re-submits it instead; we
  // must not touch the fiber after this exchange in that case.
  if (wake_state_.exchange(kNotified, std::memory_order_acq_rel) == kParked) {
    wake_state_.store(kRunning, std::memory_order_relaxed);
    Schedule();
  }
}

void FiberBase::Yield() noexcept {
  action_ = Action::kYield;
  Suspend();
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
    w.Wait();
  }
}

void FiberBase::Finish() noexcept {
  cancel_registration_.Unregister();
  // Release publishes the result; acquire pairs with the joiner's release
  // of its Waiter.
  std::uintptr_t prev =
      join_state_.exchange(kJoinDone, std::memory_order_acq_rel);
  if (prev != kJoinRunning) {
    auto* joiner = reinterpret_cast<Waiter*>(prev);
    if (joiner->TryClaim(kTagDone)) joiner->Wake();
  }
  Runtime* rt = runtime_;
  Release();
  rt->OnFiberFinished();
}

void FiberBase::ArmCancellation(Waiter* w) noexcept {
  {
    SpinLock lock(&waiter_mu_);
    cancellable_waiter_ = w;
  }
  // A cancellation that ran its callback before the waiter was armed found
  // no waiter: catch it here.
  if (cancel_source_.IsCancellationRequested() && w->TryClaim(kTagCancelled)) {
    w->Wake();
  }
}

void FiberBase::DisarmCancellation() noexcept {
  SpinLock lock(&waiter_mu_);
  cancellable_waiter_ = nullptr;
}

void FiberBase::OnCancelRequested() noexcept {
  Waiter* to_wake = nullptr;
  {
    // Claim under the lock: DisarmCancellation() cannot complete (and the
    // Waiter cannot die) while we hold it.
    SpinLock lock(&waiter_mu_);
    if (cancellable_waiter_ != nullptr &&
        cancellable_waiter_->TryClaim(kTagCancelled)) {
      to_wake = cancellable_waiter_;
    }
  }
  if (to_wake != nullptr) to_wake->Wake();
}

void FiberBase::Release() noexcept {
  // acq_rel: the last releaser must see every write of the other reference
  // holder before destroying the block.
  if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    Runtime* rt = runtime_;
    const Stack stack = stack_;
    this->~FiberBase();
    rt->OnControlBlockFreed(stack);
  }
}

}  // namespace moirai::async::internal
