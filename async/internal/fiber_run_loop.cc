// Copyright 2026 The Moirai Authors.
//
// async/internal/fiber_run_loop.cc: how a fiber runs on a worker -- its
// scheduler slices (SubmitSlice), the hand-off to the run-next slot
// (Ready), and the run loop (RunSlice/RunOnce) with its fast paths. The
// control block itself is in fiber.cc, the wake-state protocol in
// wake_state.h.

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "moirai/async/internal/fiber.h"
#include "moirai/async/runtime.h"
#include "moirai/core/arch.h"
#include "moirai/core/task.h"
#include "moirai/sched/layer.h"
#include "moirai/sched/scheduler.h"

namespace moirai::async::internal {
namespace {

// What RunSlice() keeps per worker thread. Only the owning thread touches it
// (no atomics): it is written by code running on that thread, on the
// worker's stack or on the fiber it runs, which cannot migrate while it runs.
struct SliceState {
  // Non-null while RunSlice() runs on this thread: the scheduler whose worker
  // the thread is. Fibers of runtimes on other schedulers never use the
  // worker's run-next slot, so two runtimes/schedulers do not mix.
  sched::Scheduler* scheduler = nullptr;
  // True once a fiber was offered the worker's run-next slot (the
  // scheduler's, see sched/layer.h) since RunSlice() last emptied it, so
  // that RunSlice() looks at the slot only when it may hold something.
  bool offered = false;
};

// The run-next slot holds sched::Runnables of any layer; a fiber's is its
// FiberRunnable, tagged with this address.
constexpr char kFiberRunnableKind = 0;

thread_local SliceState tls_slice;

// Out of line, like CurrentSwitchState() in execution_context.cc: it is
// called on fibers, which may resume on another thread, so the thread-local's
// address must not be cached across a switch.
__attribute__((noinline)) SliceState* CurrentSlice() noexcept {
  SliceState* s = &tls_slice;
  asm volatile("" : "+r"(s));  // keep the compiler from caching the address
  return s;
}

}  // namespace

void FiberBase::SubmitSlice() noexcept {
  runtime_->layer_.SubmitContinuation(
      core::Task([this] { RunSlice(); }, task_ctx_.priority()));
}

void FiberBase::SubmitSliceYielded() noexcept {
  runtime_->layer_.SubmitYielded(
      core::Task([this] { RunSlice(); }, task_ctx_.priority()));
}

void FiberBase::Ready() noexcept {
  SliceState* s = CurrentSlice();
  // The slot only on a worker inside RunSlice() (which empties it); the
  // scheduler refuses it while a worker is idle (that worker could run the
  // fiber in parallel if it went to the scheduler).
  if (s->scheduler == runtime_->scheduler()) {
    const sched::LayerHandle::Offer o = runtime_->layer_.OfferNext(&runnable_);
    if (o.displaced != nullptr) o.displaced->Resubmit();
    if (o.refused != nullptr) {
      SubmitSlice();
    } else {
      s->offered = true;
    }
    return;
  }
  SubmitSlice();
}

FiberBase* FiberBase::FromRunnable(sched::Runnable* r) noexcept {
  if (r == nullptr) return nullptr;
  if (r->kind() != &kFiberRunnableKind) {
    r->Resubmit();  // another layer's item: the scheduler runs it
    return nullptr;
  }
  return static_cast<FiberRunnable*>(r)->fiber();
}

const void* FiberBase::RunnableKind() noexcept { return &kFiberRunnableKind; }

// Inlined into RunSlice() so that the switch back lands in RunSlice()'s own
// frame (see "Resume() and Suspend() are inline" in execution_context.h).
__attribute__((always_inline)) inline FiberBase* FiberBase::RunOnce() noexcept {
  core::TaskContext* previous = core::TaskContext::Exchange(&task_ctx_);
  action_ = Action::kNone;
  Resume();
  core::TaskContext::Exchange(previous);
  if (finished()) {
    Finish();
    return nullptr;
  }
  switch (action_) {
    case Action::kYield:
      return this;
    case Action::kPark:
    case Action::kParkCancellable: {
      // The fiber is now fully switched out: park it, unless an Unpark() or
      // (for a cancellable park) a cancellation came first
      // (wake_state.h); then run it again at once.
      if (wake_.AfterSwitchOut(action_ == Action::kParkCancellable) ==
          WakeState<>::Park::kParked) {
        return nullptr;
      }
      return this;
    }
    case Action::kNone:
      break;
  }
  std::fputs("moirai: fiber switched out without an action\n", stderr);
  std::abort();
}

void FiberBase::RunSlice() noexcept {
  SliceState* s = CurrentSlice();
  sched::Scheduler* const sch = runtime_->scheduler();
  if (MOIRAI_UNLIKELY(s->scheduler != nullptr ||
                      sched::Scheduler::Current() != sch)) {
    // Not on a worker of this fiber's scheduler: one slice, no fast paths.
    if (FiberBase* again = RunOnce()) again->Requeue();
    return;
  }
  s->scheduler = sch;
  // Invariant: the slot is empty on entry and on exit, so every fiber put in
  // it is resumed or submitted by this call.
  FiberBase* f = this;
  for (int direct = 0;; ++direct) {
    // After RunOnce() `f` may be gone (finished and released).
    FiberBase* again = f->RunOnce();
    FiberBase* next = nullptr;
    if (s->offered) {
      s->offered = false;
      // Through the scheduler, which outlives this loop: `this` (and its
      // runtime) may be gone.
      next = FromRunnable(sched::LayerHandle::TakeNext(sch));
    }
    if (again != nullptr && next != nullptr) {
      // Two runnable fibers: the scheduler orders them by priority.
      again->Requeue();
      next->SubmitSlice();
      break;
    }
    FiberBase* ready = again != nullptr ? again : next;
    if (ready == nullptr) break;
    // Anything queued on this worker (any priority, or the injection queue)
    // goes through the scheduler with `ready`, which then picks by priority
    // and aging; so does `ready` once the budget is spent.
    // (Through `ready`, which is alive and holds its runtime: `this` may be
    // gone.)
    if (direct >= kMaxDirectSwitches ||
        ready->runtime_->layer_.HasLocalWork()) {
      if (ready == again) {
        ready->Requeue();
      } else {
        ready->SubmitSlice();
      }
      break;
    }
    f = ready;
  }
  s->scheduler = nullptr;
}

}  // namespace moirai::async::internal
