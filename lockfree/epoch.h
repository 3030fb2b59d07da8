// Copyright 2026 The Moirai Authors.
//
// lockfree/epoch.h
// -----------------------------------------------------------------------------
//
// `EpochDomain`: epoch-based memory reclamation (EBR) for Moirai's lock-free
// structures, after Fraser, "Practical lock-freedom" (2004, ch. 5) and the
// crossbeam-epoch design (Rust).
//
// The problem: a lock-free structure unlinks a node while other threads may
// still be reading it. EBR defers the `delete` until every thread that could
// hold a pointer to the node has finished its operation.
//
// How it works: readers `Pin()` the domain for the duration of an operation
// (an RAII `Guard`). Unlinked objects are `Retire()`d into a thread-local bag,
// which is stamped with the global epoch when sealed. The global epoch advances
// by one only when every pinned thread has observed the current epoch, so once
// it is two ahead of a bag's stamp no thread can still hold a pointer to the
// bag's objects, and they are freed. Pinning costs one atomic exchange on a
// thread-private cache line; retiring costs an array append.
//
// When to use it: node-based structures whose readers traverse shared links
// (stacks, linked queues, hash-map buckets). Alternatives: hazard pointers
// bound garbage even with a stalled reader but cost a fence per pointer load;
// reference counting costs a shared RMW per access. The trade-off of EBR: a
// thread that stays pinned forever (or is descheduled while pinned) stops
// reclamation; garbage then grows until it unpins. Keep guards short.
//
// Domains: each `EpochDomain` is an independent object; structures take a
// domain pointer (defaulting to the process-wide `EpochDomain::Default()`), so
// two schedulers can use separate domains. A thread registers with a domain on
// first use; its record is released when the thread exits (leftover garbage is
// handed to the domain) or when the domain is destroyed.
//
// Memory ordering (the contract): if thread A unlinks an object and then
// retires it, and thread B is pinned and read a pointer to the object before
// the unlink became visible, then every access B makes to the object while it
// stays pinned happens-before the object's deleter runs. Deleters run on some
// thread that calls into the domain (Retire, Pin, Flush, Synchronize), on an
// exiting thread, or in ~EpochDomain.
//
// Progress: Pin/unpin and Retire are wait-free except for a thread's first use
// of a domain (takes a mutex to register) and the periodic collection, which
// is lock-free (a CAS loop on the global epoch) plus running deleters.
//
// The domain uses `std::atomic` directly (not the `Atom` parameter of the
// structures): it never blocks, so deterministic-schedule tests can drive
// structures built on it unchanged.

#ifndef MOIRAI_LOCKFREE_EPOCH_H_
#define MOIRAI_LOCKFREE_EPOCH_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

#include "moirai/core/arch.h"
#include "moirai/lockfree/internal/epoch_internal.h"

namespace moirai::lockfree {

class EpochDomain {
 public:
  // EpochDomain::Guard
  //
  // Keeps this thread pinned while alive. Guards nest (an inner guard on the
  // same domain costs a counter increment). A guard must be destroyed on the
  // thread that created it and before the domain. Move-only.
  class Guard {
   public:
    Guard() noexcept = default;
    Guard(Guard&& other) noexcept
        : record_(std::exchange(other.record_, nullptr)) {}
    Guard& operator=(Guard&& other) noexcept {
      if (this != &other) {
        Release();
        record_ = std::exchange(other.record_, nullptr);
      }
      return *this;
    }
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;
    ~Guard() { Release(); }

    // Guard::active()
    //
    // True unless default-constructed or moved from.
    bool active() const noexcept { return record_ != nullptr; }

   private:
    friend class EpochDomain;
    explicit Guard(internal::EpochRecord* record) noexcept : record_(record) {}
    void Release() noexcept {
      if (record_ != nullptr && --record_->nesting == 0) {
        // Unpin. Release: every read this thread made of shared objects while
        // pinned happens-before an advancer that acquire-loads this state (and
        // so before any deleter that runs after the epoch moved on).
        record_->state.store(0, std::memory_order_release);
      }
      record_ = nullptr;
    }
    internal::EpochRecord* record_ = nullptr;
  };

  // EpochDomain::Stats
  //
  // A snapshot of the domain; counters are read without stopping other
  // threads, so they are consistent only when the domain is quiescent.
  struct Stats {
    std::uint64_t epoch = 0;              // global epoch
    std::uint64_t retired = 0;            // objects ever retired
    std::uint64_t reclaimed = 0;          // objects ever freed
    std::uint64_t pending = 0;            // retired - reclaimed: the backlog
    std::int64_t registered_threads = 0;  // live threads with a record
    std::size_t records = 0;              // records ever allocated (reused)
  };

  EpochDomain();
  // ~EpochDomain()
  //
  // Frees every retired object (running its deleter) and releases all
  // per-thread state. Precondition: no thread is pinned or uses the domain
  // concurrently (a pinned thread is a loud crash). Threads that registered
  // and are still alive keep only a small record until they exit.
  ~EpochDomain();
  EpochDomain(const EpochDomain&) = delete;
  EpochDomain& operator=(const EpochDomain&) = delete;

  // EpochDomain::Default()
  //
  // A process-wide domain for structures constructed without one. It is never
  // destroyed (garbage in it stays reachable at exit).
  static EpochDomain& Default();

  // EpochDomain::Pin()
  //
  // Pins the calling thread until the returned guard is destroyed. Pointers
  // loaded from a structure protected by this domain stay dereferenceable while
  // the guard lives.
  [[nodiscard]] Guard Pin() {
    internal::EpochRecord* rec = internal::LocalRecord(core_);
    if (rec->nesting++ == 0) {
      const std::uint64_t e = core_->epoch.load(std::memory_order_relaxed);
      // Publish "pinned in e". seq_cst exchange: a full barrier, so later
      // loads of shared pointers cannot move before it, and it pairs with the
      // seq_cst fence in TryAdvance (either the advancer sees us pinned, or we
      // see every unlink that preceded its advance). As an RMW it also extends
      // the release sequence of our previous unpin store, so an advancer that
      // reads this value still synchronizes with our earlier reads.
      rec->state.exchange(internal::PinnedState(e), std::memory_order_seq_cst);
#if !(defined(__x86_64__) || defined(__i386__)) || defined(MOIRAI_TSAN)
      // On x86 the locked exchange is already a full fence (crossbeam-epoch
      // relies on the same); elsewhere add the fence explicitly.
      core::ThreadFence(std::memory_order_seq_cst);
#endif
      if (MOIRAI_UNLIKELY((++rec->pin_count & kPinsPerCollect) == 0)) {
        internal::Collect(rec);
      }
    }
    return Guard(rec);
  }

  // EpochDomain::Retire()
  //
  // Schedules `deleter(ptr)` to run once no pinned thread can reach `ptr`.
  // `ptr` must already be unreachable for threads that pin from now on.
  // The deleter must not call into this domain. The calling thread need not be
  // pinned.
  void Retire(void* ptr, void (*deleter)(void*)) {
    RetireInto(internal::LocalRecord(core_), ptr, deleter);
  }

  // EpochDomain::Retire(guard, ptr, deleter)
  //
  // Retire(ptr, deleter) for a caller that holds `guard`, a live Pin() of
  // this domain on this thread: reuses the guard's record instead of looking
  // up the thread-local one (one call fewer on the pop paths). A guard of
  // another domain, or an inactive one, falls back to the lookup.
  void Retire(const Guard& guard, void* ptr, void (*deleter)(void*)) {
    internal::EpochRecord* rec = guard.record_;
    if (MOIRAI_UNLIKELY(rec == nullptr || rec->core != core_.get())) {
      rec = internal::LocalRecord(core_);
    }
    RetireInto(rec, ptr, deleter);
  }

  // EpochDomain::Retire<T>()
  //
  // Retire(ptr, deleter) with `delete ptr` as the deleter.
  template <typename T>
  void Retire(T* ptr) {
    Retire(static_cast<void*>(ptr), [](void* p) { delete static_cast<T*>(p); });
  }

  // EpochDomain::Flush()
  //
  // Seals this thread's open bag, tries to advance the epoch and frees what
  // is safe to free. Called periodically by Pin/Retire anyway.
  void Flush();

  // EpochDomain::Synchronize()
  //
  // Flush() repeated until this thread's garbage and any orphaned garbage are
  // freed, or until other pinned threads prevent progress (bounded number of
  // attempts). Returns true if nothing retired by this thread is pending.
  bool Synchronize();

  // EpochDomain::GetStats()
  Stats GetStats() const;

 private:
  // The shared body of both Retire()s: appends to `rec`'s open bag.
  static void RetireInto(internal::EpochRecord* rec, void* ptr,
                         void (*deleter)(void*)) {
    internal::EpochBag* bag = rec->open;
    if (MOIRAI_LIKELY(bag != nullptr &&
                      bag->size < internal::EpochBag::kCapacity - 1)) {
      bag->items[bag->size++] = {ptr, deleter};
      // Relaxed load+store: only the owner writes the counter; GetStats()
      // reads it relaxed as a statistic (pairs with nothing).
      rec->retired.store(rec->retired.load(std::memory_order_relaxed) + 1,
                         std::memory_order_relaxed);
      return;
    }
    internal::RetireSlow(rec, {ptr, deleter});
  }

  // Collect every 128 outermost pins (mask).
  static constexpr std::uint32_t kPinsPerCollect = 127;

  std::shared_ptr<internal::EpochCore> core_;
};

}  // namespace moirai::lockfree

#endif  // MOIRAI_LOCKFREE_EPOCH_H_
