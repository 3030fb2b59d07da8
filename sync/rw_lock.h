// Copyright 2026 The Moirai Authors.
//
// sync/rw_lock.h
// -----------------------------------------------------------------------------
//
// This header defines `moirai::sync::RwLock`, a reader-writer lock whose
// readers do not share a cache line, and its RAII guards `ReaderLock` and
// `WriterLock`.
//
// Many threads may hold an RwLock in shared (reader) mode at once, or one
// thread in exclusive (writer) mode. It satisfies the C++ `Lockable` and
// `SharedLockable` requirements (`std::unique_lock`, `std::shared_lock`,
// `std::scoped_lock` work); prefer the guards below, which the thread-safety
// analysis understands.
//
// Design: a distributed reader indicator, as in the "big reader" locks of the
// Linux kernel (brlock) and folly's SharedMutex. Instead of one reader count
// that every reader increments (which makes the count's cache line bounce
// between all reading CPUs, so that a read lock costs a cache miss), the
// count is split over `kReaderSlots` slots, each on its own pair of cache
// lines, and each thread uses the slot of its thread index. A reader
// increments its slot and then checks the writer bit in `state_`; a writer
// sets the writer bit and then waits until the slots sum to zero. Both sides
// use sequentially consistent operations, so (as in Dekker's algorithm) at
// least one of them sees the other: either the writer sees the reader's
// count, or the reader sees the writer bit, backs its count out and waits.
// With no writer around, readers only write their own slot and read
// `state_`, which stays in every reader's cache in shared state.
//
// Policy: writer-preferring. Once a writer has set the writer bit, new
// readers wait until that writer has released the lock, so a continuous
// stream of readers cannot starve a writer: it waits only for the readers
// that were already inside. The flip side: a continuous stream of writers can
// starve readers. Writers are ordered among themselves by an internal Mutex,
// which is not FIFO.
//
// Costs: an RwLock is about 2 KiB (16 slots of 128 bytes), so it suits locks
// that protect big or long-lived structures, not one per small object. A
// writer's lock reads all 16 slots.
//
// Memory ordering: everything a writer does before `unlock()` happens before
// everything any thread does after a later `lock()` or `lock_shared()`
// returns, and everything a reader does before `unlock_shared()` happens
// before everything a writer does after a later `lock()` returns.
//
// Not recursive: a thread that holds a shared lock and asks for it again can
// deadlock if a writer arrives in between. Locks may be released by a thread
// other than the one that took them (fibers migrate between threads): the
// slot counts are summed, so a count moved between slots still balances.
// Unlocking a lock not held in exclusive mode with `unlock()` crashes; an
// unbalanced `unlock_shared()` is undefined and not detected.

#ifndef MOIRAI_SYNC_RW_LOCK_H_
#define MOIRAI_SYNC_RW_LOCK_H_

#include <atomic>
#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "moirai/core/arch.h"
#include "moirai/sync/internal/thread_index.h"
#include "moirai/sync/mutex.h"

namespace moirai::sync {

class ABSL_LOCKABLE RwLock {
 public:
  // How many reader counts a lock spreads its readers over.
  static constexpr std::uint32_t kReaderSlots = 16;

  RwLock() noexcept = default;
  RwLock(const RwLock&) = delete;
  RwLock& operator=(const RwLock&) = delete;

  // RwLock::lock()
  //
  // Blocks until this thread holds the lock exclusively.
  void lock() noexcept ABSL_EXCLUSIVE_LOCK_FUNCTION();

  // RwLock::try_lock()
  //
  // Takes the lock exclusively if no reader or writer holds it and returns
  // true; otherwise returns false without blocking.
  bool try_lock() noexcept ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true);

  // RwLock::unlock()
  //
  // Releases an exclusive hold. Crashes if the lock is not held exclusively.
  void unlock() noexcept ABSL_UNLOCK_FUNCTION();

  // RwLock::lock_shared()
  //
  // Blocks until this thread holds the lock in shared mode. Waits while a
  // writer holds the lock or is waiting for readers to leave.
  void lock_shared() noexcept ABSL_SHARED_LOCK_FUNCTION() {
    ReaderSlot& slot = MySlot();
    // seq_cst (both operations): the reader half of the Dekker handshake with
    // lock(), whose fetch_or of kWriter and slot loads are also seq_cst. The
    // load is also the acquire that pairs with the release in unlock().
    slot.count.fetch_add(1, std::memory_order_seq_cst);
    if (MOIRAI_LIKELY((state_.load(std::memory_order_seq_cst) & kWriter) ==
                      0)) {
      return;
    }
    LockSharedSlow(slot);
  }

  // RwLock::try_lock_shared()
  //
  // Takes the lock in shared mode if no writer holds or waits for it and
  // returns true; otherwise returns false without blocking.
  bool try_lock_shared() noexcept ABSL_SHARED_TRYLOCK_FUNCTION(true);

  // RwLock::unlock_shared()
  //
  // Releases a shared hold.
  void unlock_shared() noexcept ABSL_UNLOCK_FUNCTION() {
    ReleaseReader(MySlot());
  }

 private:
  // state_ bits. Invariants: (I1) kWriter is set only by the holder of
  // writer_mutex_, from the moment it starts to wait for readers until its
  // unlock(); no reader holds the lock while kWriter is set and the writer
  // has observed a zero reader sum. (I2) kReadersParked is set (by a reader,
  // with kWriter set) before any reader sleeps on state_; unlock() clears
  // it and wakes them all. (I3) kWriterParked is set while the writer may be
  // asleep on drain_epoch_; a reader that leaves and sees it bumps the epoch
  // and wakes the writer.
  static constexpr std::uint32_t kWriter = 1;
  static constexpr std::uint32_t kReadersParked = 2;
  static constexpr std::uint32_t kWriterParked = 4;

  struct alignas(core::kFalseSharingRange) ReaderSlot {
    // Readers holding (or trying to take) the lock through this slot, as a
    // 32-bit wrapping count: a lock taken on one thread and released on
    // another moves one unit between slots, and only the sum matters.
    std::atomic<std::uint32_t> count{0};
  };

  ReaderSlot& MySlot() noexcept {
    return slots_[internal::ThisThreadIndex() % kReaderSlots];
  }

  // Leaves through `slot` and wakes the writer if it sleeps.
  void ReleaseReader(ReaderSlot& slot) noexcept {
    // seq_cst: the writer sets kWriterParked and then re-sums the slots
    // (seq_cst); we decrement and then read the bit. One of us sees the
    // other, so the writer cannot sleep through our departure. The decrement
    // is also the release that pairs with the writer's slot loads.
    slot.count.fetch_sub(1, std::memory_order_seq_cst);
    if (MOIRAI_UNLIKELY(state_.load(std::memory_order_seq_cst) &
                        kWriterParked)) {
      WakeWriter();
    }
  }

  void LockSharedSlow(ReaderSlot& slot) noexcept;
  void WaitWhileWriter() noexcept;
  void WaitForReaders() noexcept;
  void WakeWriter() noexcept;
  std::uint32_t ReaderSum() const noexcept;

  alignas(core::kFalseSharingRange) std::atomic<std::uint32_t> state_{0};
  // Bumped by departing readers when kWriterParked is set; the writer sleeps
  // on it.
  std::atomic<std::uint32_t> drain_epoch_{0};
  // Orders writers among themselves.
  Mutex writer_mutex_;
  ReaderSlot slots_[kReaderSlots];
};

// ReaderLock
//
// Holds an RwLock in shared mode for the lifetime of the object.
class ABSL_SCOPED_LOCKABLE ReaderLock {
 public:
  explicit ReaderLock(RwLock* lock) noexcept ABSL_SHARED_LOCK_FUNCTION(lock)
      : lock_(lock) {
    lock_->lock_shared();
  }
  ReaderLock(const ReaderLock&) = delete;
  ReaderLock& operator=(const ReaderLock&) = delete;
  ~ReaderLock() ABSL_UNLOCK_FUNCTION() { lock_->unlock_shared(); }

 private:
  RwLock* const lock_;
};

// WriterLock
//
// Holds an RwLock exclusively for the lifetime of the object.
class ABSL_SCOPED_LOCKABLE WriterLock {
 public:
  explicit WriterLock(RwLock* lock) noexcept ABSL_EXCLUSIVE_LOCK_FUNCTION(lock)
      : lock_(lock) {
    lock_->lock();
  }
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;
  ~WriterLock() ABSL_UNLOCK_FUNCTION() { lock_->unlock(); }

 private:
  RwLock* const lock_;
};

}  // namespace moirai::sync

#endif  // MOIRAI_SYNC_RW_LOCK_H_
