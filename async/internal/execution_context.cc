// Copyright 2026 The Moirai Authors.

#include "moirai/async/internal/execution_context.h"

#include <cxxabi.h>

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

#if defined(__x86_64__) && defined(__ELF__)
// MoiraiAsyncSwitchContext: derived from Boost.Context 1.74's
// jump_x86_64_sysv_elf_gas.S (Copyright Oliver Kowalke 2009; Boost Software
// License 1.0, https://www.boost.org/LICENSE_1_0.txt), without the
// `stmxcsr`/`fnstcw` and `ldmxcsr`/`fldcw` pairs (see the header). The
// frame is Boost's, so contexts from make_fcontext resume here unchanged:
//   0x00 MXCSR + x87 CW (left as make_fcontext wrote them, never reloaded)
//   0x08 r12, 0x10 r13, 0x18 r14, 0x20 r15, 0x28 rbx, 0x30 rbp, 0x38 rip
// In: rdi = the context to switch to, rsi = data. Out (rax:rdx, or
// rdi:rsi for a context's first entry through make_fcontext's trampoline):
// the context switched away from, and data.
asm(R"(
  .pushsection .text
  .globl MoiraiAsyncSwitchContext
  .type MoiraiAsyncSwitchContext,@function
  .align 16
MoiraiAsyncSwitchContext:
  leaq  -0x38(%rsp), %rsp
  movq  %r12, 0x8(%rsp)
  movq  %r13, 0x10(%rsp)
  movq  %r14, 0x18(%rsp)
  movq  %r15, 0x20(%rsp)
  movq  %rbx, 0x28(%rsp)
  movq  %rbp, 0x30(%rsp)
  movq  %rsp, %rax
  movq  %rdi, %rsp
  movq  0x38(%rsp), %r8
  movq  0x8(%rsp), %r12
  movq  0x10(%rsp), %r13
  movq  0x18(%rsp), %r14
  movq  0x20(%rsp), %r15
  movq  0x28(%rsp), %rbx
  movq  0x30(%rsp), %rbp
  leaq  0x40(%rsp), %rsp
  movq  %rsi, %rdx
  movq  %rax, %rdi
  jmp   *%r8
  .size MoiraiAsyncSwitchContext,.-MoiraiAsyncSwitchContext
  .popsection
)");
#endif

namespace moirai::async::internal {
namespace {

namespace ctx = boost::context::detail;

thread_local ThreadSwitchState tls_switch_state;

}  // namespace

// Out of line on purpose: see the header (fibers migrate between threads, so
// a thread-local's address must be recomputed after every switch).
__attribute__((noinline)) ThreadSwitchState* CurrentSwitchState() noexcept {
  ThreadSwitchState* s = &tls_switch_state;
  asm volatile("" : "+r"(s));  // keep the compiler from caching the address
  return s;
}

EhGlobals* ThisThreadEhGlobals() noexcept {
  return reinterpret_cast<EhGlobals*>(abi::__cxa_get_globals());
}

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
  eh_ = EhGlobals{};  // a new context starts outside any handler
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

void ExecutionContext::BadResume() noexcept {
  std::fputs(
      "moirai: ExecutionContext::Resume() from inside a fiber or on a "
      "finished fiber\n",
      stderr);
  std::abort();
}

void ExecutionContext::Exit() noexcept {
  finished_ = true;
  ThreadSwitchState* ts = CurrentSwitchState();
  SwapEhState(ts->eh_globals);  // the thread's own EH state back
#if defined(MOIRAI_ASAN)
  // nullptr: this stack is going away, ASan may free its fake frames.
  __sanitizer_start_switch_fiber(nullptr, ts->thread_stack_bottom,
                                 ts->thread_stack_size);
#endif
#if defined(MOIRAI_TSAN)
  __tsan_switch_to_fiber(ts->tsan_thread_fiber, 0);
#endif
  (void)ts;
  SwitchContext(caller_, nullptr);
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
