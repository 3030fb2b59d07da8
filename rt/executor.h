// Copyright 2026 The Moirai Authors.
//
// rt/executor.h
// -----------------------------------------------------------------------------
//
// This header defines `Executor`: the rt dispatcher installed on the
// scheduler's own workers (RT.md, sections d1 and d3; issue #11, item 3).
// It owns one CoreDispatcher (rt/core_dispatcher.h) per RT worker on the
// monotonic clock and implements sched::WorkerDispatch (sched/dispatch.h),
// so no second thread pool runs RT work:
//
//   * Partitioned. Each task lives on one worker, chosen by the caller
//     (AddTaskOptions::worker; for a static set, rt/partition.h's
//     PartitionTasks() gives a first-fit placement) or, with worker = -1,
//     by online first-fit: workers 0, 1, ... in order, the first whose
//     exact admission test passes with the task. RT jobs are never stolen.
//   * Pick order. Pick(i) releases the jobs due on worker i and returns the
//     most urgent one as a core::Task; the scheduler runs it ahead of all
//     best-effort work of worker i (which still runs whenever no RT job is
//     ready). HasWork(i) is true when a job is ready or a release or budget
//     replenishment is due; NextWakeup(i) is the next release, so a parked
//     worker sleeps until then (no timer thread).
//   * Jobs are plain callables (`JobBody`), run to completion: this step
//     does not run jobs as fibers yet (a later step; so a job cannot yield
//     in the middle and the grant is advisory). The executor measures the
//     job's wall time (the dispatcher's clock, from the pick to the end)
//     and its thread CPU time (CLOCK_THREAD_CPUTIME_ID) and reports both;
//     their difference is the platform interference of the miss causes. A
//     job that waits on a TaskGroup is charged for what its worker runs
//     meanwhile (the group's tasks, best-effort work), and no other RT job
//     of that worker starts before it ends.
//   * Admission. AddTask() runs the dispatcher's exact test (QPA or RTA,
//     with non-preemptive slices as blocking) unless the DispatcherOptions
//     say AdmissionMode::kNone: a refused task is ResourceExhausted with
//     the test's evidence (which task misses and why, per worker tried).
//
// Shutdown (WorkerDispatch::OnShutdown). A worker that has tasks holds one
// scheduler hold (DispatchHandle::AcquireHold), so a drain waits for it.
//   * kDrain: periodic tasks stop releasing at the shutdown instant; the
//     jobs released before it (and releases already due) run to the end;
//     then, when its worker has no ready job, every task is removed (a job
//     still waiting for its budget's replenishment is discarded, counted in
//     its final stats' `discarded`) and the hold is released. Sporadic
//     Release() is refused (FailedPrecondition) from the shutdown on.
//   * kCancelPending: the same, except that pending jobs are not run: each
//     task's stop token (JobContext::stop) is cancelled, so a running job
//     can end early, and the worker removes its tasks (discarding their
//     pending jobs) as soon as no job of it is running.
// The final stats of the tasks the shutdown removed stay visible in
// Stats() (at most max_tasks per worker); RemoveTask returns a task's final
// stats instead of keeping them. Once the shutdown began, AddTask and
// Release are refused without touching the scheduler, so the executor may
// outlive it (Stats() keeps working). Each RT worker with tasks counts one unit
// in SchedulerStats::pending.
//
// One executor serves one scheduler: Bind() on a second one is ignored
// (nothing would be dispatched there). AddTask needs the scheduler's
// creation to have returned (Bind ran) on the calling thread's view.
//
// Thread safety: AddTask, RemoveTask, Release and Stats may be called from
// any thread, including from a job body. Each worker's dispatcher sits
// behind its own sync::Mutex, held only for the dispatcher's own O(log n)
// operations, never while a job body runs. A mutex rather than a command
// queue drained by Pick: AddTask must answer the admission test at once,
// and RemoveTask must return the final stats; a queue would need a reply
// channel per call (an allocation and a wait on the worker, which may be
// parked until its next release). The mutex's critical sections are
// short, and the worker is their only frequent user, so contention is rare.
// The mutex is not fair: a thread calling AddTask/RemoveTask/Stats in a
// tight loop can delay its worker's jobs (the test does so with pauses).
//
// Example (EDF on two workers; rt/executor_example.cc runs it):
//
//   moirai::rt::ExecutorOptions eo;
//   eo.workers = 2;
//   auto ex = moirai::rt::Executor::Create(eo).value();
//   moirai::sched::SchedulerOptions so;
//   so.num_workers = 2;
//   so.dispatch = ex;
//   auto sched = moirai::sched::Scheduler::Create(so).value();
//   auto id = ex->AddTask(moirai::rt::TaskSpec::Periodic("ctl", 1 * ms,
//                                                        10 * ms),
//                         [](const moirai::rt::JobContext&) { Control(); });
//   ...
//   sched->Shutdown();
//   std::printf("%s", ex->Stats().Format().c_str());

#ifndef MOIRAI_RT_EXECUTOR_H_
#define MOIRAI_RT_EXECUTOR_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "moirai/core/cancellation.h"
#include "moirai/core/mono_time.h"
#include "moirai/core/task.h"
#include "moirai/rt/clock.h"
#include "moirai/rt/core_dispatcher.h"
#include "moirai/rt/dispatch_stats.h"
#include "moirai/rt/kernel_class.h"
#include "moirai/rt/task_model.h"
#include "moirai/sched/dispatch.h"
#include "moirai/sync/mutex.h"

namespace moirai::rt {

// JobContext: what a job body is told about its job.
struct JobContext {
  int worker = -1;        // the scheduler worker running it
  std::int64_t job = -1;  // the job's index among its task's releases
  Nanos arrival = 0;      // monotonic nanoseconds (core::MonoTime)
  Nanos deadline = 0;     // absolute
  // Cancelled if the dispatcher aborts the job (OverrunAction::kAbortJob;
  // seen only after the body returns, since jobs are not fibers yet).
  core::CancellationToken token;
  // Cancelled when the task is being stopped: Shutdown(kCancelPending).
  core::CancellationToken stop;

  bool cancelled() const {
    return token.IsCancellationRequested() || stop.IsCancellationRequested();
  }
};

// JobBody: run once per job, on the task's worker, to completion. Must not
// throw and should not block for long (it holds its worker: best-effort
// work and other RT jobs of that worker wait).
using JobBody = std::function<void(const JobContext&)>;

struct ExecutorOptions {
  // RT workers: scheduler workers 0 .. workers-1 each get a dispatcher; in
  // [1, 1024]. The scheduler must have at least this many (AddTask says
  // FailedPrecondition otherwise).
  int workers = 1;
  // Every worker's dispatcher (policy, admission, budgets, ...).
  DispatcherOptions dispatcher;
  // The kernel scheduling class of the RT workers' threads
  // (rt/kernel_class.h), applied by each RT worker's thread at its first
  // pick. A refusal falls back to SCHED_OTHER, loudly, and is reported in
  // ExecutorStats::kernel; it never fails the executor.
  KernelClassOptions kernel;
};

struct AddTaskOptions {
  // The worker, or -1 for online first-fit (see the file comment).
  int worker = -1;
  TaskOptions task;
};

// RtTaskId: a task and the worker it lives on.
struct RtTaskId {
  int worker = -1;
  TaskId task;
  friend bool operator==(const RtTaskId&, const RtTaskId&) = default;
};

// ExecutorStats: a snapshot of every RT worker.
struct ExecutorStats {
  // Per worker: its dispatcher's stats, then the final stats of the tasks
  // the shutdown removed from it, with `discarded` set.
  std::vector<DispatcherStats> workers;
  // Per worker: jobs run there, and jobs whose body ran on another thread
  // than that worker's (a bug; always 0).
  std::vector<std::int64_t> jobs_run;
  std::vector<std::int64_t> jobs_misplaced;
  // Per worker: the kernel class its thread got (`requested` only, with
  // `applied` kOther and no reason, until the worker's first pick).
  std::vector<KernelClassState> kernel;

  std::int64_t total_missed() const;
  // The stats of the task named `name` on any worker (a live task's before
  // a removed one's), or nullptr.
  const TaskStats* Find(absl::string_view name) const;
  // FormatStats() of every worker, prefixed "worker i".
  std::string Format() const;
};

class Executor final : public sched::WorkerDispatch {
 public:
  // Executor::Create(): InvalidArgument for workers out of range, bad
  // dispatcher options (CoreDispatcher::Create's checks) or bad kernel
  // class options (ValidateKernelClassOptions).
  static absl::StatusOr<std::shared_ptr<Executor>> Create(
      const ExecutorOptions& options);

  ~Executor() override;
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Executor::AddTask(): adds `spec` with job body `body` (see the file
  // comment). InvalidArgument (a bad spec, worker out of range, an empty
  // body, CoreDispatcher::AddTask's checks), AlreadyExists (a task of that
  // name on the worker), ResourceExhausted (admission refused it on every
  // worker tried, with the evidence), FailedPrecondition (not installed on
  // a scheduler yet, the scheduler has too few workers, or it is shutting
  // down).
  absl::StatusOr<RtTaskId> AddTask(const TaskSpec& spec, JobBody body,
                                   const AddTaskOptions& options = {});

  // Executor::RemoveTask(): the task's final stats (its pending jobs are
  // discarded). NotFound for an unknown or removed id; FailedPrecondition
  // while one of its jobs is running (try again after it ends).
  absl::StatusOr<TaskStats> RemoveTask(RtTaskId id);

  // Executor::Release(): a job of sporadic task `id` arrives now (or at
  // `arrival`, in MonoTime nanoseconds, not in the future); wakes its
  // worker. CoreDispatcher::Release's errors; FailedPrecondition once
  // shutdown began.
  absl::Status Release(RtTaskId id, Nanos arrival = kNever);

  // Executor::Stats(): a snapshot across workers (allocates).
  ExecutorStats Stats() const;

  // Executor::Now(): the executor's clock (MonoTime nanoseconds).
  Nanos Now() const noexcept { return core::MonoTime::Now().nanoseconds(); }

  const ExecutorOptions& options() const { return options_; }

  // sched::WorkerDispatch.
  void Bind(sched::DispatchHandle handle) noexcept override;
  core::Task Pick(int worker) noexcept override;
  bool HasWork(int worker) noexcept override;
  core::MonoTime NextWakeup(int worker) noexcept override;
  void OnShutdown(sched::ShutdownMode mode) noexcept override;

 private:
  struct Entry {
    TaskId id;
    JobBody body;
    core::CancellationSource stop;
  };
  struct Worker {
    sync::Mutex mu;
    std::unique_ptr<CoreDispatcher> d ABSL_GUARDED_BY(mu);
    std::vector<std::unique_ptr<Entry>> entries ABSL_GUARDED_BY(mu);  // slot
    std::vector<TaskStats> retired ABSL_GUARDED_BY(mu);
    int tasks ABSL_GUARDED_BY(mu) = 0;
    bool held ABSL_GUARDED_BY(mu) = false;      // owns a scheduler hold
    bool stopping ABSL_GUARDED_BY(mu) = false;  // shutdown began
    bool cancelling ABSL_GUARDED_BY(mu) = false;
    // The job being run (between Pick and its Report).
    bool in_flight ABSL_GUARDED_BY(mu) = false;
    Entry* running ABSL_GUARDED_BY(mu) = nullptr;
    JobContext current ABSL_GUARDED_BY(mu);
    std::int64_t jobs_run ABSL_GUARDED_BY(mu) = 0;
    std::int64_t jobs_misplaced ABSL_GUARDED_BY(mu) = 0;
    KernelClassState kernel ABSL_GUARDED_BY(mu);
    // Touched by the worker's own thread only (Pick): no lock.
    bool kernel_applied = false;
  };

  explicit Executor(const ExecutorOptions& options) : options_(options) {}

  absl::StatusOr<RtTaskId> AddOn(int worker, const TaskSpec& spec,
                                 JobBody& body, const TaskOptions& options);
  void RunJob(int worker) noexcept;
  // Removes every task of `w` (shutdown), keeping their final stats, and
  // gives back the hold.
  void Retire(Worker& w) ABSL_EXCLUSIVE_LOCKS_REQUIRED(w.mu);

  const ExecutorOptions options_;
  MonotonicClock clock_;
  // Set once by Bind(), before any worker runs; read-only afterwards.
  sched::DispatchHandle handle_;
  int sched_workers_ = 0;
  bool bound_ = false;
  std::vector<std::unique_ptr<Worker>> workers_;  // fixed at Create()
};

}  // namespace moirai::rt

#endif  // MOIRAI_RT_EXECUTOR_H_
