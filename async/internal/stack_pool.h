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
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "moirai/async/internal/lock.h"
#include "moirai/core/arch.h"

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
//
// Worker caches: after EnableWorkerCaches(n), callers that pass a slot in
// [0, n) (a scheduler worker passes its index) use a private cache of up to
// kWorkerCacheSize stacks first, without the lock; they overflow into and
// refill from the shared cache. A slot must never be used by two threads at
// once. The shared cache holds at most `max_cached` stacks and each worker
// cache at most min(kWorkerCacheSize, max_cached).
class StackPool {
 public:
  static constexpr int kWorkerCacheSize = 8;

  StackPool(std::size_t stack_size, std::size_t max_cached);
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;
  ~StackPool();

  // StackPool::EnableWorkerCaches()
  //
  // Creates `num_workers` worker caches. Call at most once, before any call
  // that passes a slot.
  void EnableWorkerCaches(int num_workers);

  // StackPool::Allocate()
  //
  // Returns a cached stack if one is free (slot `slot`'s own cache first,
  // when it has one), else maps a new one. `slot` < 0: no worker cache.
  absl::StatusOr<Stack> Allocate(int slot = -1);

  // StackPool::Release()
  //
  // Returns `stack` (from this pool's Allocate()) to slot `slot`'s cache,
  // the shared cache, or unmaps it.
  void Release(Stack stack, int slot = -1) noexcept;

  // StackPool::stack_size()
  //
  // The usable size of every stack this pool hands out.
  std::size_t stack_size() const noexcept { return stack_size_; }

  // StackPool::cached()
  //
  // How many stacks sit in the shared cache now (for tests).
  std::size_t cached() const;

  // StackPool::worker_cached()
  //
  // How many stacks sit in slot `slot`'s cache (for tests; call it on the
  // slot's thread or when the pool is idle).
  int worker_cached(int slot) const noexcept;

 private:
  // One worker's cache: touched only by the thread that owns the slot.
  struct alignas(core::kFalseSharingRange) WorkerCache {
    Stack stacks[kWorkerCacheSize];
    int count = 0;
  };

  WorkerCache* CacheFor(int slot) const noexcept {
    return (slot >= 0 && slot < num_worker_caches_) ? &worker_caches_[slot]
                                                    : nullptr;
  }

  const std::size_t stack_size_;
  const std::size_t max_cached_;
  // Per-worker cache capacity: min(kWorkerCacheSize, max_cached_).
  const int worker_cache_capacity_;
  std::unique_ptr<WorkerCache[]> worker_caches_;
  int num_worker_caches_ = 0;
  mutable SpinMutex mu_;
  std::vector<Stack> free_ ABSL_GUARDED_BY(mu_);
};

}  // namespace moirai::async::internal

#endif  // MOIRAI_ASYNC_INTERNAL_STACK_POOL_H_
