// Copyright 2026 The Moirai Authors.
//
// rt/internal/reference_sim.h
// -----------------------------------------------------------------------------
//
// This header defines `Simulate()`, the reference scheduler simulator that
// the property tests use as an oracle for the admission tests. It shares
// no code with them: it expands every job of every task up to a horizon,
// then replays the schedule event by event in integer nanoseconds and
// reports the first job that finishes after its absolute deadline.
//
// It simulates, on identical processors with no overheads:
//   * preemptive fixed priorities (one processor), ties broken by release
//     time (FIFO), then task index;
//   * preemptive EDF on one processor, or global EDF on M processors (the
//   M earliest deadlines run), ties by arrival, then task index;
//   * limited-preemptive FP or EDF (one processor): a job that starts or
//     resumes runs min(max_slice, remaining) before the scheduler looks
//     again, i.e. a preemption point every max_slice of its execution.
//
// Arrival patterns are given per task: the arrival of job 0 (any sign) and
// its release (within [arrival, arrival + jitter]); later jobs arrive every
// period and are released on arrival. Offsets of -J with first release 0
// give the critical instant of response-time analysis with jitter (every
// task released at 0, the following jobs J early), which is also the
// pattern that realizes the EDF demand bound h(t).
//
// Test-only and deliberately simple: O(jobs x pending) per run.

#ifndef MOIRAI_RT_INTERNAL_REFERENCE_SIM_H_
#define MOIRAI_RT_INTERNAL_REFERENCE_SIM_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "moirai/rt/task_model.h"

namespace moirai::rt::internal {

enum class SimScheduler : std::uint8_t { kFixedPriority, kEdf };

struct SimConfig {
  SimScheduler scheduler = SimScheduler::kEdf;
  // > 1 only for preemptive EDF (global EDF).
  int processors = 1;
  // Jobs run in chunks of max_slice (0 = fully preemptive task).
  bool limited_preemptive = false;
  // kFixedPriority: the priority of each task, lower = more urgent.
  std::vector<int> priorities;
  // Per task, the arrival of job 0 (empty: all 0).
  std::vector<Nanos> arrival_offset;
  // Per task, the release of job 0 (empty: at its arrival).
  std::vector<Nanos> first_release;
  // Jobs that arrive before this instant are simulated to completion.
  Nanos horizon = 0;
};

struct SimResult {
  // A job finished after its deadline; the fields below describe it.
  bool missed = false;
  int task = -1;
  std::int64_t job = -1;
  Nanos arrival = 0;
  Nanos deadline = 0;
  Nanos finish = 0;
  // Jobs simulated.
  std::int64_t jobs = 0;
  // Per task, the largest finish - arrival over its finished jobs (-1 if
  // none finished); complete only when nothing missed.
  std::vector<Nanos> max_response;
  // Non-empty when the configuration is malformed (nothing simulated).
  std::string error;
};

// Simulate(): runs `tasks` under `config`; see the banner.
SimResult Simulate(absl::Span<const TaskSpec> tasks, const SimConfig& config);

}  // namespace moirai::rt::internal

#endif  // MOIRAI_RT_INTERNAL_REFERENCE_SIM_H_
