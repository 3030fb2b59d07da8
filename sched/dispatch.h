// Copyright 2026 The Moirai Authors.
//
// sched/dispatch.h
// -----------------------------------------------------------------------------
//
// The per-worker dispatch extension point of `sched::Scheduler`: how a
// runtime with its own scheduling policy (rt's FIFO/RR/EDF/RM tiers) runs
// work on the scheduler's own workers, ahead of their best-effort lanes,
// without a second thread pool and without forking the scheduler. Together
// with the layer seam (layer.h) it is the whole interface rt builds on.
//
// A `WorkerDispatch` is installed when the scheduler is created
// (`SchedulerOptions::dispatch`) and lives as long as the scheduler. It owns
// its ready queues (one per worker, or whatever it likes); the scheduler
// only asks it, per worker:
//
//   * Pick order. Every pick of a worker asks `Pick(worker)` first -- in
//     the main loop, in the FIFO pick, and in the help loop of a plain task
//     waiting on a TaskGroup -- and runs what it returns; only when it
//     returns an empty task does the worker pick from its priority lanes,
//     the injection queue and other workers' deques. So dispatched work
//     goes before all best-effort work of that worker, between any two of
//     its tasks (tasks are never interrupted: a long best-effort task delays
//     dispatched work on its worker by its own run time).
//   * Not stolen. What `Pick(i)` returns runs on worker i; nothing in the
//     scheduler moves it to another worker. A dispatch that wants migration
//     hands work over itself (and wakes the target with `Wake`).
//   * Waking a worker. After making work visible to `Pick(i)`/`HasWork(i)`
//     (from any thread), the dispatch calls `DispatchHandle::Wake(i)`: if
//     worker i is parked or about to park it wakes up and asks again; if it
//     is running it asks at its next pick. No wake-up is lost (the argument
//     is the sleep protocol's, in sleep.cc: `Wake` fences, the parking
//     worker fences and then calls `HasWork`).
//   * Timed releases. A worker about to park asks `NextWakeup(i)` and
//     sleeps at most until then (monotonic clock), so periodic releases
//     need no timer thread: the worker wakes, and `Pick` releases the job.
//   * Start and finish hooks (`OnTaskStart/OnTaskEnd`), around every task a
//     worker runs, dispatched or not, when `wants_task_hooks()` says so (read
//     once, at creation). Budgets, quotas and slice watchdogs hang here.
//     Tasks can nest (a plain task waiting on a TaskGroup runs others on its
//     stack), so hooks nest too: every start is followed by its end before
//     the enclosing task's end.
//   * Shutdown. Tasks returned by `Pick` are continuations (layer.h): run
//     even during a cancelling shutdown. The scheduler does not count what
//     the dispatch keeps queued; a dispatch that must not lose queued work
//     takes a hold per unit (`DispatchHandle::AcquireHold`) and releases it
//     when the unit ends, so that `Shutdown(kDrain)` waits for it.
//     `OnShutdown(mode)` is called when the shutdown begins, before the
//     scheduler waits for the holds: under kCancelPending, cancel.
//
// Worker domains (`SchedulerOptions::worker_domains`) are the other half
// of partitioning: workers of different domains never steal from each
// other (deques nor run-next slots) and local work wakes an idle worker of
// its own domain; the injection queue (external submissions) stays shared.
// With a domain of workers reserved for dispatched work, best-effort
// stealing cannot put a best-effort task in front of it there.
//
// Thread safety: `Pick`, `HasWork`, `NextWakeup` and the hooks are called
// by worker `worker`'s thread only (so per-worker state touched only there
// needs no lock), concurrently with calls for other workers and with the
// dispatch's own producers. `Bind` is called once, before any worker runs;
// `OnShutdown` on the thread that calls `Shutdown`. Every method must not
// throw (a throw ends the process, as from any `noexcept` function) and
// must not block: they run on the scheduler's pick path.
//
// Example (a per-worker FIFO that runs before everything else):
//
//   class Pinned : public moirai::sched::WorkerDispatch {
//    public:
//     void Bind(moirai::sched::DispatchHandle h) noexcept override { h_ = h; }
//     void Post(int worker, moirai::core::Task t);  // queue[worker], Wake
//     moirai::core::Task Pick(int worker) noexcept override;  // pop front
//     bool HasWork(int worker) noexcept override;
//     ...
//   };
//   auto pinned = std::make_shared<Pinned>();
//   auto sched = moirai::sched::Scheduler::Create({.num_workers = 2,
//                                                  .dispatch = pinned});

#ifndef MOIRAI_SCHED_DISPATCH_H_
#define MOIRAI_SCHED_DISPATCH_H_

#include "moirai/core/mono_time.h"
#include "moirai/core/task.h"

namespace moirai::sched {

class Scheduler;
enum class ShutdownMode;

// DispatchHandle
//
// The dispatch's view of its scheduler. Copyable; valid as long as the
// scheduler. Every method may be called from any thread.
class DispatchHandle {
 public:
  DispatchHandle() = default;

  Scheduler* scheduler() const noexcept { return scheduler_; }
  int num_workers() const noexcept;

  // DispatchHandle::Wake()
  //
  // Worker `worker` (in [0, num_workers)) asks Pick again soon: at once if
  // it is parked or about to park, else at its next pick. Call it after the
  // work is visible to Pick/HasWork. Out-of-range indices crash loudly.
  void Wake(int worker) const noexcept;

  // DispatchHandle::AcquireHold() / ReleaseHold()
  //
  // As LayerHandle's (layer.h): count one unit of the dispatch's work in
  // the scheduler's pending count, so a drain waits for it. AcquireHold
  // returns false, counting nothing, once shutdown began (except on the
  // scheduler's own workers).
  bool AcquireHold() const noexcept;
  void ReleaseHold() const noexcept;

  // DispatchHandle::domain()
  //
  // The worker's domain (SchedulerOptions::worker_domains; 0 when unset).
  int domain(int worker) const noexcept;

 private:
  friend class Scheduler;
  explicit DispatchHandle(Scheduler* s) noexcept : scheduler_(s) {}
  Scheduler* scheduler_ = nullptr;
};

// WorkerDispatch
//
// What a per-worker dispatch policy implements (see the file comment).
class WorkerDispatch {
 public:
  virtual ~WorkerDispatch() = default;

  // WorkerDispatch::Bind()
  //
  // Called once by the scheduler's constructor, before any worker starts.
  virtual void Bind(DispatchHandle handle) noexcept = 0;

  // WorkerDispatch::Pick()
  //
  // The next task worker `worker` should run, ahead of its best-effort
  // work, or an empty task for none. Releases due by now may happen here.
  virtual core::Task Pick(int worker) noexcept = 0;

  // WorkerDispatch::HasWork()
  //
  // True when Pick(worker) would return a task now. Asked by the worker
  // just before it parks (after its fence; see the file comment): a false
  // negative here can leave that work waiting until NextWakeup.
  virtual bool HasWork(int worker) noexcept = 0;

  // WorkerDispatch::NextWakeup()
  //
  // When worker `worker` must next ask Pick even if nobody wakes it (its
  // next release), or MonoTime::Infinite().
  virtual core::MonoTime NextWakeup(int /*worker*/) noexcept {
    return core::MonoTime::Infinite();
  }

  // WorkerDispatch::wants_task_hooks()
  //
  // Read once, when the scheduler is created: true to receive OnTaskStart
  // and OnTaskEnd (a virtual call each per task run; nothing when false).
  virtual bool wants_task_hooks() const noexcept { return false; }

  // WorkerDispatch::OnTaskStart() / OnTaskEnd()
  //
  // Around every task worker `worker` runs (see the file comment).
  virtual void OnTaskStart(int /*worker*/) noexcept {}
  virtual void OnTaskEnd(int /*worker*/) noexcept {}

  // WorkerDispatch::OnShutdown()
  //
  // The scheduler began Shutdown(mode) (see the file comment).
  virtual void OnShutdown(ShutdownMode /*mode*/) noexcept {}
};

}  // namespace moirai::sched

#endif  // MOIRAI_SCHED_DISPATCH_H_
