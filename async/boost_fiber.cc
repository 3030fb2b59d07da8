// Copyright 2026 The Moirai Authors.
//
// async/boost_fiber.cc
// -----------------------------------------------------------------------------
//
// Locking: one std::mutex per pool guards the shared per-priority queues,
// every instance's pinned-context queues, the idle list and the wake flags.
// A lock (not a lock-free queue) because Boost's ready hook is a plain
// intrusive list node: re-queueing on a priority change must test
// `ready_is_linked()` and unlink atomically with every other queue
// operation, which one mutex gives directly. Each critical section is a few
// pointer writes; Boost.Fiber itself takes spinlocks on every switch, and
// only the pool's threads (a handful) contend. std::mutex rather than
// absl::Mutex: Debian's absl::Mutex is invisible to ThreadSanitizer.

#include "moirai/async/boost_fiber.h"

#include <algorithm>
#include <boost/fiber/algo/round_robin.hpp>
#include <boost/fiber/operations.hpp>
#include <boost/fiber/type.hpp>
#include <mutex>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "moirai/core/internal/check.h"
#include "moirai/core/task.h"

namespace moirai::async {

using boost::fibers::context;
using ReadyQueue = boost::fibers::scheduler::ready_queue_type;

namespace internal {

// QueueMutex: std::mutex with thread-safety annotations and the lowercase
// BasicLockable names std::condition_variable_any needs.
class ABSL_LOCKABLE QueueMutex {
 public:
  void lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mu_.lock(); }
  void unlock() ABSL_UNLOCK_FUNCTION() { mu_.unlock(); }

 private:
  std::mutex mu_;
};

// QueueLock: scoped QueueMutex lock the analysis understands.
class ABSL_SCOPED_LOCKABLE QueueLock {
 public:
  explicit QueueLock(QueueMutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu)
      : mu_(mu) {
    mu_->lock();
  }
  ~QueueLock() ABSL_UNLOCK_FUNCTION() { mu_->unlock(); }
  QueueLock(const QueueLock&) = delete;
  QueueLock& operator=(const QueueLock&) = delete;

 private:
  QueueMutex* const mu_;
};

class SharedReadyQueues {
 public:
  QueueMutex mu;
  // Ready, unattached (migratable) fibers; index = core::PriorityIndex.
  ReadyQueue queues[core::kNumPriorities] ABSL_GUARDED_BY(mu);
  // kWorker instances sleeping in suspend_until() with notified_ false.
  std::vector<MoiraiFiberAlgorithm*> idle ABSL_GUARDED_BY(mu);

  bool AnyQueued() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    for (const ReadyQueue& q : queues) {
      if (!q.empty()) return true;
    }
    return false;
  }

  // Wakes one idle worker, if any (under `mu`, so the woken instance cannot
  // leave and be destroyed before notify_one returns).
  void WakeOneIdle() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    if (idle.empty()) return;
    MoiraiFiberAlgorithm* a = idle.back();
    idle.pop_back();
    a->notified_ = true;
    a->wake_.notify_one();
  }

  void RemoveIdle(MoiraiFiberAlgorithm* a) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    idle.erase(std::remove(idle.begin(), idle.end(), a), idle.end());
  }
};

}  // namespace internal

namespace {

bool IsPinned(context* ctx) noexcept {
  return ctx->is_context(boost::fibers::type::pinned_context);
}

}  // namespace

void MoiraiFiberProps::set_priority(core::Priority p) noexcept {
  MOIRAI_INTERNAL_CHECK(core::PriorityIndex(p) >= 0 &&
                            core::PriorityIndex(p) < core::kNumPriorities,
                        "MoiraiFiberProps::set_priority: invalid priority");
  // Relaxed: the queue choice reads it under the queues' mutex, and
  // notify() -> property_change() takes that mutex after this store, so a
  // concurrent awakened() either sees the new value or queued the fiber
  // before property_change() moves it.
  if (priority_.exchange(p, std::memory_order_relaxed) != p) notify();
}

MoiraiFiberAlgorithm::MoiraiFiberAlgorithm(
    std::shared_ptr<internal::SharedReadyQueues> queues, Role role)
    : queues_(std::move(queues)), role_(role) {}

MoiraiFiberAlgorithm::~MoiraiFiberAlgorithm() {
  internal::QueueLock l(&queues_->mu);
  queues_->RemoveIdle(this);  // not expected; keeps the idle list valid
}

void MoiraiFiberAlgorithm::awakened(context* ctx,
                                    MoiraiFiberProps& props) noexcept {
  if (IsPinned(ctx)) {
    internal::QueueLock l(&queues_->mu);
    ctx->ready_link(local_[core::PriorityIndex(props.priority())]);
    return;
  }
  // Unhook it from this thread's scheduler (we run on its owner thread:
  // Boost calls awakened() there), so any pool worker may attach it.
  ctx->detach();
  internal::QueueLock l(&queues_->mu);
  ctx->ready_link(queues_->queues[core::PriorityIndex(props.priority())]);
  queues_->WakeOneIdle();
}

context* MoiraiFiberAlgorithm::pick_next() noexcept {
  context* next = nullptr;
  {
    internal::QueueLock l(&queues_->mu);
    const bool take_shared = role_ == Role::kWorker && !leaving_;
    for (int p = 0; p < core::kNumPriorities; ++p) {
      if (!local_[p].empty()) {
        next = &local_[p].front();
        local_[p].pop_front();
        return next;  // pinned: already attached to this thread
      }
      if (take_shared && !queues_->queues[p].empty()) {
        next = &queues_->queues[p].front();
        queues_->queues[p].pop_front();
        break;
      }
    }
  }
  if (next != nullptr) context::active()->attach(next);
  return next;
}

bool MoiraiFiberAlgorithm::has_ready_fibers() const noexcept {
  internal::QueueLock l(&queues_->mu);
  for (const ReadyQueue& q : local_) {
    if (!q.empty()) return true;
  }
  return role_ == Role::kWorker && !leaving_ && queues_->AnyQueued();
}

void MoiraiFiberAlgorithm::suspend_until(
    std::chrono::steady_clock::time_point const& time_point) noexcept {
  internal::QueueLock l(&queues_->mu);
  if (!notified_ &&
      !(role_ == Role::kWorker && !leaving_ && queues_->AnyQueued())) {
    if (role_ == Role::kWorker && !leaving_) queues_->idle.push_back(this);
    if (time_point == std::chrono::steady_clock::time_point::max()) {
      wake_.wait(queues_->mu, [this] { return notified_; });
    } else {
      wake_.wait_until(queues_->mu, time_point, [this] { return notified_; });
    }
    if (!notified_) queues_->RemoveIdle(this);  // timed out
  }
  notified_ = false;
}

void MoiraiFiberAlgorithm::notify() noexcept {
  internal::QueueLock l(&queues_->mu);
  if (!notified_) {
    notified_ = true;
    queues_->RemoveIdle(this);
  }
  wake_.notify_one();  // under the lock: see WakeOneIdle()
}

void MoiraiFiberAlgorithm::property_change(context* ctx,
                                           MoiraiFiberProps& props) noexcept {
  internal::QueueLock l(&queues_->mu);
  // Queued contexts are linked only under this mutex, so the test is exact.
  if (!ctx->ready_is_linked()) return;  // running or blocked: nothing to move
  ctx->ready_unlink();
  const int p = core::PriorityIndex(props.priority());
  if (IsPinned(ctx)) {
    ctx->ready_link(local_[p]);  // pinned contexts only use their owner's
  } else {
    ctx->ready_link(queues_->queues[p]);
  }
}

void MoiraiFiberAlgorithm::Leave() noexcept {
  internal::QueueLock l(&queues_->mu);
  leaving_ = true;
  queues_->RemoveIdle(this);
}

// --------------------------------------------------------------------------
// BoostFiberPool

BoostFiberPool::BoostFiberPool(
    std::shared_ptr<internal::SharedReadyQueues> queues, int threads)
    : queues_(std::move(queues)), threads_(threads) {}

absl::StatusOr<std::unique_ptr<BoostFiberPool>> BoostFiberPool::Create(
    sched::Scheduler& scheduler, int threads) {
  if (threads < 1 || threads > scheduler.num_workers()) {
    return absl::InvalidArgumentError(
        absl::StrCat("BoostFiberPool::Create: threads must be in [1, ",
                     scheduler.num_workers(), "], got ", threads));
  }
  std::unique_ptr<BoostFiberPool> pool(new BoostFiberPool(
      std::make_shared<internal::SharedReadyQueues>(), threads));
  for (int i = 0; i < threads; ++i) {
    BoostFiberPool* p = pool.get();
    absl::Status s = scheduler.Submit(core::Task([p] { p->WorkerLoop(); }));
    if (!s.ok()) {
      {
        core::internal::AnnotatedMutexLock l(&pool->exit_mu_);
        pool->exited_ += threads - i;  // these never start
      }
      return s;  // ~BoostFiberPool stops and waits for the started ones
    }
  }
  return pool;
}

void BoostFiberPool::WorkerLoop() {
  // Installed directly (not use_scheduling_algorithm) to keep a pointer for
  // Leave(); this thread's Boost scheduler owns it from here on.
  auto* algorithm =
      new MoiraiFiberAlgorithm(queues_, MoiraiFiberAlgorithm::Role::kWorker);
  context::active()->get_scheduler()->set_algo(algorithm);
  {
    // While this (pinned) main context waits, the thread's dispatcher runs
    // pool fibers.
    std::unique_lock<boost::fibers::mutex> lock(stop_mu_);
    stop_cv_.wait(lock, [this] { return stop_; });
  }
  // Stop taking shared fibers, then hand the thread back to Boost's default
  // algorithm (set_algo moves only our pinned contexts across).
  algorithm->Leave();
  boost::fibers::use_scheduling_algorithm<boost::fibers::algo::round_robin>();
  core::internal::AnnotatedMutexLock l(&exit_mu_);
  ++exited_;
  exit_cv_.SignalAll();  // under the lock: the pool may die right after
}

BoostFiberPool::~BoostFiberPool() {
  {
    std::unique_lock<boost::fibers::mutex> lock(stop_mu_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  {
    core::internal::AnnotatedMutexLock l(&exit_mu_);
    while (exited_ < threads_) exit_cv_.Wait(&exit_mu_);
  }
  internal::QueueLock l(&queues_->mu);
  MOIRAI_INTERNAL_CHECK(!queues_->AnyQueued(),
                        "BoostFiberPool destroyed while fibers are still "
                        "runnable: join every pool fiber first");
}

BoostFiberPool::SubmitScope::SubmitScope(BoostFiberPool& pool)
    : algorithm_(new MoiraiFiberAlgorithm(
          pool.queues_, MoiraiFiberAlgorithm::Role::kSubmitter)) {
  context::active()->get_scheduler()->set_algo(algorithm_);
}

BoostFiberPool::SubmitScope::~SubmitScope() {
  algorithm_->Leave();
  boost::fibers::use_scheduling_algorithm<boost::fibers::algo::round_robin>();
}

}  // namespace moirai::async
