// Copyright 2026 The Moirai Authors.
//
// memory/pool_allocator.h
// -----------------------------------------------------------------------------
//
// `PoolResource`, a set of `FixedPool`s by size class, and `PoolAllocator<T>`,
// a standard allocator over it for node-based containers:
//
//   moirai::memory::PoolResource pools;   // or PoolResource::Default()
//   std::map<int, std::string, std::less<>,
//            moirai::memory::PoolAllocator<std::pair<const int, std::string>>>
//       m{moirai::memory::PoolAllocator<std::pair<const int,
//       std::string>>(&pools)};
//
// Requests up to `PoolResource::kMaxPooledSize` bytes with alignment up to
// `core::kCacheLineSize` come from the pools (one pool per 16-byte size
// class, created on first use); larger or more aligned requests go to
// `::operator new`. List, map, set and unordered-map nodes are pooled;
// vector storage usually is not.

#ifndef MOIRAI_MEMORY_POOL_ALLOCATOR_H_
#define MOIRAI_MEMORY_POOL_ALLOCATOR_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <limits>
#include <memory>
#include <new>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "moirai/core/arch.h"
#include "moirai/memory/fixed_pool.h"
#include "moirai/sync/mutex.h"

namespace moirai::memory {

// PoolResource
//
// Thread-safe. Blocks must be returned to the resource that gave them, with
// the same size and alignment (as standard allocators guarantee). Destroying
// the resource releases every pool; containers using it must be gone first.
class PoolResource {
 public:
  static constexpr std::size_t kGranule = 16;
  static constexpr std::size_t kMaxPooledSize = 1024;
  static constexpr std::size_t kMaxPooledAlignment = core::kCacheLineSize;

  PoolResource() = default;
  ~PoolResource();
  PoolResource(const PoolResource&) = delete;
  PoolResource& operator=(const PoolResource&) = delete;

  // PoolResource::Default()
  //
  // A process-wide resource, created on first use and never destroyed (so
  // it outlives every container, including those in static objects).
  static PoolResource* Default();

  // PoolResource::Allocate()
  //
  // Returns `bytes` bytes aligned to `alignment` (a power of two), or nullptr
  // when memory is exhausted. Never throws.
  void* Allocate(std::size_t bytes, std::size_t alignment) noexcept;

  // PoolResource::Deallocate()
  //
  // Returns memory from `Allocate(bytes, alignment)`.
  void Deallocate(void* p, std::size_t bytes, std::size_t alignment) noexcept;

  // PoolResource::PoolFor()
  //
  // The pool that serves (bytes, alignment), creating it if needed; nullptr
  // for requests that go to operator new. For statistics and tests.
  FixedPool* PoolFor(std::size_t bytes, std::size_t alignment) noexcept;

 private:
  static constexpr std::size_t kClasses = kMaxPooledSize / kGranule;
  static bool Pooled(std::size_t bytes, std::size_t alignment) noexcept {
    return bytes <= kMaxPooledSize && alignment <= kMaxPooledAlignment;
  }
  // Size class index of a pooled request: bytes rounded up to the alignment
  // and to the granule. A class of size s is aligned to min(64, s & -s), which
  // is at least the request's alignment because s is a multiple of it.
  static std::size_t ClassOf(std::size_t bytes,
                             std::size_t alignment) noexcept {
    if (alignment < kGranule) alignment = kGranule;
    if (bytes == 0) bytes = 1;
    const std::size_t rounded = (bytes + alignment - 1) & ~(alignment - 1);
    return rounded / kGranule - 1;
  }
  FixedPool* CreatePool(std::size_t cls) noexcept;

  // Published once per class with release (after the pool is built) and read
  // with acquire on every allocation.
  std::array<std::atomic<FixedPool*>, kClasses> pools_{};
  sync::Mutex mu_;
  std::vector<std::unique_ptr<FixedPool>> owned_ ABSL_GUARDED_BY(mu_);
};

inline void* PoolResource::Allocate(std::size_t bytes,
                                    std::size_t alignment) noexcept {
  if (MOIRAI_LIKELY(Pooled(bytes, alignment))) {
    const std::size_t cls = ClassOf(bytes, alignment);
    FixedPool* pool = pools_[cls].load(std::memory_order_acquire);
    if (MOIRAI_UNLIKELY(pool == nullptr)) {
      pool = CreatePool(cls);
      if (pool == nullptr) return nullptr;
    }
    return pool->Allocate();
  }
  return ::operator new(bytes, std::align_val_t(alignment), std::nothrow);
}

inline void PoolResource::Deallocate(void* p, std::size_t bytes,
                                     std::size_t alignment) noexcept {
  if (MOIRAI_LIKELY(Pooled(bytes, alignment))) {
    // The pool exists: `p` came from it. Acquire (not relaxed) so that
    // the freeing thread sees the pool's construction even if it learned of
    // `p` through a relaxed channel.
    pools_[ClassOf(bytes, alignment)].load(std::memory_order_acquire)->Free(p);
    return;
  }
  ::operator delete(p, std::align_val_t(alignment));
}

// PoolAllocator
//
// A standard allocator (C++ named requirement Allocator) over a
// PoolResource. Copies and rebinds share the resource; two allocators are
// equal when they use the same resource. `allocate()` throws
// `std::bad_alloc` when memory is exhausted, as the standard requires.
template <typename T>
class PoolAllocator {
 public:
  using value_type = T;

  PoolAllocator() noexcept : resource_(PoolResource::Default()) {}
  explicit PoolAllocator(PoolResource* resource) noexcept
      : resource_(resource) {}
  template <typename U>
  PoolAllocator(const PoolAllocator<U>& other) noexcept  // NOLINT: rebind
      : resource_(other.resource()) {}

  // PoolAllocator::allocate()
  T* allocate(std::size_t n) {
    if (n > std::numeric_limits<std::size_t>::max() / sizeof(T)) {
      throw std::bad_array_new_length();
    }
    void* p = resource_->Allocate(n * sizeof(T), alignof(T));
    if (p == nullptr) throw std::bad_alloc();
    return static_cast<T*>(p);
  }

  // PoolAllocator::deallocate()
  void deallocate(T* p, std::size_t n) noexcept {
    resource_->Deallocate(p, n * sizeof(T), alignof(T));
  }

  PoolResource* resource() const noexcept { return resource_; }

  template <typename U>
  friend bool operator==(const PoolAllocator& a,
                         const PoolAllocator<U>& b) noexcept {
    return a.resource() == b.resource();
  }

 private:
  PoolResource* resource_;
};

}  // namespace moirai::memory

#endif  // MOIRAI_MEMORY_POOL_ALLOCATOR_H_
