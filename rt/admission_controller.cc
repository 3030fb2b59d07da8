// Copyright 2026 The Moirai Authors.
//
// rt/admission_controller.cc
// -----------------------------------------------------------------------------

#include "moirai/rt/admission_controller.h"

#include <algorithm>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "moirai/rt/admission.h"
#include "moirai/rt/internal/analysis.h"

namespace moirai::rt {
namespace {

bool ExplicitPriority(Policy p) {
  return p == Policy::kFifo || p == Policy::kRoundRobin;
}

}  // namespace

absl::StatusOr<AdmissionController> AdmissionController::Create(
    const AdmissionOptions& options) {
  if (options.cores < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "admission controller: cores must be >= 1 (got ", options.cores, ")"));
  }
  return AdmissionController(options);
}

absl::Status AdmissionController::CheckPolicy(const TaskSpec& task) const {
  const Policy mine = options_.policy;
  if (task.policy == mine ||
      (ExplicitPriority(task.policy) && ExplicitPriority(mine))) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      internal::TaskLabel(task), " asks for policy ", PolicyName(task.policy),
      " but this controller schedules ", PolicyName(mine)));
}

absl::StatusOr<Admission> AdmissionController::Admit(const TaskSpec& task) {
  if (absl::Status s = Validate(task); !s.ok()) return s;
  if (absl::Status s = CheckPolicy(task); !s.ok()) return s;
  for (const Core& core : cores_) {
    for (const TaskSpec& t : core.tasks) {
      if (t.name == task.name) {
        return absl::AlreadyExistsError(
            absl::StrCat(internal::TaskLabel(task), " is already admitted"));
      }
    }
  }

  const int m = cores();
  // Cores in placement order.
  std::vector<int> order(m);
  std::iota(order.begin(), order.end(), 0);
  if (options_.placement == Placement::kWorstFit && m > 1) {
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      return cores_[a].utilization < cores_[b].utilization;
    });
  }

  std::string refusals;
  for (int k = 0; k < m; ++k) {
    const int c = order[k];
    Core& core = cores_[c];
    core.tasks.push_back(task);
    absl::StatusOr<Verdict> v = ExactTest(core.tasks, options_.policy);
    if (v.ok() && v->accepted) {
      const std::uint64_t id = next_id_++;
      core.ids.push_back(id);
      core.utilization += Utilization(task);
      return Admission{TaskHandle{id, c}, *std::move(v)};
    }
    core.tasks.pop_back();
    if (!v.ok()) return v.status();
    if (m == 1) {
      refusals = v->reason;
    } else {
      absl::StrAppend(&refusals, refusals.empty() ? "" : "; ", "core ", c, ": ",
                      v->reason);
    }
  }
  return absl::ResourceExhaustedError(absl::StrCat(
      internal::TaskLabel(task), " not admitted",
      m == 1 ? ": " : absl::StrCat(" on any of ", m, " cores: "), refusals));
}

absl::Status AdmissionController::Remove(TaskHandle handle) {
  if (handle.core >= 0 && handle.core < cores()) {
    Core& core = cores_[handle.core];
    const auto it = std::find(core.ids.begin(), core.ids.end(), handle.id);
    if (it != core.ids.end()) {
      const auto pos = it - core.ids.begin();
      core.ids.erase(it);
      core.tasks.erase(core.tasks.begin() + pos);
      // Recomputed, not decremented, so that no rounding drift builds up
      // over many admit/remove cycles.
      core.utilization = 0;
      for (const TaskSpec& t : core.tasks) core.utilization += Utilization(t);
      return absl::OkStatus();
    }
  }
  return absl::NotFoundError(absl::StrCat("no admitted task with id ",
                                          handle.id, " on core ", handle.core));
}

const TaskSpec* AdmissionController::Find(TaskHandle handle) const {
  if (handle.core < 0 || handle.core >= cores()) return nullptr;
  const Core& core = cores_[handle.core];
  const auto it = std::find(core.ids.begin(), core.ids.end(), handle.id);
  if (it == core.ids.end()) return nullptr;
  return &core.tasks[it - core.ids.begin()];
}

absl::Span<const TaskSpec> AdmissionController::TasksOnCore(int core) const {
  if (core < 0 || core >= cores()) return {};
  return cores_[core].tasks;
}

double AdmissionController::CoreUtilization(int core) const {
  if (core < 0 || core >= cores()) return 0;
  return cores_[core].utilization;
}

std::size_t AdmissionController::size() const {
  std::size_t n = 0;
  for (const Core& c : cores_) n += c.tasks.size();
  return n;
}

}  // namespace moirai::rt
