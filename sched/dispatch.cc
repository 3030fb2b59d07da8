// Copyright 2026 The Moirai Authors.
//
// sched/dispatch.cc: the scheduler's side of the dispatch extension point
// (dispatch.h). The picking itself is in pick.cc, the timed park in
// sleep.cc, the hooks in Scheduler::Execute.

#include "moirai/sched/dispatch.h"

#include "moirai/core/arch.h"
#include "moirai/core/internal/check.h"
#include "moirai/sched/scheduler.h"

namespace moirai::sched {

int DispatchHandle::num_workers() const noexcept {
  return scheduler_->num_workers();
}

void DispatchHandle::Wake(int worker) const noexcept {
  MOIRAI_INTERNAL_CHECK(worker >= 0 && worker < scheduler_->num_workers(),
                        "DispatchHandle::Wake: worker index out of range");
  // F1 of the sleep protocol (sleep.cc): the dispatch's work, made visible
  // before this call, is ordered before our load of the idle bit, and a
  // parking worker's HasWork runs after its F2; so either it sees the work
  // or we see its idle bit and wake it.
  core::ThreadFence(std::memory_order_seq_cst);
  scheduler_->WakeWorker(worker);
}

bool DispatchHandle::AcquireHold() const noexcept {
  return scheduler_->AcquireHold();
}

void DispatchHandle::ReleaseHold() const noexcept {
  scheduler_->FinishCounted();
}

int DispatchHandle::domain(int worker) const noexcept {
  MOIRAI_INTERNAL_CHECK(worker >= 0 && worker < scheduler_->num_workers(),
                        "DispatchHandle::domain: worker index out of range");
  return scheduler_->workers_[static_cast<std::size_t>(worker)]->domain;
}

}  // namespace moirai::sched
