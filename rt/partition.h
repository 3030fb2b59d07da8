// Copyright 2026 The Moirai Authors.
//
// rt/partition.h
// -----------------------------------------------------------------------------
//
// This header defines `PartitionTasks()`: static partitioning of a task set
// onto M identical cores by bin packing with the exact uniprocessor test
// (ExactTest: QPA for EDF, RTA for fixed priorities) as the "fits" check.
// Partitioned scheduling is Moirai's default for RT work (RT.md, d1): it
// needs no migration and each core's guarantee is the exact test's, which
// is why it beats global EDF on sets such as Dhall's (Dhall & Liu 1978).
//
// Heuristics (Lopez, Diaz & Garcia 2004 analyse both for EDF):
//
//   kFirstFitDecreasing  tasks by decreasing utilization; each goes to the
//                        lowest-numbered core that still passes the test.
//   kWorstFitDecreasing  tasks by decreasing utilization; each goes to the
//                        least-utilized core that passes. With an exact
//                        test "fits" is not monotone in utilization, so the
//                        other cores are tried in increasing utilization.

#ifndef MOIRAI_RT_PARTITION_H_
#define MOIRAI_RT_PARTITION_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "moirai/rt/admission.h"
#include "moirai/rt/task_model.h"

namespace moirai::rt {

enum class PartitionHeuristic : std::uint8_t {
  kFirstFitDecreasing,
  kWorstFitDecreasing,
};

struct PartitionOptions {
  int cores = 1;
  PartitionHeuristic heuristic = PartitionHeuristic::kFirstFitDecreasing;
  // The per-core scheduler: kEdf (QPA), or a fixed-priority policy (RTA
  // with the priority order PriorityOrderFor(policy) gives).
  Policy policy = Policy::kEdf;
};

// PartitionResult
//
// `verdict.test` is TestKind::kPartitioned. `core_of_task[i]` is the core of
// input task i (-1 if not placed), `tasks_on_core[c]` the input indices on
// core c in placement order, and `core_verdicts[c]` the exact test's
// verdict for core c, whose task indices refer to `tasks_on_core[c]`. When
// not accepted, `verdict.failing_task` is the first task (in the
// heuristic's order) that fit on no core, and `verdict.reason` says why
// each core refused it; the tasks after it are not placed.
struct PartitionResult {
  Verdict verdict;
  std::vector<int> core_of_task;
  std::vector<std::vector<int>> tasks_on_core;
  std::vector<Verdict> core_verdicts;
};

// PartitionTasks()
//
// Partitions `tasks` onto `options.cores` cores, analysing each core with
// ExactTest(core's tasks, options.policy); the tasks' own `policy` fields
// are not consulted. InvalidArgument for an invalid task or cores < 1.
absl::StatusOr<PartitionResult> PartitionTasks(absl::Span<const TaskSpec> tasks,
                                               const PartitionOptions& options);

}  // namespace moirai::rt

#endif  // MOIRAI_RT_PARTITION_H_
