// Copyright 2026 The Moirai Authors.
//
// sched/scheduler.h
// -----------------------------------------------------------------------------
//
// This header defines `moirai::sched::Scheduler`, Moirai's work-stealing task
// scheduler, and its options, statistics and shutdown modes. Fork-join
// (`TaskGroup`) is in task_group.h, `ParallelFor`/`ParallelReduce` in
// parallel.h.
//
// Design
//
//   * N worker threads. Each owns one Chase-Lev deque per priority lane
//     (lockfree/work_stealing_deque.h). A task submitted from a worker goes
//     to that worker's deque (LIFO for the owner, FIFO for thieves); a task
//     submitted from any other thread goes to the injection queue (one FIFO
//     per lane under a mutex).
//   * Priorities (`core::Priority`, five lanes): a worker runs the most
//     urgent lane that has work, looking at its own deques and the injection
//     queue. Aging: every pick that passes over a non-empty, less urgent lane
//     counts against that lane; once a lane has been passed over
//     `aging_limit` times it is served at the next pick. So a less urgent
//     task waits at most about `aging_limit x 4` picks of the worker that
//     holds it for more urgent lanes.
//   * Inside a lane the own deque is LIFO (depth-first fork-join), and every
//     kFifoPickPeriod-th (64th) pick of the worker's main loop takes the
//     lane's oldest task instead, so a stream of new tasks cannot starve an
//     older one of the same lane; every 61st pick that sees external work
//     takes the injection queue's oldest task first.
//   * Stealing: when a worker has nothing local, it asks the
//     `StealStrategy` (steal_strategy.h) for victims and steals from their
//     lanes, most urgent lane first.
//   * Idle workers spin briefly, then park on a futex: an idle scheduler uses
//     no CPU. Submitters wake a parked worker (see "Sleeping" in
//     scheduler.cc for the protocol and why no wake-up is lost).
//   * Extension: a `WorkerDispatch` (dispatch.h) is asked before the lanes
//     at every pick (rt's real-time tiers), and worker domains
//     (`SchedulerOptions::worker_domains`) keep groups of workers from
//     stealing from each other.
//   * Every task runs with a `core::TaskContext` installed (id, priority,
//     metadata, cancellation token of its TaskGroup if any), so
//     `core::TaskContext::current()` works inside tasks.
//
// Tasks and errors
//
//   `Submit` runs a `core::Task` fire-and-forget: an exception escaping it is
//   caught, counted (`Stats().uncaught_exceptions`) and its status kept in
//   `last_uncaught_error()`; nothing escapes a worker. `Spawn` wraps the
//   callable so that its value or exception lands in the returned
//   `core::Future`.
//
// Shutdown
//
//   `Shutdown(ShutdownMode::kDrain)` (also what the destructor does) stops
//   accepting submissions from outside the scheduler, runs everything already
//   queued and everything those tasks submit in turn, waits for the work
//   that layered runtimes hold (a parked fiber counts; see layer.h), then
//   joins the workers. `Shutdown(ShutdownMode::kCancelPending)` stops
//   accepting submissions, asks every attached layer to cancel its work
//   (an async::Runtime cancels its fibers, which unwind), lets running tasks
//   finish (they are never interrupted; anything they submit is cancelled
//   too), and destroys every queued task unrun -- except the continuations
//   of held work, which run so that held work can end: a `Spawn` future then
//   holds kCancelled, a `TaskGroup` reports kCancelled from `Wait()`. The
//   returned report says how many tasks were cancelled.
//
// Multiple schedulers may live in one process; nothing is global except a
// thread-local "current worker" pointer.
//
// Example:
//
//   auto sched = moirai::sched::Scheduler::Create({.num_workers = 4});
//   if (!sched.ok()) return sched.status();
//   moirai::core::Future<int> f = (*sched)->Spawn([] { return 6 * 7; });
//   absl::StatusOr<int> v = std::move(f).Get();  // 42

#ifndef MOIRAI_SCHED_SCHEDULER_H_
#define MOIRAI_SCHED_SCHEDULER_H_

#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "moirai/core/arch.h"
#include "moirai/core/future.h"
#include "moirai/core/internal/check.h"
#include "moirai/core/parker.h"
#include "moirai/core/priority.h"
#include "moirai/core/task.h"
#include "moirai/lockfree/work_stealing_deque.h"
#include "moirai/sched/dispatch.h"
#include "moirai/sched/internal/worker.h"
#include "moirai/sched/steal_strategy.h"
#include "moirai/sync/mutex.h"

namespace moirai::sched {

class Layer;
class LayerHandle;
class Runnable;

// RunNextOffer: what LayerHandle::OfferNext gives back (see layer.h).
struct RunNextOffer {
  Runnable* displaced = nullptr;
  Runnable* refused = nullptr;
};

// StealPolicy
//
// The built-in steal strategies (see steal_strategy.h).
enum class StealPolicy {
  kRandomVictim,
  kStealHalf,
  // Needs `SchedulerOptions::worker_places`; see there.
  kLocalityAware,
};

// IdlePolicy
//
// What a worker with nothing to do does.
enum class IdlePolicy {
  // Keep looking for `spin_rounds` rounds, then park (the default).
  kSpinThenPark,
  // Park as soon as a search finds nothing (lowest CPU use, slower to react).
  kParkImmediately,
};

struct SchedulerOptions {
  // Worker threads; 0 = std::thread::hardware_concurrency(). At most 1024.
  int num_workers = 0;
  // Pin worker i to the i-th CPU of the process's affinity mask (wrapping).
  bool pin_workers = false;
  StealPolicy steal_policy = StealPolicy::kRandomVictim;
  // A custom strategy; overrides `steal_policy` when set.
  std::shared_ptr<const StealStrategy> steal_strategy = nullptr;
  // For kLocalityAware: where each worker runs (size must be num_workers).
  // Empty: every worker is treated as sharing one cache and node, which
  // degenerates to random stealing. `LocalityAwareOptions` (locality.h)
  // fills it (and pins the workers) from `numa::Topology`.
  std::vector<WorkerPlace> worker_places = {};
  // Remote-node distances for kLocalityAware (optional; see steal_strategy.h).
  std::vector<std::vector<int>> node_distance = {};
  IdlePolicy idle_policy = IdlePolicy::kSpinThenPark;
  // Search rounds before parking under kSpinThenPark (>= 0).
  int spin_rounds = 64;
  // Aging: pass-overs before a less urgent non-empty lane is served (>= 1).
  int aging_limit = 16;
  // How the workers' deques order pops against steals
  // (lockfree/work_stealing_deque.h). kAuto (default): adaptive. The deques
  // start with asymmetric fences where the kernel has membarrier (the
  // cheapest local pops, a system call per steal that interrupts every CPU
  // running the process: best for fork-join, where few tasks are stolen).
  // Each worker counts its steal attempts on asymmetric deques (taken or
  // not: each paid a membarrier) against the tasks it executes; once the
  // membarriers of one worker's attempts within 65536 of its tasks cost more
  // than symmetric fences would have cost those tasks' pops (a measured
  // ~7.9 us per membarrier per other worker against ~6 ns per pop: more
  // than 49 attempts per 65536 tasks on 2 workers, more than 3 on 16; the
  // model is in steal.cc), the scheduler asks every deque of every worker
  // to switch to symmetric fences, once and for good (each owner completes
  // the switch at its next pop). The switch is one-way because the reverse
  // is not safe without a handshake (see the deque).
  // `SchedulerStats::deque_fences_downgraded` reports it. Fork-join (fib,
  // skynet: a few dozen steals per million tasks) stays asymmetric;
  // steal-heavy trees (uts) downgrade within their first few thousand
  // tasks, and so do coarse-grained loops on few workers (parallel_for at
  // grain 4096: ~1 steal per 55 tasks), whose long tasks make either mode's
  // cost negligible. kSymmetric: symmetric from the start (a fence per pop,
  // cheap steals), e.g. when one task feeds many workers through Submit.
  lockfree::DequeFences deque_fences = lockfree::DequeFences::kAuto;
  // A per-worker dispatch policy (dispatch.h), asked before the best-effort
  // lanes at every pick; shared with the caller, kept alive by the
  // scheduler. Null: none.
  std::shared_ptr<WorkerDispatch> dispatch = nullptr;
  // Worker domains (dispatch.h): worker i is in domain worker_domains[i],
  // in [0, num_workers); workers of different domains never steal from each
  // other. Empty: one domain. Its size must be the resolved num_workers (so
  // set num_workers explicitly when using it).
  std::vector<int> worker_domains = {};
};

// ShutdownMode
enum class ShutdownMode {
  kDrain,          // run everything queued, then stop
  kCancelPending,  // drop everything queued (running tasks finish), then stop
};

// ShutdownReport
struct ShutdownReport {
  ShutdownMode mode = ShutdownMode::kDrain;
  // Tasks destroyed unrun (kCancelPending, or TaskGroup tasks skipped because
  // their group was cancelled during the shutdown).
  std::int64_t cancelled = 0;
};

// WorkerStats
//
// A snapshot of one worker's counters (each exact; the set is not atomic).
struct WorkerStats {
  std::uint64_t executed = 0;     // tasks run (including stolen ones)
  std::uint64_t stolen = 0;       // tasks this worker stole from others
  std::uint64_t parks = 0;        // times it parked
  absl::Duration parked_time;     // total time parked
  std::int64_t queue_length = 0;  // tasks in its deques now (approximate)
  bool parked = false;            // parked at the time of the snapshot
};

// SchedulerStats
struct SchedulerStats {
  std::vector<WorkerStats> workers;
  std::int64_t injection_queue_length = 0;
  std::int64_t pending = 0;  // submitted (outside TaskGroups) and not finished
  std::int64_t cancelled = 0;
  std::int64_t uncaught_exceptions = 0;
  // True once the adaptive kAuto fences (SchedulerOptions::deque_fences)
  // asked every worker deque to switch to symmetric fences (final).
  bool deque_fences_downgraded = false;
};

class Scheduler {
 public:
  // Scheduler::Create()
  //
  // Starts the workers. InvalidArgument for out-of-range options.
  static absl::StatusOr<std::unique_ptr<Scheduler>> Create(
      SchedulerOptions options = {});

  // Scheduler::~Scheduler()
  //
  // `Shutdown(kDrain)` unless already shut down. Destroying a scheduler from
  // one of its own workers is a programming error (it would wait for itself)
  // and aborts with a message.
  ~Scheduler();

  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Scheduler::Submit()
  //
  // Queues `task` at `task.priority()`. Returns InvalidArgument for an empty
  // task, FailedPrecondition once shutdown began (except for submissions
  // from this scheduler's own workers during a drain, which are part of the
  // drain). A task rejected with an error is destroyed unrun.
  absl::Status Submit(core::Task task);

  // Scheduler::Spawn()
  //
  // Runs `f()` at priority `p`; its value (or exception, as an error status)
  // lands in the returned future. After shutdown began the future holds
  // FailedPrecondition; if the task is cancelled by
  // `Shutdown(kCancelPending)` it holds kCancelled.
  template <typename F>
  auto Spawn(F&& f, core::Priority p = core::Priority::kNormal)
      -> core::Future<std::invoke_result_t<std::decay_t<F>&>> {
    using R = std::invoke_result_t<std::decay_t<F>&>;
    auto [promise, future] = core::MakePromiseFuture<R>();
    absl::Status s = Submit(
        core::Task([pr = std::move(promise),
                    fn = std::forward<F>(f)]() mutable { pr.SetFrom(fn); },
                   p));
    if (!s.ok()) return core::MakeReadyFuture<R>(core::Result<R>(s));
    return std::move(future);
  }

  // Scheduler::Shutdown()
  //
  // See the file comment. Blocks until the workers have exited. Idempotent:
  // later calls return the first call's report. Calling it from one of this
  // scheduler's workers aborts with a message.
  ShutdownReport Shutdown(ShutdownMode mode = ShutdownMode::kDrain);

  // Scheduler::shutting_down()
  //
  // True once Shutdown (or the destructor) began.
  bool shutting_down() const noexcept {
    return state_.load(std::memory_order_acquire) != kRunning;
  }

  // Scheduler::Current()
  //
  // The scheduler whose worker is running the calling thread, else nullptr.
  static Scheduler* Current() noexcept;

  // Scheduler::CurrentWorkerIndex()
  //
  // The calling thread's worker index in its scheduler, or -1.
  static int CurrentWorkerIndex() noexcept;

  // Scheduler::CallingWorkerIndex()
  //
  // The calling thread's worker index if it is one of this scheduler's
  // workers, else -1 (one thread-local lookup).
  int CallingWorkerIndex() const noexcept {
    const internal::Worker* w = OwnWorker();
    return w != nullptr ? w->index : -1;
  }

  // Scheduler::num_workers()
  int num_workers() const noexcept { return static_cast<int>(workers_.size()); }

  // Scheduler::Stats()
  SchedulerStats Stats() const;

  // Scheduler::last_uncaught_error()
  //
  // The status of the last exception that escaped a `Submit`ted task (OK if
  // none).
  absl::Status last_uncaught_error() const ABSL_LOCKS_EXCLUDED(error_mu_);

  // Scheduler::steal_strategy_name()
  absl::string_view steal_strategy_name() const noexcept {
    return strategy_->name();
  }

 private:
  friend class TaskGroup;
  friend class LayerHandle;
  friend class DispatchHandle;

  // Lifecycle (state_).
  static constexpr int kRunning = 0;
  static constexpr int kDraining = 1;
  static constexpr int kCancelling = 2;

  explicit Scheduler(SchedulerOptions options,
                     std::shared_ptr<const StealStrategy> strategy);

  // The calling thread's worker if it belongs to this scheduler.
  internal::Worker* OwnWorker() const noexcept {
    internal::Worker* w = internal::CurrentWorker();
    return (w != nullptr && w->scheduler == this) ? w : nullptr;
  }

  // Free-list cap per worker (nodes beyond it are deleted).
  static constexpr int kMaxFreeNodes = 4096;

  // Node allocation: from the worker's free list when `w` is non-null. The
  // node holds an empty task.
  ABSL_ATTRIBUTE_ALWAYS_INLINE static internal::TaskNode* AllocNode(
      internal::Worker* w) {
    if (w != nullptr && w->free_nodes != nullptr) {
      internal::TaskNode* n = w->free_nodes;
      w->free_nodes = n->next;
      --w->free_count;
      n->next = nullptr;
      return n;
    }
    return new internal::TaskNode;
  }
  // Recycles `n` (whose task must be empty) into `w`'s free list, or deletes
  // it when `w` is null or its list is full.
  static void FreeNode(internal::Worker* w, internal::TaskNode* n) noexcept {
    n->group = nullptr;
    n->counted = false;
    n->local = false;
    n->must_run = false;
    if (w != nullptr && w->free_count < kMaxFreeNodes) {
      n->next = w->free_nodes;
      w->free_nodes = n;
      ++w->free_count;
      return;
    }
    delete n;
  }

  // TaskGroup::Run's enqueue. On a worker: a push on its own deque with only
  // an unfenced check for sleepers (see "Sleeping" in scheduler.cc: the
  // pushing worker will run the task itself if nobody steals it, so a missed
  // wake-up costs parallelism for a moment, never the task). Elsewhere: the
  // injection queue (counted), or inline after shutdown.
  ABSL_ATTRIBUTE_ALWAYS_INLINE void EnqueueForGroup(internal::Worker* w,
                                                    internal::TaskNode* n) {
    if (MOIRAI_LIKELY(w != nullptr)) {
      const int lane = core::PriorityIndex(n->task.priority());
      w->lanes[lane].Push(n);
      w->local_mask |= 1u << lane;
      // Relaxed: the unfenced hint described above.
      if (MOIRAI_UNLIKELY(AnyIdle())) WakeOne(w);
      return;
    }
    EnqueueExternalForGroup(n);
  }
  void EnqueueExternalForGroup(internal::TaskNode* n);
  // TaskGroup::Wait's waiting (group_wait.cc): a task with a Parker (a
  // fiber) parks; otherwise help-first on a worker, futex elsewhere.
  void ParkWhilePending(TaskGroup* g, core::Parker* parker);
  void HelpWhilePending(internal::Worker* w, TaskGroup* g);
  // HelpWhilePending once a search found nothing: spin, search, park.
  ABSL_ATTRIBUTE_NOINLINE void IdleWhilePending(internal::Worker* w,
                                                TaskGroup* g,
                                                TaskGroup* home_wait);
  void BlockWhilePending(TaskGroup* g);
  // A task of `g` that saw kWaiterBit finished: wake g's waiters (parked
  // fibers, workers, threads). Touches *g only through the pointer value:
  // the group may already be destroyed.
  void WakeGroupWaiters(const TaskGroup* g) noexcept;
  // Records an exception that escaped a Submit()ted task.
  void RecordUncaught(std::exception_ptr e);

  // The layer seam (layer.h, layer.cc).
  bool AcquireHold() noexcept;
  void SubmitHeld(core::Task task, bool yielded) noexcept;
  absl::Status AttachLayer(Layer* layer) ABSL_LOCKS_EXCLUDED(layers_mu_);
  void DetachLayer(Layer* layer) noexcept ABSL_LOCKS_EXCLUDED(layers_mu_);
  void NotifyLayers(ShutdownMode mode) ABSL_LOCKS_EXCLUDED(layers_mu_);
  // The run-next slot (layer.cc).
  // Inline: a fiber hand-off calls each once or twice. With one worker no
  // other thread ever touches the slot (StealRunNext skips the caller's
  // own) and no other worker can be idle, so relaxed accesses suffice
  // (only this thread reads it); the shared case is in layer.cc.
  ABSL_ATTRIBUTE_ALWAYS_INLINE RunNextOffer OfferNext(Runnable* r) noexcept {
    internal::Worker* w = OwnWorker();
    if (MOIRAI_UNLIKELY(w == nullptr)) return {nullptr, r};
    if (single_worker_) {
      Runnable* displaced = w->run_next.load(std::memory_order_relaxed);
      w->run_next.store(r, std::memory_order_relaxed);
      return {displaced, nullptr};
    }
    return OfferNextShared(w, r);
  }
  RunNextOffer OfferNextShared(internal::Worker* w, Runnable* r) noexcept;
  ABSL_ATTRIBUTE_ALWAYS_INLINE Runnable* TakeNext() noexcept {
    internal::Worker* w = OwnWorker();
    MOIRAI_INTERNAL_CHECK(w != nullptr,
                          "LayerHandle::TakeNext called off the scheduler's "
                          "workers");
    // Only this thread fills the slot and others only empty it, so an empty
    // slot seen here stays empty (relaxed: our own last store or a thief's).
    Runnable* r = w->run_next.load(std::memory_order_relaxed);
    if (r == nullptr) return nullptr;
    if (single_worker_) {
      w->run_next.store(nullptr, std::memory_order_relaxed);
      return r;
    }
    // Acquire: pairs with nothing new (this thread put the item); the RMW
    // decides between us and a thief.
    return w->run_next.exchange(nullptr, std::memory_order_acquire);
  }
  // An idle worker takes another worker's waiting run-next item, if any,
  // and resubmits it (onto its own deque). True if it took one.
  bool StealRunNext(internal::Worker* w) noexcept;
  // The calling worker may have a queued task (see LayerHandle).
  bool HasLocalWork() const noexcept {
    const internal::Worker* w = OwnWorker();
    if (w == nullptr || injection_.mask() != 0) return true;
    // A lane's mask bit alone is not enough: the owner clears it only when
    // a pop finds the lane empty. The owner's size check is exact for its
    // own pushes (only it pushes) and at worst stale-high for thieves' pops.
    for (unsigned m = w->local_mask; m != 0; m &= m - 1) {
      if (!w->lanes[__builtin_ctz(m)].EmptyApprox()) return true;
    }
    return false;
  }
  // Top-level picks: every kFifoPickPeriod-th takes the oldest task of the
  // most urgent lane instead of the newest (bounds the wait inside a lane).
  internal::TaskNode* PickOldestLocal(internal::Worker* w);

  // Queues `n` on `w`'s deque (w non-null) or the injection queue; then wakes
  // a parked worker if needed. `fenced`: run the full sleep-protocol check
  // (see scheduler.cc); TaskGroup's local pushes skip it.
  void Enqueue(internal::Worker* w, internal::TaskNode* n, bool fenced);
  // Worker main loop.
  void WorkerMain(internal::Worker* w);
  // Finds a task for `w`: the dispatch's (dispatch.h), then its deques /
  // the injection queue by priority, then stealing. nullptr if none.
  // Inline: the help-first loop (group_wait.cc) and the main loop call it
  // per task.
  ABSL_ATTRIBUTE_ALWAYS_INLINE internal::TaskNode* FindWork(
      internal::Worker* w) {
    if (MOIRAI_UNLIKELY(dispatch_ != nullptr)) {
      if (internal::TaskNode* n = PickDispatched(w)) return n;
    }
    if (internal::TaskNode* n = PickLocal(w)) return n;
    return StealLoop(w);
  }
  // FindWork once nothing is local: a few steal rounds.
  internal::TaskNode* StealLoop(internal::Worker* w);
  // The dispatch's next task for `w` in a node (a continuation: run even
  // when cancelling, not counted), or nullptr. Needs dispatch_.
  internal::TaskNode* PickDispatched(internal::Worker* w);
  internal::TaskNode* PickLocal(internal::Worker* w);
  // PickLocal's general case (several lanes, or external work), out of line
  // so that the single-lane fast path stays small.
  internal::TaskNode* PickLocalSlow(internal::Worker* w, unsigned inj);
  internal::TaskNode* StealWork(internal::Worker* w, bool* saw_retry);
  // A successful steal of `count` tasks by `w`: the adaptive fence policy
  // (see SchedulerOptions::deque_fences).
  void NoteFencedAttempts(internal::Worker* w, std::uint64_t attempts) noexcept;
  // Runs (or, when cancelling, discards) `n` on worker `w` (non-null) and
  // recycles it. `home_wait`:
  // the group whose Wait is running on its home worker `w` (or nullptr); a
  // local task of that group is then accounted in its local_ count, without
  // an atomic (see "Join counting" in task_group.h).
  void Execute(internal::Worker* w, internal::TaskNode* n,
               TaskGroup* home_wait = nullptr);
  // Execute on a thread that is not a worker (an external group's task
  // after shutdown began).
  void ExecuteOffWorker(internal::TaskNode* n);
  template <bool kOnWorker>
  void ExecuteImpl(internal::Worker* w, internal::TaskNode* n,
                   TaskGroup* home_wait);
  // True when some queue `w` may take from may hold a task (used by the
  // sleep protocol): the injection queue, and the deques and run-next slots
  // of `w`'s domain.
  bool MayHaveWork(const internal::Worker* w) const noexcept;
  // Parks `w` until woken (sleep protocol); returns at once if work
  // appeared, the scheduler is stopping, or `g` (if non-null) is done.
  void Park(internal::Worker* w, const TaskGroup* g);
  // True when some worker is announced idle (relaxed; a hint).
  bool AnyIdle() const noexcept {
    for (int i = 0; i < num_idle_words_; ++i) {
      if (idle_words_[i].load(std::memory_order_relaxed) != 0) return true;
    }
    return false;
  }
  // AnyIdle() restricted to near's domain (the same without domains).
  bool AnyIdleNear(const internal::Worker* near) const noexcept {
    if (near->domain_mask == nullptr) return AnyIdle();
    for (int i = 0; i < num_idle_words_; ++i) {
      if ((idle_words_[i].load(std::memory_order_relaxed) &
           near->domain_mask[i]) != 0) {
        return true;
      }
    }
    return false;
  }
  // Claims one idle worker and wakes it (no fence; see NotifyWork). With
  // worker domains and a non-null `near`, one of near's domain (work queued
  // on near's deque, which no other domain may steal).
  void WakeOne(const internal::Worker* near = nullptr) noexcept;
  // Claims worker `index` if idle and wakes it (no fence).
  void WakeWorker(int index) noexcept;
  // Wakes every worker (shutdown).
  void WakeAll() noexcept;
  // Fenced: after making work visible, wakes one idle worker if any (of
  // near's domain, as WakeOne).
  void NotifyWork(const internal::Worker* near = nullptr) noexcept;
  // A counted task finished or was discarded.
  void FinishCounted() noexcept;

  const SchedulerOptions options_;
  const std::shared_ptr<const StealStrategy> strategy_;
  // options_.dispatch, or null (read on every pick: kept beside strategy_).
  WorkerDispatch* const dispatch_;
  // dispatch_->wants_task_hooks(), read once.
  const bool dispatch_hooks_;
  // num_workers() == 1 (the run-next slot's fast path).
  const bool single_worker_;
  std::vector<std::unique_ptr<internal::Worker>> workers_;
  internal::InjectionQueue injection_;

  // Sleep protocol (scheduler.cc, "Sleeping"): bit i of the idle set is
  // set while worker i is announced as parking or parked.
  std::unique_ptr<std::atomic<std::uint64_t>[]> idle_words_;
  int num_idle_words_ = 0;
  // Worker domains: num_idle_words_ words per domain, bit i set when worker
  // i is in it (Worker::domain_mask points into it). Empty without domains.
  std::vector<std::uint64_t> domain_masks_;
  // Futex word for threads that are not workers waiting in TaskGroup::Wait.
  alignas(core::kFalseSharingRange) std::atomic<std::uint32_t> group_epoch_{0};

  // Counted tasks (see internal::TaskNode::counted) not yet finished.
  alignas(core::kFalseSharingRange) std::atomic<std::int64_t> pending_{0};
  std::atomic<int> state_{kRunning};
  // Bumped and woken when pending_ reaches 0 during a shutdown.
  std::atomic<std::uint32_t> drained_epoch_{0};
  // Set once the drain is complete: workers exit when they see it.
  std::atomic<bool> stop_{false};
  std::atomic<std::int64_t> cancelled_{0};
  std::atomic<std::int64_t> uncaught_exceptions_{0};
  // Adaptive deque fences (SchedulerOptions::deque_fences): true when the
  // workers' deques started asymmetric under kAuto (set before the threads
  // start, then read-only). fences_downgraded_: false -> true once, when a
  // worker's fenced steal attempts outweighed (by the cost model in steal.cc)
  // what symmetric fences would cost its pops, and it requested them.
  bool adaptive_fences_ = false;
  std::atomic<bool> fences_downgraded_{false};

  // Fibers (tasks with a Parker) parked in TaskGroup::Wait, found by
  // WakeGroupWaiters through their group's address (group_wait.cc).
  sync::Mutex park_mu_;
  internal::GroupParkNode* parked_groups_ ABSL_GUARDED_BY(park_mu_) = nullptr;

  // Attached layers (layer.h), told about Shutdown.
  sync::Mutex layers_mu_;
  std::vector<Layer*> layers_ ABSL_GUARDED_BY(layers_mu_);

  mutable sync::Mutex error_mu_;
  absl::Status last_uncaught_error_ ABSL_GUARDED_BY(error_mu_);

  sync::Mutex shutdown_mu_;
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mu_) = false;
  ShutdownReport report_ ABSL_GUARDED_BY(shutdown_mu_);
};

}  // namespace moirai::sched

#endif  // MOIRAI_SCHED_SCHEDULER_H_
