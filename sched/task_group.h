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
// Join counting (the split counter). A group created on a worker has a home
// worker. Tasks forked on the home worker are counted in `local_`, a plain
// counter that only the home worker's thread writes (relaxed load + store,
// no read-modify-write); every other fork is counted in the atomic
// `pending_`. A local task finished by the home worker inside this group's
// own `Wait` decrements `local_`; a local task finished anywhere else (a
// thief, another group's Wait, a shutdown drain) decrements `pending_`,
// whose count may thus go below zero. The group is done when
// count(pending_) + local_ == 0. So the common fork-join case -- the waiter
// pops back its own child -- touches no shared atomic at all; only stolen
// children pay for one. Before a home waiter parks it folds `local_` into
// `pending_`, so that the task that brings the count to zero can wake it.
// Waiters that are not on the home worker (a fiber that migrated, another
// thread) never write `local_`; while they wait nobody decrements `local_`
// either (only a home `Wait` does, and two `Wait`s may not overlap), so every
// remaining task finishes through `pending_`, and each decrement that leaves
// the count at or below zero with the waiter bit set wakes them to re-check.
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
#include "moirai/core/arch.h"
#include "moirai/core/cancellation.h"
#include "moirai/core/internal/check.h"
#include "moirai/core/priority.h"
#include "moirai/core/task.h"
#include "moirai/core/task_context.h"
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
  TaskGroup() : TaskGroup(internal::CurrentWorker()) {}

  // TaskGroup::TaskGroup(scheduler)
  //
  // `scheduler` must be non-null (aborts otherwise) and outlive the group.
  explicit TaskGroup(Scheduler* scheduler)
      : sched_(scheduler),
        home_(scheduler != nullptr ? scheduler->OwnWorker() : nullptr) {
    MOIRAI_INTERNAL_CHECK(scheduler != nullptr,
                          "TaskGroup needs a scheduler: construct it inside a "
                          "task or pass one");
  }

  // TaskGroup::~TaskGroup()
  //
  // Waits for outstanding tasks (ignoring the status).
  ~TaskGroup() {
    // The common case -- Wait() already returned and nothing ran since --
    // is decided inline.
    if (MOIRAI_UNLIKELY(!Done() || (pending_.load(std::memory_order_relaxed) &
                                    kWaiterBit) != 0)) {
      Wait().IgnoreError();
    }
  }

  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;

  // TaskGroup::Run()
  //
  // Forks `f()` at priority `p`; without `p`, at the priority of the task
  // (or fiber) calling Run -- children inherit their parent's priority --
  // and kNormal when called outside any task. If the group is already
  // cancelled, `f` is dropped. If the scheduler has shut down, `f` runs
  // inline on the caller.
  template <typename F>
  void Run(F&& f) {
    // On the home worker's own stack the caller is a plain task whose
    // priority the worker keeps; elsewhere (a fiber, another thread) ask
    // the TaskContext.
    if (home_ != nullptr && MOIRAI_LIKELY(internal::OnWorkerStack(home_))) {
      RunOn(home_, std::forward<F>(f), home_->running_priority);
      return;
    }
    internal::Worker* w = CallingWorker();
    const core::Priority p = w != nullptr && internal::OnWorkerStack(w)
                                 ? w->running_priority
                                 : CallerPriority();
    RunOn(w, std::forward<F>(f), p);
  }
  template <typename F>
  void Run(F&& f, core::Priority p) {
    RunOn(CallingWorker(), std::forward<F>(f), p);
  }

 private:
  // A group made off-worker is waited for by a thread the scheduler does
  // not know about, so its tasks go through the counted external path (see
  // Scheduler's "Shutdown" notes); groups made inside tasks use the fast
  // local path: the calling worker, when the group has a home.
  // On the home worker's own stack (the common fork-join case) that is
  // home_ itself, found without the out-of-line thread-local lookup: a
  // frame inside a thread's stack runs on that thread.
  internal::Worker* CallingWorker() const noexcept {
    if (home_ == nullptr) return nullptr;
    if (MOIRAI_LIKELY(internal::OnWorkerStack(home_))) return home_;
    return sched_->OwnWorker();
  }

  // Always inlined into Run: it is the fork itself (GCC stopped inlining
  // it once Run had two callers of it).
  template <typename F>
  ABSL_ATTRIBUTE_ALWAYS_INLINE void RunOn(internal::Worker* w, F&& f,
                                          core::Priority p) {
    if (IsCancelled()) return;
    internal::TaskNode* n = Scheduler::AllocNode(w);
    // Nodes hold an empty Task (FreeNode's precondition; a new node's is
    // default-constructed), whose destructor does nothing observable: build
    // the new one in place over it ([basic.life]/5), with no temporary and no
    // Reset call.
    // On a worker (this thread is w's), the id comes from w's own block.
    const core::TaskId id =
        w != nullptr ? w->NextTaskId() : core::TaskId::Next();
    ::new (&n->task)
        core::Task(core::internal::ReservedIdTag{}, id, std::forward<F>(f), p);
    n->group = this;
    if (MOIRAI_LIKELY(w == home_ && w != nullptr)) {
      // Home fork: counted in local_ (see "Join counting"). Only this thread
      // writes local_, so a relaxed load + store is an exact increment; the
      // push's release store of the deque's bottom orders it before any
      // other thread's completion of the task (and so before the waiter's
      // acquire of that completion).
      n->local = true;
      local_.store(local_.load(std::memory_order_relaxed) + 1,
                   std::memory_order_relaxed);
    } else {
      // Relaxed: the increment is ordered before the decrement by the task's
      // own publication (the enqueue's release push or the injection
      // queue's mutex happens after this line, and the decrement happens
      // after the task was taken).
      pending_.fetch_add(kOne, std::memory_order_relaxed);
    }
    sched_->EnqueueForGroup(w, n);
  }

 public:
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

  // Private: the default constructor's delegate. `w` is the calling
  // thread's worker (nullptr aborts: no current scheduler).
  explicit TaskGroup(internal::Worker* w)
      : sched_(w != nullptr ? w->scheduler : nullptr), home_(w) {
    MOIRAI_INTERNAL_CHECK(w != nullptr,
                          "TaskGroup needs a scheduler: construct it inside a "
                          "task or pass one");
  }

  // Wait's general case: not on the home worker's own stack (a fiber,
  // another worker, a thread outside the scheduler).
  ABSL_ATTRIBUTE_NOINLINE void WaitOffHomeStack();

  // The priority of the calling task, kNormal outside tasks.
  static core::Priority CallerPriority() noexcept {
    const core::TaskContext* ctx = core::TaskContext::current();
    return ctx != nullptr ? ctx->priority() : core::Priority::kNormal;
  }

  // pending_ holds a signed count of outstanding tasks times kOne, plus
  // kWaiterBit when a waiter may be asleep. The count alone may be negative
  // (home forks finished elsewhere; see "Join counting"): only
  // count(pending_) + local_ is the number of outstanding tasks.
  static constexpr std::int64_t kWaiterBit = 1;
  static constexpr std::int64_t kOne = 2;
  static constexpr std::int64_t Count(std::int64_t v) noexcept {
    return v >> 1;  // arithmetic shift (C++20): drops the waiter bit
  }

  // True when every task run so far (as seen by this thread) has finished.
  bool Done() const noexcept {
    // Acquire pairs with the acq_rel fetch_sub in TaskDone: seeing a task's
    // decrement makes its effects visible, and (for a home fork finished
    // elsewhere) also the home thread's local_ increment that preceded the
    // task's push; hence pending_ is read before local_.
    const std::int64_t c = Count(pending_.load(std::memory_order_acquire));
    return c + local_.load(std::memory_order_relaxed) == 0;
  }

  // Sets kWaiterBit unless the group is done; returns false if it is.
  bool SetWaiterBit() noexcept;

  // Home worker only: moves local_ into pending_, so that the task that
  // brings the count to zero sees the whole count (and wakes a parked home
  // waiter). Called before the home waiter sets the waiter bit.
  void FoldLocalCount() noexcept {
    const std::int64_t l = local_.load(std::memory_order_relaxed);
    if (l == 0) return;
    local_.store(0, std::memory_order_relaxed);
    // Relaxed: only this thread reads the sum while it waits (no other Wait
    // may overlap), and the RMW chain on pending_ orders the completions.
    pending_.fetch_add(l * kOne, std::memory_order_relaxed);
  }

  // Home worker only, inside this group's Wait: a local task finished.
  void LocalTaskDone() noexcept {
    local_.store(local_.load(std::memory_order_relaxed) - 1,
                 std::memory_order_relaxed);
  }

  // True once `token()` (or a cancellation that needed one) created the
  // group's token. Acquire: pairs with the release store in token().
  bool HasToken() const noexcept {
    return has_source_.load(std::memory_order_acquire);
  }

  // source_ once has_source_ is true: written once, under mu_, before
  // has_source_ was set, never changed afterwards, so it needs no lock.
  core::CancellationSource& SourceUnlocked() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return *source_;
  }

  // The token to install in a task's context (default when none created).
  core::CancellationToken ContextToken() const ABSL_NO_THREAD_SAFETY_ANALYSIS {
    // source_ is written once, under mu_, before has_source_ is set
    // (release), and never changed afterwards; reading it after the acquire
    // load below needs no lock.
    if (MOIRAI_LIKELY(!has_source_.load(std::memory_order_acquire))) {
      return core::CancellationToken();
    }
    return source_->token();
  }

  // Called by the scheduler when one of the group's tasks finished or was
  // skipped, except a local task finished by the home worker's Wait. May be
  // the last access to *this.
  void TaskDone() noexcept;

  // Called by the scheduler for an exception thrown by one of the tasks.
  void CaptureException(std::exception_ptr e) noexcept;

  Scheduler* const sched_;
  // The worker the group was created on, or nullptr when created off the
  // scheduler's workers.
  internal::Worker* const home_;
  std::atomic<std::int64_t> pending_{0};
  // Home forks not yet finished by the home worker's Wait (see "Join
  // counting"). Invariant: written only by home_'s thread; readable by any
  // waiter.
  std::atomic<std::int64_t> local_{0};
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
