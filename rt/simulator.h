// Copyright 2026 The Moirai Authors.
//
// rt/simulator.h
// -----------------------------------------------------------------------------
//
// This header defines `Simulate()`: a deterministic virtual-time run of
// real-time tasks on one or more partitioned cores, each driven by THE
// SAME CoreDispatcher code as a real worker (rt/core_dispatcher.h), on a
// VirtualClock (RT.md, section 4: the SIM tests, goal G2/G3 in CI).
//
// The simulated caller of each core loops: Next(); run the job for the
// grant or until it is done (job execution = advancing the clock); at a
// preemptive grant, also stop at the next sporadic arrival; Report(). Idle
// time jumps to the next release, replenishment or arrival. So:
//   * a task with max_slice > 0 runs in non-preemptive slices (the
//     limited-preemptive model of rt/admission.h);
//   * each job's actual execution time comes from `SimTask::exec_times`
//     (job k takes exec_times[k % size]; empty: the WCET), so a task can
//     overrun (e.g. 2x-5x its WCET on some jobs) or underrun;
//   * `Stall`s model platform interference: the core loses `length` of
//     wall time at `at` if a job is running then (the caller reports the
//     CPU time, so the dispatcher sees wall - cpu).
//
// Cores do not interact (partitioned; RT jobs are never stolen), so each is
// simulated on its own clock from 0; all tasks start at 0 unless their
// TaskOptions::start says otherwise. Periodic tasks release jobs before
// `horizon`; the run continues until every released job is done.

#ifndef MOIRAI_RT_SIMULATOR_H_
#define MOIRAI_RT_SIMULATOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "moirai/rt/core_dispatcher.h"
#include "moirai/rt/dispatch_stats.h"
#include "moirai/rt/task_model.h"

namespace moirai::rt {

struct SimTask {
  TaskSpec spec;
  TaskOptions options;
  int core = 0;
  // Actual execution time of job k: exec_times[k % size] (each > 0);
  // empty: spec.wcet.
  std::vector<Nanos> exec_times;
  // Sporadic tasks: arrival times, ascending (those at or after the
  // horizon are ignored). Ignored for periodic tasks.
  std::vector<Nanos> arrivals;
};

// Stall: the platform takes `length` of wall time from the job running at
// instant `at` (nothing if the core is idle then).
struct Stall {
  Nanos at = 0;
  Nanos length = 0;
};

struct SimOptions {
  // Every core's dispatcher (the policy, admission, budgets, ...).
  DispatcherOptions dispatcher;
  int cores = 1;
  // Releases happen before this instant; > 0.
  Nanos horizon = 0;
  // Per core (may be shorter than `cores`), ascending by `at`.
  std::vector<std::vector<Stall>> stalls;
  // Guard against a run that does not end (each core), >= 1.
  std::int64_t max_slices = 200'000'000;
};

struct SimResult {
  std::vector<DispatcherStats> cores;
  std::int64_t slices = 0;
  Nanos end_time = 0;  // the latest core clock at the end

  std::int64_t total_missed() const;
  // The stats of the task named `name` on any core, or nullptr.
  const TaskStats* Find(absl::string_view name) const;
  // FormatStats() of every core, prefixed "core i".
  std::string Format() const;
};

// Simulate(): the run described above. InvalidArgument for bad options
// (cores < 1, horizon <= 0, a task's core out of range, exec_times <= 0,
// arrivals not ascending, stalls malformed); any error AddTask or Release
// returns (a set kExact refuses, a sporadic arrival closer than T),
// prefixed with the core; ResourceExhausted past max_slices.
absl::StatusOr<SimResult> Simulate(absl::Span<const SimTask> tasks,
                                   const SimOptions& options);

}  // namespace moirai::rt

#endif  // MOIRAI_RT_SIMULATOR_H_
