// Copyright 2026 The Moirai Authors.

#include "moirai/distributed/lifecycle.h"

#include "absl/strings/str_cat.h"

namespace moirai::distributed {
namespace {

absl::Status Illegal(TaskState from, TaskState to) {
  return absl::FailedPreconditionError(absl::StrCat("illegal task transition ",
                                                    TaskStateName(from), " -> ",
                                                    TaskStateName(to)));
}

}  // namespace

absl::string_view TaskStateName(TaskState s) noexcept {
  switch (s) {
    case TaskState::kCreated:
      return "created";
    case TaskState::kPlaced:
      return "placed";
    case TaskState::kQueued:
      return "queued";
    case TaskState::kRunning:
      return "running";
    case TaskState::kSucceeded:
      return "succeeded";
    case TaskState::kFailed:
      return "failed";
    case TaskState::kCancelled:
      return "cancelled";
    case TaskState::kDeadlineExceeded:
      return "deadline_exceeded";
    case TaskState::kLost:
      return "lost";
  }
  return "invalid";
}

std::ostream& operator<<(std::ostream& os, TaskState s) {
  return os << TaskStateName(s);
}

bool IsTerminal(TaskState s) noexcept {
  return s == TaskState::kSucceeded || s == TaskState::kFailed ||
         s == TaskState::kCancelled || s == TaskState::kDeadlineExceeded ||
         s == TaskState::kLost;
}

absl::Status TaskLifecycle::Place(absl::string_view node) {
  if (node.empty()) {
    return absl::InvalidArgumentError("TaskLifecycle::Place: empty node id");
  }
  switch (state_) {
    case TaskState::kCreated:
    case TaskState::kRunning:  // a retry: a new attempt
      ++attempt_;
      break;
    case TaskState::kPlaced:  // spill-back / eviction: same attempt
    case TaskState::kQueued:
      break;
    default:
      return Illegal(state_, TaskState::kPlaced);
  }
  state_ = TaskState::kPlaced;
  history_.push_back({std::string(node), attempt_, TaskState::kPlaced});
  return absl::OkStatus();
}

absl::Status TaskLifecycle::Transition(TaskState to) {
  bool ok = false;
  switch (to) {
    case TaskState::kCreated:
    case TaskState::kPlaced:
      ok = false;  // kPlaced goes through Place()
      break;
    case TaskState::kQueued:
      ok = state_ == TaskState::kPlaced;
      break;
    case TaskState::kRunning:
      ok = state_ == TaskState::kQueued;
      break;
    case TaskState::kSucceeded:
      ok = state_ == TaskState::kRunning;
      break;
    case TaskState::kLost:
      ok = state_ == TaskState::kPlaced || state_ == TaskState::kQueued ||
           state_ == TaskState::kRunning;
      break;
    case TaskState::kFailed:
    case TaskState::kCancelled:
    case TaskState::kDeadlineExceeded:
      ok = !IsTerminal(state_);
      break;
  }
  if (!ok) return Illegal(state_, to);
  state_ = to;
  if (!history_.empty()) history_.back().last_state = to;
  return absl::OkStatus();
}

}  // namespace moirai::distributed
