// Copyright 2026 The Moirai Authors.
//
// sched/layer.cc: the scheduler's side of the layer seam (layer.h): holds,
// continuations, attached layers.

#include "moirai/sched/layer.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "moirai/core/internal/check.h"
#include "moirai/sched/scheduler.h"

namespace moirai::sched {

using internal::TaskNode;
using internal::Worker;

absl::StatusOr<LayerHandle> LayerHandle::Attach(Scheduler* scheduler,
                                                Layer* layer) {
  if (scheduler == nullptr || layer == nullptr) {
    return absl::InvalidArgumentError(
        "LayerHandle::Attach needs a scheduler and a layer");
  }
  if (absl::Status s = scheduler->AttachLayer(layer); !s.ok()) return s;
  return LayerHandle(scheduler, layer);
}

void LayerHandle::Detach() noexcept {
  if (scheduler_ == nullptr) return;
  scheduler_->DetachLayer(layer_);
  scheduler_ = nullptr;
  layer_ = nullptr;
}

absl::Status Scheduler::AttachLayer(Layer* layer) {
  sync::MutexLock lock(&layers_mu_);
  // Shutdown stores state_ before it takes layers_mu_ in NotifyLayers, so a
  // layer attached under the lock while state_ reads kRunning is notified.
  if (state_.load(std::memory_order_seq_cst) != kRunning) {
    return absl::FailedPreconditionError(
        "LayerHandle::Attach: the scheduler is shutting down");
  }
  layers_.push_back(layer);
  return absl::OkStatus();
}

void Scheduler::DetachLayer(Layer* layer) noexcept {
  sync::MutexLock lock(&layers_mu_);
  auto it = std::find(layers_.begin(), layers_.end(), layer);
  MOIRAI_INTERNAL_CHECK(it != layers_.end(),
                        "LayerHandle detached a layer that is not attached");
  layers_.erase(it);
}

void Scheduler::NotifyLayers(ShutdownMode mode) {
  sync::MutexLock lock(&layers_mu_);
  for (Layer* layer : layers_) layer->OnShutdown(mode);
}

bool Scheduler::AcquireHold() noexcept {
  // Count first, then check the state, as Submit does (see "Shutdown" in
  // scheduler.cc): a hold either sees the shutdown and backs out, or is
  // counted and waited for.
  pending_.fetch_add(1, std::memory_order_seq_cst);
  if (state_.load(std::memory_order_seq_cst) != kRunning &&
      OwnWorker() == nullptr) {
    FinishCounted();
    return false;
  }
  return true;
}

void Scheduler::SubmitHeld(core::Task task, bool yielded) noexcept {
  MOIRAI_INTERNAL_CHECK(static_cast<bool>(task),
                        "LayerHandle: empty continuation task");
  Worker* w = OwnWorker();
  TaskNode* n = AllocNode(w);
  n->task = std::move(task);
  // Not counted: the hold it continues stands for it, and keeps the workers
  // running until it is released (so the task is never stranded).
  n->must_run = true;
  const int lane = core::PriorityIndex(n->task.priority());
  if (w != nullptr && !yielded) {
    w->lanes[lane].Push(n);
    w->local_mask |= 1u << lane;
  } else {
    // Yielded work goes behind everything already ready: the injection
    // queue is FIFO and, unlike the own deque's LIFO end, is not what this
    // worker pops next (PickLocal prefers the own deque of the same lane,
    // and every lane that is more urgent).
    injection_.Push(lane, n);
    w = nullptr;  // any worker may take it
  }
  NotifyWork(w);
}

RunNextOffer Scheduler::OfferNextShared(Worker* w, Runnable* r) noexcept {
  if (AnyIdleNear(w)) return {nullptr, r};
  // seq_cst exchange, then seq_cst loads of the idle set: against Park's
  // seq_cst idle-bit RMW, F2 fence and MayHaveWork's slot load. Either our
  // exchange precedes F2 in the single total order, and the parking worker
  // sees `r` and stays awake (it then takes `r` in StealRunNext), or F2
  // precedes it, and our loads see the idle bit and we take `r` back for
  // the scheduler, whose submission wakes that worker. So `r` never waits
  // in the slot of a busy worker while another worker sleeps.
  Runnable* displaced = w->run_next.exchange(r, std::memory_order_seq_cst);
  // Only idle workers of w's domain can take the slot (StealRunNext).
  for (int i = 0; i < num_idle_words_; ++i) {
    std::uint64_t idle = idle_words_[i].load(std::memory_order_seq_cst);
    if (w->domain_mask != nullptr) idle &= w->domain_mask[i];
    if (idle != 0) {
      // Acquire: pairs with nothing new (this thread put `r`); the RMW makes
      // us its one taker unless an idle worker took it first (then nullptr).
      Runnable* back = w->run_next.exchange(nullptr, std::memory_order_acquire);
      return {displaced, back};
    }
  }
  return {displaced, nullptr};
}

bool Scheduler::StealRunNext(Worker* w) noexcept {
  for (const auto& victim : workers_) {
    if (victim.get() == w || victim->domain != w->domain) continue;
    if (victim->run_next.load(std::memory_order_relaxed) == nullptr) continue;
    // Acquire: pairs with the owner's seq_cst exchange that put the item,
    // so everything the owner did before offering it is visible here.
    Runnable* r = victim->run_next.exchange(nullptr, std::memory_order_acquire);
    if (r != nullptr) {
      r->Resubmit();
      return true;
    }
  }
  return false;
}

}  // namespace moirai::sched
