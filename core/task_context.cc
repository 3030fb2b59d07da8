// Copyright 2026 The Moirai Authors.

#include "moirai/core/task_context.h"

namespace moirai::core {
namespace {

// This thread's installed context. Constant-initialised, trivially
// destructible: no TLS guard.
thread_local TaskContext* tls_current = nullptr;

}  // namespace

// Out of line and noinline (see the header): each call recomputes the
// thread-local address, so a fiber that resumed on another thread reads its
// new thread's slot.
__attribute__((noinline)) TaskContext* TaskContext::current() noexcept {
  return tls_current;
}

__attribute__((noinline)) TaskContext* TaskContext::Exchange(
    TaskContext* ctx) noexcept {
  TaskContext* previous = tls_current;
  tls_current = ctx;
  return previous;
}

}  // namespace moirai::core
