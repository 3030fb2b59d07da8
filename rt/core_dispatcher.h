// Copyright 2026 The Moirai Authors.
//
// rt/core_dispatcher.h
// -----------------------------------------------------------------------------
//
// This header defines `CoreDispatcher`: the real-time dispatch of ONE core
// (RT.md, sections d1, d3, d5), on an injected `Clock` (rt/clock.h), so the
// same code runs on a sched worker and in the simulator (rt/simulator.h).
// A later step installs one per worker behind sched::WorkerDispatch:
// Pick() -> Next(), the task's end -> Report(), NextWakeup() ->
// NextEventTime().
//
// Tasks. AddTask() takes a TaskSpec (rt/task_model.h) whose policy fits the
// dispatcher's (kFifo and kRoundRobin tasks share a FIFO or RR core) and,
// with AdmissionMode::kExact, admits it only if the core's set still passes
// the exact test (QPA or RTA, non-preemptive slices counted as blocking).
// Periodic tasks release themselves at start + phase + k T; sporadic ones
// on Release(), which refuses an arrival closer than T to the previous one.
// The dispatcher releases each job at its arrival (jitter is only the
// analysis's).
//
// Dispatch is cooperative. Next() returns the job to run and a `grant`: the
// caller runs it for at most that long -- a non-preemptive slice when the
// task has max_slice > 0, else until the next release or replenishment,
// where a more urgent job may arrive -- then calls Report() with the CPU
// time used and whether the job finished. Each job of a task runs after the
// previous one finished; one job per task is queued. Pick order: the RT
// queue (EDF by deadline, FIFO among equals by release order; FP by level,
// FIFO within a level, RR rotating after each quantum), then demoted jobs
// (best effort, FIFO).
//
// Budgets (DispatcherOptions::budgets, RT.md section 3, item 7). Each task
// is a hard constant-bandwidth server of budget C per period T: a server
// period starts at a job's arrival (or T after the previous one, if later);
// its deadline, the EDF key, is start + D, which is the job's own deadline
// unless an overrun postponed the server. When the budget runs out the
// server is throttled until start + T, then gets C more (an overdraft is
// carried over) and the next period. The server's supply is thus never more
// than a sporadic task (C, D, T) would demand, so an overrunning task cannot
// make an admitted task miss (isolation); without overruns the schedule is
// exactly plain EDF/FP. The grant never passes the budget nor the WCET, so
// an overrun is seen at once. On an overrun (the job's CPU time passes its
// WCET, budgets on or off), the task's OverrunAction applies:
//   kNotify          counted; Report() says so; the job continues.
//   kAbortJob        the job's cancellation token is cancelled and the job
//                    dropped (counted aborted and missed, cause overrun).
//   kSkipNextRelease the job continues; the task's next release is skipped.
//   kDemote          the job continues as best effort, below all RT jobs,
//                    unbudgeted, until it finishes.
//
// Time in the past. A periodic task whose releases fell behind (the caller
// did not call for a while) gets every missed release, in order, at its
// nominal arrival (they are late and counted so); beyond max_pending_jobs
// pending jobs a release is dropped and counted (dropped, missed). A
// sporadic Release() may name a past arrival (an interrupt's time stamp)
// but not one before the task's start nor after now (InvalidArgument).
//
// Removing a task: FailedPrecondition while its job holds a grant (Report
// first); otherwise its pending jobs are discarded and counted in the
// returned final stats (or, with RemoveMode::kFailIfPending,
// FailedPrecondition).
//
// Thread safety: none. One core's dispatcher is driven by one thread (its
// worker); releases from elsewhere must be handed over by the owner.
// Next() and Report() do not allocate, except kAbortJob's fresh
// cancellation source after an abort.

#ifndef MOIRAI_RT_CORE_DISPATCHER_H_
#define MOIRAI_RT_CORE_DISPATCHER_H_

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "moirai/core/cancellation.h"
#include "moirai/rt/admission.h"
#include "moirai/rt/clock.h"
#include "moirai/rt/dispatch_stats.h"
#include "moirai/rt/ready_queue.h"
#include "moirai/rt/task_model.h"

namespace moirai::rt {

// kNever: no event ("infinitely far").
inline constexpr Nanos kNever = std::numeric_limits<Nanos>::max();

enum class AdmissionMode : std::uint8_t {
  kExact,  // AddTask refuses (ResourceExhausted) what the exact test fails
  kNone,   // everything is added; misses of a failing set: kNotAdmitted
};

struct DispatcherOptions {
  // The core's policy; tasks must match it (see the file comment).
  Policy policy = Policy::kEdf;
  AdmissionMode admission = AdmissionMode::kExact;
  // CBS budgets (see the file comment). Off: an overrun runs on at its
  // deadline or priority and can make others miss (the domino effect).
  bool budgets = true;
  // The round-robin quantum, > 0 when a kRoundRobin task is added.
  Nanos rr_quantum = 0;
  // Task slots, in [1, 4096]; reserved at Create().
  int max_tasks = 64;
  // Jobs one task may have pending (released, unfinished), >= 1.
  int max_pending_jobs = 4;
};

enum class OverrunAction : std::uint8_t {
  kNotify,
  kAbortJob,
  kSkipNextRelease,
  kDemote,
};

struct TaskOptions {
  OverrunAction on_overrun = OverrunAction::kNotify;
  // The origin of the task's releases (the first arrival is start + phase);
  // kNever means Now() at AddTask. InvalidArgument if before Now() or more
  // than kMaxTaskTime after it.
  Nanos start = kNever;
};

// TaskId: a task slot and its generation (a removed task's id stays dead).
struct TaskId {
  std::uint32_t slot = 0xffffffffu;
  std::uint32_t generation = 0;
  friend bool operator==(const TaskId&, const TaskId&) = default;
};

// Slice: what Next() hands out. `has_job()` false: nothing to run until
// `next_event` (kNever: nothing scheduled at all).
struct Slice {
  TaskId task;
  std::int64_t job = -1;  // the job's index among the task's releases
  Nanos arrival = 0;
  Nanos deadline = 0;           // absolute, of the job (not of the server)
  Nanos grant = 0;              // run at most this long (kNever: to completion)
  bool non_preemptive = false;  // the grant is the task's max_slice
  bool best_effort = false;     // a demoted job
  Nanos next_event = kNever;
  // Cancelled if the job is aborted (kAbortJob tasks; else a default token).
  core::CancellationToken token;

  bool has_job() const { return job >= 0; }
};

// SliceReport: what the caller did with the last grant.
struct SliceReport {
  // CPU time the job used; -1: the wall time of the slice (no
  // interference). More than the wall time is clamped to it.
  Nanos cpu = -1;
  bool finished = false;
};

// ReportOutcome: what Report() concluded about the job.
struct ReportOutcome {
  bool completed = false;  // it finished (on time or late)
  bool missed = false;     // it completed late, or was aborted
  bool overrun = false;    // its CPU time passed its WCET in this slice
  bool aborted = false;
  bool demoted = false;
  bool throttled = false;  // the budget ran out; the server waits
};

enum class RemoveMode : std::uint8_t { kDiscardPending, kFailIfPending };

class CoreDispatcher {
 public:
  // CoreDispatcher::Create(): InvalidArgument for a null clock or options
  // out of range. `clock` must outlive the dispatcher.
  static absl::StatusOr<std::unique_ptr<CoreDispatcher>> Create(
      const DispatcherOptions& options, Clock* clock);

  ~CoreDispatcher();
  CoreDispatcher(const CoreDispatcher&) = delete;
  CoreDispatcher& operator=(const CoreDispatcher&) = delete;

  // CoreDispatcher::AddTask(): InvalidArgument (Validate(), policy
  // mismatch, RR without a quantum, start in the past), AlreadyExists (a
  // task of that name), ResourceExhausted (no free slot, or kExact and the
  // set would fail: the message is the test's reason).
  absl::StatusOr<TaskId> AddTask(const TaskSpec& spec,
                                 const TaskOptions& options = {});

  // CoreDispatcher::RemoveTask(): the task's final stats; see the file
  // comment. NotFound for an unknown or removed id.
  absl::StatusOr<TaskStats> RemoveTask(
      TaskId id, RemoveMode mode = RemoveMode::kDiscardPending);

  // CoreDispatcher::Release(): a job of sporadic task `id` arrives at
  // `arrival` (kNever: now). NotFound; FailedPrecondition for a periodic
  // task or an arrival less than T after the previous one; InvalidArgument
  // for an arrival after now or before the task's start. OK when the
  // release was skipped (kSkipNextRelease) or dropped (backlog full): both
  // are counted.
  absl::Status Release(TaskId id, Nanos arrival = kNever);

  // CoreDispatcher::StopReleasesAt(): periodic tasks release no job at or
  // after `t` (draining, end of a simulation).
  void StopReleasesAt(Nanos t) noexcept { release_stop_ = t; }

  // CoreDispatcher::Next(): processes the releases and replenishments due
  // and picks; FailedPrecondition while a grant is outstanding.
  absl::StatusOr<Slice> Next();

  // CoreDispatcher::Report(): ends the outstanding grant.
  // FailedPrecondition when there is none; InvalidArgument for cpu < -1.
  absl::StatusOr<ReportOutcome> Report(const SliceReport& report);

  // CoreDispatcher::NextEventTime(): the next release or replenishment.
  Nanos NextEventTime() const noexcept;

  // CoreDispatcher::HasReadyJob(): a job would be picked now (timers due
  // at or before Now() not yet processed are not counted).
  bool HasReadyJob() const noexcept;

  // CoreDispatcher::Stats(): a snapshot (allocates).
  DispatcherStats Stats() const;

  const DispatcherOptions& options() const { return options_; }

 private:
  struct Job;
  struct Task;

  CoreDispatcher(const DispatcherOptions& options, Clock* clock);

  static constexpr std::uint32_t kNoSlot = 0xffffffffu;

  // The key a running job had, to tell whether another is more urgent.
  struct RunKey {
    bool best_effort = false;
    Nanos deadline = 0;  // EDF: server deadline, then seq
    std::uint64_t seq = 0;
    int level = 0;  // FP
  };

  Task* Find(TaskId id);
  absl::Status CheckPolicy(const TaskSpec& spec) const;
  absl::StatusOr<Verdict> Admit(const TaskSpec* extra,
                                std::uint32_t extra_slot) const;
  void RecomputeLevels();
  void ProcessTimers(Nanos now);
  void ReleasePeriodic(Task& t, Nanos due, Nanos now);
  void ReleaseJob(Task& t, Nanos arrival);
  void StartJob(Task& t, Nanos ready_at);
  void Throttle(Task& t);
  void Replenish(Task& t, Nanos at);
  void EnqueueRt(Task& t, Nanos ready_at);
  void Dequeue(Task& t);
  void FinishJob(Task& t, Nanos now, bool aborted);
  void CountMiss(Task& t, const Job& job, Nanos lateness, std::int64_t n = 1);
  RunKey KeyOf(const Task& t) const;
  bool MoreUrgent(const Task& t, const RunKey& k) const;
  void ChargeBlocking(const RunKey& running, std::uint32_t running_slot,
                      Nanos now);
  Nanos Grant(const Task& t, Nanos now, bool* non_preemptive) const;

  DispatcherOptions options_;
  Clock* clock_;
  std::vector<std::unique_ptr<Task>> tasks_;  // by slot
  IndexedHeap edf_;                           // RT queue, kEdf
  FixedPriorityReadyQueue fp_;                // RT queue, fixed priorities
  FixedPriorityReadyQueue demoted_;           // best effort, one level
  IndexedHeap releases_;                      // periodic: next arrival
  IndexedHeap replenish_;                     // throttled: end of server period
  std::uint64_t release_seq_ = 0;
  Nanos release_stop_ = kNever;
  bool admitted_ = true;

  // The outstanding grant.
  bool in_flight_ = false;
  std::uint32_t running_ = kNoSlot;
  Nanos slice_start_ = 0;
  Nanos slice_grant_ = 0;
  bool slice_np_ = false;
  std::uint32_t last_ran_ = kNoSlot;  // ran the last slice, still pending

  // Busy periods: busy_epoch_ grows at each instant with no pending job;
  // overrun_epoch_ is the busy period of the latest overrun. A job's miss
  // is an overrun's doing if one happened in its busy period.
  std::int64_t pending_jobs_ = 0;
  std::int64_t busy_epoch_ = 0;
  std::int64_t overrun_epoch_ = -1;
  Nanos interference_total_ = 0;  // wall - cpu over all slices
  std::int64_t dispatches_ = 0;
  std::int64_t preemptions_ = 0;
  Nanos busy_ = 0;
};

}  // namespace moirai::rt

#endif  // MOIRAI_RT_CORE_DISPATCHER_H_
