// Copyright 2026 The Moirai Authors.
//
// Sleeping
// --------
//
// Idle workers park on their own futex word (`Worker::park_word`) and
// advertise themselves in the idle set (`idle_words_`, one bit per worker).
// The protocol is the standard "announce, re-check, sleep" one:
//
//   sleeper (Park)                         waker (NotifyWork)
//   g = park_word (acquire)                make the task visible (push)
//   set my idle bit (seq_cst RMW)          ThreadFence(seq_cst)       [F1]
//   ThreadFence(seq_cst)          [F2]     load idle bits
//   if any queue has work: clear bit, go   claim one: fetch_and clears a bit;
//   FutexWait(park_word, g)                  if it was set, park_word += 1
//   clear my idle bit                        and FutexWake that worker
//
// No lost wake-up: F1 and F2 are ordered in the single total order S of
// seq_cst operations. If F1 precedes F2, the sleeper's re-check (after F2)
// sees the push (before F1) and does not sleep. If F2 precedes F1, the
// waker's load (after F1) sees the idle bit (set before F2) and claims it,
// unless the sleeper already cleared it (it then searches anyway); a claim
// reads the bit written by the sleeper's release RMW, so the sleeper's load
// of g happens before the claimer's increment, and FutexWait(g) either sees
// the new value or is woken by FutexWake. Claiming a bit is exclusive, so
// each notification wakes at most one worker and repeated notifications do
// not turn into a storm of system calls.
//
// TaskGroup::Run on a worker skips F1 (it reads the idle bits relaxed): a
// missed wake-up there only delays parallelism, because the pushing worker
// will run the task itself (it pops its own deque before waiting). External
// submissions (Submit, Spawn, Run off-worker) always fence.
//
// A worker waiting in TaskGroup::Wait parks the same way, with
// `waiting_on_group` set before it sets the group's waiter bit; the task that
// brings the group's count to zero sees the waiter bit and wakes every
// worker with `waiting_on_group` (and the external waiters' futex), without
// touching the group again (it may already be destroyed).
//
// Shutdown
// --------
//
// `pending_` counts every task except TaskGroup tasks forked on a worker by
// a group created on a worker: those are always waited for by a running
// task (their group's creator), which is itself counted or in turn waited
// for, so `pending_ == 0` means no task is queued or running. Submit
// increments `pending_` before it checks `state_`, and Shutdown stores
// `state_` before it reads `pending_` (all seq_cst), so a submission either
// sees the shutdown and backs out, or is counted and waited for.

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

// PickLocal: one pick in this many that finds external work in a lane takes
// it before the own deque's.
constexpr std::uint32_t kInjectionFirstPeriod = 61;

// WorkerMain: one top-level pick in this many takes the oldest local task
// of the most urgent lane (bounds the wait inside a lane; see scheduler.h).
constexpr std::uint32_t kFifoPickPeriod = 64;

// Adaptive deque fences (SchedulerOptions::deque_fences): a worker that
// steals more than kDowngradeStealLimit tasks within kDowngradeWindow tasks it
// executes switches every deque to symmetric fences (1/64: see scheduler.h).
constexpr std::uint64_t kDowngradeWindow = 4096;
constexpr std::uint64_t kDowngradeStealLimit = kDowngradeWindow / 64;

// xorshift64*: a cheap per-worker generator for victim selection.
std::uint64_t NextRandom(Worker* w) noexcept {
  std::uint64_t x = w->rng;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  w->rng = x;
  return x * 0x2545F4914F6CDD1DULL;
}

// Owner-only counters: a plain read-modify-write is enough (one writer);
// relaxed atomics let Stats() read them from other threads.
void Bump(std::atomic<std::uint64_t>& c, std::uint64_t by = 1) noexcept {
  c.store(c.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

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
    : options_(std::move(options)), strategy_(std::move(strategy)) {
  const int n = options_.num_workers;
  num_idle_words_ = (n + 63) / 64;
  idle_words_ = std::make_unique<std::atomic<std::uint64_t>[]>(
      static_cast<std::size_t>(num_idle_words_));
  for (int i = 0; i < num_idle_words_; ++i) {
    idle_words_[i].store(0, std::memory_order_relaxed);
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
    workers_.push_back(std::move(w));
  }
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
  NotifyWork();
  return absl::OkStatus();
}

void Scheduler::EnqueueExternalForGroup(TaskNode* n) {
  n->counted = true;
  pending_.fetch_add(1, std::memory_order_seq_cst);
  if (state_.load(std::memory_order_seq_cst) != kRunning) {
    // Shutting down: the group's waiter still needs the task done, so run
    // (or, when cancelling, discard) it here.
    Execute(nullptr, n);
    return;
  }
  injection_.Push(core::PriorityIndex(n->task.priority()), n);
  NotifyWork();
}

void Scheduler::WorkerMain(Worker* w) {
  internal::tls_current_worker = w;
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
      if (TaskNode* n = PickOldestLocal(w)) {
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

TaskNode* Scheduler::PickOldestLocal(Worker* w) {
  const unsigned avail = w->local_mask | injection_.mask();
  if (avail == 0) return nullptr;
  const int lane = __builtin_ctz(avail);
  if ((w->local_mask & (1u << lane)) == 0) return nullptr;
  // The owner steals from its own deque's old end: a thief's CAS on top,
  // which races only with other thieves (this thread is not popping). Not
  // counted as a steal (nor for the adaptive fences: nothing moved between
  // workers).
  lockfree::StealResult<TaskNode*> r = w->lanes[lane].Steal();
  return r.success() ? r.value : nullptr;
}

TaskNode* Scheduler::PickLocal(Worker* w) {
  const unsigned inj = injection_.mask();
  // Fast path: exactly one lane has work, only in the own deque. The general
  // loop below would pick it too, with nothing passed over (so no aging to
  // record) and no injection queue to give precedence to.
  const unsigned local = w->local_mask;
  if (MOIRAI_LIKELY(inj == 0 && local != 0 && (local & (local - 1)) == 0)) {
    const int lane = __builtin_ctz(local);
    w->passed_over[lane] = 0;
    TaskNode* n;
    if (MOIRAI_LIKELY(w->lanes[lane].Pop(&n))) return n;
    w->local_mask = 0;
    return nullptr;
  }
  return PickLocalSlow(w, inj);
}

ABSL_ATTRIBUTE_NOINLINE TaskNode* Scheduler::PickLocalSlow(Worker* w,
                                                           unsigned inj) {
  unsigned avail = w->local_mask | inj;
  while (avail != 0) {
    // The most urgent available lane, unless aging says a less urgent one
    // has been passed over long enough.
    // A lane is served once it has been passed over aging_limit times by
    // earlier picks; this pick's pass-overs are counted after the choice
    // (counting first would serve a lane that was never passed over when
    // aging_limit is 1, inverting the priorities).
    int lane = __builtin_ctz(avail);
    const auto limit = static_cast<std::uint32_t>(options_.aging_limit);
    for (unsigned m = avail & ~((2u << lane) - 1); m != 0; m &= m - 1) {
      const int j = __builtin_ctz(m);
      if (w->passed_over[j] >= limit) {
        lane = j;
        break;
      }
    }
    for (unsigned m = avail & ~((2u << lane) - 1); m != 0; m &= m - 1) {
      ++w->passed_over[__builtin_ctz(m)];
    }
    w->passed_over[lane] = 0;
    const unsigned bit = 1u << lane;
    TaskNode* n = nullptr;
    // Every kInjectionFirstPeriod-th pick that sees external work the
    // injection queue goes before the local deque of the same lane, so
    // external submissions are not starved by local forks.
    bool injection_first = false;
    if ((inj & bit) != 0) {
      if (w->picks_until_injection_first == 0) {
        w->picks_until_injection_first = kInjectionFirstPeriod;
        injection_first = true;
      }
      --w->picks_until_injection_first;
    }
    if (injection_first) n = injection_.Pop(lane);
    if (n == nullptr && (w->local_mask & bit) != 0) {
      if (!w->lanes[lane].Pop(&n)) {
        n = nullptr;
        w->local_mask &= ~bit;
      }
    }
    if (n == nullptr && (inj & bit) != 0) {
      n = injection_.Pop(lane);
      // More external work queued: get another worker going on it.
      if (n != nullptr && injection_.mask() != 0 && AnyIdle()) NotifyWork();
    }
    if (n != nullptr) return n;
    avail &= ~bit;
  }
  return nullptr;
}

TaskNode* Scheduler::StealWork(Worker* w, bool* saw_retry) {
  const int nw = num_workers();
  if (nw <= 1) return nullptr;
  w->victims.clear();
  strategy_->Victims(w->index, nw, NextRandom(w), &w->victims);
  const bool half = strategy_->steal_half();
  for (int v : w->victims) {
    if (v == w->index || v < 0 || v >= nw) continue;
    Worker* victim = workers_[static_cast<std::size_t>(v)].get();
    for (int lane = 0; lane < core::kNumPriorities; ++lane) {
      lockfree::WorkStealingDeque<TaskNode*>& dq = victim->lanes[lane];
      if (dq.EmptyApprox()) continue;
      TaskNode* got = nullptr;
      if (half) {
        std::size_t count = 0;
        const lockfree::StealStatus s =
            dq.StealHalf(w->batch, std::size(w->batch), &count);
        if (s == lockfree::StealStatus::kRetry) *saw_retry = true;
        if (count == 0) continue;
        // Keep the rest (oldest first stays oldest for our thieves).
        for (std::size_t i = 1; i < count; ++i)
          w->lanes[lane].Push(w->batch[i]);
        if (count > 1) w->local_mask |= 1u << lane;
        Bump(w->stolen, count);
        NoteSteals(w, count);
        got = w->batch[0];
      } else {
        lockfree::StealResult<TaskNode*> r = dq.Steal();
        if (r.retry()) *saw_retry = true;
        if (!r.success()) continue;
        Bump(w->stolen);
        NoteSteals(w, 1);
        got = r.value;
      }
      // The victim has more: wake a helper (parallelism spreads this way).
      if (!dq.EmptyApprox() && AnyIdle()) NotifyWork();
      return got;
    }
  }
  return nullptr;
}

void Scheduler::NoteSteals(Worker* w, std::uint64_t count) noexcept {
  // Relaxed: a one-way hint; requesting twice is harmless (the deque's CAS
  // fails), and the deques' own mode words order the switch.
  if (!adaptive_fences_ || fences_downgraded_.load(std::memory_order_relaxed)) {
    return;
  }
  // The window is counted in this worker's executed tasks (its own counter:
  // the relaxed load reads its own last store). No cost on the execute
  // path: the window is only looked at here, on a steal.
  const std::uint64_t executed = w->executed.load(std::memory_order_relaxed);
  if (executed - w->steal_window_start >= kDowngradeWindow) {
    w->steal_window_start = executed;
    w->steal_window_steals = 0;
  }
  w->steal_window_steals += count;
  if (w->steal_window_steals <= kDowngradeStealLimit) return;
  // Relaxed: the flag only makes the request happen once; each deque's
  // mode word carries the ordering (see work_stealing_deque.h).
  if (fences_downgraded_.exchange(true, std::memory_order_relaxed)) return;
  for (const auto& worker : workers_) {
    for (auto& lane : worker->lanes) lane.RequestSymmetricFences();
  }
}

TaskNode* Scheduler::FindWork(Worker* w) {
  if (TaskNode* n = PickLocal(w)) return n;
  for (int attempt = 0; attempt < 4; ++attempt) {
    bool saw_retry = false;
    if (TaskNode* n = StealWork(w, &saw_retry)) return n;
    if (!saw_retry) break;
  }
  return nullptr;
}

void Scheduler::Execute(Worker* w, TaskNode* n, TaskGroup* home_wait) {
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
    // Destroy captures now, before the group or the drain is told.
    n->task.Reset();
    if (w != nullptr) Bump(w->executed);
  }
  FreeNode(w, n);
  if (g != nullptr) {
    if (local_done) {
      g->LocalTaskDone();
    } else {
      g->TaskDone();  // may be the last access to *g
    }
  }
  if (counted) FinishCounted();
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

bool Scheduler::MayHaveWork() const noexcept {
  if (injection_.mask() != 0) return true;
  for (const auto& w : workers_) {
    for (const auto& lane : w->lanes) {
      if (!lane.EmptyApprox()) return true;
    }
    // A waiting run-next item keeps idle workers up until one takes it
    // (see OfferNext in layer.cc; relaxed after Park's F2 fence).
    if (w->run_next.load(std::memory_order_relaxed) != nullptr) return true;
  }
  return false;
}

void Scheduler::Park(Worker* w, const TaskGroup* g) {
  const std::size_t word = static_cast<std::size_t>(w->index / 64);
  const std::uint64_t bit = std::uint64_t{1} << (w->index % 64);
  // Acquire: pairs with the release increment by a waker, so a wake-up
  // that happened before is not mistaken for a future one.
  const std::uint32_t gen = w->park_word.load(std::memory_order_acquire);
  // Announce (seq_cst RMW, release for the claimer; see "Sleeping").
  idle_words_[word].fetch_or(bit, std::memory_order_seq_cst);
  core::ThreadFence(std::memory_order_seq_cst);  // F2
  const bool must_stay_awake = MayHaveWork() ||
                               stop_.load(std::memory_order_acquire) ||
                               (g != nullptr && g->Done());
  if (!must_stay_awake) {
    w->parked.store(true, std::memory_order_relaxed);
    const core::MonoTime start = core::MonoTime::Now();
    core::internal::FutexWait(&w->park_word, gen);
    w->parked_ns.store(
        w->parked_ns.load(std::memory_order_relaxed) +
            absl::ToInt64Nanoseconds(core::MonoTime::Now() - start),
        std::memory_order_relaxed);
    Bump(w->parks);
    w->parked.store(false, std::memory_order_relaxed);
  }
  // Leave the idle set (a no-op if a waker claimed us already).
  idle_words_[word].fetch_and(~bit, std::memory_order_acq_rel);
}

void Scheduler::WakeOne() noexcept {
  for (int i = 0; i < num_idle_words_; ++i) {
    std::uint64_t m = idle_words_[i].load(std::memory_order_relaxed);
    while (m != 0) {
      const std::uint64_t bit = m & (~m + 1);
      // Claim: only the thread that clears the bit wakes that worker.
      // Acquire pairs with the sleeper's release fetch_or (its load of
      // park_word happens before our increment).
      const std::uint64_t old =
          idle_words_[i].fetch_and(~bit, std::memory_order_acq_rel);
      if ((old & bit) != 0) {
        Worker* target =
            workers_[static_cast<std::size_t>(i * 64 + __builtin_ctzll(bit))]
                .get();
        // Release pairs with the acquire load of park_word in Park.
        target->park_word.fetch_add(1, std::memory_order_release);
        FutexWake(&target->park_word, 1);
        return;
      }
      m = old & ~bit;
    }
  }
}

void Scheduler::NotifyWork() noexcept {
  core::ThreadFence(std::memory_order_seq_cst);  // F1 (see "Sleeping")
  WakeOne();
}

void Scheduler::WakeAll() noexcept {
  core::ThreadFence(std::memory_order_seq_cst);
  for (auto& w : workers_) {
    w->park_word.fetch_add(1, std::memory_order_release);
    FutexWake(&w->park_word, 1);
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
