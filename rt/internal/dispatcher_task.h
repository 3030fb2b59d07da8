// Copyright 2026 The Moirai Authors.
//
// rt/internal/dispatcher_task.h
// -----------------------------------------------------------------------------
//
// The per-task state of rt::CoreDispatcher, shared by its source files
// (core_dispatcher.cc: tasks, releases, timers; core_dispatcher_server.cc:
// the budget rules; core_dispatcher_run.cc: Next, Report, accounting). Not
// part of the public API.
//
// Where a task is, at any moment (one of, for its head job):
//   * in the RT queue (edf_ or fp_): it has a pending job, is not
//     throttled and not demoted;
//   * in replenish_: throttled until the end of its server period;
//   * in demoted_: its head job overran under kDemote;
//   * nowhere: no pending job.
// Independently, a periodic task is in releases_ until release_stop_.

#ifndef MOIRAI_RT_INTERNAL_DISPATCHER_TASK_H_
#define MOIRAI_RT_INTERNAL_DISPATCHER_TASK_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "moirai/core/cancellation.h"
#include "moirai/rt/core_dispatcher.h"
#include "moirai/rt/dispatch_stats.h"
#include "moirai/rt/task_model.h"

namespace moirai::rt {

struct CoreDispatcher::Job {
  std::int64_t index = 0;
  Nanos arrival = 0;
  Nanos deadline = 0;
  Nanos exec = 0;     // CPU time so far
  Nanos blocked = 0;  // waited for less urgent non-preemptive slices
  // The core's busy period and interference total at the release.
  std::int64_t busy_epoch = 0;
  Nanos interference_mark = 0;
  bool overran = false;
  bool postponed = false;  // served in a period an overrun postponed
  bool admitted = true;    // the core's set passed its test at the release
};

struct CoreDispatcher::Task {
  TaskSpec spec;
  TaskOptions options;
  std::uint32_t slot = 0;
  std::uint32_t generation = 0;
  bool used = false;
  int level = 0;  // fixed-priority level (dense rank), 0 most urgent

  // Releases.
  Nanos start = 0;
  Nanos next_release = 0;  // periodic
  std::int64_t next_index = 0;
  bool has_arrival = false;  // sporadic: last_arrival is valid
  Nanos last_arrival = 0;
  bool skip_next = false;

  // Pending jobs, oldest (the head, the one that runs) first.
  std::vector<Job> ring;  // max_pending_jobs entries
  int head = 0;
  int count = 0;
  Job& front() { return ring[head]; }
  const Job& front() const { return ring[head]; }

  // The constant-bandwidth server (DispatcherOptions::budgets).
  bool server_started = false;
  Nanos server_start = 0;
  Nanos server_deadline = 0;  // the EDF key
  Nanos budget = 0;
  bool throttled = false;
  bool demoted = false;
  bool after_best_effort = false;  // the previous job finished demoted

  // Dispatch.
  Nanos ready_at = 0;     // when the head job last became eligible
  std::uint64_t seq = 0;  // EDF tie-break, set when queued
  Nanos quantum_left = 0;
  std::optional<core::CancellationSource> source;  // kAbortJob only

  TaskStats stats;
};

}  // namespace moirai::rt

#endif  // MOIRAI_RT_INTERNAL_DISPATCHER_TASK_H_
