// Copyright 2026 The Moirai Authors.
//
// memory/fixed_pool.h
// -----------------------------------------------------------------------------
//
// This header defines `moirai::memory::FixedPool`, a thread-safe allocator of
// fixed-size blocks with O(1) `Allocate()` and `Free()`, and per-thread caches
// in front of the shared pool.
//
//   auto pool = moirai::memory::FixedPool::Create({.block_size = 64});
//   if (!pool.ok()) return pool.status();
//   void* p = (*pool)->Allocate();   // nullptr only when memory is exhausted
//   ...
//   (*pool)->Free(p);                // from any thread
//
// How it works (details in memory/internal/slab.h): the pool reserves one
// range of address space and commits it in slabs (chunks) as it grows. Each
// thread owns the slabs it allocates from; allocating, and freeing a block of
// a slab the thread owns, touch only that thread's cache lines. A block freed
// by another thread goes back to its owning slab through a lock-free list and
// is reused by the owner. A thread's cache is returned to the pool when the
// thread exits; a pool may be destroyed before or after the threads that used
// it. Several pools may live in one process; each owns its thread caches.
//
// Memory is returned to the operating system when the pool is destroyed.
//
// Memory ordering: a block handed from `Free()` on one thread to `Allocate()`
// on another carries a happens-before edge (through the pool mutex or the
// remote-free list's release/acquire pair), so the next owner never races with
// the previous one's writes.

#ifndef MOIRAI_MEMORY_FIXED_POOL_H_
#define MOIRAI_MEMORY_FIXED_POOL_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "moirai/core/arch.h"
#include "moirai/memory/internal/slab.h"

namespace moirai::memory {

// FixedPoolOptions
//
// `block_size` is required. `alignment` must be a power of two no larger than
// the page size; blocks are always at least pointer aligned.
struct FixedPoolOptions {
  std::size_t block_size = 0;
  std::size_t alignment = alignof(std::max_align_t);
  // The most address space the pool may ever use; it commits this range slab
  // by slab. 0 picks max(1 GiB, 64 slabs). `Allocate()` returns nullptr once
  // it is used up.
  std::size_t max_bytes = 0;
  // Called once with the reserved (not yet accessible) range before any block
  // is handed out, for example to bind it to a NUMA node. An error fails
  // `Create()`.
  std::function<absl::Status(void* base, std::size_t bytes)> on_reserve;
};

// FixedPoolStats
//
// A snapshot. While other threads allocate and free it is approximate (the
// per-thread counters are read one after another); when the pool is quiescent
// it is exact.
struct FixedPoolStats {
  std::size_t block_size = 0;     // as requested
  std::size_t block_stride = 0;   // bytes between blocks (size + alignment)
  std::uint64_t allocations = 0;  // total Allocate() calls that succeeded
  std::uint64_t frees = 0;        // total Free() calls
  std::size_t blocks_in_use = 0;  // allocations - frees
  // The highest `blocks_in_use` seen at the pool's sampling points (each new
  // or adopted chunk, each thread exit, each stats() call): a lower bound on
  // the true peak. Exact counting would need a shared counter on the fast path.
  std::size_t peak_blocks_in_use = 0;
  std::size_t chunks = 0;          // slabs committed
  std::size_t chunk_bytes = 0;     // size of one slab
  std::size_t bytes_reserved = 0;  // chunks * chunk_bytes
  std::size_t thread_caches = 0;   // live per-thread caches
};

// FixedPool
//
// Thread-safe. Not movable: thread caches point at it. Destroying the pool
// while another thread is inside `Allocate()`/`Free()` of the same pool is
// invalid; blocks still in use when it is destroyed become invalid.
class FixedPool {
 public:
  // The largest block size `Create()` accepts.
  static constexpr std::size_t kMaxBlockSize = std::size_t{1} << 20;

  // FixedPool::Create()
  //
  // Returns InvalidArgument for a zero or too large `block_size`, an alignment
  // that is zero, not a power of two or above the page size, or a `max_bytes`
  // smaller than one slab; ResourceExhausted if the address space cannot be
  // reserved; or the `on_reserve` hook's error.
  static absl::StatusOr<std::unique_ptr<FixedPool>> Create(
      FixedPoolOptions options);

  ~FixedPool();
  FixedPool(const FixedPool&) = delete;
  FixedPool& operator=(const FixedPool&) = delete;

  // FixedPool::Allocate()
  //
  // Returns a block of `block_size()` bytes aligned to `alignment()`, or
  // nullptr when `max_bytes` is used up or the system refuses memory. O(1)
  // amortised; never throws.
  void* Allocate() noexcept;

  // FixedPool::Free()
  //
  // Returns `block` (from `Allocate()` of this pool, on any thread) to the
  // pool. `Free(nullptr)` does nothing. Freeing a pointer this pool did not
  // hand out is a programming error: debug builds (no NDEBUG) abort with a
  // message naming the pointer; release builds do not check. Double frees are
  // not detected.
  void Free(void* block) noexcept;

  // FixedPool::Owns()
  //
  // True if `p` points into a committed chunk of this pool. Lock-free.
  bool Owns(const void* p) const noexcept;

  // FixedPool::stats()
  FixedPoolStats stats() const;

  std::size_t block_size() const noexcept { return block_size_; }
  std::size_t alignment() const noexcept { return alignment_; }
  std::size_t block_stride() const noexcept { return stride_; }
  std::size_t chunk_bytes() const noexcept { return slab_size_; }
  std::size_t max_bytes() const noexcept { return reserved_bytes_; }
  // A process-unique, never reused id.
  std::uint64_t id() const noexcept { return id_; }

 private:
  friend struct internal::ThreadRegistry;
  struct Geometry;
  FixedPool(const Geometry& g, char* reservation, std::size_t reservation_len,
            char* base);

  internal::Slab* SlabOf(const void* p) const noexcept {
    return reinterpret_cast<internal::Slab*>(
        reinterpret_cast<std::uintptr_t>(p) & ~(slab_size_ - 1));
  }

  void* AllocateSlow() noexcept;
  void FreeSlow(void* block, internal::Slab* slab) noexcept;
  void CheckOwnedOrDie(const void* p) const noexcept;
  // The calling thread's cache for this pool, created on first use; nullptr
  // while the thread is exiting (its registry is gone) or out of memory.
  internal::ThreadCache* LocalCache() noexcept;
  // Allocates from `tc`, refilling it from its slabs or the pool. Caller is
  // `tc`'s owner (or holds `orphan_mu_` for `orphan_`).
  void* AllocateFrom(internal::ThreadCache* tc) noexcept;
  bool Refill(internal::ThreadCache* tc) noexcept;
  bool ExtendFreeList(internal::Slab* s) noexcept;
  // Takes an abandoned slab with free blocks, or commits a new one.
  internal::Slab* AcquireSlab(internal::ThreadCache* tc) noexcept
      ABSL_LOCKS_EXCLUDED(control_->mu);
  void SamplePeakLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(control_->mu);

  // Returns a thread's cache: retires it into its pool if the pool is still
  // alive, then deletes it. Called by the owning thread only.
  static void ReleaseCache(internal::ThreadCache* tc);
  // Abandons the cache's slabs to the pool and folds its counters into the
  // totals.
  void RetireCacheLocked(internal::ThreadCache* tc)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(control_->mu);

 private:
  const std::uint64_t id_;
  const std::size_t block_size_;
  const std::size_t alignment_;
  const std::size_t stride_;
  const std::size_t slab_size_;
  const std::size_t first_block_offset_;
  const std::size_t blocks_per_slab_;
  const std::size_t reserved_bytes_;
  char* const reservation_;            // what mmap returned
  const std::size_t reservation_len_;  // what munmap gets
  char* const base_;                   // first slab, slab aligned
  // Bytes of [base_, base_ + reserved_bytes_) committed so far. Release
  // store after a slab is initialised; acquire load in Owns().
  std::atomic<std::size_t> committed_bytes_{0};

  const std::shared_ptr<internal::PoolControl> control_;
  internal::Slab* abandoned_ ABSL_GUARDED_BY(control_->mu) = nullptr;
  std::vector<internal::ThreadCache*> caches_ ABSL_GUARDED_BY(control_->mu);
  std::uint64_t retired_allocs_ ABSL_GUARDED_BY(control_->mu) = 0;
  std::uint64_t retired_frees_ ABSL_GUARDED_BY(control_->mu) = 0;
  mutable std::size_t peak_ ABSL_GUARDED_BY(control_->mu) = 0;

  // The cache used by threads that allocate or free while they exit (after
  // their own caches are gone). Lock order: orphan_mu_ before control_->mu.
  mutable sync::Mutex orphan_mu_ ABSL_ACQUIRED_BEFORE(control_->mu);
  internal::ThreadCache orphan_ ABSL_GUARDED_BY(orphan_mu_);
};

// Inline fast paths ----------------------------------------------------------

inline void* FixedPool::Allocate() noexcept {
  const internal::TlsFast fast = *internal::ThisThreadTlsFast();
  if (MOIRAI_LIKELY(fast.pool_id == id_)) {
    internal::ThreadCache* tc = fast.cache;
    internal::Slab* s = tc->current;
    void* block = s->free;
    if (MOIRAI_LIKELY(block != nullptr)) {
      s->free = *static_cast<void**>(block);
      internal::CountOp(tc->allocs);
      return block;
    }
  }
  return AllocateSlow();
}

inline void FixedPool::Free(void* block) noexcept {
  if (block == nullptr) return;
#ifndef NDEBUG
  CheckOwnedOrDie(block);
#endif
  internal::Slab* s = SlabOf(block);
  const internal::TlsFast fast = *internal::ThisThreadTlsFast();
  // Relaxed is enough: only this thread ever stores its own cache's address
  // into `owner`, so reading it means this thread owns the slab; any other
  // value (stale or not) means the block goes to the remote list.
  if (MOIRAI_LIKELY(fast.pool_id == id_ &&
                    s->owner.load(std::memory_order_relaxed) == fast.cache)) {
    internal::PushFree(s->free, block);
    internal::CountOp(fast.cache->frees);
    return;
  }
  FreeSlow(block, s);
}

}  // namespace moirai::memory

#endif  // MOIRAI_MEMORY_FIXED_POOL_H_
