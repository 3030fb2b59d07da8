// Copyright 2026 The Moirai Authors.
//
// sched/internal/worker.h
// -----------------------------------------------------------------------------
//
// Private pieces of `moirai::sched::Scheduler`: the queued-task node, the
// per-worker state, and the external-submission (injection) queue. Nothing
// here is API; the types are in a header only so that the fork-join hot path
// (`TaskGroup::Run`) can be inlined.

#ifndef MOIRAI_SCHED_INTERNAL_WORKER_H_
#define MOIRAI_SCHED_INTERNAL_WORKER_H_

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/base/thread_annotations.h"
#include "moirai/core/arch.h"
#include "moirai/core/parker.h"
#include "moirai/core/priority.h"
#include "moirai/core/task.h"
#include "moirai/core/task_id.h"
#include "moirai/lockfree/work_stealing_deque.h"
#include "moirai/sync/mutex.h"

namespace moirai::sched {

class Runnable;
class Scheduler;
class TaskGroup;

namespace internal {

// One queued task. Nodes are recycled through per-worker free lists, so the
// fork-join path allocates nothing once warmed up.
struct TaskNode {
  core::Task task;
  // Non-null: the task belongs to this group, which is told when it finishes
  // (or is discarded).
  TaskGroup* group = nullptr;
  // Link for the injection queue and the free lists.
  TaskNode* next = nullptr;
  // True when the task counts in Scheduler::pending_ (everything except
  // TaskGroup tasks spawned on a worker, whose waiting parent stands for
  // them; see scheduler.h).
  bool counted = false;
  // True when the task is a home fork of `group`, counted in the group's
  // `local_` rather than its `pending_` (see "Join counting" in
  // task_group.h). The flag stays with the node wherever it is stolen to.
  bool local = false;
  // True for a continuation of held work (sched/layer.h): run even while a
  // kCancelPending shutdown discards everything else.
  bool must_run = false;
};

// A fiber (a task with a core::Parker) parked in TaskGroup::Wait: a node on
// the parked fiber's stack, linked in Scheduler::parked_groups_ under
// park_mu_. Invariant: while `linked`, the fiber has not returned from its
// wait, so `group` is alive; whoever unlinks the node (under park_mu_) owns
// the one Unpark() it needs (or, the fiber itself, none).
struct GroupParkNode {
  const TaskGroup* group = nullptr;
  core::Parker* parker = nullptr;
  GroupParkNode* prev = nullptr;
  GroupParkNode* next = nullptr;
  bool linked = false;
};

// An intrusive FIFO of nodes.
struct NodeList {
  TaskNode* head = nullptr;
  TaskNode* tail = nullptr;
  std::int64_t size = 0;

  void PushBack(TaskNode* n) noexcept {
    n->next = nullptr;
    if (tail == nullptr) {
      head = tail = n;
    } else {
      tail->next = n;
      tail = n;
    }
    ++size;
  }
  TaskNode* PopFront() noexcept {
    TaskNode* n = head;
    if (n == nullptr) return nullptr;
    head = n->next;
    if (head == nullptr) tail = nullptr;
    n->next = nullptr;
    --size;
    return n;
  }
};

// The queue for tasks submitted from threads that are not workers of the
// scheduler: one FIFO per priority lane under one mutex, plus a lock-free
// summary so workers can skip the lock when it is empty.
class InjectionQueue {
 public:
  // Push(): appends `n` to lane `lane`.
  void Push(int lane, TaskNode* n) ABSL_LOCKS_EXCLUDED(mu_) {
    sync::MutexLock lock(&mu_);
    lanes_[lane].PushBack(n);
    // Relaxed: a hint read by workers; the mutex orders the node itself, and
    // the scheduler's sleep protocol fences around it (see scheduler.cc).
    mask_.fetch_or(1u << lane, std::memory_order_relaxed);
  }

  // Pop(): the oldest node of lane `lane`, or nullptr.
  TaskNode* Pop(int lane) ABSL_LOCKS_EXCLUDED(mu_) {
    sync::MutexLock lock(&mu_);
    TaskNode* n = lanes_[lane].PopFront();
    if (lanes_[lane].head == nullptr) {
      mask_.fetch_and(~(1u << lane), std::memory_order_relaxed);
    }
    return n;
  }

  // mask(): bit i set when lane i may be non-empty (a hint).
  unsigned mask() const noexcept {
    return mask_.load(std::memory_order_relaxed);
  }

  // Size(): the number of queued nodes.
  std::int64_t Size() const ABSL_LOCKS_EXCLUDED(mu_) {
    sync::MutexLock lock(&mu_);
    std::int64_t n = 0;
    for (const NodeList& l : lanes_) n += l.size;
    return n;
  }

 private:
  mutable sync::Mutex mu_;
  NodeList lanes_[core::kNumPriorities] ABSL_GUARDED_BY(mu_);
  // Invariant (under mu_): bit i == !lanes_[i].empty().
  std::atomic<unsigned> mask_{0};
};

// Per-worker state. Fields marked "owner" are touched only by the worker's
// thread (and by Scheduler's constructor/destructor, which happen before the
// thread starts / after it is joined).
struct alignas(core::kFalseSharingRange) Worker {
  explicit Worker(lockfree::DequeFences fences)
      : lanes{Lane(Lane::kDefaultCapacity, fences),
              Lane(Lane::kDefaultCapacity, fences),
              Lane(Lane::kDefaultCapacity, fences),
              Lane(Lane::kDefaultCapacity, fences),
              Lane(Lane::kDefaultCapacity, fences)} {}
  static_assert(core::kNumPriorities == 5, "one Lane per priority above");

  using Lane = lockfree::WorkStealingDeque<TaskNode*>;

  Scheduler* scheduler = nullptr;
  int index = 0;
  // Worker domain (SchedulerOptions::worker_domains), and the idle-set
  // mask of its members (null without domains). Set before threads start.
  int domain = 0;
  const std::uint64_t* domain_mask = nullptr;

  // One Chase-Lev deque per priority lane: owner pushes/pops, others steal.
  Lane lanes[core::kNumPriorities];

  // Owner: bit i clear means lanes[i] is certainly empty (only the owner
  // pushes, and it clears the bit only after seeing the lane empty; thieves
  // only remove). Lets the owner skip empty lanes without touching them.
  unsigned local_mask = 0;
  // Owner: aging, how many picks passed over each non-empty lane.
  std::uint32_t passed_over[core::kNumPriorities] = {};
  // Owner: picks left until the injection queue is next given precedence
  // over the local deque of the same lane (counts down from
  // kInjectionFirstPeriod; see Scheduler::PickLocal).
  std::uint32_t picks_until_injection_first = 0;
  // Owner: top-level picks left until the next FIFO pick from the own
  // deque (see Scheduler::PickOldestLocal).
  std::uint32_t picks_until_fifo = 0;
  // Owner: the priority of the task this worker's thread runs on its own
  // stack now (set around each Execute), and that stack's bounds (set when
  // the thread starts). Code that finds its frame inside the bounds is a
  // plain task, not a fiber (fibers run on their own stacks): TaskGroup then
  // takes the priority and the help-first wait from here, without asking
  // the out-of-line TaskContext::current().
  core::Priority running_priority = core::Priority::kNormal;
  std::uintptr_t stack_lo = 0;
  std::uintptr_t stack_hi = 0;
  // Owner: task ids for TaskGroup's forks on this worker, a block at a
  // time (core/task_id.h), so that a fork takes no out-of-line TLS call.
  core::internal::TaskIdBlock task_ids = {0, 0};
  core::TaskId NextTaskId() noexcept {
    if (MOIRAI_UNLIKELY(task_ids.next == task_ids.end)) {
      core::internal::RefillTaskIdBlock(task_ids);
    }
    return core::TaskId(task_ids.next++);
  }
  // Owner: recycled nodes.
  TaskNode* free_nodes = nullptr;
  int free_count = 0;
  // Owner: xorshift state for victim selection.
  std::uint64_t rng = 0;
  // Owner: scratch for the steal strategy.
  std::vector<int> victims;
  // Owner: scratch for steal-half.
  TaskNode* batch[32];

  // Owner: the adaptive deque fences' steal-rate window (see
  // SchedulerOptions::deque_fences and Scheduler::NoteFencedAttempts):
  // `executed` when the window began, and this worker's steal attempts on
  // asymmetric deques since then.
  std::uint64_t steal_window_start = 0;
  std::uint64_t steal_window_attempts = 0;

  // Statistics: written by the owner (relaxed), read by anyone.
  std::atomic<std::uint64_t> executed{0};
  std::atomic<std::uint64_t> stolen{0};
  std::atomic<std::uint64_t> parks{0};
  std::atomic<std::int64_t> parked_ns{0};
  std::atomic<bool> parked{false};

  // Sleep protocol (scheduler.cc, "Sleeping"): the futex word this worker
  // parks on; a waker bumps it after claiming the worker's idle bit.
  alignas(core::kCacheLineSize) std::atomic<std::uint32_t> park_word{0};
  // The run-next slot (layer.h): the owner offers and takes with exchange,
  // an idle worker about to park takes with exchange (so each item has
  // exactly one taker). Its own line: it changes on every fiber hand-off.
  alignas(core::kCacheLineSize) std::atomic<Runnable*> run_next{nullptr};

  // True while the worker waits in TaskGroup::Wait with the group's waiter
  // bit set, so that the group's last task wakes it.
  std::atomic<bool> waiting_on_group{false};

  std::thread thread;
};

// Owner-only counters: a plain read-modify-write is enough (one writer);
// relaxed atomics let Stats() read them from other threads.
inline void Bump(std::atomic<std::uint64_t>& c, std::uint64_t by = 1) noexcept {
  c.store(c.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

// True when the caller's frame is on `w`'s own thread stack (see
// Worker::stack_lo): it runs as a plain task of `w`, not on a fiber.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline bool OnWorkerStack(
    const Worker* w) noexcept {
  const auto sp = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
  return sp - w->stack_lo < w->stack_hi - w->stack_lo;
}

// Spins `n` pause instructions (idle loops).
inline void Spin(int n) noexcept {
  for (int i = 0; i < n; ++i) core::CpuRelax();
}

// The worker the calling thread is, or nullptr. Out of line on purpose: a
// fiber may migrate between threads, and the compiler must not reuse a
// thread-local address computed before a switch.
Worker* CurrentWorker() noexcept;

}  // namespace internal
}  // namespace moirai::sched

#endif  // MOIRAI_SCHED_INTERNAL_WORKER_H_
