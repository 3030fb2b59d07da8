// Copyright 2026 The Moirai Authors.
//
// distributed/lifecycle.h
// -----------------------------------------------------------------------------
//
// This header defines `TaskState` and `TaskLifecycle`, the state machine of a
// remote task, with its attempts and the nodes it went through:
//
//   kCreated -> kPlaced(node) -> kQueued -> kRunning
//            -> kSucceeded | kFailed | kCancelled | kDeadlineExceeded | kLost
//
// Legal moves besides the straight line:
//   * kPlaced / kQueued -> kPlaced: spill-back or eviction to another node
//     (the task never started; same attempt, one more hop);
//   * kRunning -> kPlaced: a retry of a task that may run twice (idempotent)
//     after its node was lost (a new attempt);
//   * any non-terminal state -> kFailed / kCancelled / kDeadlineExceeded;
//     kPlaced / kQueued / kRunning -> kLost (the node died holding it).
// Everything else (leaving a terminal state, skipping kPlaced, running twice)
// is a programming error in the transport: `Transition` returns
// FailedPrecondition naming both states and changes nothing, so it is loud
// without taking the process down.
//
// Not synchronised: the owner (the cluster) locks.

#ifndef MOIRAI_DISTRIBUTED_LIFECYCLE_H_
#define MOIRAI_DISTRIBUTED_LIFECYCLE_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace moirai::distributed {

enum class TaskState {
  kCreated,
  kPlaced,
  kQueued,
  kRunning,
  kSucceeded,
  kFailed,
  kCancelled,
  kDeadlineExceeded,
  kLost,
};

absl::string_view TaskStateName(TaskState s) noexcept;
std::ostream& operator<<(std::ostream& os, TaskState s);
bool IsTerminal(TaskState s) noexcept;

// One placement of the task on a node.
struct Placement {
  std::string node;
  int attempt = 1;
  TaskState last_state = TaskState::kPlaced;  // how far it got there
};

class TaskLifecycle {
 public:
  TaskLifecycle() = default;

  // TaskLifecycle::Place(): to kPlaced on `node` (see the file comment for
  // when a new attempt begins). FailedPrecondition when illegal.
  absl::Status Place(absl::string_view node);
  // TaskLifecycle::Transition(): to any state but kPlaced.
  absl::Status Transition(TaskState to);

  TaskState state() const noexcept { return state_; }
  int attempts() const noexcept { return attempt_; }
  // Every placement in order (spill-backs and retries included).
  const std::vector<Placement>& history() const noexcept { return history_; }
  // The node of the current (last) placement, or "" before the first.
  absl::string_view node() const noexcept {
    return history_.empty() ? absl::string_view() : history_.back().node;
  }

 private:
  TaskState state_ = TaskState::kCreated;
  int attempt_ = 0;
  std::vector<Placement> history_;
};

}  // namespace moirai::distributed

#endif  // MOIRAI_DISTRIBUTED_LIFECYCLE_H_
