// Copyright 2026 The Moirai Authors.
//
// rt/task_model.h
// -----------------------------------------------------------------------------
//
// This header defines the real-time task model of `moirai::rt`:
//
//   * `Nanos`, the one time type of the package: signed 64-bit nanoseconds.
//     Every analysis works on integers, so a verdict never depends on
//     floating-point rounding of time (only the utilization bounds, which are
//     irrational, are compared in floating point, with a safety margin).
//   * `Policy`, the scheduling class a task asks for.
//   * `TaskSpec`, one periodic or sporadic task (C, T, D, phase, jitter,
//     non-preemptive slice, blocking, priority).
//   * `Validate()`, which rejects a malformed spec with an InvalidArgument
//     status that names the task and the field.
//   * `TaskSet`, a validated vector of specs with utilization, density and
//     an overflow-checked hyperperiod.
//
// The model is the sporadic task model of Mok (1983) with the extensions
// that response-time analysis uses (Audsley, Burns, Richardson, Tindell &
// Wellings 1993): release jitter J and a blocking term B. `max_slice` is
// the cooperative slice of a Moirai fiber: the longest stretch a job runs
// between two yield points, during which it cannot be preempted. The
// admission tests (rt/admission.h) count it as blocking for the tasks it
// can delay (design note RT.md, section d3, option 1).

#ifndef MOIRAI_RT_TASK_MODEL_H_
#define MOIRAI_RT_TASK_MODEL_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace moirai::rt {

// Nanos: a duration or an instant in nanoseconds. Signed so that a negative
// input is visible (and rejected) rather than wrapped.
using Nanos = std::int64_t;

inline constexpr Nanos kNanosecond = 1;
inline constexpr Nanos kMicrosecond = 1000 * kNanosecond;
inline constexpr Nanos kMillisecond = 1000 * kMicrosecond;
inline constexpr Nanos kSecond = 1000 * kMillisecond;

// kMaxTaskTime: the largest value any time field of a TaskSpec may hold,
// 2^62 ns (about 146 years). Below it, the sum of any two fields (D + T,
// t + J) fits in an int64; the analyses check their products.
inline constexpr Nanos kMaxTaskTime = Nanos{1} << 62;

// FormatNanos(): a duration for messages, e.g. "8ms", "1.5us", "250ns".
std::string FormatNanos(Nanos ns);

// Policy: how the task's jobs are dispatched among its peers on a core.
//
//   kFifo, kRoundRobin   fixed priority from `TaskSpec::priority`; FIFO or
//                        round robin among equal priorities.
//   kRateMonotonic       fixed priority by period (shorter = more urgent).
//   kDeadlineMonotonic   fixed priority by relative deadline.
//   kEdf                 earliest absolute deadline first.
enum class Policy : std::uint8_t {
  kFifo,
  kRoundRobin,
  kEdf,
  kRateMonotonic,
  kDeadlineMonotonic,
};

// PolicyName(): "FIFO", "RR", "EDF", "RM" or "DM".
absl::string_view PolicyName(Policy policy);

// IsFixedPriority(): true for every policy but kEdf.
constexpr bool IsFixedPriority(Policy policy) { return policy != Policy::kEdf; }

// Arrival: periodic jobs arrive every `period` exactly; sporadic jobs at
// least `period` apart. The analyses treat both alike (the sporadic worst
// case is the periodic pattern), the dispatcher will not.
enum class Arrival : std::uint8_t { kPeriodic, kSporadic };

// TaskSpec
//
// One task. All times are nanoseconds. Validate() states the constraints.
struct TaskSpec {
  // Unique among the tasks admitted together; used in every message.
  std::string name;
  Arrival arrival = Arrival::kPeriodic;
  Policy policy = Policy::kEdf;
  // T: the period, or the minimum inter-arrival time of a sporadic task.
  Nanos period = 0;
  // D: relative deadline. Fixed-priority policies need D <= T (constrained
  // deadlines); EDF also accepts D > T (arbitrary deadlines).
  Nanos deadline = 0;
  // C: worst-case execution time, the budget of each job.
  Nanos wcet = 0;
  // O: release time of the first job. The analyses are offset-oblivious
  // (they assume the worst phasing), so the phase only matters to dispatch.
  Nanos phase = 0;
  // J: release jitter, the longest delay between a job's arrival and the
  // moment it becomes ready. Its deadline still counts from the arrival.
  Nanos jitter = 0;
  // Q: the longest non-preemptive stretch of a job (the cooperative slice
  // between two yield points). 0 means fully preemptive. A value above
  // `wcet` means the whole job is one non-preemptive region.
  Nanos max_slice = 0;
  // B: the longest time a job can be blocked by lower-priority (or, under
  // EDF, later-deadline) work holding a shared resource, e.g. one critical
  // section under the priority ceiling protocol or SRP.
  Nanos blocking = 0;
  // The fixed priority for kFifo and kRoundRobin; lower is more urgent, as
  // with the lane index of core::Priority. Ignored by the other policies.
  int priority = 0;

  // TaskSpec::Periodic(): an EDF task with implicit deadline (D = T).
  static TaskSpec Periodic(std::string name, Nanos wcet, Nanos period) {
    return Periodic(std::move(name), wcet, period, period);
  }

  // TaskSpec::Periodic(): an EDF task with the given relative deadline.
  static TaskSpec Periodic(std::string name, Nanos wcet, Nanos period,
                           Nanos deadline) {
    TaskSpec t;
    t.name = std::move(name);
    t.wcet = wcet;
    t.period = period;
    t.deadline = deadline;
    return t;
  }

  // TaskSpec::Sporadic(): like Periodic(), with minimum inter-arrival time.
  static TaskSpec Sporadic(std::string name, Nanos wcet, Nanos min_interarrival,
                           Nanos deadline) {
    TaskSpec t = Periodic(std::move(name), wcet, min_interarrival, deadline);
    t.arrival = Arrival::kSporadic;
    return t;
  }
};

// Validate()
//
// OK if `task` is well formed; otherwise InvalidArgument with a message of
// the form "task 'ctl': <field> ..." that names the first broken rule:
//
//   * the name is not empty;
//   * period > 0, deadline > 0, wcet > 0;
//   * phase, jitter, max_slice and blocking are >= 0;
//   * every time field is <= kMaxTaskTime (so sums cannot overflow);
//   * wcet <= deadline and jitter + wcet <= deadline (otherwise no job can
//     ever meet its deadline, whatever else runs);
//   * deadline <= period for the fixed-priority policies, whose analysis
//     (rt/admission.h) is for constrained deadlines.
absl::Status Validate(const TaskSpec& task);

// ValidateAll(): Validate() on each task; the first error is returned.
absl::Status ValidateAll(absl::Span<const TaskSpec> tasks);

// Utilization(): C / T.
double Utilization(const TaskSpec& task);

// Density(): C / min(D - J, T), the share of the tightest window a job must
// fit in (release jitter shortens the window it has).
double Density(const TaskSpec& task);

// NonPreemptiveLength(): min(max_slice, wcet), the longest time a job of
// `task` can keep a more urgent job waiting once it has started.
constexpr Nanos NonPreemptiveLength(const TaskSpec& task) {
  return task.max_slice < task.wcet ? task.max_slice : task.wcet;
}

// TaskSet
//
// A vector of valid TaskSpecs. Every way in validates, so the accessors can
// assume well-formed tasks. A value type; not synchronized.
class TaskSet {
 public:
  TaskSet() = default;

  // TaskSet::Create(): a set of `tasks`, or InvalidArgument naming the
  // first invalid task.
  static absl::StatusOr<TaskSet> Create(std::vector<TaskSpec> tasks);

  // TaskSet::Add(): appends `task` if Validate() accepts it.
  absl::Status Add(TaskSpec task);

  absl::Span<const TaskSpec> tasks() const { return tasks_; }
  std::size_t size() const { return tasks_.size(); }
  bool empty() const { return tasks_.empty(); }
  const TaskSpec& operator[](std::size_t i) const { return tasks_[i]; }

  // TaskSet::Utilization(): sum of C / T.
  double Utilization() const;

  // TaskSet::Density(): sum of C / min(D - J, T).
  double Density() const;

  // TaskSet::MaxUtilization(): the largest single C / T (0 when empty).
  double MaxUtilization() const;

  // TaskSet::Hyperperiod()
  //
  // The lcm of the periods: the length after which a synchronous periodic
  // schedule repeats. InvalidArgument for an empty set; OutOfRange, naming
  // the task at which it happened, when the lcm exceeds INT64_MAX ns.
  absl::StatusOr<Nanos> Hyperperiod() const;

 private:
  explicit TaskSet(std::vector<TaskSpec> tasks) : tasks_(std::move(tasks)) {}
  std::vector<TaskSpec> tasks_;
};

// Hyperperiod(): TaskSet::Hyperperiod() for any span of valid tasks.
absl::StatusOr<Nanos> Hyperperiod(absl::Span<const TaskSpec> tasks);

}  // namespace moirai::rt

#endif  // MOIRAI_RT_TASK_MODEL_H_
