// Copyright 2026 The Moirai Authors.

#include "moirai/distributed/task_spec.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace moirai::distributed {

absl::Duration Backoff(const RetryPolicy& policy, int attempt,
                       double unit_random) {
  if (attempt < 2) return absl::ZeroDuration();
  const double factor = std::pow(policy.multiplier, attempt - 2);
  absl::Duration d = policy.initial_backoff * factor;
  if (d > policy.max_backoff || !std::isfinite(factor)) d = policy.max_backoff;
  const double u = std::clamp(unit_random, 0.0, 1.0);
  return d * (1.0 + policy.jitter * (2.0 * u - 1.0));
}

absl::Status Validate(const RetryPolicy& policy) {
  if (policy.max_attempts < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("RetryPolicy: max_attempts is ", policy.max_attempts,
                     ", must be >= 1"));
  }
  if (policy.initial_backoff < absl::ZeroDuration() ||
      policy.max_backoff < policy.initial_backoff) {
    return absl::InvalidArgumentError(
        "RetryPolicy: need 0 <= initial_backoff <= max_backoff");
  }
  if (!(policy.multiplier >= 1.0) || !(policy.jitter >= 0.0) ||
      !(policy.jitter <= 1.0)) {
    return absl::InvalidArgumentError(
        "RetryPolicy: need multiplier >= 1 and jitter in [0, 1]");
  }
  return absl::OkStatus();
}

absl::Status Validate(const TaskSpec& spec) {
  if (spec.priority.has_value() &&
      !core::PriorityFromIndex(core::PriorityIndex(*spec.priority))
           .has_value()) {
    return absl::InvalidArgumentError(
        "TaskSpec: priority is not one of the five levels");
  }
  if (spec.timeout < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("TaskSpec: negative timeout");
  }
  if (spec.placement.affinity_required &&
      spec.placement.affinity_node.empty()) {
    return absl::InvalidArgumentError(
        "TaskSpec: affinity_required without an affinity_node");
  }
  for (const auto& [name, amount] : spec.placement.resources) {
    if (!(amount >= 0.0)) {
      return absl::InvalidArgumentError(absl::StrCat("TaskSpec: resource ",
                                                     name, " asks for ", amount,
                                                     " (must be >= 0)"));
    }
  }
  return Validate(spec.retry);
}

}  // namespace moirai::distributed
