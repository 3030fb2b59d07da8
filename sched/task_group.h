// Copyright 2026 The Moirai Authors.
//
// sched/task_group.h
// -----------------------------------------------------------------------------
//
// This header defines `moirai::sched::TaskGroup`, structured fork-join on a
// `Scheduler`: `Run` forks tasks, `Wait` joins them all.
//
//   int Fib(int n) {
//     if (n < 2) return n;
//     int a, b;
//     moirai::sched::TaskGroup g;             // on Scheduler::Current()
//     g.Run([&] { a = Fib(n - 1); });
//     b = Fib(n - 2);
//     g.Wait().IgnoreError();                // or handle the status
//     return a + b;
//   }
//
// Waiting is help-first: a worker that waits runs other tasks (its own
// deque first, which usually holds the forked child; then the injection
// queue; then stealing) until the group is done, and only parks when there
// is nothing at all to run. A thread that is not one of the scheduler's
// workers blocks in `Wait` on a futex.
//
// Cost: on a worker, `Run` takes a recycled node from a per-worker free list
// (no allocation once warm), builds a `core::Task` in it (inline storage for
// callables up to 48 bytes), and pushes it on the worker's Chase-Lev deque
// without the sleep-protocol fence (see Scheduler's "Sleeping": a local push
// never loses the task, at worst a parked worker wakes a little later).
//
// Cancellation: `Cancel()` marks the group; tasks not yet started are
// skipped (destroyed unrun), running ones finish, and `Wait()` returns
// kCancelled. Tasks can poll `token()` (or `TaskContext::current()`'s
// cancellation token). The token's state is allocated on first use of
// `token()` or `Cancel()`; tasks started before that see a default
// (never-cancelled) token in their TaskContext, so call `token()` before
// `Run` when tasks should poll it.
//
// Exceptions: the first exception a task throws is kept; it cancels the rest
// of the group (like oneTBB), and `Wait()` returns it as an error status
// (core's exception-to-status mapping) while `exception()` gives the
// exception itself.
//
// Thread safety: `Run`, `Cancel`, `IsCancelled` and `token` may be called
// from any thread, including the group's own tasks (nested forks into the
// same group). `Wait` must not run concurrently with itself. After `Wait`
// returns, the group may be reused; its cancelled/failed state is sticky.
// The destructor waits for outstanding tasks.
//
// Memory ordering: everything a task did happens before `Wait()` returns.

#ifndef MOIRAI_SCHED_TASK_GROUP_H_
#define MOIRAI_SCHED_TASK_GROUP_H_

#include <atomic>
#include <cstdint>
#include <exception>
#include <new>
#include <optional>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "moirai/core/cancellation.h"
#include "moirai/core/internal/check.h"
#include "moirai/core/priority.h"
#include "moirai/core/task.h"
#include "moirai/sched/internal/worker.h"
#include "moirai/sched/scheduler.h"
#include "moirai/sync/mutex.h"

namespace moirai::sched {

class TaskGroup {
 public:
  // TaskGroup::TaskGroup()
  //
  // A group on `Scheduler::Current()`; constructing one outside a worker
  // (no current scheduler) aborts with a message: pass the scheduler then.
  TaskGroup() : TaskGroup(Scheduler::Current()) {}

  // TaskGroup::TaskGroup(scheduler)
  //
  // `scheduler` must be non-null (aborts otherwise) and outlive the group.
  explicit TaskGroup(Scheduler* scheduler)
      : sched_(scheduler),
        on_worker_(scheduler != nullptr && scheduler->OwnWorker() != nullptr) {
    MOIRAI_INTERNAL_CHECK(scheduler != nullptr,
                          "TaskGroup needs a scheduler: construct it inside a "
                          "task or pass one");
  }

  // TaskGroup::~TaskGroup()
  //
  // Waits for outstanding tasks (ignoring the status).
  ~TaskGroup();

  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;

  // TaskGroup::Run()
  //
  // Forks `f()` at priority `p`. If the group is already cancelled, `f` is
  // dropped. If the scheduler has shut down, `f` runs inline on the caller.
  template <typename F>
  void Run(F&& f, core::Priority p = core::Priority::kNormal) {
    if (IsCancelled()) return;
    // A group made off-worker is waited for by a thread the scheduler does
    // not know about, so its tasks go through the counted external path (see
    // Scheduler's "Shutdown" notes); groups made inside tasks use the fast
    // local path.
    internal::Worker* w = on_worker_ ? sched_->OwnWorker() : nullptr;
    internal::TaskNode* n = Scheduler::AllocNode(w);
    // Nodes hold an empty Task; build the new one in place (no temporary).
    n->task.~Task();
    ::new (&n->task) core::Task(std::forward<F>(f), p);
    n->group = this;
    // Relaxed: the increment is ordered before the decrement by the task's
    // own publication (Enqueue's release push happens after this line, and
    // the decrement happens after the task was taken).
    pending_.fetch_add(1, std::memory_order_relaxed);
    sched_->EnqueueForGroup(w, n);
  }

  // TaskGroup::Wait()
  //
  // Returns when every task run so far has finished or been skipped. OK, or
  // the first exception's status, or kCancelled after `Cancel()`.
  absl::Status Wait();

  // TaskGroup::Cancel()
  //
  // Skips tasks not yet started and cancels `token()`. Idempotent.
  void Cancel();

  // TaskGroup::IsCancelled()
  bool IsCancelled() const noexcept {
    // Relaxed: a hint for skipping work; Wait's status is ordered by pending_.
    return cancelled_.load(std::memory_order_relaxed);
  }

  // TaskGroup::token()
  //
  // The group's cancellation token (allocated on first call).
  core::CancellationToken token();

  // TaskGroup::exception()
  //
  // The first exception a task threw, or null. Read it after Wait().
  std::exception_ptr exception() const noexcept { return exception_; }

 private:
  friend class Scheduler;

  // pending_ holds the number of outstanding tasks in the low 31 bits and
  // kWaiterBit when a waiter may be asleep (then the task that brings the
  // count to 0 wakes it).
  static constexpr std::uint32_t kWaiterBit = 1u << 31;
  static constexpr std::uint32_t kCountMask = kWaiterBit - 1;

  std::uint32_t PendingCount() const noexcept {
    // Acquire pairs with the acq_rel fetch_sub in TaskDone: seeing 0 makes
    // every task's effects visible to the waiter.
    return pending_.load(std::memory_order_acquire) & kCountMask;
  }

  // Sets kWaiterBit unless the count is 0; returns false if it is 0.
  bool SetWaiterBit() noexcept;

  // The token to install in a task's context (default when none created).
  core::CancellationToken ContextToken() const ABSL_NO_THREAD_SAFETY_ANALYSIS;

  // Called by the scheduler when one of the group's tasks finished or was
  // skipped. May be the last access to *this.
  void TaskDone() noexcept;

  // Called by the scheduler for an exception thrown by one of the tasks.
  void CaptureException(std::exception_ptr e) noexcept;

  Scheduler* const sched_;
  // True when constructed on one of sched_'s workers.
  const bool on_worker_;
  std::atomic<std::uint32_t> pending_{0};
  std::atomic<bool> cancelled_{false};
  std::atomic<bool> failed_{false};
  // Written once, by the task that flips failed_; read after pending_ reads 0.
  std::exception_ptr exception_;

  mutable sync::Mutex mu_;
  std::optional<core::CancellationSource> source_ ABSL_GUARDED_BY(mu_);
  // True once source_ is set (never reset). Release/acquire with source_.
  std::atomic<bool> has_source_{false};
};

}  // namespace moirai::sched

#endif  // MOIRAI_SCHED_TASK_GROUP_H_
