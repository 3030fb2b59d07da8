// Copyright 2026 The Moirai Authors.
//
// sched/layer.h
// -----------------------------------------------------------------------------
//
// The seam between `sched::Scheduler` and the runtimes layered on it (async's
// fibers today, rt's policies next). A runtime that keeps work of its own
// alive between scheduler tasks -- a parked fiber is not a queued task --
// implements `Layer` and attaches it with `LayerHandle::Attach`. The handle
// is the runtime's whole view of the scheduler beyond `Submit`:
//
//   * Waiting without blocking a worker. A task that must wait (a fiber
//     joining a `TaskGroup`, for instance) is suspended through the
//     `core::Parker` its runtime installed in its `core::TaskContext`
//     (core/parker.h); sched's own blocking calls (`TaskGroup::Wait`, hence
//     `ParallelFor`/`ParallelReduce` and `~TaskGroup`) do so whenever the
//     current context has a Parker, and only plain tasks help-first or block
//     their thread. Nothing runs nested on a fiber's stack.
//
//   * Holds: work alive outside the queues. `AcquireHold()` counts one unit
//     of such work in the scheduler's pending count, so that
//     `Shutdown(kDrain)` waits for it as it waits for queued tasks;
//     `ReleaseHold()` ends it. (async takes one hold for all its live
//     fibers, given back once a shutdown began and the last one finished;
//     see "The runtime's hold" in async/runtime.cc.) A holder resubmits its
//     work with `SubmitContinuation()`, which the scheduler always accepts
//     and always runs, during a drain or a cancelling shutdown too: the
//     hold, not the task, is what the shutdown accounts for.
//
//   * Shutdown. `Scheduler::Shutdown()` first stops new submissions, then
//     calls `Layer::OnShutdown(mode)` on every attached layer (before it
//     waits): under kCancelPending a layer cancels its work (a fiber
//     runtime cancels every fiber, whose blocking calls then return
//     kCancelled and which unwind), under kDrain it may do nothing. Then the
//     scheduler waits until every queued task and every hold is done, so
//     neither mode returns while a held fiber can still wake up.
//
//   * Where yielded work goes. `SubmitYielded()` queues a continuation
//     behind the work that is already ready (FIFO, like Tokio's deferred
//     tasks), where any worker may take it: a `while (!flag) Yield();` loop
//     lets the task that sets the flag run, on the same worker too.
//
//   * A run-next slot per worker (OfferNext/TakeNext): a hand-off from
//     running work to the work it readied, without a queue, that idle
//     workers can still reach.
//
//   * Hints for fast paths: `HasLocalWork()` (the calling worker may have a
//     queued task) and `HasIdleWorkers()` (work pushed now could run in
//     parallel).
//
// Guarantees the scheduler gives every task, layered or not (see
// scheduler.h): priorities order the lanes, aging bounds the wait of a less
// urgent lane, a FIFO pick every few top-level picks bounds the wait inside
// a lane, and external submissions get precedence regularly.
//
// The other half of the seam is the per-worker dispatch extension point
// (dispatch.h: a policy asked before the best-effort lanes at every pick,
// start/finish hooks, timed releases, worker domains that do not steal
// from each other), which rt's tiers implement.
//
// Thread safety: `Attach` and the handle's destructor may run on any thread
// that is not a worker of the scheduler; the other methods on any thread.
// `OnShutdown` is called on the thread that calls `Shutdown`, with no
// scheduler lock held except the one that orders it against `Detach` (so it
// must not destroy its own handle).

#ifndef MOIRAI_SCHED_LAYER_H_
#define MOIRAI_SCHED_LAYER_H_

#include <utility>

#include "absl/status/statusor.h"
#include "moirai/core/task.h"
#include "moirai/sched/scheduler.h"

namespace moirai::sched {

// Runnable
//
// A unit of layered work (a fiber) that can wait in a worker's run-next
// slot (LayerHandle::OfferNext). The worker that readied it normally takes
// it back (TakeNext) and runs it directly; an idle worker that finds it
// still there when it is about to park takes it instead and calls
// Resubmit(), which must submit it (SubmitContinuation) from that thread.
// `kind` tells the layer that takes an item whether it is one of its own.
class Runnable {
 public:
  explicit Runnable(const void* kind) noexcept : kind_(kind) {}
  const void* kind() const noexcept { return kind_; }

  // Runnable::Resubmit()
  //
  // Called by a worker that took this item from another worker's slot.
  virtual void Resubmit() noexcept = 0;

 protected:
  Runnable(const Runnable&) = default;
  Runnable& operator=(const Runnable&) = default;
  virtual ~Runnable() = default;

 private:
  const void* kind_;
};

// Layer
//
// What a runtime layered on a scheduler implements.
class Layer {
 public:
  // Layer::OnShutdown()
  //
  // The scheduler began `Shutdown(mode)`: new submissions from outside its
  // workers are refused from now on. Under kCancelPending, cancel the
  // layer's work so that its holds end. Must not block on the scheduler.
  virtual void OnShutdown(ShutdownMode mode) noexcept = 0;

 protected:
  Layer() = default;
  Layer(const Layer&) = default;
  Layer& operator=(const Layer&) = default;
  virtual ~Layer() = default;
};

// LayerHandle
//
// A layer's attachment to one scheduler. Move-only; detaching (destroying
// the handle) waits for a concurrent `OnShutdown` call to return.
class LayerHandle {
 public:
  // LayerHandle::Attach()
  //
  // Attaches `layer` (not owned; it must outlive the handle) to `scheduler`.
  // FailedPrecondition once the scheduler's shutdown began.
  static absl::StatusOr<LayerHandle> Attach(Scheduler* scheduler, Layer* layer);

  LayerHandle() = default;
  LayerHandle(LayerHandle&& other) noexcept
      : scheduler_(std::exchange(other.scheduler_, nullptr)),
        layer_(std::exchange(other.layer_, nullptr)) {}
  LayerHandle& operator=(LayerHandle&& other) noexcept {
    if (this != &other) {
      Detach();
      scheduler_ = std::exchange(other.scheduler_, nullptr);
      layer_ = std::exchange(other.layer_, nullptr);
    }
    return *this;
  }
  ~LayerHandle() { Detach(); }

  Scheduler* scheduler() const noexcept { return scheduler_; }

  // LayerHandle::AcquireHold()
  //
  // Counts one unit of the layer's work as pending (see the file comment).
  // False, counting nothing, once shutdown began -- unless the caller is
  // one of the scheduler's workers (work begun by running work is part of a
  // drain, as with Submit).
  bool AcquireHold() noexcept { return scheduler_->AcquireHold(); }

  // LayerHandle::ReleaseHold()
  //
  // Ends a hold taken by AcquireHold(). Its work must not be submitted again.
  void ReleaseHold() noexcept { scheduler_->FinishCounted(); }

  // LayerHandle::ReleaseHoldOn()
  //
  // ReleaseHold() without a handle, for a layer that may be gone by then:
  // the hold being released keeps `scheduler` alive (its shutdown waits
  // for it).
  static void ReleaseHoldOn(Scheduler* scheduler) noexcept {
    scheduler->FinishCounted();
  }

  // LayerHandle::SubmitContinuation()
  //
  // Queues `task`, which continues held work: on the calling worker's own
  // deque (LIFO) when called from one, else the injection queue. Always
  // accepted and always run, even during a shutdown, as long as the hold
  // it continues is not released first. `task` must not be empty.
  void SubmitContinuation(core::Task task) noexcept {
    scheduler_->SubmitHeld(std::move(task), /*yielded=*/false);
  }

  // LayerHandle::SubmitYielded()
  //
  // Like SubmitContinuation, but behind the work that is already ready (see
  // the file comment).
  void SubmitYielded(core::Task task) noexcept {
    scheduler_->SubmitHeld(std::move(task), /*yielded=*/true);
  }

  // LayerHandle::OfferNext()
  //
  // Offers `r` the calling worker's run-next slot: a one-item place, like
  // Go's `runnext`, for work readied by the running work that should run
  // right after it on this worker. Refused (returns `r` in `refused`) off
  // this scheduler's workers, or while some worker is idle and could run
  // `r` in parallel. Accepted, it may displace the slot's previous item
  // (returned in `displaced`). The caller submits whatever comes back. The
  // slot is reachable by idle workers: one that is about to park takes a
  // waiting item and resubmits it (Runnable::Resubmit), so an item never
  // waits for long behind a worker that keeps running.
  using Offer = RunNextOffer;
  Offer OfferNext(Runnable* r) noexcept { return scheduler_->OfferNext(r); }

  // LayerHandle::TakeNext()
  //
  // Empties the calling worker's run-next slot: its item, or nullptr if it
  // is empty (or an idle worker took the item). Must be called on a worker
  // of `scheduler`. Static: the slot is the worker's, shared by every layer
  // on the scheduler, so no handle (whose owner may be gone) is needed.
  static Runnable* TakeNext(Scheduler* scheduler) noexcept {
    return scheduler->TakeNext();
  }

  // LayerHandle::HasLocalWork()
  //
  // True when the calling worker of this scheduler may have a queued task
  // (own deques or the injection queue): a yielding fiber should really
  // switch away. A hint: it may say true spuriously, but never false while
  // the calling worker's own deques hold a task. True off the workers.
  bool HasLocalWork() const noexcept { return scheduler_->HasLocalWork(); }

  // LayerHandle::HasIdleWorkers()
  //
  // True when some worker is parked or about to park. A relaxed hint.
  bool HasIdleWorkers() const noexcept { return scheduler_->AnyIdle(); }

 private:
  LayerHandle(Scheduler* scheduler, Layer* layer) noexcept
      : scheduler_(scheduler), layer_(layer) {}
  void Detach() noexcept;

  Scheduler* scheduler_ = nullptr;
  Layer* layer_ = nullptr;
};

}  // namespace moirai::sched

#endif  // MOIRAI_SCHED_LAYER_H_
