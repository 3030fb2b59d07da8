// Copyright 2026 The Moirai Authors.
//
// rt/admission_controller.h
// -----------------------------------------------------------------------------
//
// This header defines `AdmissionController`: online, incremental admission
// of real-time tasks onto one or more cores, each analysed with the exact
// uniprocessor test of the controller's policy (QPA for EDF, RTA for the
// fixed-priority policies; rt/admission.h). A task is admitted only if the
// core it lands on, with it, still passes: every task already admitted
// keeps its guarantee. This is the "exact online admission instead of a
// utilization cap" of RT.md (goal G1), where Linux SCHED_DEADLINE only
// checks sum U <= 0.95 M.
//
// Non-preemptive slices are part of the test (see rt/admission.h), so a set
// admitted with cooperative slices stays schedulable when fibers switch
// only at yield points.
//
// Thread safety: none; an AdmissionController is a value that its owner
// serializes (a runtime holds it under its admission lock).

#ifndef MOIRAI_RT_ADMISSION_CONTROLLER_H_
#define MOIRAI_RT_ADMISSION_CONTROLLER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "moirai/rt/admission.h"
#include "moirai/rt/task_model.h"

namespace moirai::rt {

// Placement: which core a new task tries first.
//
//   kFirstFit  cores 0, 1, ... in order: packs tasks onto the low cores,
//              leaving the others idle (parkable; RT.md G9).
//   kWorstFit  the least-utilized core first: spreads the load, leaving
//              the most slack on each core.
enum class Placement : std::uint8_t { kFirstFit, kWorstFit };

struct AdmissionOptions {
  // Cores the controller places tasks on, >= 1.
  int cores = 1;
  // The scheduler of every core. A task must ask for the same policy;
  // kFifo and kRoundRobin tasks may share a controller of either (both use
  // explicit priorities).
  Policy policy = Policy::kEdf;
  Placement placement = Placement::kFirstFit;
};

// TaskHandle: names an admitted task. `id` is unique for the controller's
// lifetime (never reused); `core` is where the task runs.
struct TaskHandle {
  std::uint64_t id = 0;
  int core = -1;
  friend bool operator==(const TaskHandle&, const TaskHandle&) = default;
};

// Admission: the handle and the exact test's verdict for the core after
// admission (its task indices refer to TasksOnCore(handle.core)).
struct Admission {
  TaskHandle handle;
  Verdict verdict;
};

class AdmissionController {
 public:
  // AdmissionController::Create(): InvalidArgument unless cores >= 1.
  static absl::StatusOr<AdmissionController> Create(
      const AdmissionOptions& options);

  // AdmissionController::Admit()
  //
  // Admits `task` on the first core (in placement order) whose exact test
  // passes with it. Errors:
  //   * InvalidArgument: Validate() fails, or the task's policy does not
  //     match the controller's;
  //   * AlreadyExists: a task of the same name is admitted;
  //   * ResourceExhausted: no core passes; the message names the task that
  //     would miss and why, per core, e.g. "task 'ctl' not admitted: task
  //     'ctl' misses: R=8ms > D=7ms under RTA".
  // On any error the controller is unchanged.
  absl::StatusOr<Admission> Admit(const TaskSpec& task);

  // AdmissionController::Remove(): removes an admitted task; NotFound if
  // `handle` names none. Removal never breaks the other tasks' guarantees
  // (demand only falls), so there is no re-analysis.
  absl::Status Remove(TaskHandle handle);

  // AdmissionController::Find(): the admitted spec, or nullptr.
  const TaskSpec* Find(TaskHandle handle) const;

  // AdmissionController::TasksOnCore(): the tasks of `core` in admission
  // order (empty for a core out of range). Invalidated by Admit/Remove.
  absl::Span<const TaskSpec> TasksOnCore(int core) const;

  // AdmissionController::CoreUtilization(): sum of C / T on `core`.
  double CoreUtilization(int core) const;

  int cores() const { return static_cast<int>(cores_.size()); }
  std::size_t size() const;
  const AdmissionOptions& options() const { return options_; }

 private:
  struct Core {
    std::vector<TaskSpec> tasks;
    std::vector<std::uint64_t> ids;  // parallel to `tasks`
    double utilization = 0;
  };

  explicit AdmissionController(const AdmissionOptions& options)
      : options_(options), cores_(options.cores) {}

  absl::Status CheckPolicy(const TaskSpec& task) const;

  AdmissionOptions options_;
  std::vector<Core> cores_;
  std::uint64_t next_id_ = 1;
};

}  // namespace moirai::rt

#endif  // MOIRAI_RT_ADMISSION_CONTROLLER_H_
