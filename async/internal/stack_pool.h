// Copyright 2026 The Moirai Authors.
//
// async/internal/stack_pool.h
// -----------------------------------------------------------------------------
//
// Guard-paged fiber stacks and the pool that recycles them. Each stack is one
// `mmap` mapping, from low to high addresses:
//
//   [ control reservation | guard (PROT_NONE) | usable stack ... top ]
//     one page, RW           guard_size          size bytes
//
// Stacks grow down on every platform Moirai supports, so a fiber that runs
// off the end of its stack faults on the guard (see `overflow_handler.h`)
// instead of silently overwriting whatever lies below. The guard is large
// (RuntimeOptions::guard_size, 64 KiB by default) so that a frame of code
// built without `-fstack-clash-protection` that skips a few pages still lands
// in it. The fiber's control block (async/internal/fiber.h) lives in the
// reservation below the guard, outside every stack's writable range: the
// fiber's own overflow hits the guard first, and the overflow of the stack
// mapped above would have to cross this whole stack and its guard to reach
// it. A control block too large for the reservation goes to the heap
// (AllocateControlBlock()).

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

// kDefaultGuardSize
//
// The guard below every fiber stack unless configured otherwise.
inline constexpr std::size_t kDefaultGuardSize = 64 * 1024;

// kMaxGuardSize
//
// The largest guard AllocateStack() and RuntimeOptions accept.
inline constexpr std::size_t kMaxGuardSize = std::size_t{1} << 30;

// kControlBlockAlignment
//
// Control blocks are aligned to a cache line (their atomics are written by
// other threads; nothing else shares the line), and to nothing stricter.
inline constexpr std::size_t kControlBlockAlignment = 64;

// Stack
//
// One mapping (see the file comment): [mapping, guard) is the control
// reservation, [guard, base) the guard, [base, base + size) is usable, and
// the stack pointer starts at `top()`. Invariant: mapping <= guard < base and
// every boundary is page aligned.
struct Stack {
  char* mapping = nullptr;
  std::size_t mapping_size = 0;
  char* guard = nullptr;  // lowest guard byte (end of the reservation)
  char* base = nullptr;   // lowest usable byte (just above the guard)
  std::size_t size = 0;   // usable bytes

  char* top() const noexcept { return base + size; }
  char* guard_begin() const noexcept { return guard; }
  char* guard_end() const noexcept { return base; }
  char* control_begin() const noexcept { return mapping; }
  std::size_t control_size() const noexcept {
    return static_cast<std::size_t>(guard - mapping);
  }
  bool valid() const noexcept { return mapping != nullptr; }
};

// PageSize()
//
// The system page size (cached).
std::size_t PageSize() noexcept;

// AllocateStack()
//
// Maps a new stack with at least `size` usable bytes and a guard of at least
// `guard_size` bytes below it (both rounded up to whole pages), and one page
// of control reservation below the guard. kInvalidArgument for a zero size,
// a guard outside [1, kMaxGuardSize] or a total that overflows; other errors
// carry the `mmap`/`mprotect` errno (kResourceExhausted for ENOMEM).
absl::StatusOr<Stack> AllocateStack(std::size_t size,
                                    std::size_t guard_size = kDefaultGuardSize);

// FreeStack()
//
// Unmaps a stack from AllocateStack(). A no-op for an invalid stack.
void FreeStack(Stack stack) noexcept;

// AllocateControlBlock()
//
// Memory for a fiber control block of `size` bytes aligned to
// kControlBlockAlignment (types aligned more strictly are not supported: see
// the static_assert in Runtime::Spawn): the top of `stack`'s control
// reservation when it fits (the common case: no allocation), else the heap.
// nullptr only when the heap is exhausted. Free it with FreeControlBlock().
void* AllocateControlBlock(const Stack& stack, std::size_t size) noexcept;

// FreeControlBlock()
//
// Releases what AllocateControlBlock(`stack`, ...) returned (a no-op for the
// reservation). Call it before the stack is released: the stack may be reused
// at once.
void FreeControlBlock(const Stack& stack, void* block) noexcept;

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

  // `stack_size` and `guard_size` as for AllocateStack(); an invalid
  // `guard_size` makes every Allocate() fail with its error.
  StackPool(std::size_t stack_size, std::size_t max_cached,
            std::size_t guard_size = kDefaultGuardSize);
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

  // StackPool::guard_size()
  //
  // The guard below every stack this pool hands out, as requested.
  std::size_t guard_size() const noexcept { return guard_size_; }

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
  const std::size_t guard_size_;
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
