// Copyright 2026 The Moirai Authors.
//
// async/internal/execution_context.h
// -----------------------------------------------------------------------------
//
// `ExecutionContext`: the bare stack switch under every Moirai fiber. It wraps
// Boost.Context's `make_fcontext`/`jump_fcontext` (the cheapest switch Boost
// offers: it saves callee-saved registers and swaps the stack pointer) and
// tells the sanitizers about each switch, which Boost 1.74 does not do:
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
// Thread-local state is read through out-of-line functions after every switch,
// because a compiler may keep a thread-local's address in a register across a
// call and a fiber can come back on another thread.

#ifndef MOIRAI_ASYNC_INTERNAL_EXECUTION_CONTEXT_H_
#define MOIRAI_ASYNC_INTERNAL_EXECUTION_CONTEXT_H_

#include <boost/context/detail/fcontext.hpp>

#include "moirai/async/internal/stack_pool.h"

namespace moirai::async::internal {

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
  void Resume() noexcept;

  // ExecutionContext::Suspend()
  //
  // Called on this context's own stack: switches back to the thread that
  // last resumed it. Returns when some thread resumes the context again.
  void Suspend() noexcept;

  // ExecutionContext::finished()
  //
  // True once the entry function has returned and control went back to the
  // resumer for the last time; the stack may then be reused.
  bool finished() const noexcept { return finished_; }

  // ExecutionContext::Current()
  //
  // The context running on this thread, or nullptr on a thread's own stack.
  static ExecutionContext* Current() noexcept;

  const Stack& stack() const noexcept { return stack_; }

 private:
  static void Trampoline(boost::context::detail::transfer_t t);
  // Sanitizer bookkeeping on arrival on this context's stack.
  void ArrivedOnFiber() noexcept;
  [[noreturn]] void Exit() noexcept;

  boost::context::detail::fcontext_t fctx_ = nullptr;    // this context
  boost::context::detail::fcontext_t caller_ = nullptr;  // the resumer
  Stack stack_;
  Entry entry_ = nullptr;
  void* arg_ = nullptr;
  bool finished_ = false;
  void* asan_fake_stack_ = nullptr;  // ASan fake-stack handle while suspended
  [[maybe_unused]] void* tsan_fiber_ = nullptr;  // TSan fiber of this context
};

}  // namespace moirai::async::internal

#endif  // MOIRAI_ASYNC_INTERNAL_EXECUTION_CONTEXT_H_
