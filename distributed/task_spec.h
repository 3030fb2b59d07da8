// Copyright 2026 The Moirai Authors.
//
// distributed/task_spec.h
// -----------------------------------------------------------------------------
//
// This header defines `TaskSpec`, what a caller says about one remote task
// besides its function and arguments: priority (Moirai's five levels),
// deadline, cancellation, idempotency key, retry policy and placement hints;
// and `RetryBudget`, the per-submitter limit that keeps a failing cluster
// from being hammered by retries.
//
//   TaskSpec spec;
//   spec.priority = core::Priority::kHigh;
//   spec.timeout = absl::Seconds(2);
//   spec.placement.required_labels = {{"gpu", "true"}};
//
// Inheritance: inside a remote task, an unset priority is the running task's
// priority, the deadline is the earlier of `timeout` and the running task's
// deadline, and cancelling the running task cancels the nested one.

#ifndef MOIRAI_DISTRIBUTED_TASK_SPEC_H_
#define MOIRAI_DISTRIBUTED_TASK_SPEC_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "moirai/core/cancellation.h"
#include "moirai/core/priority.h"

namespace moirai::distributed {

// RetryPolicy
//
// Used only for tasks that may run twice: functions registered idempotent,
// or calls with an idempotency key. A task that surely never started (refused
// by admission, evicted from a queue) is re-placed regardless (spill-back,
// bounded by PlacementOptions::max_hops), without counting an attempt.
struct RetryPolicy {
  int max_attempts = 3;  // >= 1; the first attempt counts
  absl::Duration initial_backoff = absl::Milliseconds(10);
  absl::Duration max_backoff = absl::Seconds(1);
  double multiplier = 2.0;  // >= 1
  double jitter = 0.2;      // in [0, 1]: +- that fraction, uniformly
};

// Backoff()
//
// The wait before attempt `attempt` (2 for the first retry):
// initial * multiplier^(attempt-2), capped at max_backoff, then jittered by
// `unit_random` in [0, 1) (pass a seeded RNG's draw: deterministic in tests).
absl::Duration Backoff(const RetryPolicy& policy, int attempt,
                       double unit_random);

// PlacementHints
struct PlacementHints {
  // Every (key, value) must be among a node's labels.
  std::vector<std::pair<std::string, std::string>> required_labels;
  // Every (resource, amount) must be available on a node.
  std::vector<std::pair<std::string, double>> resources;
  // Prefer (or, with `affinity_required`, insist on) this node.
  std::string affinity_node;
  bool affinity_required = false;
};

struct TaskSpec {
  // Unset: the running task's priority inside a task, else kNormal.
  std::optional<core::Priority> priority;
  // Time allowed from Spawn to completion; InfiniteDuration: no deadline of
  // its own.
  absl::Duration timeout = absl::InfiniteDuration();
  // Cancels the task: a queued one never starts, a running one sees its
  // core::TaskContext token fire.
  core::CancellationToken cancellation;
  // Non-empty: the call may be retried and its result is cached on the node
  // under this key (with the function's name), so a duplicate does not run.
  std::string idempotency_key;
  RetryPolicy retry;
  PlacementHints placement;
  // Non-empty: carried to the node and into nested spawns; else inherited.
  std::string trace_id;
};

// Validate(): InvalidArgument for out-of-range fields.
absl::Status Validate(const TaskSpec& spec);
absl::Status Validate(const RetryPolicy& policy);

// RetryBudget
//
// A token bucket of retries, refilled by successes (gRPC's retry throttling
// and Finagle's budget): each success adds `ratio` tokens up to `max_tokens`;
// a retry spends one, and is refused when less than one is left. The bucket
// starts with `initial_tokens`. Not synchronised: its owner locks.
class RetryBudget {
 public:
  explicit RetryBudget(double ratio = 0.1, double initial_tokens = 10,
                       double max_tokens = 100) noexcept
      : ratio_(ratio), tokens_(initial_tokens), max_(max_tokens) {}

  void RecordSuccess() noexcept {
    tokens_ = tokens_ + ratio_ > max_ ? max_ : tokens_ + ratio_;
  }
  // RetryBudget::TrySpend(): true (and one token fewer) if a retry may go.
  bool TrySpend() noexcept {
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }
  double tokens() const noexcept { return tokens_; }

 private:
  double ratio_;
  double tokens_;
  double max_;
};

}  // namespace moirai::distributed

#endif  // MOIRAI_DISTRIBUTED_TASK_SPEC_H_
