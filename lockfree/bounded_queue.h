// Copyright 2026 The Moirai Authors.
//
// lockfree/bounded_queue.h
// -----------------------------------------------------------------------------
//
// `BoundedQueue<T>`: a fixed-capacity multi-producer multi-consumer FIFO ring
// for any movable T, after Dmitry Vyukov's "Bounded MPMC queue" (1024cores,
// 2010): each cell carries a sequence number that says whose turn it is, so a
// producer and a consumer contend only on their own position counter and on
// the one cell they claimed. No allocation after construction.
//
// Cell protocol (the invariant): for the cell at index i = pos & mask,
//   seq == pos             the cell is empty and free for the producer of pos;
//   seq == pos + 1         it holds the item of pos, ready for its consumer;
//   seq == pos + capacity  it was consumed; free for the producer of the next
//                          lap (pos + capacity).
//
// Operations:
//   TryPush / TryPop       never block; false / nullopt when full / empty.
//   Push / Pop             block until space / an item is available; the
//                          waits park on a futex (no busy spinning).
//   PushUntil / PopUntil   the same with an absolute deadline.
//
// Waiting costs the try path one seq_cst store (an `xchg` on x86) and a load
// of a waiter counter; the futex is touched only when someone waits.
//
// Wake protocol (the invariant): a waiter parks only after announcing itself
// (seq_cst increment of the waiter count, then a seq_cst fence) and then
// re-checking the cell at the current position and finding it not ready: for
// a consumer, unpublished; for a producer, not yet released. Whoever later
// makes that cell ready (its producer's publish, its consumer's release) sees
// the announcement (Dekker: seq_cst cell store, then seq_cst waiter load) and
// wakes EVERY waiter of that side, after bumping the futex word the waiter
// sampled before announcing (so a waiter between its re-check and the sleep
// does not sleep). Waking one per publish is not enough: a publish at a cell
// behind an unpublished head makes nothing poppable, so the woken consumer
// parks again and that wake is spent; the later publish of the head cell
// makes two items poppable but would wake only one of the parked consumers,
// stranding an item with a consumer asleep (and symmetrically for producers
// behind an unreleased cell). Waking all only costs anything while threads
// are parked: then each publish can wake every parked peer of that side.
//
// Progress: TryPush/TryPop are lock-free in the common case but, as in
// Vyukov's design, an operation that finds a cell claimed but not yet
// published reports full/empty rather than wait, and a producer/consumer
// preempted between claiming and publishing delays the peer of that cell.
// Linearizable for successful operations; a failed Try may be reported while
// a concurrent operation on the same cell is in flight (it then behaves as if
// it ran just before that operation completed).
//
// On a fiber (async), an untimed wait parks the fiber, not its worker
// thread, so the fiber that will release it can run on the same worker; a
// timed wait blocks the thread (core/internal/parking_lot.h).
//
// Memory ordering: everything a thread did before pushing x happens-before
// everything the thread that pops x does after the pop (release store of the
// cell sequence, acquire load by the consumer).
//
// Element requirements: T must be nothrow move constructible and nothrow
// destructible (a static_assert says so): TryPop moves the item out of a
// claimed cell, where a throw could neither restore the item nor release the
// cell. Constructors that may throw are fine: such an item is constructed
// before a cell is claimed and then moved in, so a throw leaves the queue
// unchanged (no cell is left claimed and unwritten). Nothrow construction
// happens in place in the claimed cell.
//
// Atom: the ring uses only load, store, compare_exchange_weak, fetch_add and
// fetch_sub on `Atom`. The futex words that Push/Pop park on are plain
// std::atomic<uint32_t> (the kernel needs a real 32-bit word);
// deterministic-schedule tests drive the Try* operations.
//
// Example:
//   auto q = moirai::lockfree::BoundedQueue<std::string>::Create(1024);
//   if (!q.ok()) return q.status();
//   (*q)->Push("job");
//   std::string job = (*q)->Pop();

#ifndef MOIRAI_LOCKFREE_BOUNDED_QUEUE_H_
#define MOIRAI_LOCKFREE_BOUNDED_QUEUE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "absl/base/internal/raw_logging.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "moirai/core/arch.h"
#include "moirai/core/internal/futex.h"
#include "moirai/core/internal/parking_lot.h"
#include "moirai/core/mono_time.h"
#include "moirai/lockfree/internal/slot_storage.h"

namespace moirai::lockfree {

template <typename T, template <typename> class Atom = std::atomic>
class BoundedQueue {
  static_assert(std::is_nothrow_move_constructible_v<T>,
                "moirai::lockfree::BoundedQueue<T> requires a nothrow move "
                "constructor (TryPop moves the item out of a claimed cell)");
  static_assert(std::is_nothrow_destructible_v<T>,
                "moirai::lockfree::BoundedQueue<T> requires a nothrow "
                "destructor");

 public:
  // BoundedQueue::Create()
  //
  // Returns a queue holding at most `capacity` items, or InvalidArgument if
  // `capacity` is not a power of two >= 2 (or absurdly large).
  static absl::StatusOr<std::unique_ptr<BoundedQueue>> Create(
      std::size_t capacity) {
    if (absl::Status s = ValidateCapacity(capacity); !s.ok()) return s;
    return std::unique_ptr<BoundedQueue>(new BoundedQueue(capacity));
  }

  // BoundedQueue::ValidateCapacity()
  static absl::Status ValidateCapacity(std::size_t capacity) {
    if (capacity < 2 || (capacity & (capacity - 1)) != 0 ||
        capacity > (std::size_t{1} << 40)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "BoundedQueue capacity must be a power of two in [2, 2^40], got ",
          capacity));
    }
    return absl::OkStatus();
  }

  // BoundedQueue::BoundedQueue()
  //
  // As Create(), but an invalid capacity is a programming error: it crashes
  // with a message (in every build mode).
  explicit BoundedQueue(std::size_t capacity)
      : mask_(capacity - 1), cells_(AllocateCells(capacity)) {}

  // BoundedQueue::~BoundedQueue()
  //
  // Destroys the items still queued. No concurrent use (nor waiters) allowed.
  ~BoundedQueue() {
    std::size_t head = dequeue_pos_.load(std::memory_order_relaxed);
    const std::size_t tail = enqueue_pos_.load(std::memory_order_relaxed);
    for (; head != tail; ++head) cells_[head & mask_].value.Destroy();
  }

  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  // BoundedQueue::capacity()
  std::size_t capacity() const noexcept { return mask_ + 1; }

  // BoundedQueue::TryPush()
  //
  // Appends `value` and returns true, or returns false (leaving `value`
  // untouched) if the queue is full.
  bool TryPush(T&& value) { return TryEmplace(std::move(value)); }
  bool TryPush(const T& value) { return TryEmplace(value); }

  // BoundedQueue::TryEmplace()
  //
  // Constructs an item from `args` if there is room. If that constructor
  // is nothrow, the item is built in the claimed cell and `args` are not
  // consumed when the queue is full. Otherwise the item is built first
  // (a throw leaves the queue unchanged) and moved in; when the queue is
  // full it is then destroyed, so `args` are consumed as that constructor
  // consumes them.
  template <typename... Args>
  bool TryEmplace(Args&&... args) {
    if constexpr (std::is_nothrow_constructible_v<T, Args&&...>) {
      return TryEmplaceInClaimedCell(std::forward<Args>(args)...);
    } else {
      T item(std::forward<Args>(args)...);  // may throw: nothing claimed yet
      return TryEmplaceInClaimedCell(std::move(item));
    }
  }

 private:
  // Claims a cell and constructs the item in it. Precondition (checked):
  // the construction does not throw, because a claimed cell must be
  // published (its consumer and every later one wait for it).
  template <typename... Args>
  bool TryEmplaceInClaimedCell(Args&&... args) {
    static_assert(std::is_nothrow_constructible_v<T, Args&&...>);
    std::size_t pos;
    Cell* cell = ClaimForPush(&pos);
    if (cell == nullptr) return false;
    PublishPush(cell, pos, std::forward<Args>(args)...);
    return true;
  }

 public:
  // BoundedQueue::TryPop()
  //
  // Removes the oldest item, or returns std::nullopt if the queue is empty.
  std::optional<T> TryPop() {
    std::size_t pos;
    Cell* cell = ClaimForPop(&pos);
    if (cell == nullptr) return std::nullopt;
    std::optional<T> out(std::move(*cell->value.get()));
    ReleaseCell(cell, pos);
    return out;
  }

  // BoundedQueue::Push()
  //
  // Appends `value`, parking while the queue is full.
  void Push(T value) { PushUntil(std::move(value), absl::InfiniteFuture()); }

  // BoundedQueue::PushUntil()
  //
  // Appends `value` and returns true, or returns false if the queue stayed
  // full until `deadline` (the value is then dropped).
  bool PushUntil(T value, absl::Time wall_deadline) {
    // Converted once: the wait runs on the monotonic clock (core/mono_time.h).
    const core::MonoTime deadline = core::MonoTime::FromWall(wall_deadline);
    for (;;) {
      if (TryEmplace(std::move(value))) return true;
      // Acquire: pairs with the release bump in ReleaseCell. Sampled before
      // announcing, so a bump after our re-check makes the futex wait return.
      const std::uint32_t epoch = not_full_.load(std::memory_order_acquire);
      // seq_cst: announce before re-checking (Dekker with the consumer's
      // seq_cst cell store followed by its seq_cst load of push_waiters_).
      push_waiters_.fetch_add(1, std::memory_order_seq_cst);
      // Orders the announcement before the re-check's loads of cell
      // sequences (which are acquire, not seq_cst).
      core::ThreadFence(std::memory_order_seq_cst);
      if (TryEmplace(std::move(value))) {
        // Relaxed (both retractions): the count only decides whether a
        // releaser makes the wake system call; a stale non-zero costs one
        // spurious wake, never a missed one.
        push_waiters_.fetch_sub(1, std::memory_order_relaxed);
        return true;
      }
      const auto r = core::internal::WaitOnWord(&not_full_, epoch, deadline);
      push_waiters_.fetch_sub(1, std::memory_order_relaxed);
      if (r == core::internal::FutexWaitResult::kTimedOut) {
        return TryEmplace(std::move(value));
      }
    }
  }

  // BoundedQueue::Pop()
  //
  // Removes the oldest item, parking while the queue is empty.
  T Pop() { return *PopUntil(absl::InfiniteFuture()); }

  // BoundedQueue::PopUntil()
  //
  // Removes the oldest item, or returns std::nullopt if the queue stayed
  // empty until `deadline`.
  std::optional<T> PopUntil(absl::Time wall_deadline) {
    // Converted once: the wait runs on the monotonic clock (core/mono_time.h).
    const core::MonoTime deadline = core::MonoTime::FromWall(wall_deadline);
    for (;;) {
      if (std::optional<T> v = TryPop()) return v;
      // Acquire: pairs with the release bump in PublishPush (as in PushUntil).
      const std::uint32_t epoch = not_empty_.load(std::memory_order_acquire);
      pop_waiters_.fetch_add(1, std::memory_order_seq_cst);
      core::ThreadFence(std::memory_order_seq_cst);  // as in PushUntil
      if (std::optional<T> v = TryPop()) {
        // Relaxed (both): as in PushUntil.
        pop_waiters_.fetch_sub(1, std::memory_order_relaxed);
        return v;
      }
      const auto r = core::internal::WaitOnWord(&not_empty_, epoch, deadline);
      pop_waiters_.fetch_sub(1, std::memory_order_relaxed);
      if (r == core::internal::FutexWaitResult::kTimedOut) return TryPop();
    }
  }

  // BoundedQueue::size()
  //
  // A snapshot of the number of claimed-and-not-consumed items; exact when
  // quiescent.
  std::size_t size() const {
    const std::size_t head = dequeue_pos_.load(std::memory_order_acquire);
    const std::size_t tail = enqueue_pos_.load(std::memory_order_acquire);
    return tail >= head ? tail - head : 0;
  }

  bool empty() const { return size() == 0; }

 private:
  struct Cell {
    Atom<std::size_t> seq{0};
    internal::SlotStorage<T> value;
  };

  static std::unique_ptr<Cell[]> AllocateCells(std::size_t capacity) {
    if (absl::Status s = ValidateCapacity(capacity); !s.ok()) {
      ABSL_RAW_LOG(FATAL, "moirai::lockfree::BoundedQueue: %s",
                   std::string(s.message()).c_str());
    }
    std::unique_ptr<Cell[]> cells(new Cell[capacity]);
    for (std::size_t i = 0; i < capacity; ++i) {
      cells[i].seq.store(i, std::memory_order_relaxed);
    }
    return cells;
  }

  // Claims the cell for the next enqueue position, or returns nullptr if full.
  Cell* ClaimForPush(std::size_t* claimed) {
    std::size_t pos = enqueue_pos_.load(std::memory_order_relaxed);
    for (;;) {
      Cell* cell = &cells_[pos & mask_];
      // Acquire: pairs with the consumer's release of this cell (its move
      // out of the slot happens-before our construct).
      const std::size_t seq = cell->seq.load(std::memory_order_acquire);
      const auto diff =
          static_cast<std::intptr_t>(seq) - static_cast<std::intptr_t>(pos);
      if (diff == 0) {
        // Relaxed: the position counter only arbitrates; the data handoff
        // is ordered by the cell sequence.
        if (enqueue_pos_.compare_exchange_weak(pos, pos + 1,
                                               std::memory_order_relaxed,
                                               std::memory_order_relaxed)) {
          *claimed = pos;
          return cell;
        }
      } else if (diff < 0) {
        return nullptr;  // the cell still holds the previous lap's item: full
      } else {
        pos = enqueue_pos_.load(std::memory_order_relaxed);
      }
    }
  }

  template <typename... Args>
  void PublishPush(Cell* cell, std::size_t pos, Args&&... args) {
    cell->value.Construct(std::forward<Args>(args)...);
    // seq_cst (release part): publishes the item to the consumer's acquire.
    // seq_cst: orders the publication before the load of pop_waiters_ (a
    // waiter increments it, then re-checks the cells, all seq_cst).
    cell->seq.store(pos + 1, std::memory_order_seq_cst);
    if (MOIRAI_UNLIKELY(pop_waiters_.load(std::memory_order_seq_cst) != 0)) {
      // Release: pairs with the acquire load of not_empty_ in PopUntil (a
      // waiter that samples the new value also sees the publication).
      not_empty_.fetch_add(1, std::memory_order_release);
      // Every consumer: see "Wake protocol" in the file comment.
      core::internal::WakeWordAll(&not_empty_);
    }
  }

  // Claims the cell for the next dequeue position, or returns nullptr.
  Cell* ClaimForPop(std::size_t* claimed) {
    std::size_t pos = dequeue_pos_.load(std::memory_order_relaxed);
    for (;;) {
      Cell* cell = &cells_[pos & mask_];
      // Acquire: pairs with the producer's publication (item visible).
      const std::size_t seq = cell->seq.load(std::memory_order_acquire);
      const auto diff =
          static_cast<std::intptr_t>(seq) - static_cast<std::intptr_t>(pos + 1);
      if (diff == 0) {
        if (dequeue_pos_.compare_exchange_weak(pos, pos + 1,
                                               std::memory_order_relaxed,
                                               std::memory_order_relaxed)) {
          *claimed = pos;
          return cell;
        }
      } else if (diff < 0) {
        return nullptr;  // not yet published for this lap: empty
      } else {
        pos = dequeue_pos_.load(std::memory_order_relaxed);
      }
    }
  }

  // Destroys the popped slot and hands the cell to the next lap's producer.
  void ReleaseCell(Cell* cell, std::size_t pos) {
    cell->value.Destroy();
    // seq_cst: release for the next producer; ordered before the waiter
    // check (Dekker with PushUntil).
    cell->seq.store(pos + mask_ + 1, std::memory_order_seq_cst);
    if (MOIRAI_UNLIKELY(push_waiters_.load(std::memory_order_seq_cst) != 0)) {
      // Release: pairs with the acquire load of not_full_ in PushUntil.
      not_full_.fetch_add(1, std::memory_order_release);
      // Every producer: see "Wake protocol" in the file comment.
      core::internal::WakeWordAll(&not_full_);
    }
  }

  const std::size_t mask_;
  const std::unique_ptr<Cell[]> cells_;
  alignas(core::kFalseSharingRange) Atom<std::size_t> enqueue_pos_{0};
  alignas(core::kFalseSharingRange) Atom<std::size_t> dequeue_pos_{0};
  // Blocking support: waiter counts (Dekker partners of the seq_cst cell
  // stores) and the futex words waiters park on (bumped before each wake).
  alignas(core::kFalseSharingRange) Atom<std::uint32_t> push_waiters_{0};
  Atom<std::uint32_t> pop_waiters_{0};
  std::atomic<std::uint32_t> not_full_{0};
  std::atomic<std::uint32_t> not_empty_{0};
};

}  // namespace moirai::lockfree

#endif  // MOIRAI_LOCKFREE_BOUNDED_QUEUE_H_
