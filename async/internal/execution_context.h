// Copyright 2026 The Moirai Authors.
//
// async/internal/execution_context.h
// -----------------------------------------------------------------------------
//
// `ExecutionContext`: the bare stack switch under every Moirai fiber. It builds
// contexts with Boost.Context's `make_fcontext` and switches with
// `SwitchContext()` (below): Boost's `jump_fcontext` on most platforms, and on
// x86-64 System V a copy of it that leaves out the save and reload of the
// MXCSR and x87 control words. Those two instructions (`stmxcsr`, `ldmxcsr`)
// wait for every floating-point instruction in flight and made up most of a
// fiber switch's cost in the middle of real code. The price, as in marl and
// Go: a fiber that changes the floating-point control modes (rounding,
// exception masks; `fesetround`, `fesetenv`) must restore them before it
// blocks or yields, or the change leaks to whatever runs next on that thread.
// It also tells the sanitizers about each switch, which Boost 1.74 does not
// do:
//
//  - AddressSanitizer: `__sanitizer_start_switch_fiber` before and
//    `__sanitizer_finish_switch_fiber` after every jump, so ASan knows which
//    stack is live (otherwise it reports false stack-buffer-overflows and its
//    fake stacks get confused);
//  - ThreadSanitizer: one TSan fiber per context (`__tsan_create_fiber`),
//    `__tsan_switch_to_fiber` immediately before each jump, and
//    `__tsan_destroy_fiber` once the context finished, so TSan keeps a shadow
//    stack and vector clock per fiber rather than per thread.
//
// Model: a thread (a scheduler worker) calls `Resume()`, which runs the
// context on its own stack until the context calls `Suspend()` (back to the
// thread that resumed it) or its entry function returns. The next `Resume()`
// may come from a different thread: contexts migrate between workers.
//
// C++ exception-handling state: the C++ runtime keeps, per thread, the stack
// of exceptions being handled (`catch` blocks entered and not left;
// `std::current_exception()`, `throw;`) and the count of exceptions in flight
// (`std::uncaught_exceptions()`), in `__cxa_get_globals()`. A fiber that
// blocks inside a `catch` block (or in a destructor run by unwinding) owns
// part of that state and may resume on another thread. So every switch swaps
// the two fields between the thread and the context (SwapEhState()): a
// running context has its own state in the thread's globals and the thread's
// own state saved in the context, a suspended one the other way round. Cost:
// two 16-byte swaps per round trip, through a pointer cached per thread.
//
// Thread-local state is read through out-of-line functions after every switch,
// because a compiler may keep a thread-local's address in a register across a
// call and a fiber can come back on another thread.
//
// Resume() and Suspend() are inline on purpose: a stack switch leaves the
// CPU's return-address predictor holding the other stack's frames, so every
// `ret` out of a frame that was live before the switch mispredicts. Inlined,
// the switch lands in the caller's own frame (the fiber runtime's loop on one
// side, the fiber's code on the other) and no such `ret` follows it.

#ifndef MOIRAI_ASYNC_INTERNAL_EXECUTION_CONTEXT_H_
#define MOIRAI_ASYNC_INTERNAL_EXECUTION_CONTEXT_H_

#include <boost/context/detail/fcontext.hpp>
#include <cstddef>
#include <cstdint>

#include "moirai/async/internal/overflow_handler.h"
#include "moirai/async/internal/stack_pool.h"
#include "moirai/core/arch.h"

#if defined(MOIRAI_ASAN)
#include <sanitizer/common_interface_defs.h>
#endif
#if defined(MOIRAI_TSAN)
#include <sanitizer/tsan_interface.h>
#endif

namespace moirai::async::internal {

// SwitchContext()
//
// `jump_fcontext` with Boost's calling convention and frame layout (so it
// resumes contexts made by `make_fcontext` and by itself): saves the
// callee-saved general registers on the current stack, switches to `to`, and
// returns {the context switched away from, `data`} when switched back to.
#if defined(__x86_64__) && defined(__ELF__)
extern "C" boost::context::detail::transfer_t MoiraiAsyncSwitchContext(
    boost::context::detail::fcontext_t to, void* data);
inline boost::context::detail::transfer_t SwitchContext(
    boost::context::detail::fcontext_t to, void* data) noexcept {
  return MoiraiAsyncSwitchContext(to, data);
}
#else
inline boost::context::detail::transfer_t SwitchContext(
    boost::context::detail::fcontext_t to, void* data) noexcept {
  return boost::context::detail::jump_fcontext(to, data);
}
#endif

class ExecutionContext;

// EhGlobals
//
// The leading fields of the C++ ABI's per-thread `__cxa_eh_globals`
// (Itanium C++ ABI; the same layout in libsupc++ and libc++abi): the stack of
// caught exceptions and the number of uncaught ones. (ARM EHABI appends a
// third field for forced unwinding, which needs no swapping.)
struct EhGlobals {
  void* caught_exceptions = nullptr;
  unsigned int uncaught_exceptions = 0;
};

// ThisThreadEhGlobals()
//
// The calling thread's `__cxa_get_globals()`. Out of line: the C++ runtime
// declares that function `__attribute__((const))`, so the compiler may reuse
// its result across a switch; call this only on a thread's own stack and
// cache the result per thread (ThreadSwitchState::eh_globals).
EhGlobals* ThisThreadEhGlobals() noexcept;

// ThreadSwitchState
//
// What a thread remembers about itself while one of its contexts runs.
struct ThreadSwitchState {
  ExecutionContext* running = nullptr;
  // ASan: the thread's own stack, learned from finish_switch_fiber on arrival
  // in a context, needed to announce the switch back.
  const void* thread_stack_bottom = nullptr;
  std::size_t thread_stack_size = 0;
  // TSan: the thread's own fiber, to switch back to.
  void* tsan_thread_fiber = nullptr;
  // This thread's C++ exception-handling globals (see the file comment).
  EhGlobals* eh_globals = nullptr;
  // EnsureOverflowHandlerOnThisThread() ran on this thread and eh_globals is
  // set.
  bool overflow_handler_ready = false;
};

// CurrentSwitchState()
//
// The calling thread's ThreadSwitchState. Out of line on purpose (see the
// file comment): call it again after every switch.
ThreadSwitchState* CurrentSwitchState() noexcept;

class ExecutionContext {
 public:
  using Entry = void (*)(void* arg);

  ExecutionContext() = default;
  ExecutionContext(const ExecutionContext&) = delete;
  ExecutionContext& operator=(const ExecutionContext&) = delete;
  ~ExecutionContext();

  // ExecutionContext::Init()
  //
  // Prepares the context to run `entry(arg)` on `stack` (not owned) at the
  // first Resume(). Must not be called while the context is live.
  void Init(const Stack& stack, Entry entry, void* arg) noexcept;

  // ExecutionContext::Resume()
  //
  // Runs the context on the calling thread until it suspends or its entry
  // function returns. Must be called from a thread's own stack (not from
  // inside another ExecutionContext), and never on a finished context.
  inline void Resume() noexcept;

  // ExecutionContext::Suspend()
  //
  // Called on this context's own stack: switches back to the thread that
  // last resumed it. Returns when some thread resumes the context again.
  inline void Suspend() noexcept;

  // ExecutionContext::finished()
  //
  // True once the entry function has returned and control went back to the
  // resumer for the last time; the stack may then be reused.
  bool finished() const noexcept { return finished_; }

  // ExecutionContext::GuardContains()
  //
  // True if `addr` lies in the guard page below this context's stack. Reads
  // only the (immutable while it runs) stack bounds: async-signal-safe, for
  // the overflow handler on the thread that runs this context.
  bool GuardContains(const void* addr) const noexcept {
    const auto a = reinterpret_cast<std::uintptr_t>(addr);
    return a >= reinterpret_cast<std::uintptr_t>(stack_.guard_begin()) &&
           a < reinterpret_cast<std::uintptr_t>(stack_.guard_end());
  }

  // ExecutionContext::Current()
  //
  // The context running on this thread, or nullptr on a thread's own stack.
  static ExecutionContext* Current() noexcept;

  const Stack& stack() const noexcept { return stack_; }

 private:
  static void Trampoline(boost::context::detail::transfer_t t);
  // Sanitizer bookkeeping on arrival on this context's stack.
  inline void ArrivedOnFiber() noexcept;
  // Swaps the thread's EH globals `g` with eh_ (see the file comment). Called
  // on the thread that switches, right before each switch, both ways.
  void SwapEhState(EhGlobals* g) noexcept {
    const EhGlobals saved = eh_;
    eh_ = *g;
    *g = saved;
  }
  [[noreturn]] void Exit() noexcept;
  // Resume()'s misuse check failed.
  [[noreturn]] static void BadResume() noexcept;

  boost::context::detail::fcontext_t fctx_ = nullptr;    // this context
  boost::context::detail::fcontext_t caller_ = nullptr;  // the resumer
  Stack stack_;
  Entry entry_ = nullptr;
  void* arg_ = nullptr;
  bool finished_ = false;
  // Invariant: while the context is suspended (or not started), its own C++
  // EH state; while it runs, the state of the thread that resumed it.
  EhGlobals eh_;
  void* asan_fake_stack_ = nullptr;  // ASan fake-stack handle while suspended
  [[maybe_unused]] void* tsan_fiber_ = nullptr;  // TSan fiber of this context
};

inline void ExecutionContext::Resume() noexcept {
  ThreadSwitchState* ts = CurrentSwitchState();
  if (MOIRAI_UNLIKELY(!ts->overflow_handler_ready)) {
    EnsureOverflowHandlerOnThisThread();
    ts->eh_globals = ThisThreadEhGlobals();
    ts->overflow_handler_ready = true;
  }
  if (MOIRAI_UNLIKELY(ts->running != nullptr || finished_)) BadResume();
  ts->running = this;
  SwapEhState(ts->eh_globals);  // the context's EH state in, the thread's out
#if defined(MOIRAI_ASAN)
  void* thread_fake_stack = nullptr;
  __sanitizer_start_switch_fiber(&thread_fake_stack, stack_.base, stack_.size);
#endif
#if defined(MOIRAI_TSAN)
  ts->tsan_thread_fiber = __tsan_get_current_fiber();
  __tsan_switch_to_fiber(tsan_fiber_, 0);
#endif
  boost::context::detail::transfer_t t = SwitchContext(fctx_, this);
#if defined(MOIRAI_ASAN)
  __sanitizer_finish_switch_fiber(thread_fake_stack, nullptr, nullptr);
#endif
  // Back on the thread's stack (the thread never migrates): `ts` is valid.
  fctx_ = t.fctx;
  ts->running = nullptr;
#if defined(MOIRAI_TSAN)
  if (finished_) {
    __tsan_destroy_fiber(tsan_fiber_);
    tsan_fiber_ = nullptr;
  }
#endif
}

inline void ExecutionContext::ArrivedOnFiber() noexcept {
#if defined(MOIRAI_ASAN)
  ThreadSwitchState* ts = CurrentSwitchState();
  __sanitizer_finish_switch_fiber(asan_fake_stack_, &ts->thread_stack_bottom,
                                  &ts->thread_stack_size);
#endif
}

inline void ExecutionContext::Suspend() noexcept {
  ThreadSwitchState* ts = CurrentSwitchState();
  // This thread's own EH state back in, the context's saved (it may resume
  // on another thread).
  SwapEhState(ts->eh_globals);
#if defined(MOIRAI_ASAN)
  __sanitizer_start_switch_fiber(&asan_fake_stack_, ts->thread_stack_bottom,
                                 ts->thread_stack_size);
#endif
#if defined(MOIRAI_TSAN)
  __tsan_switch_to_fiber(ts->tsan_thread_fiber, 0);
#endif
  boost::context::detail::transfer_t t = SwitchContext(caller_, nullptr);
  // Possibly on another thread now.
  caller_ = t.fctx;
  ArrivedOnFiber();
}

}  // namespace moirai::async::internal

#endif  // MOIRAI_ASYNC_INTERNAL_EXECUTION_CONTEXT_H_
