// Copyright 2026 The Moirai Authors.

#include "moirai/sched/task_group.h"

#include <exception>
#include <utility>

#include "absl/status/status.h"
#include "moirai/core/future.h"
#include "moirai/core/task_context.h"

namespace moirai::sched {

absl::Status TaskGroup::Wait() {
  if (!Done()) {
    // The common fork-join case first: on the home worker's own stack the
    // caller is a plain task (fibers run on their own stacks), which helps
    // first; found without a thread-local lookup.
    if (home_ != nullptr && MOIRAI_LIKELY(internal::OnWorkerStack(home_))) {
      sched_->HelpWhilePending(home_, this);
    } else {
      WaitOffHomeStack();
    }
  }
  // Done: clear the waiter bit if a wait set it, keeping any count a
  // concurrent Run from another thread may have added meanwhile (the
  // common, never-parked case pays no read-modify-write). Relaxed: only the
  // bit changes, and its readers synchronise through the count.
  if ((pending_.load(std::memory_order_relaxed) & kWaiterBit) != 0) {
    pending_.fetch_and(~kWaiterBit, std::memory_order_relaxed);
  }
  // Acquire: pairs with the release exchange in CaptureException; the
  // exception_ write is also ordered by the group being done.
  if (MOIRAI_UNLIKELY(failed_.load(std::memory_order_acquire))) {
    return core::internal::ExceptionToStatus(exception_);
  }
  if (MOIRAI_UNLIKELY(IsCancelled())) {
    return absl::CancelledError("TaskGroup was cancelled");
  }
  return absl::OkStatus();
}

void TaskGroup::WaitOffHomeStack() {
  // A task that can be suspended (a fiber) parks; never help-first on its
  // small stack, and never park the worker under it (see layer.h).
  internal::Worker* w = sched_->OwnWorker();
  core::TaskContext* ctx = w != nullptr && internal::OnWorkerStack(w)
                               ? nullptr
                               : core::TaskContext::current();
  if (ctx != nullptr && ctx->parker() != nullptr) {
    sched_->ParkWhilePending(this, ctx->parker());
  } else if (w != nullptr) {
    sched_->HelpWhilePending(w, this);
  } else {
    sched_->BlockWhilePending(this);
  }
}

bool TaskGroup::SetWaiterBit() noexcept {
  std::int64_t v = pending_.load(std::memory_order_relaxed);
  for (;;) {
    // local_ only grows while a waiter that is not on the home worker waits
    // (concurrent home Runs); a home waiter folded it to 0 and is its only
    // writer. See "Join counting".
    if (Count(v) + local_.load(std::memory_order_relaxed) == 0) return false;
    if ((v & kWaiterBit) != 0) return true;
    // Release: the waiter's earlier stores (waiting_on_group, its epoch
    // load) happen before the finisher's acquire fetch_sub that sees the bit.
    // Acquire on success keeps the count read meaningful for the caller.
    if (pending_.compare_exchange_weak(v, v | kWaiterBit,
                                       std::memory_order_acq_rel,
                                       std::memory_order_relaxed)) {
      return true;
    }
  }
}

void TaskGroup::TaskDone() noexcept {
  // Read everything we need before the decrement: once the group is done
  // the waiter may return and destroy it.
  Scheduler* const sched = sched_;
  const TaskGroup* const self = this;  // only compared after the decrement
  // acq_rel: release publishes the task's effects to the waiter (pairs with
  // the acquire load in Done); acquire pairs with the waiter-bit CAS.
  const std::int64_t prev = pending_.fetch_sub(kOne, std::memory_order_acq_rel);
  // A waiter may be asleep and the count is now at or below zero: the group
  // may be done (count + local_ == 0 for some local_ >= 0 the waiter holds
  // fixed; see "Join counting"), so wake it to re-check. For a home waiter,
  // which folded local_ into the count before setting the bit, this is
  // exactly the decrement to zero.
  if ((prev & kWaiterBit) != 0 && Count(prev) - 1 <= 0) {
    sched->WakeGroupWaiters(self);
  }
}

void TaskGroup::CaptureException(std::exception_ptr e) noexcept {
  // Only the first failure is kept. acq_rel: release publishes exception_
  // to Wait's acquire load of failed_ (TaskDone's decrement comes after).
  if (!failed_.exchange(true, std::memory_order_acq_rel)) {
    exception_ = std::move(e);
  }
  Cancel();
}

void TaskGroup::Cancel() {
  // The token's callbacks run outside mu_ (a callback may use the group).
  // seq_cst store then seq_cst load, against token()'s seq_cst store of
  // has_source_ then load of cancelled_: at least one side sees the other,
  // so a source created concurrently is cancelled by one of the two
  // (RequestCancellation is idempotent).
  cancelled_.store(true, std::memory_order_seq_cst);
  if (has_source_.load(std::memory_order_seq_cst)) {
    // source_ is written once before has_source_ and never again.
    SourceUnlocked().RequestCancellation();
  }
}

core::CancellationToken TaskGroup::token() {
  core::CancellationToken t;
  {
    sync::MutexLock lock(&mu_);
    if (!source_.has_value()) {
      source_.emplace();
      // seq_cst: see Cancel(). Also publishes source_ to ContextToken's
      // acquire load.
      has_source_.store(true, std::memory_order_seq_cst);
    }
    t = source_->token();
  }
  if (cancelled_.load(std::memory_order_seq_cst)) {
    SourceUnlocked().RequestCancellation();
  }
  return t;
}

}  // namespace moirai::sched
