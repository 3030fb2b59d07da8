// Copyright 2026 The Moirai Authors.
//
// rt/partition.cc
// -----------------------------------------------------------------------------

#include "moirai/rt/partition.h"

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "moirai/rt/admission.h"
#include "moirai/rt/internal/analysis.h"

namespace moirai::rt {
namespace {

// C_a / T_a > C_b / T_b, exactly (both products are below 2^124).
bool HeavierThan(const TaskSpec& a, const TaskSpec& b) {
  using I128 = __int128;
  return static_cast<I128>(a.wcet) * b.period >
         static_cast<I128>(b.wcet) * a.period;
}

}  // namespace

absl::StatusOr<PartitionResult> PartitionTasks(
    absl::Span<const TaskSpec> tasks, const PartitionOptions& options) {
  if (options.cores < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "partition: cores must be >= 1 (got ", options.cores, ")"));
  }
  if (absl::Status s = ValidateAll(tasks); !s.ok()) return s;
  const int n = static_cast<int>(tasks.size());
  const int m = options.cores;

  // Decreasing utilization; stable, so equal tasks keep their input order.
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return HeavierThan(tasks[a], tasks[b]);
  });

  PartitionResult result;
  result.verdict.test = TestKind::kPartitioned;
  result.core_of_task.assign(n, -1);
  result.tasks_on_core.resize(m);
  result.core_verdicts.resize(m);
  std::vector<std::vector<TaskSpec>> core_tasks(m);
  std::vector<double> core_util(m, 0.0);
  for (int c = 0; c < m; ++c) {
    absl::StatusOr<Verdict> empty = ExactTest({}, options.policy);
    if (!empty.ok()) return empty.status();
    result.core_verdicts[c] = *std::move(empty);
  }

  std::vector<int> candidates(m);
  for (const int i : order) {
    std::iota(candidates.begin(), candidates.end(), 0);
    if (options.heuristic == PartitionHeuristic::kWorstFitDecreasing) {
      std::stable_sort(candidates.begin(), candidates.end(), [&](int a, int b) {
        return core_util[a] < core_util[b];
      });
    }
    std::string refusals;
    bool placed = false;
    for (const int c : candidates) {
      core_tasks[c].push_back(tasks[i]);
      absl::StatusOr<Verdict> v = ExactTest(core_tasks[c], options.policy);
      if (!v.ok()) return v.status();
      if (v->accepted) {
        result.core_verdicts[c] = *std::move(v);
        result.core_of_task[i] = c;
        result.tasks_on_core[c].push_back(i);
        core_util[c] += Utilization(tasks[i]);
        placed = true;
        break;
      }
      core_tasks[c].pop_back();
      absl::StrAppend(&refusals, refusals.empty() ? "" : "; ", "core ", c, ": ",
                      v->reason);
    }
    if (!placed) {
      result.verdict.accepted = false;
      result.verdict.failing_task = i;
      result.verdict.reason =
          absl::StrCat(internal::TaskLabel(tasks[i]), " fits on none of ", m,
                       " cores (", refusals, ")");
      return result;
    }
  }
  result.verdict.accepted = true;
  double total = 0;
  for (const double u : core_util) total += u;
  result.verdict.load = total;
  result.verdict.bound = m;
  result.verdict.reason = absl::StrCat(
      "accepted: ", n, " tasks on ", m, " cores by ",
      options.heuristic == PartitionHeuristic::kFirstFitDecreasing ? "FFD"
                                                                   : "WFD",
      " with ", options.policy == Policy::kEdf ? "QPA" : "RTA", " per core");
  return result;
}

}  // namespace moirai::rt
