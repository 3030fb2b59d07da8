// Copyright 2026 The Moirai Authors.

#include "moirai/async/internal/execution_context.h"

#include <cstdio>
#include <cstdlib>

#include "moirai/async/internal/overflow_handler.h"
#include "moirai/core/arch.h"

#if defined(MOIRAI_ASAN)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#if defined(MOIRAI_TSAN)
#include <sanitizer/tsan_interface.h>
#endif

namespace moirai::async::internal {
namespace {

namespace ctx = boost::context::detail;

// What a thread remembers about itself while one of its contexts runs.
struct ThreadSwitchState {
  ExecutionContext* running = nullptr;
  // ASan: the thread's own stack, learned from finish_switch_fiber on arrival
  // in a context, needed to announce the switch back.
  const void* thread_stack_bottom = nullptr;
  std::size_t thread_stack_size = 0;
  // TSan: the thread's own fiber, to switch back to.
  void* tsan_thread_fiber = nullptr;
};

thread_local ThreadSwitchState tls_switch_state;

// Out of line on purpose: see the header (fibers migrate between threads, so
// a thread-local's address must be recomputed after every switch).
__attribute__((noinline)) ThreadSwitchState* CurrentSwitchState() noexcept {
  ThreadSwitchState* s = &tls_switch_state;
  asm volatile("" : "+r"(s));  // keep the compiler from caching the address
  return s;
}

}  // namespace

ExecutionContext::~ExecutionContext() {
#if defined(MOIRAI_TSAN)
  if (tsan_fiber_ != nullptr) __tsan_destroy_fiber(tsan_fiber_);
#endif
}

void ExecutionContext::Init(const Stack& stack, Entry entry,
                            void* arg) noexcept {
  stack_ = stack;
  entry_ = entry;
  arg_ = arg;
  finished_ = false;
  asan_fake_stack_ = nullptr;
#if defined(MOIRAI_ASAN)
  // A reused stack may keep the poisoned redzones of frames that never
  // returned (a finished fiber does not unwind); clear them.
  ASAN_UNPOISON_MEMORY_REGION(stack.base, stack.size);
#endif
#if defined(MOIRAI_TSAN)
  if (tsan_fiber_ != nullptr) __tsan_destroy_fiber(tsan_fiber_);
  tsan_fiber_ = __tsan_create_fiber(0);
#endif
  fctx_ = ctx::make_fcontext(stack.top(), stack.size, &Trampoline);
}

ExecutionContext* ExecutionContext::Current() noexcept {
  return CurrentSwitchState()->running;
}

void ExecutionContext::Resume() noexcept {
  EnsureOverflowHandlerOnThisThread();
  ThreadSwitchState* ts = CurrentSwitchState();
  if (MOIRAI_UNLIKELY(ts->running != nullptr || finished_)) {
    std::fputs(
        "moirai: ExecutionContext::Resume() from inside a fiber or on a "
        "finished fiber\n",
        stderr);
    std::abort();
  }
  ts->running = this;
  SetOverflowGuardForThisThread(stack_.guard_begin(), stack_.guard_end());
#if defined(MOIRAI_ASAN)
  void* thread_fake_stack = nullptr;
  __sanitizer_start_switch_fiber(&thread_fake_stack, stack_.base, stack_.size);
#endif
#if defined(MOIRAI_TSAN)
  ts->tsan_thread_fiber = __tsan_get_current_fiber();
  __tsan_switch_to_fiber(tsan_fiber_, 0);
#endif
  ctx::transfer_t t = ctx::jump_fcontext(fctx_, this);
#if defined(MOIRAI_ASAN)
  __sanitizer_finish_switch_fiber(thread_fake_stack, nullptr, nullptr);
#endif
  // Back on the thread's stack (the thread never migrates): `ts` is valid.
  fctx_ = t.fctx;
  ts->running = nullptr;
  SetOverflowGuardForThisThread(nullptr, nullptr);
#if defined(MOIRAI_TSAN)
  if (finished_) {
    __tsan_destroy_fiber(tsan_fiber_);
    tsan_fiber_ = nullptr;
  }
#endif
}

void ExecutionContext::ArrivedOnFiber() noexcept {
#if defined(MOIRAI_ASAN)
  ThreadSwitchState* ts = CurrentSwitchState();
  __sanitizer_finish_switch_fiber(asan_fake_stack_, &ts->thread_stack_bottom,
                                  &ts->thread_stack_size);
#endif
}

void ExecutionContext::Suspend() noexcept {
  ThreadSwitchState* ts = CurrentSwitchState();
#if defined(MOIRAI_ASAN)
  __sanitizer_start_switch_fiber(&asan_fake_stack_, ts->thread_stack_bottom,
                                 ts->thread_stack_size);
#endif
#if defined(MOIRAI_TSAN)
  __tsan_switch_to_fiber(ts->tsan_thread_fiber, 0);
#endif
  (void)ts;
  ctx::transfer_t t = ctx::jump_fcontext(caller_, nullptr);
  // Possibly on another thread now.
  caller_ = t.fctx;
  ArrivedOnFiber();
}

void ExecutionContext::Exit() noexcept {
  finished_ = true;
  ThreadSwitchState* ts = CurrentSwitchState();
#if defined(MOIRAI_ASAN)
  // nullptr: this stack is going away, ASan may free its fake frames.
  __sanitizer_start_switch_fiber(nullptr, ts->thread_stack_bottom,
                                 ts->thread_stack_size);
#endif
#if defined(MOIRAI_TSAN)
  __tsan_switch_to_fiber(ts->tsan_thread_fiber, 0);
#endif
  (void)ts;
  ctx::jump_fcontext(caller_, nullptr);
  std::fputs("moirai: a finished fiber was resumed\n", stderr);
  std::abort();
}

void ExecutionContext::Trampoline(ctx::transfer_t t) {
  auto* self = static_cast<ExecutionContext*>(t.data);
  self->caller_ = t.fctx;
  self->ArrivedOnFiber();
  self->entry_(self->arg_);
  self->Exit();
}

}  // namespace moirai::async::internal
