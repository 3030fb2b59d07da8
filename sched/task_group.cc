// Copyright 2026 The Moirai Authors.

#include "moirai/sched/task_group.h"

#include <exception>
#include <utility>

#include "absl/status/status.h"
#include "moirai/core/future.h"

namespace moirai::sched {

TaskGroup::~TaskGroup() { Wait().IgnoreError(); }

absl::Status TaskGroup::Wait() {
  if (PendingCount() != 0) {
    internal::Worker* w = sched_->OwnWorker();
    if (w != nullptr) {
      sched_->HelpWhilePending(w, this);
    } else {
      sched_->BlockWhilePending(this);
    }
  }
  // The count is 0: clear the waiter bit if a wait set it, keeping any count
  // a concurrent Run from another thread may have added meanwhile (the
  // common, never-parked case pays no read-modify-write). Relaxed: only the
  // bit changes, and its readers synchronise through the count.
  if ((pending_.load(std::memory_order_relaxed) & kWaiterBit) != 0) {
    pending_.fetch_and(kCountMask, std::memory_order_relaxed);
  }
  // Acquire: pairs with the release exchange in CaptureException; the
  // exception_ write is also ordered by pending_ reaching 0.
  if (failed_.load(std::memory_order_acquire)) {
    return core::internal::ExceptionToStatus(exception_);
  }
  if (IsCancelled()) {
    return absl::CancelledError("TaskGroup was cancelled");
  }
  return absl::OkStatus();
}

bool TaskGroup::SetWaiterBit() noexcept {
  std::uint32_t v = pending_.load(std::memory_order_relaxed);
  for (;;) {
    if ((v & kCountMask) == 0) return false;
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
  // Read everything we need before the decrement: once the count reaches 0
  // the waiter may return and destroy the group.
  Scheduler* const sched = sched_;
  // acq_rel: release publishes the task's effects to the waiter (pairs with
  // the acquire load in PendingCount); acquire pairs with the waiter-bit CAS.
  const std::uint32_t prev = pending_.fetch_sub(1, std::memory_order_acq_rel);
  if (prev == (kWaiterBit | 1)) sched->WakeGroupWaiters();
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
  cancelled_.store(true, std::memory_order_relaxed);
  sync::MutexLock lock(&mu_);
  if (source_.has_value()) source_->RequestCancellation();
}

core::CancellationToken TaskGroup::token() {
  sync::MutexLock lock(&mu_);
  if (!source_.has_value()) {
    source_.emplace();
    if (IsCancelled()) source_->RequestCancellation();
    // Release: publishes source_ to ContextToken's acquire load.
    has_source_.store(true, std::memory_order_release);
  }
  return source_->token();
}

core::CancellationToken TaskGroup::ContextToken() const {
  // source_ is written once, under mu_, before has_source_ is set (release),
  // and never changed afterwards; reading it after the acquire load below
  // needs no lock.
  if (!has_source_.load(std::memory_order_acquire)) {
    return core::CancellationToken();
  }
  return source_->token();
}

}  // namespace moirai::sched
