// Copyright 2026 The Moirai Authors.
//
// memory/internal/slab.h
// -----------------------------------------------------------------------------
//
// The private data structures behind `moirai::memory::FixedPool`: the slab
// header at the start of every chunk, the per-thread cache, and the one-entry
// thread-local lookup cache the inline fast paths read. Nothing here is API.
//
// Design (after mimalloc's "free list sharding", Leijen et al., 2019):
//
//   * A pool reserves one contiguous, slab-aligned range of address space and
//     commits it one slab (chunk) at a time. `Owns(p)` is a range check, and
//     the slab of any block is found by masking its address.
//   * Every slab has at most one owner: a thread cache. Only the owner pops
//   from
//     and pushes to the slab's local free list, so the common path (allocate
//     from, or free to, a slab the calling thread owns) writes no shared cache
//     line and executes no atomic read-modify-write.
//   * A thread that frees a block of a slab it does not own pushes it onto that
//     slab's `remote_free` list (a lock-free Treiber push). The owner takes the
//     whole list with one exchange when its local list runs dry: the block has
//     gone home.
//   * When a thread exits, its cache abandons its slabs to the pool (under the
//     pool mutex); another thread adopts them when it needs a slab.

#ifndef MOIRAI_MEMORY_INTERNAL_SLAB_H_
#define MOIRAI_MEMORY_INTERNAL_SLAB_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "moirai/core/arch.h"
#include "moirai/sync/mutex.h"

namespace moirai::memory {
class FixedPool;
}  // namespace moirai::memory

namespace moirai::memory::internal {

struct ThreadCache;
struct ThreadRegistry;  // fixed_pool.cc

// kSlabMagic
//
// Written in every slab header; a debug aid when reading core dumps.
inline constexpr std::uint64_t kSlabMagic = 0x4d4f495241494d53ull;

// Slab
//
// The header at the start of each slab (chunk); blocks follow at
// `first_block`. Invariants:
//   * `free`, `bump` and `end` are touched only by the owner while
//     `owner != nullptr`, and only under the pool mutex while the slab is
//     abandoned (`owner == nullptr`). Ownership changes happen under the pool
//     mutex, which is what hands these plain fields from one thread to the
//     next.
//   * Every block of the slab is in exactly one of: `free`, `remote_free`,
//     the never-used range [bump, end), or the hands of a user.
//   * `owner` is written only under the pool mutex (adopt, abandon). A thread
//     that is not the owner can never read its own cache's address from it
//     (see FixedPool::Free), so a relaxed load decides "mine or remote".
struct Slab {
  // Owner-side fields, one cache line with the owner pointer.
  void* free = nullptr;  // local free list, linked through a block's 1st word
  char* bump = nullptr;  // first never-used block
  char* end = nullptr;   // one past the last block
  std::atomic<ThreadCache*> owner{nullptr};
  Slab* next_abandoned = nullptr;  // pool's abandoned list; under pool mutex
  std::uint64_t magic = kSlabMagic;

  // Written by any thread that frees a block it does not own. On its own pair
  // of cache lines, so remote frees do not disturb the owner's fast path.
  alignas(core::kFalseSharingRange) std::atomic<void*> remote_free{nullptr};
};

// kEmptySlab
//
// The slab a thread cache points at before it owns any: its free list is
// always empty, so the inline fast path falls through to the slow path
// without a null check. It is never written.
inline Slab kEmptySlab;

// PoolControl
//
// The part of a pool that outlives it while thread caches still refer to it:
// the mutex and a pointer back to the pool, nulled (under `mu`) by the pool's
// destructor. Shared between the pool and each of its thread caches.
struct PoolControl {
  sync::Mutex mu;
  FixedPool* pool ABSL_GUARDED_BY(mu) = nullptr;
};

// ThreadCache
//
// One thread's state for one pool. Created by the thread on first use, owned
// by that thread (its registry), registered with the pool. Deleted by the
// thread when it exits, or earlier if it finds the pool already destroyed.
struct ThreadCache {
  // The slab the fast path allocates from; never null (`&kEmptySlab`).
  Slab* current = &kEmptySlab;
  // Operation counts, written only by the owning thread (load + store, no
  // read-modify-write); read relaxed by FixedPool::stats() for a snapshot.
  std::atomic<std::uint64_t> allocs{0};
  std::atomic<std::uint64_t> frees{0};

  std::uint64_t pool_id = 0;
  // Every slab this cache owns, in adoption order; `cursor` is where the next
  // search for a slab with free blocks starts (round robin). Owner only.
  std::vector<Slab*> owned;
  std::size_t cursor = 0;
  std::shared_ptr<PoolControl> control;
};

// TlsFast
//
// The calling thread's most recently used (pool id, cache) pair. Pool ids are
// never reused, so a stale entry for a destroyed pool can never match a live
// pool.
struct TlsFast {
  std::uint64_t pool_id;
  ThreadCache* cache;
};

// ThisThreadTlsFast()
//
// The calling thread's TlsFast (fixed_pool.cc; constant initialised, so the
// access inside is one thread-pointer-relative address with no guard). Out
// of line on purpose: the pool is used from fibers, which may migrate between
// two calls; an inlined thread-local's address could be kept across the
// switch and the fiber would use the old thread's cache without
// synchronisation (see core/internal/fiber_safe_tls.h).
TlsFast* ThisThreadTlsFast() noexcept;

// PushLocal() / CountOp()
//
// Small helpers the inline fast paths share with the slow paths.
inline void PushFree(void*& head, void* block) noexcept {
  *static_cast<void**>(block) = head;
  head = block;
}
inline void CountOp(std::atomic<std::uint64_t>& counter) noexcept {
  // Single writer (the owning thread): a relaxed load and store suffice and
  // compile to plain moves; stats() reads it relaxed.
  counter.store(counter.load(std::memory_order_relaxed) + 1,
                std::memory_order_relaxed);
}

// DieForeignPointer()
//
// The documented crash for freeing a pointer the pool did not hand out
// (debug builds). Prints the pointer and the pool's geometry, then aborts.
[[noreturn]] void DieForeignPointer(const void* p, const char* why,
                                    std::size_t block_size) noexcept;

}  // namespace moirai::memory::internal

#endif  // MOIRAI_MEMORY_INTERNAL_SLAB_H_
