// Copyright 2026 The Moirai Authors.
//
// async/internal/stack_pool.h
// -----------------------------------------------------------------------------
//
// Guard-paged fiber stacks and the pool that recycles them. Each stack is one
// `mmap` mapping whose lowest page is `PROT_NONE`: a fiber that runs off the
// end of its stack faults on that page (see `overflow_handler.h`) instead of
// silently overwriting whatever lies below. Stacks grow down on every platform
// Moirai supports, so the guard sits at the low end.

#ifndef MOIRAI_ASYNC_INTERNAL_STACK_POOL_H_
#define MOIRAI_ASYNC_INTERNAL_STACK_POOL_H_

#include <cstddef>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "moirai/async/internal/lock.h"

namespace moirai::async::internal {

// Stack
//
// One mapping: [mapping, mapping + guard_size) is the guard page(s),
// [base, base + size) is usable, and the stack pointer starts at `top()`.
struct Stack {
  char* mapping = nullptr;
  std::size_t mapping_size = 0;
  char* base = nullptr;  // lowest usable byte (just above the guard)
  std::size_t size = 0;  // usable bytes

  char* top() const noexcept { return base + size; }
  char* guard_begin() const noexcept { return mapping; }
  char* guard_end() const noexcept { return base; }
  bool valid() const noexcept { return mapping != nullptr; }
};

// PageSize()
//
// The system page size (cached).
std::size_t PageSize() noexcept;

// AllocateStack()
//
// Maps a new stack with at least `size` usable bytes (rounded up to whole
// pages) and one guard page below it. Errors carry the `mmap`/`mprotect`
// errno (kResourceExhausted for ENOMEM).
absl::StatusOr<Stack> AllocateStack(std::size_t size);

// FreeStack()
//
// Unmaps a stack from AllocateStack(). A no-op for an invalid stack.
void FreeStack(Stack stack) noexcept;

// StackPool
//
// A bounded cache of same-sized stacks, so that spawning a fiber does not
// make a system call. Thread-safe. Stacks beyond `max_cached` are unmapped on
// release. Each pool belongs to one Runtime (no process-wide state).
class StackPool {
 public:
  StackPool(std::size_t stack_size, std::size_t max_cached);
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;
  ~StackPool();

  // StackPool::Allocate()
  //
  // Returns a cached stack if one is free, else maps a new one.
  absl::StatusOr<Stack> Allocate();

  // StackPool::Release()
  //
  // Returns `stack` (from this pool's Allocate()) to the cache or unmaps it.
  void Release(Stack stack) noexcept;

  // StackPool::stack_size()
  //
  // The usable size of every stack this pool hands out.
  std::size_t stack_size() const noexcept { return stack_size_; }

  // StackPool::cached()
  //
  // How many stacks sit in the cache now (for tests).
  std::size_t cached() const;

 private:
  const std::size_t stack_size_;
  const std::size_t max_cached_;
  mutable SpinMutex mu_;
  std::vector<Stack> free_ ABSL_GUARDED_BY(mu_);
};

}  // namespace moirai::async::internal

#endif  // MOIRAI_ASYNC_INTERNAL_STACK_POOL_H_
