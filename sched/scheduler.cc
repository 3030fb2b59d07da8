// Copyright 2026 The Moirai Authors.
//
// sched/scheduler.cc: the scheduler's lifecycle -- creation, submission,
// the worker loop, running a task, shutdown, statistics. Parking and waking
// are in sleep.cc, picking and aging in pick.cc, stealing and the adaptive
// fence policy in steal.cc, TaskGroup waiting in group_wait.cc, the layer
// seam in layer.cc.
//
// Shutdown
// --------
//
// `pending_` counts every task except TaskGroup tasks forked on a worker by
// a group created on a worker: those are always waited for by a running
// task (their group's creator), which is itself counted or in turn waited
// for -- plus one for every hold a layered runtime keeps (layer.h: a live
// fiber, parked or not, whose continuations are not counted themselves) --
// so `pending_ == 0` means no task is queued or running and no held work
// can submit one. Submit and AcquireHold increment `pending_` before they
// check `state_`, and Shutdown stores `state_` before it reads `pending_`
// (all seq_cst), so a submission either sees the shutdown and backs out, or
// is counted and waited for.

#include "moirai/sched/scheduler.h"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "moirai/core/cancellation.h"
#include "moirai/core/internal/check.h"
#include "moirai/core/internal/futex.h"
#include "moirai/core/task_context.h"
#include "moirai/sched/internal/affinity.h"
#include "moirai/sched/task_group.h"

namespace moirai::sched {

namespace internal {
namespace {
thread_local Worker* tls_current_worker = nullptr;
}  // namespace

Worker* CurrentWorker() noexcept { return tls_current_worker; }
}  // namespace internal

using core::internal::FutexWait;
using core::internal::FutexWake;
using core::internal::FutexWakeAll;
using internal::TaskNode;
using internal::Worker;

namespace {

constexpr int kMaxWorkers = 1024;

// WorkerMain: one top-level pick in this many takes the oldest local task
// of the most urgent lane (bounds the wait inside a lane; see scheduler.h).
constexpr std::uint32_t kFifoPickPeriod = 64;

}  // namespace

absl::StatusOr<std::unique_ptr<Scheduler>> Scheduler::Create(
    SchedulerOptions options) {
  if (options.num_workers < 0 || options.num_workers > kMaxWorkers) {
    return absl::InvalidArgumentError(
        absl::StrCat("SchedulerOptions::num_workers must be in [0, ",
                     kMaxWorkers, "], got ", options.num_workers));
  }
  if (options.num_workers == 0) {
    options.num_workers =
        std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    options.num_workers = std::min(options.num_workers, kMaxWorkers);
  }
  if (options.spin_rounds < 0) {
    return absl::InvalidArgumentError(
        "SchedulerOptions::spin_rounds must be >= 0");
  }
  if (options.aging_limit < 1) {
    return absl::InvalidArgumentError(
        "SchedulerOptions::aging_limit must be >= 1");
  }
  if (!options.worker_domains.empty()) {
    if (options.worker_domains.size() !=
        static_cast<std::size_t>(options.num_workers)) {
      return absl::InvalidArgumentError(
          absl::StrCat("SchedulerOptions::worker_domains has ",
                       options.worker_domains.size(), " entries for ",
                       options.num_workers, " workers"));
    }
    for (std::size_t i = 0; i < options.worker_domains.size(); ++i) {
      const int d = options.worker_domains[i];
      if (d < 0 || d >= options.num_workers) {
        return absl::InvalidArgumentError(absl::StrCat(
            "SchedulerOptions::worker_domains[", i, "] must be in [0, ",
            options.num_workers, "), got ", d));
      }
    }
  }
  std::shared_ptr<const StealStrategy> strategy = options.steal_strategy;
  if (strategy == nullptr) {
    switch (options.steal_policy) {
      case StealPolicy::kRandomVictim:
        strategy = MakeRandomVictimStrategy();
        break;
      case StealPolicy::kStealHalf:
        strategy = MakeStealHalfStrategy();
        break;
      case StealPolicy::kLocalityAware: {
        std::vector<WorkerPlace> places = options.worker_places;
        if (places.empty()) {
          places.assign(static_cast<std::size_t>(options.num_workers),
                        WorkerPlace{});
        }
        if (places.size() != static_cast<std::size_t>(options.num_workers)) {
          return absl::InvalidArgumentError(absl::StrCat(
              "SchedulerOptions::worker_places has ", places.size(),
              " entries for ", options.num_workers, " workers"));
        }
        absl::StatusOr<std::unique_ptr<StealStrategy>> s =
            MakeLocalityAwareStrategy(std::move(places), options.node_distance);
        if (!s.ok()) return s.status();
        strategy = std::move(*s);
        break;
      }
      default:
        return absl::InvalidArgumentError(
            "unknown SchedulerOptions::steal_policy");
    }
  }
  return std::unique_ptr<Scheduler>(
      new Scheduler(std::move(options), std::move(strategy)));
}

Scheduler::Scheduler(SchedulerOptions options,
                     std::shared_ptr<const StealStrategy> strategy)
    : options_(std::move(options)),
      strategy_(std::move(strategy)),
      dispatch_(options_.dispatch.get()),
      dispatch_hooks_(dispatch_ != nullptr && dispatch_->wants_task_hooks()),
      single_worker_(options_.num_workers == 1) {
  const int n = options_.num_workers;
  num_idle_words_ = (n + 63) / 64;
  idle_words_ = std::make_unique<std::atomic<std::uint64_t>[]>(
      static_cast<std::size_t>(num_idle_words_));
  for (int i = 0; i < num_idle_words_; ++i) {
    idle_words_[i].store(0, std::memory_order_relaxed);
  }
  if (!options_.worker_domains.empty()) {
    domain_masks_.assign(static_cast<std::size_t>(n * num_idle_words_), 0);
    for (int i = 0; i < n; ++i) {
      const int d = options_.worker_domains[static_cast<std::size_t>(i)];
      domain_masks_[static_cast<std::size_t>(d * num_idle_words_ + i / 64)] |=
          std::uint64_t{1} << (i % 64);
    }
  }
  workers_.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    auto w = std::make_unique<Worker>(options_.deque_fences);
    w->scheduler = this;
    w->index = i;
    // Any non-zero seed works for xorshift; mix in the address so two
    // schedulers do not pick identical victim sequences.
    w->rng = (static_cast<std::uint64_t>(i) + 1) * 0x9E3779B97F4A7C15ULL ^
             reinterpret_cast<std::uintptr_t>(this);
    if (w->rng == 0) w->rng = 1;
    w->victims.reserve(static_cast<std::size_t>(n));
    // The first FIFO pick comes after a full period, like every later one.
    w->picks_until_fifo = kFifoPickPeriod - 1;
    if (!domain_masks_.empty()) {
      w->domain = options_.worker_domains[static_cast<std::size_t>(i)];
      w->domain_mask =
          &domain_masks_[static_cast<std::size_t>(w->domain * num_idle_words_)];
    }
    workers_.push_back(std::move(w));
  }
  if (dispatch_ != nullptr) dispatch_->Bind(DispatchHandle(this));
  // The adaptive fence policy runs only where the deques start asymmetric
  // (kAuto with membarrier; all deques share the process-wide answer).
  adaptive_fences_ = options_.deque_fences == lockfree::DequeFences::kAuto &&
                     n > 1 && workers_[0]->lanes[0].uses_asymmetric_fences();
  // Threads start after every Worker exists (they steal from each other).
  for (auto& w : workers_) {
    Worker* raw = w.get();
    raw->thread = std::thread([this, raw] { WorkerMain(raw); });
  }
}

Scheduler::~Scheduler() { Shutdown(ShutdownMode::kDrain); }

Scheduler* Scheduler::Current() noexcept {
  Worker* w = internal::CurrentWorker();
  return w == nullptr ? nullptr : w->scheduler;
}

int Scheduler::CurrentWorkerIndex() noexcept {
  Worker* w = internal::CurrentWorker();
  return w == nullptr ? -1 : w->index;
}

absl::Status Scheduler::Submit(core::Task task) {
  if (!task) {
    return absl::InvalidArgumentError("Scheduler::Submit: empty task");
  }
  Worker* w = OwnWorker();
  // Count first, then check the state (see "Shutdown" at the top).
  pending_.fetch_add(1, std::memory_order_seq_cst);
  if (state_.load(std::memory_order_seq_cst) != kRunning && w == nullptr) {
    FinishCounted();
    return absl::FailedPreconditionError(
        "Scheduler::Submit: the scheduler is shutting down");
  }
  TaskNode* n = AllocNode(w);
  n->task = std::move(task);
  n->counted = true;
  const int lane = core::PriorityIndex(n->task.priority());
  if (w != nullptr) {
    w->lanes[lane].Push(n);
    w->local_mask |= 1u << lane;
  } else {
    injection_.Push(lane, n);
  }
  NotifyWork(w);
  return absl::OkStatus();
}

void Scheduler::EnqueueExternalForGroup(TaskNode* n) {
  n->counted = true;
  pending_.fetch_add(1, std::memory_order_seq_cst);
  if (state_.load(std::memory_order_seq_cst) != kRunning) {
    // Shutting down: the group's waiter still needs the task done, so run
    // (or, when cancelling, discard) it here.
    ExecuteOffWorker(n);
    return;
  }
  injection_.Push(core::PriorityIndex(n->task.priority()), n);
  NotifyWork();
}

void Scheduler::WorkerMain(Worker* w) {
  internal::tls_current_worker = w;
  {
    // The thread's own stack (see Worker::stack_lo). On failure the bounds
    // stay empty and every caller takes the general path.
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      void* addr = nullptr;
      std::size_t size = 0;
      if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
        w->stack_lo = reinterpret_cast<std::uintptr_t>(addr);
        w->stack_hi = w->stack_lo + size;
      }
      pthread_attr_destroy(&attr);
    }
  }
  if (options_.pin_workers) {
    const int cpu = internal::WorkerCpu(internal::AllowedCpus(), w->index);
    if (cpu >= 0) {
      cpu_set_t one;
      CPU_ZERO(&one);
      CPU_SET(cpu, &one);
      // Best effort: a failure leaves the thread unpinned.
      (void)pthread_setaffinity_np(pthread_self(), sizeof(one), &one);
    }
  }
  const int spin_rounds = options_.idle_policy == IdlePolicy::kSpinThenPark
                              ? options_.spin_rounds
                              : 0;
  int idle_rounds = 0;
  for (;;) {
    // Every kFifoPickPeriod-th top-level pick takes the oldest task of the
    // most urgent local lane (see PickOldestLocal). Only here, outside any
    // TaskGroup::Wait: a waiting task keeps popping its own newest children
    // (depth-first), and a task taken from the old end at the top level adds
    // no depth to the worker's stack.
    if (MOIRAI_UNLIKELY(w->picks_until_fifo-- == 0)) {
      w->picks_until_fifo = kFifoPickPeriod - 1;
      // Dispatched work still goes first (see dispatch.h).
      TaskNode* n = dispatch_ != nullptr ? PickDispatched(w) : nullptr;
      if (n == nullptr) n = PickOldestLocal(w);
      if (n != nullptr) {
        Execute(w, n);
        idle_rounds = 0;
        continue;
      }
    }
    if (TaskNode* n = FindWork(w)) {
      Execute(w, n);
      idle_rounds = 0;
      continue;
    }
    // Acquire pairs with the release store in Shutdown: the drain is done.
    if (stop_.load(std::memory_order_acquire)) break;
    if (idle_rounds < spin_rounds) {
      ++idle_rounds;
      internal::Spin(32);
      // On an oversubscribed machine let whoever has work run.
      if ((idle_rounds & 7) == 0) std::this_thread::yield();
      continue;
    }
    idle_rounds = 0;
    // About to park: first take a run-next item that waited out a whole
    // spin phase in a busy worker's slot (see layer.h).
    if (StealRunNext(w)) continue;
    Park(w, nullptr);
  }
  internal::tls_current_worker = nullptr;
}

template <bool kOnWorker>
ABSL_ATTRIBUTE_ALWAYS_INLINE inline void Scheduler::ExecuteImpl(
    Worker* w, TaskNode* n, TaskGroup* home_wait) {
  TaskGroup* const g = n->group;
  const bool counted = n->counted;
  // A home fork finished by its own group's Wait on the home worker: the
  // group's local_ count, no atomic (see "Join counting" in task_group.h).
  const bool local_done = g != nullptr && g == home_wait && n->local;
  // Relaxed: cancellation is a hint to skip work; the shutdown's completion
  // is ordered by pending_.
  // Continuations of held work (n->must_run) run even when cancelling: the
  // hold, which the shutdown waits for, can only end by running them.
  const bool discard =
      (state_.load(std::memory_order_relaxed) == kCancelling && !n->must_run) ||
      (g != nullptr && g->IsCancelled());
  if (MOIRAI_UNLIKELY(discard)) {
    // Destroying the callable breaks a Spawn promise: its future gets
    // kCancelled.
    n->task.Reset();
    cancelled_.fetch_add(1, std::memory_order_relaxed);
    // The group's Wait reports kCancelled (ordered by TaskDone's release, or
    // by program order for a local completion).
    if (g != nullptr) g->cancelled_.store(true, std::memory_order_relaxed);
  } else {
    // Built with setters: a token is only copied in when the group has one
    // (the constructor takes it by value, which costs a second token).
    core::TaskContext ctx;
    ctx.set_id(n->task.id());
    ctx.set_priority(n->task.priority());
    ctx.set_metadata(n->task.metadata());
    if (g != nullptr && g->HasToken()) ctx.set_cancellation(g->ContextToken());
    // For TaskGroup::Run's inherited priority (see Worker).
    core::Priority saved_priority = core::Priority::kNormal;
    if constexpr (kOnWorker) {
      saved_priority = w->running_priority;
      w->running_priority = n->task.priority();
      if (MOIRAI_UNLIKELY(dispatch_hooks_)) dispatch_->OnTaskStart(w->index);
    }
    {
      core::TaskContext::Scope scope(&ctx);
      try {
        n->task();
      } catch (...) {
        if (g != nullptr) {
          g->CaptureException(std::current_exception());
        } else {
          RecordUncaught(std::current_exception());
        }
      }
    }
    if constexpr (kOnWorker) {
      if (MOIRAI_UNLIKELY(dispatch_hooks_)) dispatch_->OnTaskEnd(w->index);
      w->running_priority = saved_priority;
    }
    // Destroy captures now, before the group or the drain is told.
    n->task.Reset();
    if constexpr (kOnWorker) internal::Bump(w->executed);
  }
  FreeNode(kOnWorker ? w : nullptr, n);
  if (g != nullptr) {
    if (local_done) {
      g->LocalTaskDone();
    } else {
      g->TaskDone();  // may be the last access to *g
    }
  }
  if (counted) FinishCounted();
}

void Scheduler::Execute(Worker* w, TaskNode* n, TaskGroup* home_wait) {
  ExecuteImpl</*kOnWorker=*/true>(w, n, home_wait);
}

void Scheduler::ExecuteOffWorker(TaskNode* n) {
  ExecuteImpl</*kOnWorker=*/false>(nullptr, n, nullptr);
}

void Scheduler::RecordUncaught(std::exception_ptr e) {
  uncaught_exceptions_.fetch_add(1, std::memory_order_relaxed);
  absl::Status s = core::internal::ExceptionToStatus(std::move(e));
  sync::MutexLock lock(&error_mu_);
  last_uncaught_error_ = std::move(s);
}

absl::Status Scheduler::last_uncaught_error() const {
  sync::MutexLock lock(&error_mu_);
  return last_uncaught_error_;
}

void Scheduler::FinishCounted() noexcept {
  // seq_cst with the state_ store in Shutdown (see "Shutdown" at the top).
  if (pending_.fetch_sub(1, std::memory_order_seq_cst) == 1 &&
      state_.load(std::memory_order_seq_cst) != kRunning) {
    // Release pairs with the acquire load in Shutdown's wait loop.
    drained_epoch_.fetch_add(1, std::memory_order_release);
    FutexWakeAll(&drained_epoch_);
  }
}

ShutdownReport Scheduler::Shutdown(ShutdownMode mode) {
  MOIRAI_INTERNAL_CHECK(OwnWorker() == nullptr,
                        "Scheduler::Shutdown (or the destructor) called from "
                        "one of the scheduler's own workers");
  sync::MutexLock lock(&shutdown_mu_);
  if (shut_down_) return report_;
  const std::int64_t cancelled_before =
      cancelled_.load(std::memory_order_relaxed);
  // seq_cst: see "Shutdown" at the top.
  state_.store(mode == ShutdownMode::kDrain ? kDraining : kCancelling,
               std::memory_order_seq_cst);
  // Layers cancel (or keep) their held work before the wait below, which
  // counts their holds (see layer.h).
  NotifyLayers(mode);
  if (dispatch_ != nullptr) dispatch_->OnShutdown(mode);
  // Cancelling: get every worker up to discard its queue.
  if (mode == ShutdownMode::kCancelPending) WakeAll();
  for (;;) {
    const std::uint32_t e = drained_epoch_.load(std::memory_order_acquire);
    if (pending_.load(std::memory_order_seq_cst) == 0) break;
    FutexWait(&drained_epoch_, e);
  }
  // Release pairs with the acquire loads in WorkerMain and Park.
  stop_.store(true, std::memory_order_release);
  WakeAll();
  for (auto& w : workers_) {
    if (w->thread.joinable()) w->thread.join();
  }
  // Nothing should be left (see "Shutdown"); discard defensively so that no
  // node leaks, counting what is dropped.
  for (auto& w : workers_) {
    for (auto& lane : w->lanes) {
      TaskNode* n;
      while (lane.Pop(&n)) {
        n->task.Reset();
        cancelled_.fetch_add(1, std::memory_order_relaxed);
        TaskGroup* g = n->group;
        delete n;
        if (g != nullptr) {
          g->cancelled_.store(true, std::memory_order_relaxed);
          g->TaskDone();
        }
      }
    }
    while (w->free_nodes != nullptr) {
      TaskNode* n = w->free_nodes;
      w->free_nodes = n->next;
      delete n;
    }
    w->free_count = 0;
  }
  for (int lane = 0; lane < core::kNumPriorities; ++lane) {
    while (TaskNode* n = injection_.Pop(lane)) {
      n->task.Reset();
      cancelled_.fetch_add(1, std::memory_order_relaxed);
      TaskGroup* g = n->group;
      delete n;
      if (g != nullptr) {
        g->cancelled_.store(true, std::memory_order_relaxed);
        g->TaskDone();
      }
    }
  }
  shut_down_ = true;
  report_.mode = mode;
  report_.cancelled =
      cancelled_.load(std::memory_order_relaxed) - cancelled_before;
  return report_;
}

SchedulerStats Scheduler::Stats() const {
  SchedulerStats s;
  s.workers.reserve(workers_.size());
  for (const auto& w : workers_) {
    WorkerStats ws;
    ws.executed = w->executed.load(std::memory_order_relaxed);
    ws.stolen = w->stolen.load(std::memory_order_relaxed);
    ws.parks = w->parks.load(std::memory_order_relaxed);
    ws.parked_time =
        absl::Nanoseconds(w->parked_ns.load(std::memory_order_relaxed));
    for (const auto& lane : w->lanes) {
      ws.queue_length += static_cast<std::int64_t>(lane.SizeApprox());
    }
    ws.parked = w->parked.load(std::memory_order_relaxed);
    s.workers.push_back(ws);
  }
  s.injection_queue_length = injection_.Size();
  s.pending = pending_.load(std::memory_order_relaxed);
  s.cancelled = cancelled_.load(std::memory_order_relaxed);
  s.uncaught_exceptions = uncaught_exceptions_.load(std::memory_order_relaxed);
  // Relaxed: a statistic.
  s.deque_fences_downgraded =
      fences_downgraded_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace moirai::sched
