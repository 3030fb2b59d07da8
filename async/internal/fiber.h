// Copyright 2026 The Moirai Authors.
//
// async/internal/fiber.h
// -----------------------------------------------------------------------------
//
// The fiber control block. A fiber's control block lives in the reservation
// below its own pooled stack's guard (no heap allocation per spawn when the
// pool has a stack; see stack_pool.h); the ExecutionContext runs on the whole
// stack above the guard.
//
// Life of a fiber: Runtime::Spawn builds the control block and makes it
// ready (see Ready()): a scheduler task that calls RunSlice(). RunSlice()
// switches into the fiber (with the fiber's TaskContext installed) and, when
// the fiber switches back, acts on what it asked for:
//   - kYield: run it again, behind the work already ready on the scheduler
//     (LayerHandle::SubmitYielded), unless nothing else is queued;
//   - kPark:  park, unless an Unpark already arrived (see wake_);
//   - finished: publish the result to the joiner and drop the fiber's
//     reference.
// Acting *after* the switch is what makes parking race-free: no other worker
// can resume the fiber while its registers are still on this worker.
//
// A live fiber holds its runtime's scheduler (sched/layer.h): its slices are
// continuations that the scheduler runs even during a shutdown, and a drain
// waits for it. Code below async (TaskGroup::Wait) parks it through the
// core::Parker installed in its TaskContext.
//
// Fast paths (the scheduler is the slow path; see RunSlice() in fiber.cc):
//   - Direct resume: a fiber that yields, or whose park was overtaken by an
//     Unpark, is resumed by the same RunSlice() call without a scheduler round
//     trip when the worker has nothing else queued
//     (sched::LayerHandle::HasLocalWork()).
//   - Run-next slot: a fiber made ready (spawned or unparked) by code running
//     inside RunSlice() on a worker of its scheduler, while no worker is idle
//     to run it in parallel, goes into that worker's run-next slot
//     (LayerHandle::OfferNext) instead of the scheduler's queues. RunSlice()
//     empties the slot as soon as the running fiber switches out: it resumes
//     the slot's fiber directly when nothing else is queued, else submits it.
//     A second ready fiber pushes the older one out of the slot to the
//     scheduler. If the readying fiber keeps running instead, a worker that
//     goes idle takes the slot's fiber before it parks, so with two or more
//     workers a slot fiber never waits long behind a busy one (with one
//     worker it waits until the readying fiber yields, parks or finishes).
//   Both are bounded (kMaxDirectSwitches per scheduler task), so a chain of
//   direct switches returns to the scheduler regularly.
//
// References: one for the running fiber, one for the JoinHandle; the control
// block and the stack are released when both are gone.

#ifndef MOIRAI_ASYNC_INTERNAL_FIBER_H_
#define MOIRAI_ASYNC_INTERNAL_FIBER_H_

#include <atomic>
#include <cstdint>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "moirai/async/internal/execution_context.h"
#include "moirai/async/internal/fiber_registry.h"
#include "moirai/async/internal/stack_pool.h"
#include "moirai/async/internal/waiter.h"
#include "moirai/async/internal/wake_state.h"
#include "moirai/core/arch.h"
#include "moirai/core/cancellation.h"
#include "moirai/core/parker.h"
#include "moirai/core/priority.h"
#include "moirai/core/task_context.h"
#include "moirai/sched/layer.h"

namespace moirai::async {
class Runtime;
}  // namespace moirai::async

namespace moirai::async::internal {

// JoinResultOf<R>: what joining a fiber whose function returns R yields.
// void -> absl::Status; absl::Status -> absl::Status; absl::StatusOr<U> ->
// absl::StatusOr<U>; any other R -> absl::StatusOr<R>.
template <typename R>
struct JoinResultOf {
  using type = absl::StatusOr<R>;
};
template <>
struct JoinResultOf<void> {
  using type = absl::Status;
};
template <>
struct JoinResultOf<absl::Status> {
  using type = absl::Status;
};
template <typename U>
struct JoinResultOf<absl::StatusOr<U>> {
  using type = absl::StatusOr<U>;
};

class FiberBase : public ExecutionContext, public FiberRegistryLinks {
 public:
  FiberBase(const FiberBase&) = delete;
  FiberBase& operator=(const FiberBase&) = delete;

  // FiberBase::Current()
  //
  // The fiber running on this thread, or nullptr.
  static FiberBase* Current() noexcept {
    return static_cast<FiberBase*>(ExecutionContext::Current());
  }

  Runtime* runtime() const noexcept { return runtime_; }
  core::TaskContext* task_context() noexcept { return &task_ctx_; }
  core::Priority priority() const noexcept { return task_ctx_.priority(); }

  // FiberBase::Prepare()
  //
  // Prepares the context on the fiber's stack (`control_block`, this
  // object, lives outside it); the runtime then makes the fiber ready.
  // `parent` cancels this fiber too.
  void Prepare(void* control_block, core::Priority priority,
               absl::Time deadline,
               const core::CancellationToken& parent) noexcept;

  // FiberBase::SubmitSlice()
  //
  // Submits one slice of this fiber to the runtime's scheduler, as a
  // continuation of the fiber's hold (sched/layer.h): accepted and run even
  // during a scheduler shutdown.
  void SubmitSlice() noexcept;

  // FiberBase::SubmitSliceYielded()
  //
  // SubmitSlice(), behind the work that is already ready (a yield).
  void SubmitSliceYielded() noexcept;

  // FiberBase::Ready()
  //
  // The fiber is runnable (new, or its park was claimed by Unpark): puts it
  // in the calling worker's run-next slot when allowed (see the file
  // comment), else SubmitSlice().
  void Ready() noexcept;

  // FiberBase::RunSlice()
  //
  // The scheduler task's body: runs the fiber on the calling worker until it
  // yields, parks or ends, then keeps running directly whatever the fast
  // paths allow (this fiber again, or the run-next slot's), up to
  // kMaxDirectSwitches switches.
  void RunSlice() noexcept;

  // FiberBase::Park() / Unpark() / Yield()
  //
  // Park() is called on the fiber itself and returns after one Unpark()
  // (cancellation does not end it). Yield() lets other ready work run and
  // comes back later.
  void Park() noexcept {
    action_ = Action::kPark;
    Suspend();
  }
  void Unpark() noexcept;
  void Yield() noexcept {
    action_ = Action::kYield;
    Suspend();
  }

  // FiberBase::IsFinished()
  //
  // True once the fiber's function returned (acquire: its result is
  // visible).
  bool IsFinished() const noexcept {
    return join_state_.load(std::memory_order_acquire) == kJoinDone;
  }

  // FiberBase::WaitFinished()
  //
  // Blocks the calling fiber or thread until IsFinished(). One caller only
  // (the JoinHandle).
  void WaitFinished() noexcept;

  // FiberBase::RequestCancellation()
  //
  // Cancels the fiber's token; a blocking operation in the fiber returns
  // kCancelled. True for the call that cancelled.
  bool RequestCancellation() noexcept {
    return cancel_source_.RequestCancellation();
  }

  // FiberBase::ParkCancellable()
  //
  // Called on the fiber once `w` is registered with its event sources: parks
  // until a source claims `w` and wakes the fiber (Unpark), or, if the fiber
  // is or gets cancelled first, claims `w` itself with kTagCancelled. On
  // return `w` is claimed and no source touches it any more. See wake_state.h
  // for the protocol: the canceller never touches `w`, so arming costs no
  // atomic operation.
  void ParkCancellable(Waiter* w) noexcept {
    if (MOIRAI_UNLIKELY(!cancel_registered_)) RegisterCancellation();
    if (MOIRAI_UNLIKELY(wake_.IsPoked())) {
      ClaimForCancellation(w);
      return;
    }
    action_ = Action::kParkCancellable;
    Suspend();
    // Resumed by w's claimer (Unpark), or for cancellation (by Cancel() or
    // by the run loop seeing kPoked).
    if (MOIRAI_UNLIKELY(wake_.TakeCancelResume())) ClaimForCancellation(w);
  }

  // FiberBase::Release()
  //
  // Drops one reference; the last one destroys the fiber and frees its stack.
  void Release() noexcept;

 protected:
  FiberBase(Runtime* runtime, const Stack& stack) noexcept
      : runtime_(runtime), stack_(stack) {}
  virtual ~FiberBase();

  // FiberBase::Body()
  //
  // Runs the user function and stores its result; never throws.
  virtual void Body() noexcept = 0;

  bool CancelledBeforeStart() const noexcept {
    return task_ctx_.IsCancellationRequested();
  }

 private:
  friend class moirai::async::Runtime;

  static constexpr std::uintptr_t kJoinRunning = 0;
  static constexpr std::uintptr_t kJoinDone = 1;  // else: a Waiter* joiner

  enum class Action : std::uint8_t { kNone, kYield, kPark, kParkCancellable };

  // Direct switches (resumes without the scheduler) per RunSlice() call.
  static constexpr int kMaxDirectSwitches = 64;

  static void Entry(void* self) noexcept;
  // Runs the fiber until it switches out and acts on why; returns this fiber
  // when it is runnable again (yielded, or its park was overtaken by an
  // Unpark), nullptr when it parked or finished.
  FiberBase* RunOnce() noexcept;
  void OnCancelRequested() noexcept;
  void RegisterCancellation() noexcept;
  // Claims `w` with kTagCancelled, or (another source claimed it first)
  // parks until that source's Unpark, so that it is done with `w`.
  void ClaimForCancellation(Waiter* w) noexcept;
  void Finish() noexcept;

  // What sched's blocking calls (TaskGroup::Wait) park through, installed
  // in task_ctx_ (core/parker.h): Park()/Unpark() of this fiber.
  class FiberParker final : public core::Parker {
   public:
    explicit FiberParker(FiberBase* fiber) noexcept : fiber_(fiber) {}
    void Park() noexcept override { fiber_->Park(); }
    void Unpark() noexcept override { fiber_->Unpark(); }

   private:
    FiberBase* const fiber_;
  };

  // What waits in a worker's run-next slot for this fiber (sched/layer.h):
  // an idle worker that takes it resubmits the fiber from its own thread.
  class FiberRunnable final : public sched::Runnable {
   public:
    explicit FiberRunnable(FiberBase* fiber) noexcept
        : sched::Runnable(RunnableKind()), fiber_(fiber) {}
    void Resubmit() noexcept override { fiber_->SubmitSlice(); }
    FiberBase* fiber() const noexcept { return fiber_; }

   private:
    FiberBase* const fiber_;
  };
  static const void* RunnableKind() noexcept;
  // The fiber behind a slot item, or nullptr (empty; another layer's item,
  // which is resubmitted).
  static FiberBase* FromRunnable(sched::Runnable* r) noexcept;

  // Requeues a fiber RunOnce() returned: behind ready work for a yield,
  // else (an overtaken park) as a plain continuation.
  void Requeue() noexcept {
    if (action_ == Action::kYield) {
      SubmitSliceYielded();
    } else {
      SubmitSlice();
    }
  }

  Runtime* const runtime_;
  const Stack stack_;  // the whole mapping, control reservation included
  FiberParker parker_{this};
  FiberRunnable runnable_{this};
  core::TaskContext task_ctx_;
  // Default-constructed with its own fresh state; Prepare() replaces it only
  // to link it under a cancellable parent token.
  core::CancellationSource cancel_source_;
  // Registered lazily, by the first ParkCancellable() (on the fiber), so
  // that a fiber that never blocks pays nothing for it; unregistered in
  // Finish().
  core::CancellationRegistration cancel_registration_;
  bool cancel_registered_ = false;  // fiber (then Finish) only
  // Set by Runtime::FinishSpawn: the fiber took a scheduler hold of its own
  // (spawned after the runtime's hold ended; see runtime.cc), which its
  // Finish gives back.
  bool own_hold_ = false;
  Action action_ = Action::kNone;  // written on the fiber, read by RunSlice
  // Who resumes this fiber after a park (wake_state.h). The canceller only
  // resumes a fiber in a cancellable park; the fiber then claims its own
  // Waiter (or, having lost the claim, parks again for the winner's Unpark).
  WakeState<> wake_;
  // join_state_: kJoinRunning, kJoinDone, or the joiner's Waiter*.
  std::atomic<std::uintptr_t> join_state_{kJoinRunning};
  std::atomic<int> refs_{2};
};

// ResultFiber<R>: the part of a fiber its JoinHandle<R> sees.
template <typename R>
class ResultFiber : public FiberBase {
 public:
  using Result = typename JoinResultOf<R>::type;

  // ResultFiber::TakeResult()
  //
  // Moves the result out; valid once IsFinished(), once.
  Result TakeResult() { return std::move(*result_); }

 protected:
  using FiberBase::FiberBase;
  std::optional<Result> result_;
};

template <typename F, typename R>
class FiberImpl final : public ResultFiber<R> {
 public:
  template <typename G>
  FiberImpl(Runtime* runtime, const Stack& stack, G&& fn)
      : ResultFiber<R>(runtime, stack), fn_(std::forward<G>(fn)) {}

 private:
  void Body() noexcept override {
    auto& result = this->result_;
    if (this->CancelledBeforeStart()) {
      result.emplace(absl::CancelledError("fiber cancelled before it ran"));
      return;
    }
    try {
      if constexpr (std::is_void_v<R>) {
        fn_();
        result.emplace(absl::OkStatus());
      } else {
        result.emplace(fn_());
      }
    } catch (const std::exception& e) {
      result.emplace(absl::InternalError(
          absl::StrCat("fiber threw an exception: ", e.what())));
    } catch (...) {
      result.emplace(absl::InternalError("fiber threw a non-std exception"));
    }
  }

  F fn_;
};

}  // namespace moirai::async::internal

#endif  // MOIRAI_ASYNC_INTERNAL_FIBER_H_
