// Copyright 2026 The Moirai Authors.
//
// lockfree/internal/epoch_internal.h
// -----------------------------------------------------------------------------
//
// Private state of `moirai::lockfree::EpochDomain` (see lockfree/epoch.h). It
// is in a header only so that `EpochDomain::Pin()` can be inlined; nothing here
// is part of the public API.

#ifndef MOIRAI_LOCKFREE_INTERNAL_EPOCH_INTERNAL_H_
#define MOIRAI_LOCKFREE_INTERNAL_EPOCH_INTERNAL_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/base/thread_annotations.h"

#include "moirai/core/arch.h"
#include "moirai/sync/mutex.h"

namespace moirai::lockfree::internal {

// One retired object: what to free and how.
struct RetiredItem {
  void* ptr;
  void (*deleter)(void*);
};

// A bag of retired objects. A thread fills its open bag privately; when the bag
// is full (or flushed) it is sealed with the global epoch read after a seq_cst
// fence, and its objects may be freed once the global epoch is >= epoch + 2.
struct EpochBag {
  static constexpr int kCapacity = 62;
  std::uint64_t epoch = 0;  // set when sealed
  int size = 0;
  EpochBag* next = nullptr;  // FIFO link (oldest first)
  RetiredItem items[kCapacity];
};

// The epoch counter value `state` holds for a pinned record: (epoch << 1) | 1.
// An unpinned record holds 0. Invariant: only the owning thread writes
// `state`; advancers only read it.
inline constexpr std::uint64_t PinnedState(std::uint64_t epoch) {
  return (epoch << 1) | 1;
}

class EpochCore;

// EpochRecord
//
// The per-(thread, domain) participant. Records are allocated once and never
// freed while their EpochCore lives; a record released by an exiting thread is
// reused by the next thread that registers. The record list is append-only, so
// advancers walk it without a lock.
struct alignas(core::kFalseSharingRange) EpochRecord {
  // Read by every advancer; written only by the owner. See PinnedState().
  std::atomic<std::uint64_t> state{0};

  // ---- Owner-thread fields (also touched under EpochCore::mu_ when no thread
  // owns the record: at thread exit and at domain destruction). ----
  std::uint32_t nesting = 0;        // live Guards of this thread on this domain
  std::uint32_t pin_count = 0;      // drives periodic collection
  EpochBag* open = nullptr;         // bag being filled
  EpochBag* sealed_head = nullptr;  // oldest sealed bag
  EpochBag* sealed_tail = nullptr;  // newest sealed bag
  EpochBag* spare = nullptr;        // one recycled bag (saves an allocation)

  // Cumulative counters for Stats; written by whoever owns the record (plain
  // load+store, never concurrently), read relaxed by GetStats().
  std::atomic<std::uint64_t> retired{0};
  std::atomic<std::uint64_t> reclaimed{0};

  // ---- Registry fields. ----
  EpochCore* core = nullptr;        // immutable
  EpochRecord* next = nullptr;      // immutable after publication
  std::atomic<bool> in_use{false};  // claimed by a live thread
};

// EpochCore
//
// The shared state behind an EpochDomain. It is reference counted
// (std::shared_ptr) by the domain and by every thread that registered with it,
// so a thread that outlives its domain can still release its record safely at
// exit; the domain's destructor frees all garbage and marks the core dead.
class EpochCore {
 public:
  EpochCore() = default;
  ~EpochCore();
  EpochCore(const EpochCore&) = delete;
  EpochCore& operator=(const EpochCore&) = delete;

  // The global epoch. Advanced by TryAdvance() with acq_rel CAS; read with
  // acquire by collectors (so frees happen after every read of the objects by
  // threads that were pinned in older epochs, see epoch.cc).
  alignas(core::kFalseSharingRange) std::atomic<std::uint64_t> epoch{0};

  // Head of the append-only record list (release on publish, acquire on walk).
  alignas(core::kFalseSharingRange) std::atomic<EpochRecord*> records{nullptr};

  // Set when orphans_head is non-empty; a cheap hint checked by collectors.
  std::atomic<bool> has_orphans{false};
  // Objects freed from orphan bags (for Stats).
  std::atomic<std::uint64_t> orphan_reclaimed{0};
  // Number of records claimed by live threads (for Stats).
  std::atomic<std::int64_t> live_threads{0};
  // True once the owning EpochDomain is destroyed.
  std::atomic<bool> dead{false};

  sync::Mutex mu;
  // Sealed bags left behind by exited threads, oldest first.
  EpochBag* orphans_head ABSL_GUARDED_BY(mu) = nullptr;
  EpochBag* orphans_tail ABSL_GUARDED_BY(mu) = nullptr;
};

// Returns this thread's record for `core`, registering the thread on first use.
// Defined in epoch.cc; the inline fast path below caches the last hit.
EpochRecord* RegisterThread(const std::shared_ptr<EpochCore>& core);

// Seals the open bag, tries to advance the epoch and frees what is safe.
void Collect(EpochRecord* rec);

// Slow path of Retire(): the open bag is missing or full.
void RetireSlow(EpochRecord* rec, RetiredItem item);

// The fast thread-local cache: the last (core, record) pair this thread used.
struct EpochTlsCache {
  EpochCore* core;
  EpochRecord* record;
};

// CurrentEpochTlsCache()
//
// The address of this thread's cache. Out of line on purpose (defined in
// epoch.cc, `noinline`, the address laundered through an empty asm): Pin() and
// Retire() run on fibers, which may be suspended and resumed on another
// thread. GCC (with -fPIC in particular) computes a thread-local's address
// once per function and keeps it in a register; inlined into a fiber's code,
// an address computed before a switch would still point at the old thread's
// block after the fiber migrated. A call per Pin keeps the address fresh at
// every use (the same rule as CurrentSlice() in async/internal/fiber.cc).
// Never access the thread-local itself from inline code.
EpochTlsCache* CurrentEpochTlsCache() noexcept;

inline EpochRecord* LocalRecord(const std::shared_ptr<EpochCore>& core) {
  EpochTlsCache* c = CurrentEpochTlsCache();
  if (MOIRAI_LIKELY(c->core == core.get())) return c->record;
  return RegisterThread(core);
}

}  // namespace moirai::lockfree::internal

#endif  // MOIRAI_LOCKFREE_INTERNAL_EPOCH_INTERNAL_H_
