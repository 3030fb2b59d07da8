// Copyright 2026 The Moirai Authors.

#include "moirai/async/runtime.h"

#include <cstdio>
#include <cstdlib>
#include <thread>

#include "absl/strings/str_cat.h"
#include "moirai/async/internal/io_service.h"
#include "moirai/async/internal/wait.h"
#include "moirai/async/internal/waiter.h"
#include "moirai/core/internal/futex.h"

namespace moirai::async {

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
  rt->stacks_.EnableWorkerCaches(rt->scheduler_->num_workers());
  rt->timers_ = std::make_unique<internal::TimerQueue>();
  rt->io_ = std::make_unique<internal::IoService>();
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
  // Acquire pairs with the release decrement in OnFiberFinished(): every
  // fiber's last writes happen before the teardown below.
  for (std::uint32_t n;
       (n = live_fibers_.load(std::memory_order_acquire)) != 0;) {
    core::internal::FutexWait(&live_fibers_, n);
  }
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
  return sched::Scheduler::Current() == scheduler_
             ? sched::Scheduler::CurrentWorkerIndex()
             : -1;
}

void Runtime::OnSpawn() noexcept {
  // Relaxed: the counts are only compared with zero by the destructor, which
  // runs after every Spawn() call returned (its caller's responsibility).
  live_fibers_.fetch_add(1, std::memory_order_relaxed);
  live_blocks_.fetch_add(1, std::memory_order_relaxed);
}

void Runtime::OnFiberFinished() noexcept {
  // Release: see the destructor. The wake may land after the destructor
  // returned; a futex wake on a dead address is harmless.
  if (live_fibers_.fetch_sub(1, std::memory_order_release) == 1) {
    core::internal::FutexWakeAll(&live_fibers_);
  }
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

absl::Status SleepUntil(absl::Time deadline) {
  // The sleep itself is a "timer" source with tag kTagDone, armed through
  // BlockOn's deadline machinery: the TaskContext deadline is not applied
  // (see the header), so BlockOn is given only this deadline by clearing it.
  internal::Waiter w;
  core::TaskContext* ctx = core::TaskContext::current();
  absl::Time saved = absl::InfiniteFuture();
  if (ctx != nullptr) {
    saved = ctx->deadline();
    ctx->set_deadline(absl::InfiniteFuture());
  }
  const int tag = internal::BlockOn(&w, deadline);
  if (ctx != nullptr) ctx->set_deadline(saved);
  if (tag == internal::kTagCancelled) {
    return absl::CancelledError("sleep cancelled");
  }
  return absl::OkStatus();
}

absl::Status SleepFor(absl::Duration duration) {
  return SleepUntil(absl::Now() + duration);
}

}  // namespace moirai::async
