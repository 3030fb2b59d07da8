// Copyright 2026 The Moirai Authors.

#include "moirai/async/runtime.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "moirai/async/internal/io_service.h"
#include "moirai/async/internal/wait.h"
#include "moirai/async/internal/waiter.h"
#include "moirai/core/internal/futex.h"

namespace moirai::async {

// The runtime's hold
// ------------------
//
// A scheduler's drain waits for its holds (sched/layer.h). Instead of one
// hold per fiber (two seq_cst read-modify-writes on the scheduler's shared
// pending count per spawn), the runtime keeps one hold from Create until
// the scheduler's shutdown has begun and no fiber is live, and folds the
// decision into live_fibers_, which every spawn and finish updates anyway:
//
//   * BeginSpawn adds 1 (seq_cst). If kHoldReleased is not set, the
//     runtime's hold is still held and, with the count above 0 now, stays
//     held until this fiber finishes. If it is set (a shutdown began and
//     every fiber had finished), the fiber takes a hold of its own.
//   * OnFiberFinished gives back an own hold first, then takes 1 off with
//     a CAS that also sets kHoldReleased when the count reaches 0 while
//     kDraining is set; whoever sets kHoldReleased gives the hold back,
//     exactly once. The hold keeps the scheduler alive until then (its
//     shutdown waits for it), although the runtime may be gone once the
//     count read 0.
//   * OnShutdown sets kDraining with a CAS that also sets kHoldReleased
//     when the count is 0; ~Runtime (count 0, no more spawns) sets
//     kHoldReleased if nobody did.
//
// All three are read-modify-writes of one word, so their order is the
// word's modification order: a spawn either comes before the CAS that
// releases the hold (then that CAS saw its count and did not release) or
// after it (then it sees kHoldReleased and holds for itself). A drain
// therefore returns only after every fiber, as with per-fiber holds.

namespace {
// ~Runtime: how often it reports fibers that outlive their cancellation.
constexpr absl::Duration kStuckFiberReportPeriod = absl::Seconds(5);
}  // namespace

absl::StatusOr<std::unique_ptr<Runtime>> Runtime::Create(
    RuntimeOptions options) {
  if (options.stack_size < 16 * 1024) {
    return absl::InvalidArgumentError(
        absl::StrCat("RuntimeOptions::stack_size must be at least 16384, got ",
                     options.stack_size));
  }
  if (options.guard_size == 0 || options.guard_size > internal::kMaxGuardSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("RuntimeOptions::guard_size must be in [1, ",
                     internal::kMaxGuardSize, "], got ", options.guard_size));
  }
  if (options.stack_size > (std::size_t{1} << 40)) {
    return absl::InvalidArgumentError(
        absl::StrCat("RuntimeOptions::stack_size must be at most 2^40, got ",
                     options.stack_size));
  }
  if (options.num_workers < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "RuntimeOptions::num_workers must be >= 0, got ", options.num_workers));
  }
  std::unique_ptr<Runtime> rt(new Runtime(options));
  if (options.scheduler == nullptr) {
    sched::SchedulerOptions sopts;
    sopts.num_workers = options.num_workers;
    absl::StatusOr<std::unique_ptr<sched::Scheduler>> s =
        sched::Scheduler::Create(sopts);
    if (!s.ok()) return s.status();
    rt->owned_scheduler_ = *std::move(s);
    rt->scheduler_ = rt->owned_scheduler_.get();
  } else {
    rt->scheduler_ = options.scheduler;
  }
  // Everything the destructor touches exists before the first failure.
  rt->fibers_ =
      std::make_unique<internal::FiberRegistry>(rt->scheduler_->num_workers());
  rt->stacks_.EnableWorkerCaches(rt->scheduler_->num_workers());
  rt->timers_ = std::make_unique<internal::TimerQueue>();
  rt->io_ = std::make_unique<internal::IoService>();
  absl::StatusOr<sched::LayerHandle> layer =
      sched::LayerHandle::Attach(rt->scheduler_, rt.get());
  if (!layer.ok()) return layer.status();
  rt->layer_ = *std::move(layer);
  // The runtime's hold (see "The runtime's hold" below); until it is taken
  // live_fibers_ says kHoldReleased, so the destructor gives nothing back.
  if (!rt->layer_.AcquireHold()) {
    return absl::FailedPreconditionError(
        "Runtime::Create: the scheduler is shutting down");
  }
  rt->live_fibers_.store(0, std::memory_order_relaxed);
  return rt;
}

Runtime::Runtime(RuntimeOptions options)
    : options_(options),
      stacks_(options.stack_size, options.max_cached_stacks,
              options.guard_size) {}

Runtime::~Runtime() {
  if (Current() == this) {
    std::fputs("moirai: async::Runtime destroyed from one of its own fibers\n",
               stderr);
    std::abort();
  }
  CancelAll();
  // Acquire pairs with the release decrement in OnFiberFinished(): every
  // fiber's last writes happen before the teardown below.
  core::MonoTime report_at = core::MonoTime::After(kStuckFiberReportPeriod);
  for (std::uint32_t n;
       ((n = live_fibers_.load(std::memory_order_acquire)) & kLiveMask) != 0;) {
    if (core::internal::FutexWait(&live_fibers_, n, report_at) ==
        core::internal::FutexWaitResult::kTimedOut) {
      ReportStuckFibers();
      report_at = core::MonoTime::After(kStuckFiberReportPeriod);
    }
  }
  // No fiber is live and none may be spawned now: give back the runtime's
  // hold unless a shutdown's last fiber did (see "The runtime's hold").
  if ((live_fibers_.fetch_or(kHoldReleased, std::memory_order_seq_cst) &
       kHoldReleased) == 0) {
    layer_.ReleaseHold();
  }
  // Detach before the owned scheduler's shutdown, which would call back.
  layer_ = sched::LayerHandle();
  io_.reset();
  timers_.reset();
  owned_scheduler_.reset();  // drains and joins the workers
  if (live_blocks_.load(std::memory_order_acquire) != 0) {
    std::fprintf(stderr,
                 "moirai: async::Runtime destroyed while %u JoinHandle(s) are "
                 "still alive; join or drop them first\n",
                 live_blocks_.load(std::memory_order_relaxed));
    std::abort();
  }
}

Runtime* Runtime::Current() noexcept {
  internal::FiberBase* f = internal::FiberBase::Current();
  return f == nullptr ? nullptr : f->runtime();
}

int Runtime::WorkerSlot() const noexcept {
  return scheduler_->CallingWorkerIndex();
}

Runtime::SpawnTicket Runtime::BeginSpawn() noexcept {
  // seq_cst: see "The runtime's hold".
  const std::uint32_t v = live_fibers_.fetch_add(1, std::memory_order_seq_cst);
  if (MOIRAI_LIKELY((v & kHoldReleased) == 0)) {
    // Covered by the runtime's hold. Off the scheduler's workers a spawn is
    // refused once its shutdown began, as LayerHandle::AcquireHold refuses.
    if (MOIRAI_UNLIKELY(scheduler_->shutting_down()) &&
        scheduler_->CallingWorkerIndex() < 0) {
      OnFiberFinished(/*own_hold=*/false);
      return {false, false};
    }
    return {true, false};
  }
  // The runtime's hold is gone: this fiber holds for itself (refused off
  // the workers, the shutdown having begun).
  if (!layer_.AcquireHold()) {
    OnFiberFinished(/*own_hold=*/false);
    return {false, false};
  }
  return {true, true};
}

void Runtime::FinishSpawn(internal::FiberBase* fiber, bool own_hold,
                          int slot) noexcept {
  fiber->own_hold_ = own_hold;
  // Relaxed: the count is only compared with zero by the destructor, which
  // runs after every Spawn() call returned (its caller's responsibility).
  live_blocks_.fetch_add(1, std::memory_order_relaxed);
  fibers_->Add(fiber, slot);
  // seq_cst, against CancelAll's seq_cst store of cancel_all_ before it
  // walks the registry: either the walk (whose shard lock follows our Add's
  // unlock) finds this fiber, or this load sees the flag.
  if (MOIRAI_UNLIKELY(cancel_all_.load(std::memory_order_seq_cst))) {
    fiber->RequestCancellation();
  }
  fiber->Ready();
}

absl::Status Runtime::WaitForFibers(absl::Duration timeout) {
  if (Current() == this) {
    return absl::FailedPreconditionError(
        "Runtime::WaitForFibers called from one of the runtime's own fibers");
  }
  const core::MonoTime deadline = core::MonoTime::After(timeout);
  // Acquire pairs with the release decrement in OnFiberFinished().
  for (std::uint32_t n;
       ((n = live_fibers_.load(std::memory_order_acquire)) & kLiveMask) != 0;) {
    if (core::internal::FutexWait(&live_fibers_, n, deadline) ==
            core::internal::FutexWaitResult::kTimedOut &&
        live_fibers() != 0) {
      return absl::DeadlineExceededError(absl::StrCat(
          "Runtime::WaitForFibers: ", live_fibers(), " fiber(s) still alive"));
    }
  }
  return absl::OkStatus();
}

void Runtime::CancelAll() noexcept {
  cancel_all_.store(true, std::memory_order_seq_cst);
  // Under each shard's lock: a registered fiber is alive (FiberRegistry's
  // invariant). Cancellation callbacks run here and at most make a parked
  // fiber ready (a continuation submission); none spawns or finishes one.
  fibers_->ForEach([](internal::FiberBase* f) { f->RequestCancellation(); });
}

void Runtime::OnShutdown(sched::ShutdownMode mode) noexcept {
  // kDrain: the scheduler waits for the runtime's hold, which ends with the
  // last fiber. kCancelPending: cancel them, so that they unwind.
  if (mode == sched::ShutdownMode::kCancelPending) CancelAll();
  // seq_cst: see "The runtime's hold".
  std::uint32_t v = live_fibers_.load(std::memory_order_relaxed);
  std::uint32_t next;
  bool release;
  do {
    release = (v & kLiveMask) == 0 && (v & kHoldReleased) == 0;
    next = v | kDraining | (release ? kHoldReleased : 0u);
  } while (!live_fibers_.compare_exchange_weak(
      v, next, std::memory_order_seq_cst, std::memory_order_relaxed));
  if (release) layer_.ReleaseHold();
}

void Runtime::ReportStuckFibers() {
  std::string ids;
  int shown = 0;
  fibers_->ForEach([&](internal::FiberBase* f) {
    if (shown++ < 16) {
      absl::StrAppend(&ids, ids.empty() ? "" : ", ",
                      f->task_context()->id().value());
    }
  });
  std::fprintf(stderr,
               "moirai: ~async::Runtime still waiting for %u cancelled "
               "fiber(s) that have not finished (task ids: %s%s); a fiber "
               "that ignores cancellation keeps the runtime alive\n",
               live_fibers(), ids.c_str(), shown > 16 ? ", ..." : "");
}

void Runtime::OnFiberFinished(bool own_hold) noexcept {
  // An own hold first: once the count reads 0 the destructor may detach the
  // layer (and, for a scheduler it does not own, the Runtime may be gone).
  if (MOIRAI_UNLIKELY(own_hold)) layer_.ReleaseHold();
  sched::Scheduler* const scheduler = scheduler_;
  // seq_cst (so release too, for the destructor's acquire): see "The
  // runtime's hold".
  std::uint32_t v = live_fibers_.load(std::memory_order_relaxed);
  std::uint32_t next;
  bool release;
  do {
    next = v - 1;
    release = (next & kLiveMask) == 0 && (v & kDraining) != 0 &&
              (v & kHoldReleased) == 0;
    if (release) next |= kHoldReleased;
  } while (!live_fibers_.compare_exchange_weak(
      v, next, std::memory_order_seq_cst, std::memory_order_relaxed));
  // The runtime may be gone from here on; the hold keeps the scheduler.
  if (release) sched::LayerHandle::ReleaseHoldOn(scheduler);
  // The wake may land after the destructor returned; a futex wake on a dead
  // address is harmless.
  if ((next & kLiveMask) == 0) core::internal::FutexWakeAll(&live_fibers_);
}

void Runtime::OnControlBlockFreed(const internal::Stack& stack,
                                  void* block) noexcept {
  internal::FreeControlBlock(stack, block);  // before the stack is reused
  stacks_.Release(stack, WorkerSlot());
  live_blocks_.fetch_sub(1, std::memory_order_release);
}

void Yield() noexcept {
  internal::FiberBase* f = internal::FiberBase::Current();
  if (f != nullptr) {
    f->Yield();
  } else {
    std::this_thread::yield();
  }
}

bool InFiber() noexcept { return internal::FiberBase::Current() != nullptr; }

namespace {
// A sleep: a "timer" source with tag kTagDone on the monotonic clock; the
// TaskContext deadline does not cut it short (see the header).
absl::Status SleepUntilMono(core::MonoTime deadline) {
  internal::Waiter w;
  if (internal::BlockOnUntil(&w, deadline) == internal::kTagCancelled) {
    return absl::CancelledError("sleep cancelled");
  }
  return absl::OkStatus();
}
}  // namespace

absl::Status SleepUntil(absl::Time deadline) {
  return SleepUntilMono(core::MonoTime::FromWall(deadline));
}

absl::Status SleepFor(absl::Duration duration) {
  return SleepUntilMono(core::MonoTime::After(duration));
}

}  // namespace moirai::async
