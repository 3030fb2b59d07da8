// Copyright 2026 The Moirai Authors.

#include "moirai/async/select.h"

#include <algorithm>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "moirai/async/internal/wait.h"

namespace moirai::async {

using internal::SelectCase;

SelectCase::Outcome AfterCase::TryOrRegister(internal::Waiter* w, int tag) {
  if (absl::Now() < when_) return Outcome::kRegistered;  // via the deadline
  if (w != nullptr && !w->TryClaim(tag)) return Outcome::kLostClaim;
  return Outcome::kCompleted;
}

absl::StatusOr<int> Select(std::initializer_list<SelectCase*> cases) {
  if (cases.size() == 0) {
    return absl::InvalidArgumentError("Select() needs at least one case");
  }
  // Pass 1: anything ready now?
  int index = 0;
  for (SelectCase* c : cases) {
    if (c->TryOrRegister(nullptr, index) == SelectCase::Outcome::kCompleted) {
      return index;
    }
    ++index;
  }
  // Cancelled or past the deadline before waiting: say so without queuing.
  if (const core::TaskContext* ctx = core::TaskContext::current()) {
    if (ctx->IsCancellationRequested()) {
      return internal::StatusForTag(internal::kTagCancelled, "Select");
    }
  }
  // Pass 2: register everywhere (restarted after a kRetry).
  for (;;) {
    internal::Waiter w;
    absl::Time deadline = absl::InfiniteFuture();
    int timer_index = -1;
    int registered = 0;
    bool completed_here = false;
    bool retry = false;
    index = 0;
    for (SelectCase* c : cases) {
      if (c->deadline() < deadline) {
        deadline = c->deadline();
        timer_index = index;
      }
      const SelectCase::Outcome o = c->TryOrRegister(&w, index);
      ++index;
      registered = index;
      if (o == SelectCase::Outcome::kCompleted) {
        completed_here = true;
        break;
      }
      if (o == SelectCase::Outcome::kRetry) {
        retry = true;
        break;
      }
      if (o == SelectCase::Outcome::kLostClaim) break;
    }
    int tag = internal::kUnclaimed;
    if (completed_here) {
      tag = w.claimed_by();
    } else if (!retry) {
      // Timer cases fire as the wait's deadline; BlockOn reports the
      // earlier of it and the TaskContext deadline as kTagTimeout.
      const absl::Time task_deadline =
          internal::EffectiveDeadline(absl::InfiniteFuture());
      tag = internal::BlockOn(&w, deadline);
      if (tag == internal::kTagTimeout && timer_index >= 0 &&
          deadline <= task_deadline) {
        tag = timer_index;
      }
    }
    int i = 0;
    for (SelectCase* c : cases) {
      if (i++ >= registered) break;
      c->Unregister();
    }
    if (retry) continue;
    if (tag >= 0 && tag < static_cast<int>(cases.size())) return tag;
    return internal::StatusForTag(tag, "Select");
  }
}

}  // namespace moirai::async
