// Copyright 2026 The Moirai Authors.
//
// async/runtime.h
// -----------------------------------------------------------------------------
//
// `moirai::async::Runtime` runs fibers -- straight-line code that waits
// without blocking a thread -- on the work-stealing workers of a
// `sched::Scheduler`:
//
//   auto rt = async::Runtime::Create().value();
//   async::JoinHandle<int> h = rt->Spawn([] {
//     async::SleepFor(absl::Milliseconds(5)).IgnoreError();  // parks the fiber
//     return 42;
//   });
//   absl::StatusOr<int> v = h.Join();           // 42
//
// Waiting on sched from a fiber: `sched::TaskGroup::Wait()` (and so
// `ParallelFor`, `ParallelReduce`, `~TaskGroup`) parks the fiber, never the
// worker. Shutdown: a scheduler's `Shutdown(kDrain)` waits for every fiber of
// every runtime on it (parked ones too); `Shutdown(kCancelPending)` cancels
// them first (sched/layer.h). `~Runtime` cancels the fibers still alive;
// call `WaitForFibers()` first to let detached fibers finish.
//
// How it works: each fiber has a pooled, guard-paged stack. A runnable fiber
// is a `core::Task` on the scheduler (with the fiber's priority); the worker
// that picks it up switches to the fiber's stack. When the fiber blocks
// (channel, mutex, timer, I/O, join) it switches back and the worker runs
// something else; whoever wakes it submits it again, so a fiber may resume on
// another worker (stealing migrates it). Fast paths keep the common cases off
// the scheduler: a fiber that yields with nothing else queued on its worker
// is resumed at once, and a fiber woken or spawned by a running fiber while
// no worker is idle waits in that worker's run-next slot and is resumed as
// soon as the running fiber yields, blocks or ends (see internal/fiber.h).
// `core::TaskContext::current()` inside a fiber is the fiber's own context
// (id, priority, deadline, cancellation) on every worker it visits.
//
// Blocking operations (everything in async/) honour the current fiber's
// cancellation token (returning kCancelled) and its TaskContext deadline
// (returning kDeadlineExceeded; see `Timeout()` in select.h). They also work
// from plain threads, which then block.
//
// Thread-local caution: a fiber may resume on another thread after any
// blocking call, so never keep a pointer to a `thread_local` across one; the
// compiler may keep one for you, so code that runs on fibers reaches its
// thread-locals through out-of-line accessors (Moirai's own do; see
// core/internal/fiber_safe_tls.h). `errno` is a thread-local too: read it
// right after the call that set it, before any call that can switch (a
// blocking call, Yield()), or you read another thread's.
//
// Stack caution: fiber stacks are fixed-size (RuntimeOptions::stack_size)
// with a guard below (RuntimeOptions::guard_size, 64 KiB by default). Build
// code that runs on fibers with `-fstack-clash-protection` (Moirai's own code
// is): it probes every page of a large frame or alloca, so an overflow always
// faults in the guard and dies with "moirai: fiber stack overflow". Without
// it a frame larger than the guard can jump over it into another mapping.
//
// Cooperative caution: on a one-worker runtime a fiber must not busy-wait,
// without yielding or blocking, for a fiber it just woke or spawned (that
// fiber waits in the worker's run-next slot; with more workers an idle one
// takes it from there). A fiber that changes the
// floating-point control modes (`fesetround`, `fesetenv`) must restore them
// before it yields or blocks: the switch does not save them (see
// internal/execution_context.h).

#ifndef MOIRAI_ASYNC_RUNTIME_H_
#define MOIRAI_ASYNC_RUNTIME_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "moirai/async/internal/fiber.h"
#include "moirai/async/internal/stack_pool.h"
#include "moirai/async/internal/timer_queue.h"
#include "moirai/core/arch.h"
#include "moirai/core/cancellation.h"
#include "moirai/core/priority.h"
#include "moirai/core/task_id.h"
#include "moirai/sched/layer.h"
#include "moirai/sched/scheduler.h"

namespace moirai::async {

namespace internal {
class IoService;
struct RuntimeAccess;
}  // namespace internal

// RuntimeOptions
struct RuntimeOptions {
  // Run fibers on this scheduler (not owned; must outlive the Runtime). When
  // null, the Runtime creates and owns one with `num_workers` workers.
  sched::Scheduler* scheduler = nullptr;
  int num_workers = 0;  // 0 = hardware threads (owned scheduler only)
  // Usable bytes per fiber stack (rounded up to pages). The control block (a
  // few hundred bytes plus the fiber's callable) lives in one page reserved
  // below the stack's guard, outside the stack (on the heap when it does not
  // fit; see internal/stack_pool.h).
#if defined(MOIRAI_ASAN) || defined(MOIRAI_TSAN)
  std::size_t stack_size = 512 * 1024;  // sanitizer frames are larger
#else
  std::size_t stack_size = 128 * 1024;
#endif
  // Bytes of PROT_NONE guard below each stack (rounded up to pages), in
  // [1, 1 GiB]. An overflow faults in the guard with "moirai: fiber stack
  // overflow" as long as no single frame jumps further than the guard: build
  // code that runs on fibers with -fstack-clash-protection (see the file
  // comment), or keep every frame and alloca below this size.
  std::size_t guard_size = internal::kDefaultGuardSize;
  // Free stacks kept for reuse.
  std::size_t max_cached_stacks = 1024;
};

// SpawnOptions
struct SpawnOptions {
  core::Priority priority = core::Priority::kNormal;
  // Absolute deadline inherited by every blocking call in the fiber.
  absl::Time deadline = absl::InfiniteFuture();
  // Cancelling this token cancels the fiber (as does JoinHandle::Cancel()).
  core::CancellationToken cancellation;
};

// JoinHandle<R>
//
// Owns the right to join one fiber whose function returns R. Move-only.
// Join() yields `absl::Status` for R = void (or absl::Status) and
// `absl::StatusOr<R>` otherwise (absl::StatusOr<U> is not nested). Dropping
// a handle without joining detaches the fiber, which keeps running. A handle
// must not outlive its Runtime.
template <typename R>
class JoinHandle {
 public:
  using Result = typename internal::JoinResultOf<R>::type;

  JoinHandle() = default;
  JoinHandle(JoinHandle&& other) noexcept
      : fiber_(std::exchange(other.fiber_, nullptr)),
        error_(std::move(other.error_)) {}
  JoinHandle& operator=(JoinHandle&& other) noexcept {
    if (this != &other) {
      Detach();
      fiber_ = std::exchange(other.fiber_, nullptr);
      error_ = std::move(other.error_);
    }
    return *this;
  }
  JoinHandle(const JoinHandle&) = delete;
  JoinHandle& operator=(const JoinHandle&) = delete;
  ~JoinHandle() { Detach(); }

  // JoinHandle::valid()
  //
  // True while the handle refers to a fiber (or holds a spawn error).
  bool valid() const noexcept { return fiber_ != nullptr || !error_.ok(); }

  // JoinHandle::Join()
  //
  // Waits for the fiber to finish and returns its result. From a fiber it
  // parks the fiber; from a plain thread it blocks the thread. The handle is
  // empty afterwards. Joining an empty handle returns kFailedPrecondition; a
  // failed spawn returns the spawn error; a fiber cancelled before it ran
  // returns kCancelled; an exception escaping the fiber becomes kInternal.
  // Joining is not itself cancellable.
  Result Join() {
    if (fiber_ == nullptr) {
      if (!error_.ok()) return std::exchange(error_, absl::OkStatus());
      return absl::FailedPreconditionError("JoinHandle is empty");
    }
    fiber_->WaitFinished();
    Result r = fiber_->TakeResult();
    std::exchange(fiber_, nullptr)->Release();
    return r;
  }

  // JoinHandle::Detach()
  //
  // Lets the fiber run to completion on its own; the handle becomes empty.
  void Detach() noexcept {
    if (fiber_ != nullptr) std::exchange(fiber_, nullptr)->Release();
    error_ = absl::OkStatus();
  }

  // JoinHandle::Cancel()
  //
  // Requests cancellation: the fiber's current or next blocking call returns
  // kCancelled (it is up to the fiber to return). True for the call that
  // cancelled; false if already cancelled or the handle is empty.
  bool Cancel() noexcept {
    return fiber_ != nullptr && fiber_->RequestCancellation();
  }

  // JoinHandle::IsFinished()
  //
  // True once the fiber's function returned (Join() then does not wait).
  bool IsFinished() const noexcept {
    return fiber_ == nullptr || fiber_->IsFinished();
  }

  // JoinHandle::id()
  //
  // The fiber's task id (invalid for an empty handle).
  core::TaskId id() const noexcept {
    return fiber_ == nullptr ? core::TaskId() : fiber_->task_context()->id();
  }

 private:
  friend class Runtime;
  explicit JoinHandle(internal::ResultFiber<R>* fiber) : fiber_(fiber) {}
  explicit JoinHandle(absl::Status error) : error_(std::move(error)) {}

  internal::ResultFiber<R>* fiber_ = nullptr;
  absl::Status error_;  // spawn failure
};

class Runtime : private sched::Layer {
 public:
  // Runtime::Create()
  //
  // Starts a runtime: the scheduler (unless given), the timer thread, the
  // Asio reactor thread and the blocking pool (see io.h).
  // kInvalidArgument for a stack size under 16 KiB or a negative worker
  // count.
  static absl::StatusOr<std::unique_ptr<Runtime>> Create(
      RuntimeOptions options = {});

  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Runtime::~Runtime()
  //
  // Cancels every fiber still alive (detached ones: their blocking calls
  // return kCancelled, and a fiber that has not started yet does not run),
  // waits for them to finish -- writing the ids of those that are still
  // alive to stderr every few seconds, since a fiber that ignores
  // cancellation keeps the destructor waiting -- then stops the reactor,
  // blocking pool, timer thread and the owned scheduler. Must not run on one
  // of this runtime's fibers or on a worker of its scheduler. Crashes loudly
  // if a JoinHandle is still alive.
  ~Runtime() override;

  // Runtime::Spawn()
  //
  // Starts `f()` on a new fiber. Never blocks. If no stack can be mapped the
  // handle carries the error (kResourceExhausted with the errno); once the
  // scheduler's shutdown began, kFailedPrecondition (unless called from one
  // of its workers: work spawned by running work is part of a drain, and is
  // cancelled at once during a cancelling shutdown).
  template <typename F>
  auto Spawn(F&& f, SpawnOptions options = {})
      -> JoinHandle<std::invoke_result_t<std::decay_t<F>&>> {
    using R = std::invoke_result_t<std::decay_t<F>&>;
    using Impl = internal::FiberImpl<std::decay_t<F>, R>;
    static_assert(alignof(Impl) <= internal::kControlBlockAlignment,
                  "over-aligned fiber callables are not supported");
    const SpawnTicket ticket = BeginSpawn();
    if (MOIRAI_UNLIKELY(!ticket.accepted)) {
      return JoinHandle<R>(absl::FailedPreconditionError(
          "Runtime::Spawn: the scheduler is shutting down"));
    }
    const int slot = WorkerSlot();
    absl::StatusOr<internal::Stack> stack = stacks_.Allocate(slot);
    if (!stack.ok()) {
      OnFiberFinished(ticket.own_hold);
      return JoinHandle<R>(stack.status());
    }
    // Below the stack's guard; on the heap when too large (stack_pool.h).
    void* block = internal::AllocateControlBlock(*stack, sizeof(Impl));
    if (block == nullptr) {
      stacks_.Release(*stack, slot);
      OnFiberFinished(ticket.own_hold);
      return JoinHandle<R>(
          absl::ResourceExhaustedError("no memory for a fiber control block"));
    }
    auto* fiber = new (block) Impl(this, *stack, std::forward<F>(f));
    fiber->Prepare(fiber, options.priority, options.deadline,
                   options.cancellation);
    FinishSpawn(fiber, ticket.own_hold, slot);
    return JoinHandle<R>(static_cast<internal::ResultFiber<R>*>(fiber));
  }

  // Runtime::Current()
  //
  // The runtime of the fiber running on this thread, or nullptr.
  static Runtime* Current() noexcept;

  sched::Scheduler* scheduler() const noexcept { return scheduler_; }
  const RuntimeOptions& options() const noexcept { return options_; }

  // Runtime::live_fibers()
  //
  // Fibers spawned and not finished.
  std::uint32_t live_fibers() const noexcept {
    return live_fibers_.load(std::memory_order_acquire) & kLiveMask;
  }

  // Runtime::WaitForFibers()
  //
  // Blocks the calling thread until every fiber of this runtime (detached
  // ones too) has finished, or `timeout` passed: OK, or kDeadlineExceeded
  // saying how many are still alive. Call it before destroying a runtime
  // whose detached fibers should run to completion (the destructor cancels
  // them). kFailedPrecondition on one of this runtime's fibers (it would wait
  // for itself).
  absl::Status WaitForFibers(absl::Duration timeout = absl::InfiniteDuration());

  // Runtime::CancelAll()
  //
  // Cancels every fiber alive now and every fiber spawned from now on (their
  // blocking calls return kCancelled). What a cancelling scheduler shutdown
  // and the destructor do. Idempotent.
  void CancelAll() noexcept;

 private:
  friend struct internal::RuntimeAccess;
  friend class internal::FiberBase;
  explicit Runtime(RuntimeOptions options);

  // The calling thread's worker index when it is a worker of scheduler_
  // (its slot in stacks_' worker caches), else -1.
  int WorkerSlot() const noexcept;
  // Spawn's steps around building the control block: BeginSpawn counts the
  // fiber as live, covered by the runtime's scheduler hold or, after that
  // ended, by a hold of its own (see "The runtime's hold" in runtime.cc);
  // OnFiberFinished undoes it (also when no stack could be had);
  // FinishSpawn registers the fiber (cancelling it after CancelAll) and
  // makes it ready.
  struct SpawnTicket {
    bool accepted;
    bool own_hold;
  };
  SpawnTicket BeginSpawn() noexcept;
  // `slot`: WorkerSlot() of the spawning thread.
  void FinishSpawn(internal::FiberBase* fiber, bool own_hold,
                   int slot) noexcept;
  void OnFiberFinished(bool own_hold) noexcept;
  // ~Runtime: writes the live fibers' ids to stderr.
  void ReportStuckFibers();
  // sched::Layer: a cancelling scheduler shutdown cancels every fiber.
  void OnShutdown(sched::ShutdownMode mode) noexcept override;
  void OnControlBlockFreed(const internal::Stack& stack, void* block) noexcept;

  RuntimeOptions options_;
  std::unique_ptr<sched::Scheduler> owned_scheduler_;
  sched::Scheduler* scheduler_ = nullptr;
  internal::StackPool stacks_;
  std::unique_ptr<internal::TimerQueue> timers_;
  std::unique_ptr<internal::IoService> io_;  // reactor + blocking pool
  // This runtime's attachment to scheduler_: holds, continuations, hints.
  sched::LayerHandle layer_;
  // Every live fiber (for CancelAll and the destructor's report).
  std::unique_ptr<internal::FiberRegistry> fibers_;
  // Set by CancelAll: fibers spawned afterwards start cancelled.
  std::atomic<bool> cancel_all_{false};
  // Futex word: the fibers spawned and not finished (kLiveMask), and the
  // state of the runtime's scheduler hold (see "The runtime's hold" in
  // runtime.cc): kDraining once the scheduler's shutdown told us,
  // kHoldReleased once the hold was given back.
  static constexpr std::uint32_t kLiveMask = (1u << 30) - 1;
  static constexpr std::uint32_t kDraining = 1u << 30;
  static constexpr std::uint32_t kHoldReleased = 1u << 31;
  std::atomic<std::uint32_t> live_fibers_{kHoldReleased};
  // Control blocks not yet freed (fibers plus JoinHandles keeping them).
  std::atomic<std::uint32_t> live_blocks_{0};
};

namespace internal {
// RuntimeAccess: the package's own way to a runtime's timer queue and
// reactor (not API).
struct RuntimeAccess {
  static TimerQueue& timers(Runtime& rt) noexcept { return *rt.timers_; }
  static IoService& io(Runtime& rt) noexcept { return *rt.io_; }
};
}  // namespace internal

// Yield()
//
// On a fiber: lets other runnable work run, then continues (possibly on
// another worker). On a plain thread: std::this_thread::yield().
void Yield() noexcept;

// SleepUntil() / SleepFor()
//
// On a fiber: parks it until `deadline` (a runtime timer; no thread blocks).
// On a plain thread: sleeps the thread. Returns kCancelled if the current
// task is cancelled first; OK otherwise (the TaskContext deadline does not
// cut a sleep short). Both run on the monotonic clock (core/mono_time.h):
// SleepFor's duration is never stretched or shortened by a wall-clock step,
// and SleepUntil's wall-clock deadline is converted once, on entry.
[[nodiscard]] absl::Status SleepUntil(absl::Time deadline);
[[nodiscard]] absl::Status SleepFor(absl::Duration duration);

// InFiber()
//
// True on a fiber.
bool InFiber() noexcept;

}  // namespace moirai::async

#endif  // MOIRAI_ASYNC_RUNTIME_H_
