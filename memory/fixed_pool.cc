// Copyright 2026 The Moirai Authors.
//
// memory/fixed_pool.cc
// -----------------------------------------------------------------------------

#include "moirai/memory/fixed_pool.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

#include "absl/strings/str_format.h"
#include "moirai/core/internal/fiber_safe_tls.h"

namespace moirai::memory {
namespace internal {

void DieForeignPointer(const void* p, const char* why,
                       std::size_t block_size) noexcept {
  std::fprintf(stderr,
               "moirai::memory::FixedPool::Free: foreign pointer %p: %s "
               "(pool block_size=%zu)\n",
               p, why, block_size);
  std::fflush(stderr);
  std::abort();
}

namespace {

// Every thread-local below is reached only through its accessor (see
// core/internal/fiber_safe_tls.h): the pool runs on fibers.
using core::internal::HideTlsAddress;

constinit thread_local TlsFast tls_fast{0, nullptr};

// tls_thread_exiting is set when the calling thread's registry has been
// destroyed; after that the thread uses each pool's shared orphan cache.
constinit thread_local bool tls_thread_exiting = false;

MOIRAI_FIBER_SAFE_TLS_ACCESSOR bool* ThisThreadExiting() noexcept {
  return HideTlsAddress(&tls_thread_exiting);
}

}  // namespace

MOIRAI_FIBER_SAFE_TLS_ACCESSOR TlsFast* ThisThreadTlsFast() noexcept {
  return HideTlsAddress(&tls_fast);
}

// ThreadRegistry
//
// The caches the calling thread owns, one per pool it has used. Its
// destructor (thread exit) returns them all.
struct ThreadRegistry {
  std::vector<ThreadCache*> caches;

  ~ThreadRegistry() {
    *ThisThreadExiting() = true;
    *ThisThreadTlsFast() = TlsFast{0, nullptr};
    for (ThreadCache* tc : caches) FixedPool::ReleaseCache(tc);
  }

  // Deletes the caches of pools that have been destroyed.
  void SweepDead() {
    auto dead = [](ThreadCache* tc) {
      sync::MutexLock lock(&tc->control->mu);
      return tc->control->pool == nullptr;
    };
    for (std::size_t i = 0; i < caches.size();) {
      if (dead(caches[i])) {
        ThreadCache* tc = caches[i];
        caches[i] = caches.back();
        caches.pop_back();
        TlsFast* fast = ThisThreadTlsFast();
        if (fast->cache == tc) *fast = TlsFast{0, nullptr};
        delete tc;
      } else {
        ++i;
      }
    }
  }
};

namespace {

MOIRAI_FIBER_SAFE_TLS_ACCESSOR ThreadRegistry& Registry() {
  static thread_local ThreadRegistry registry;
  return *HideTlsAddress(&registry);
}

std::atomic<std::uint64_t> next_pool_id{1};

constexpr std::size_t kMinSlabBytes = std::size_t{64} << 10;
constexpr std::size_t kMinBlocksPerSlab = 8;
// How many never-used blocks one refill carves into the free list.
constexpr std::size_t kCarveBatch = 32;

std::size_t RoundUp(std::size_t n, std::size_t align) {
  return (n + align - 1) & ~(align - 1);
}
bool IsPowerOfTwo(std::size_t n) { return n != 0 && (n & (n - 1)) == 0; }
std::size_t NextPowerOfTwo(std::size_t n) {
  std::size_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

}  // namespace
}  // namespace internal

struct FixedPool::Geometry {
  std::size_t block_size, alignment, stride, slab_size, first_block_offset,
      blocks_per_slab, reserved_bytes;
};

absl::StatusOr<std::unique_ptr<FixedPool>> FixedPool::Create(
    FixedPoolOptions options) {
  using internal::IsPowerOfTwo;
  using internal::RoundUp;
  const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  if (options.block_size == 0) {
    return absl::InvalidArgumentError("FixedPool: block_size must be > 0");
  }
  if (options.block_size > kMaxBlockSize) {
    return absl::InvalidArgumentError(
        absl::StrFormat("FixedPool: block_size %d exceeds the maximum %d",
                        options.block_size, kMaxBlockSize));
  }
  if (!IsPowerOfTwo(options.alignment)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "FixedPool: alignment %d is not a power of two", options.alignment));
  }
  if (options.alignment > page) {
    return absl::InvalidArgumentError(
        absl::StrFormat("FixedPool: alignment %d exceeds the page size %d",
                        options.alignment, page));
  }
  Geometry g;
  g.block_size = options.block_size;
  g.alignment = std::max(options.alignment, alignof(void*));
  g.stride = RoundUp(std::max(options.block_size, sizeof(void*)), g.alignment);
  g.first_block_offset = RoundUp(sizeof(internal::Slab), g.alignment);
  g.slab_size = std::max(
      internal::kMinSlabBytes,
      internal::NextPowerOfTwo(g.first_block_offset +
                               internal::kMinBlocksPerSlab * g.stride));
  g.blocks_per_slab = (g.slab_size - g.first_block_offset) / g.stride;
  g.reserved_bytes = options.max_bytes;
  if (g.reserved_bytes == 0) {
    g.reserved_bytes = std::max(std::size_t{1} << 30, 64 * g.slab_size);
  }
  if (g.reserved_bytes < g.slab_size) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "FixedPool: max_bytes %d is smaller than one chunk (%d bytes)",
        options.max_bytes, g.slab_size));
  }
  g.reserved_bytes = g.reserved_bytes / g.slab_size * g.slab_size;

  // Reserve (PROT_NONE, no swap reservation) one extra slab so the first
  // slab can be aligned to the slab size; slabs are committed on demand.
  const std::size_t len = g.reserved_bytes + g.slab_size;
  void* raw = mmap(nullptr, len, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (raw == MAP_FAILED) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "FixedPool: cannot reserve %d bytes of address space: %s", len,
        std::strerror(errno)));
  }
  char* reservation = static_cast<char*>(raw);
  char* base = reinterpret_cast<char*>(
      RoundUp(reinterpret_cast<std::uintptr_t>(reservation), g.slab_size));
  if (options.on_reserve) {
    absl::Status s = options.on_reserve(base, g.reserved_bytes);
    if (!s.ok()) {
      munmap(reservation, len);
      return s;
    }
  }
  return std::unique_ptr<FixedPool>(new FixedPool(g, reservation, len, base));
}

FixedPool::FixedPool(const Geometry& g, char* reservation,
                     std::size_t reservation_len, char* base)
    : id_(internal::next_pool_id.fetch_add(1, std::memory_order_relaxed)),
      block_size_(g.block_size),
      alignment_(g.alignment),
      stride_(g.stride),
      slab_size_(g.slab_size),
      first_block_offset_(g.first_block_offset),
      blocks_per_slab_(g.blocks_per_slab),
      reserved_bytes_(g.reserved_bytes),
      reservation_(reservation),
      reservation_len_(reservation_len),
      base_(base),
      control_(std::make_shared<internal::PoolControl>()) {
  sync::MutexLock lock(&control_->mu);
  control_->pool = this;
}

FixedPool::~FixedPool() {
  {
    sync::MutexLock lock(&control_->mu);
    // From here on no thread retires a cache into this pool: threads that
    // still hold caches find `pool == nullptr` and just delete them.
    control_->pool = nullptr;
    caches_.clear();
  }
  munmap(reservation_, reservation_len_);
}

bool FixedPool::Owns(const void* p) const noexcept {
  const std::uintptr_t off = reinterpret_cast<std::uintptr_t>(p) -
                             reinterpret_cast<std::uintptr_t>(base_);
  // Acquire pairs with the release in AcquireSlab(): a committed slab's
  // header is initialised before its range counts as owned.
  return off < committed_bytes_.load(std::memory_order_acquire);
}

void FixedPool::CheckOwnedOrDie(const void* p) const noexcept {
  if (!Owns(p)) {
    internal::DieForeignPointer(p, "not inside any chunk of this pool",
                                block_size_);
  }
  const std::size_t in_slab = (reinterpret_cast<std::uintptr_t>(p) -
                               reinterpret_cast<std::uintptr_t>(base_)) &
                              (slab_size_ - 1);
  if (in_slab < first_block_offset_ ||
      (in_slab - first_block_offset_) % stride_ != 0 ||
      (in_slab - first_block_offset_) / stride_ >= blocks_per_slab_) {
    internal::DieForeignPointer(p, "not the start of a block", block_size_);
  }
}

internal::ThreadCache* FixedPool::LocalCache() noexcept {
  if (*internal::ThisThreadExiting()) return nullptr;
  internal::ThreadRegistry& registry = internal::Registry();
  internal::ThreadCache* found = nullptr;
  for (internal::ThreadCache* tc : registry.caches) {
    if (tc->pool_id == id_) {
      found = tc;
      break;
    }
  }
  if (found == nullptr) {
    registry.SweepDead();
    found = new (std::nothrow) internal::ThreadCache();
    if (found == nullptr) return nullptr;
    found->pool_id = id_;
    found->control = control_;
    {
      sync::MutexLock lock(&control_->mu);
      caches_.push_back(found);
    }
    registry.caches.push_back(found);
  }
  *internal::ThisThreadTlsFast() = internal::TlsFast{id_, found};
  return found;
}

void* FixedPool::AllocateSlow() noexcept {
  internal::ThreadCache* tc = LocalCache();
  if (tc == nullptr) {
    sync::MutexLock lock(&orphan_mu_);
    return AllocateFrom(&orphan_);
  }
  return AllocateFrom(tc);
}

void* FixedPool::AllocateFrom(internal::ThreadCache* tc) noexcept {
  if (tc->current->free == nullptr && !Refill(tc)) return nullptr;
  internal::Slab* s = tc->current;
  void* block = s->free;
  s->free = *static_cast<void**>(block);
  internal::CountOp(tc->allocs);
  return block;
}

bool FixedPool::ExtendFreeList(internal::Slab* s) noexcept {
  // Blocks freed by other threads first: reuse keeps the footprint small.
  if (s->remote_free.load(std::memory_order_relaxed) != nullptr) {
    // Acquire pairs with the release CAS in FreeSlow(): the link words the
    // remote freers wrote (and everything they did before freeing) are
    // visible before this thread hands the blocks out again.
    void* list = s->remote_free.exchange(nullptr, std::memory_order_acquire);
    if (list != nullptr) {
      // Callers only extend an empty local list, so no splice is needed.
      s->free = list;
      return true;
    }
  }
  if (s->bump < s->end) {
    const std::size_t n = std::min<std::size_t>(
        internal::kCarveBatch,
        static_cast<std::size_t>(s->end - s->bump) / stride_);
    // Link the carved blocks in address order.
    char* first = s->bump;
    for (std::size_t i = 0; i + 1 < n; ++i) {
      *reinterpret_cast<void**>(first + i * stride_) =
          first + (i + 1) * stride_;
    }
    *reinterpret_cast<void**>(first + (n - 1) * stride_) = nullptr;
    s->bump = first + n * stride_;
    s->free = first;
    return true;
  }
  return false;
}

bool FixedPool::Refill(internal::ThreadCache* tc) noexcept {
  if (tc->current != &internal::kEmptySlab && ExtendFreeList(tc->current)) {
    return true;
  }
  const std::size_t n = tc->owned.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t idx = (tc->cursor + i) % n;
    internal::Slab* s = tc->owned[idx];
    if (s == tc->current) continue;
    if (s->free != nullptr || ExtendFreeList(s)) {
      tc->current = s;
      tc->cursor = idx + 1;
      return true;
    }
  }
  internal::Slab* s = AcquireSlab(tc);
  if (s == nullptr) return false;
  tc->owned.push_back(s);
  tc->current = s;
  return s->free != nullptr || ExtendFreeList(s);
}

internal::Slab* FixedPool::AcquireSlab(internal::ThreadCache* tc) noexcept {
  sync::MutexLock lock(&control_->mu);
  SamplePeakLocked();
  // Adopt an abandoned slab that has something to give.
  internal::Slab** link = &abandoned_;
  while (internal::Slab* s = *link) {
    if (s->free != nullptr || s->bump < s->end ||
        s->remote_free.load(std::memory_order_relaxed) != nullptr) {
      *link = s->next_abandoned;
      s->next_abandoned = nullptr;
      // Relaxed: see the Slab invariants; the mutex hands over the plain
      // fields, and no other thread can mistake `tc` for its own cache.
      s->owner.store(tc, std::memory_order_relaxed);
      return s;
    }
    link = &s->next_abandoned;
  }
  // Commit a new slab.
  const std::size_t committed =
      committed_bytes_.load(std::memory_order_relaxed);
  if (committed + slab_size_ > reserved_bytes_) return nullptr;
  char* mem = base_ + committed;
  if (mprotect(mem, slab_size_, PROT_READ | PROT_WRITE) != 0) return nullptr;
  auto* s = new (mem) internal::Slab();
  s->bump = mem + first_block_offset_;
  s->end = s->bump + blocks_per_slab_ * stride_;
  s->owner.store(tc, std::memory_order_relaxed);
  // Release pairs with the acquire in Owns().
  committed_bytes_.store(committed + slab_size_, std::memory_order_release);
  return s;
}

void FixedPool::FreeSlow(void* block, internal::Slab* s) noexcept {
  internal::ThreadCache* tc = LocalCache();
  if (tc != nullptr && s->owner.load(std::memory_order_relaxed) == tc) {
    internal::PushFree(s->free, block);
  } else {
    // Remote free: a Treiber push. Release pairs with the owner's acquire
    // exchange in ExtendFreeList() (and with an adopter's, through the pool
    // mutex); it publishes the link word and the freeing thread's last use of
    // the block. Pushes only, plus take-all exchanges: no ABA.
    void* head = s->remote_free.load(std::memory_order_relaxed);
    do {
      *static_cast<void**>(block) = head;
    } while (!s->remote_free.compare_exchange_weak(
        head, block, std::memory_order_release, std::memory_order_relaxed));
  }
  if (tc != nullptr) {
    internal::CountOp(tc->frees);
  } else {
    sync::MutexLock lock(&orphan_mu_);
    internal::CountOp(orphan_.frees);
  }
}

void FixedPool::ReleaseCache(internal::ThreadCache* tc) {
  {
    sync::MutexLock lock(&tc->control->mu);
    if (FixedPool* pool = tc->control->pool) {
      // The pool's control block is the cache's control block.
      pool->control_->mu.AssertHeld();
      pool->RetireCacheLocked(tc);
    }
  }
  delete tc;
}

void FixedPool::RetireCacheLocked(internal::ThreadCache* tc) {
  for (internal::Slab* s : tc->owned) {
    s->owner.store(nullptr, std::memory_order_relaxed);
    s->next_abandoned = abandoned_;
    abandoned_ = s;
  }
  tc->owned.clear();
  tc->current = &internal::kEmptySlab;
  SamplePeakLocked();
  retired_allocs_ += tc->allocs.load(std::memory_order_relaxed);
  retired_frees_ += tc->frees.load(std::memory_order_relaxed);
  caches_.erase(std::remove(caches_.begin(), caches_.end(), tc), caches_.end());
}

void FixedPool::SamplePeakLocked() const {
  std::uint64_t allocs = retired_allocs_;
  std::uint64_t frees = retired_frees_;
  for (const internal::ThreadCache* tc : caches_) {
    allocs += tc->allocs.load(std::memory_order_relaxed);
    frees += tc->frees.load(std::memory_order_relaxed);
  }
  // orphan_ is left out here (it needs orphan_mu_); stats() adds it.
  if (allocs > frees) peak_ = std::max<std::size_t>(peak_, allocs - frees);
}

FixedPoolStats FixedPool::stats() const {
  FixedPoolStats st;
  sync::MutexLock orphan_lock(&orphan_mu_);
  sync::MutexLock lock(&control_->mu);
  std::uint64_t allocs =
      retired_allocs_ + orphan_.allocs.load(std::memory_order_relaxed);
  std::uint64_t frees =
      retired_frees_ + orphan_.frees.load(std::memory_order_relaxed);
  for (const internal::ThreadCache* tc : caches_) {
    allocs += tc->allocs.load(std::memory_order_relaxed);
    frees += tc->frees.load(std::memory_order_relaxed);
  }
  st.block_size = block_size_;
  st.block_stride = stride_;
  st.allocations = allocs;
  st.frees = frees;
  st.blocks_in_use = allocs > frees ? allocs - frees : 0;
  peak_ = std::max(peak_, st.blocks_in_use);
  st.peak_blocks_in_use = peak_;
  st.chunk_bytes = slab_size_;
  st.bytes_reserved = committed_bytes_.load(std::memory_order_relaxed);
  st.chunks = st.bytes_reserved / slab_size_;
  st.thread_caches = caches_.size();
  return st;
}

}  // namespace moirai::memory
