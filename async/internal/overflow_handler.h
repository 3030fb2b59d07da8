// Copyright 2026 The Moirai Authors.
//
// async/internal/overflow_handler.h
// -----------------------------------------------------------------------------
//
// Turns a fiber stack overflow into a loud, recognisable crash. A fiber that
// runs past the end of its stack touches the `PROT_NONE` guard page below it
// (see stack_pool.h) and takes SIGSEGV. The handler runs on an alternate
// signal stack (the fiber's stack is exhausted), checks whether the faulting
// address lies in the guard page of the fiber running on this thread, and if
// so prints "moirai: fiber stack overflow" and aborts. Any other SIGSEGV is
// handed to the handler that was installed before (or the default action).
//
// The handler itself is process-wide (signals are), installed once; the
// alternate stack is per thread, and the guard range is the one of the
// context the thread runs (ThreadSwitchState::running, execution_context.h).
// Nothing here is shared between runtimes except the installed handler, which
// holds no state.

#ifndef MOIRAI_ASYNC_INTERNAL_OVERFLOW_HANDLER_H_
#define MOIRAI_ASYNC_INTERNAL_OVERFLOW_HANDLER_H_

namespace moirai::async::internal {

// EnsureOverflowHandlerOnThisThread()
//
// Installs the SIGSEGV handler (once per process) and an alternate signal
// stack for the calling thread (once per thread; freed at thread exit). Cheap
// after the first call on a thread.
void EnsureOverflowHandlerOnThisThread() noexcept;

}  // namespace moirai::async::internal

#endif  // MOIRAI_ASYNC_INTERNAL_OVERFLOW_HANDLER_H_
