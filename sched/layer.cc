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
  }
  NotifyWork();
}

}  // namespace moirai::sched
