// Copyright 2026 The Moirai Authors.
//
// async/boost_fiber.h
// -----------------------------------------------------------------------------
//
// Runs existing Boost.Fiber code on the workers of a `sched::Scheduler`, with
// Moirai priorities carried as Boost.Fiber properties.
//
//   auto sched = sched::Scheduler::Create({.num_workers = 2}).value();
//   auto pool = async::BoostFiberPool::Create(*sched, 2).value();
//   {
//     async::BoostFiberPool::SubmitScope scope(*pool);  // this thread submits
//     boost::fibers::fiber f([] { /* Boost.Fiber code: mutex, channels... */
//     }); f.properties<async::MoiraiFiberProps>().set_priority(
//         core::Priority::kHigh);
//     f.join();  // blocks this thread; `f` runs on the pool's workers
//   }
//
// How it works. Boost.Fiber gives every thread its own fiber scheduler and a
// pluggable `algorithm` deciding which ready fiber runs next. The pool
// occupies `threads` workers of the Moirai scheduler (one long-running task
// each, until the pool is destroyed); each installs a `MoiraiFiberAlgorithm`
// in the kWorker role and then runs Boost's dispatcher while its main context
// waits for the stop request. All algorithm instances of one pool share
// per-priority ready queues: a fiber that becomes ready is detached from its
// thread (`context::detach`) and queued; whichever worker pops it attaches
// it (`context::attach`) and runs it, so fibers migrate freely, like Boost's
// own `shared_work`. Pinned contexts (each thread's main and dispatcher
// context) never migrate; they stay in a per-thread queue. An idle worker
// sleeps on a condition variable (no spinning) until a fiber is queued or
// Boost notifies it (a remote wake-up of one of its pinned contexts).
//
// A thread outside the pool joins in with a `SubmitScope`: its algorithm
// instance (role kSubmitter) sends every non-pinned fiber it creates or wakes
// to the shared queues but only ever runs its own pinned contexts, so it
// never keeps a pool fiber. Boost.Fiber synchronization (mutex,
// condition_variable, channels, future, join) works across all of these
// threads.
//
// Priorities: a fiber's `MoiraiFiberProps::priority()` picks its shared
// queue; a more urgent queue is always served first (FIFO within one
// priority). Changing the priority of a queued fiber re-queues it (Boost's
// `property_change` contract).
//
// Preconditions (checked where cheap): every pool fiber must have finished
// before the pool is destroyed, and a SubmitScope's fibers must be joined or
// detached before the scope ends. `threads` must not exceed the scheduler's
// workers, which stay busy with the pool for its whole life.

#ifndef MOIRAI_ASYNC_BOOST_FIBER_H_
#define MOIRAI_ASYNC_BOOST_FIBER_H_

#include <atomic>

// Boost.Fiber's algorithm refcount (intrusive_ptr_release) uses
// std::atomic_thread_fence, which GCC 12 flags with -Wtsan under
// ThreadSanitizer. That fence only orders the final release of a scheduling
// algorithm object inside Boost; Moirai's own cross-thread edges here go
// through std::mutex. The warning fires where the inline code is emitted, so
// it is silenced for the rest of each translation unit including this header
// (TSan builds only).
#if defined(__GNUC__) && !defined(__clang__) && defined(__SANITIZE_THREAD__)
#pragma GCC diagnostic ignored "-Wtsan"
#endif
#include <boost/fiber/algo/algorithm.hpp>
#include <boost/fiber/condition_variable.hpp>
#include <boost/fiber/context.hpp>
#include <boost/fiber/mutex.hpp>
#include <boost/fiber/properties.hpp>
#include <boost/fiber/scheduler.hpp>
#include <chrono>
#include <condition_variable>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "moirai/core/internal/annotated_mutex.h"
#include "moirai/core/priority.h"
#include "moirai/sched/scheduler.h"

namespace moirai::async {

namespace internal {
class SharedReadyQueues;
}  // namespace internal

// MoiraiFiberProps
//
// The Boost.Fiber properties of a fiber run by a MoiraiFiberAlgorithm. Read
// them with `fiber.properties<MoiraiFiberProps>()` or, inside the fiber,
// `boost::this_fiber::properties<MoiraiFiberProps>()`.
class MoiraiFiberProps : public boost::fibers::fiber_properties {
 public:
  explicit MoiraiFiberProps(boost::fibers::context* ctx) noexcept
      : fiber_properties(ctx) {}

  // MoiraiFiberProps::priority()
  //
  // The fiber's priority (kNormal until set).
  core::Priority priority() const noexcept {
    // Relaxed: the queues read it again under their lock, which orders it
    // against a concurrent re-queue (see MoiraiFiberAlgorithm).
    return priority_.load(std::memory_order_relaxed);
  }

  // MoiraiFiberProps::set_priority()
  //
  // Sets the priority. If the fiber is queued it moves to the new priority's
  // queue; a running or blocked fiber uses it the next time it is ready. An
  // out-of-range value is a loud crash. Call it from the fiber itself or,
  // before the fiber can block, from the thread that created it (Boost's
  // `fiber_properties` records the owning algorithm without
  // synchronization).
  void set_priority(core::Priority p) noexcept;

 private:
  std::atomic<core::Priority> priority_{core::Priority::kNormal};
};

// MoiraiFiberAlgorithm
//
// The Boost.Fiber scheduling algorithm behind BoostFiberPool (see the file
// comment). Use it through BoostFiberPool; constructing it directly is only
// for pools' own threads.
class MoiraiFiberAlgorithm
    : public boost::fibers::algo::algorithm_with_properties<MoiraiFiberProps> {
 public:
  enum class Role {
    kWorker,     // runs fibers from the shared queues
    kSubmitter,  // only queues them; runs its own pinned contexts
  };

  MoiraiFiberAlgorithm(std::shared_ptr<internal::SharedReadyQueues> queues,
                       Role role);
  ~MoiraiFiberAlgorithm() override;
  MoiraiFiberAlgorithm(const MoiraiFiberAlgorithm&) = delete;
  MoiraiFiberAlgorithm& operator=(const MoiraiFiberAlgorithm&) = delete;

  // MoiraiFiberAlgorithm::awakened()
  //
  // Boost: `ctx` is ready. Pinned contexts go to this thread's queue, others
  // are detached and go to the shared queue of their priority, waking one
  // idle worker.
  void awakened(boost::fibers::context* ctx,
                MoiraiFiberProps& props) noexcept override;

  // MoiraiFiberAlgorithm::pick_next()
  //
  // Boost: the next context to run, or nullptr. Most urgent priority first;
  // at one priority this thread's pinned contexts before shared fibers
  // (which kSubmitter instances never take).
  boost::fibers::context* pick_next() noexcept override;

  // MoiraiFiberAlgorithm::has_ready_fibers()
  //
  // Boost: whether pick_next() would return a context.
  bool has_ready_fibers() const noexcept override;

  // MoiraiFiberAlgorithm::suspend_until()
  //
  // Boost: nothing to run; sleep until `time_point`, notify() or (kWorker)
  // a newly queued shared fiber.
  void suspend_until(std::chrono::steady_clock::time_point const&
                         time_point) noexcept override;

  // MoiraiFiberAlgorithm::notify()
  //
  // Boost: wake this thread from suspend_until() (called from any thread).
  void notify() noexcept override;

  // MoiraiFiberAlgorithm::property_change()
  //
  // Boost: `props` changed; a queued `ctx` is moved to its new queue.
  void property_change(boost::fibers::context* ctx,
                       MoiraiFiberProps& props) noexcept override;

  // Internal: stop taking shared fibers (the thread is leaving the pool).
  void Leave() noexcept;

 private:
  friend class internal::SharedReadyQueues;
  std::shared_ptr<internal::SharedReadyQueues> queues_;
  const Role role_;
  // Invariant: an instance sleeping in suspend_until() is in its queues'
  // idle list exactly while `notified_` is false. Guarded by the shared
  // queues' mutex (see boost_fiber.cc; the analysis cannot name it here).
  bool notified_ = false;
  bool leaving_ = false;
  std::condition_variable_any wake_;
  // This thread's pinned contexts, per priority (same mutex).
  boost::fibers::scheduler::ready_queue_type local_[core::kNumPriorities];
};

// BoostFiberPool
//
// Boost.Fiber threads on Moirai workers (see the file comment).
class BoostFiberPool {
 public:
  // BoostFiberPool::Create()
  //
  // Occupies `threads` workers of `scheduler` (which must outlive the pool)
  // as Boost.Fiber threads sharing one set of ready queues.
  // kInvalidArgument unless 1 <= threads <= scheduler.num_workers(); the
  // scheduler's Submit error if it is shutting down.
  static absl::StatusOr<std::unique_ptr<BoostFiberPool>> Create(
      sched::Scheduler& scheduler, int threads);

  BoostFiberPool(const BoostFiberPool&) = delete;
  BoostFiberPool& operator=(const BoostFiberPool&) = delete;

  // BoostFiberPool::~BoostFiberPool()
  //
  // Stops the dispatcher loops and waits until every worker has left (and
  // restored Boost's default round_robin algorithm on its thread). Crashes
  // loudly if a fiber is still queued; fibers still blocked are a
  // precondition violation that cannot be detected.
  ~BoostFiberPool();

  int num_threads() const noexcept { return threads_; }

  // BoostFiberPool::SubmitScope
  //
  // RAII: while alive, Boost.Fiber fibers created (or woken) on this thread
  // run on the pool. Restores round_robin on destruction. Not nestable; not
  // for the pool's own workers.
  class SubmitScope {
   public:
    explicit SubmitScope(BoostFiberPool& pool);
    ~SubmitScope();
    SubmitScope(const SubmitScope&) = delete;
    SubmitScope& operator=(const SubmitScope&) = delete;

   private:
    MoiraiFiberAlgorithm* algorithm_;  // owned by this thread's scheduler
  };

 private:
  BoostFiberPool(std::shared_ptr<internal::SharedReadyQueues> queues,
                 int threads);
  void WorkerLoop();
  void Stop();

  const std::shared_ptr<internal::SharedReadyQueues> queues_;
  const int threads_;
  // The stop request, waited for by each worker's main fiber context (so
  // its dispatcher keeps running fibers meanwhile).
  boost::fibers::mutex stop_mu_;
  boost::fibers::condition_variable stop_cv_;
  bool stop_ = false;  // guarded by stop_mu_ (a Boost fiber mutex)
  // Workers that left (or never started because Submit failed).
  core::internal::AnnotatedMutex exit_mu_;
  core::internal::AnnotatedCondVar exit_cv_;
  int exited_ ABSL_GUARDED_BY(exit_mu_) = 0;
};

}  // namespace moirai::async

#endif  // MOIRAI_ASYNC_BOOST_FIBER_H_
