// Copyright 2026 The Moirai Authors.
//
// lockfree/queue.h
// -----------------------------------------------------------------------------
//
// `Queue<T>`: Moirai's default unbounded multi-producer multi-consumer FIFO
// queue, for any movable T.
//
// Design: a linked list of blocks of `kBlockCapacity` slots, after crossbeam's
// `SegQueue` (Rust; itself derived from Vyukov's and the LCRQ family of
// index-claiming queues). Producers claim a slot by advancing one tail index
// (a CAS on a counter, not on a pointer), write the item, then set the slot's
// WRITE bit; consumers claim a slot by advancing the head index, wait for its
// WRITE bit, move the item out and set READ. A block is freed by whichever
// consumer finishes last with it (the READ/DESTROY bit protocol below), so no
// epoch or hazard scheme is needed and memory is bounded by the items queued
// plus two blocks (one finished block is kept for reuse). Compared with
// `MsQueue` there is one allocation per `kBlockCapacity` items instead of one
// per item, and contention is on one counter per side instead of on linked
// pointers.
//
// Index layout: `index = position << kShift | flags`. The position advances
// by one per slot; the block offset is `position % kLap`. Offset
// `kBlockCapacity` (== kLap - 1) is never a real slot: a position there means
// "the block is full and the next block is being installed", and threads wait
// for the installer. The head index's low bit (kHasNext) caches "the head
// block is not the tail block", which lets consumers skip reading the tail
// index (a cache line the producers write).
//
// Progress: producers and consumers are lock-free in the common case, but a
// consumer that claimed a slot waits for the producer that claimed the same
// slot to finish writing it, and threads at a block boundary wait for the
// thread installing the next block. Those waits are short (a few stores) but
// unbounded if the other thread is descheduled: the queue is not strictly
// lock-free (like crossbeam SegQueue, LCRQ and moodycamel's queue).
// Waiters spin with a pause, then yield the CPU.
//
// Linearizable (FIFO over all producers; in particular each producer's items
// come out in the order it pushed them).
//
// Memory ordering: everything a thread did before Push(x) happens-before
// everything the thread whose TryPop() returns x does after it (release on
// the WRITE bit, acquire when the consumer reads it).
//
// Element requirements: T must be nothrow move constructible and nothrow
// destructible (a static_assert says so): TryPop moves the item out after the
// slot is claimed, where a throw could neither restore the item nor leave the
// slot consistent. Constructors that may throw (Push(const T&) with a throwing
// copy, Emplace(args) with a throwing constructor) are fine: such an item is
// constructed before a slot is claimed and then moved in, so a throw leaves
// the queue unchanged (strong guarantee). Nothrow construction happens in
// place in the claimed slot (no extra move).
//
// Atom: the `Atom` template parameter (default std::atomic) lets tests
// substitute an instrumented atomic; this file uses only load, store,
// compare_exchange_weak/strong, exchange and fetch_or on it.
//
// Example:
//   moirai::lockfree::Queue<std::unique_ptr<Job>> q;
//   q.Push(std::make_unique<Job>());
//   if (std::optional<std::unique_ptr<Job>> job = q.TryPop()) (*job)->Run();

#ifndef MOIRAI_LOCKFREE_QUEUE_H_
#define MOIRAI_LOCKFREE_QUEUE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>

#include "moirai/core/arch.h"
#include "moirai/lockfree/internal/slot_storage.h"

namespace moirai::lockfree {
namespace internal {

// Spin-then-yield backoff for the short waits on other threads' stores.
class Backoff {
 public:
  void Snooze() noexcept {
    if (step_ < kSpinLimit) {
      for (int i = 0; i < (1 << step_); ++i) core::CpuRelax();
      ++step_;
    } else {
      std::this_thread::yield();
    }
  }
  void Spin() noexcept {
    for (int i = 0; i < (1 << (step_ < kSpinLimit ? step_ : kSpinLimit)); ++i) {
      core::CpuRelax();
    }
    if (step_ < kSpinLimit) ++step_;
  }

 private:
  static constexpr int kSpinLimit = 6;
  int step_ = 0;
};

}  // namespace internal

template <typename T, template <typename> class Atom = std::atomic>
class Queue {
  static_assert(std::is_nothrow_move_constructible_v<T>,
                "moirai::lockfree::Queue<T> requires a nothrow move "
                "constructor (TryPop moves the item out of a claimed slot)");
  static_assert(std::is_nothrow_destructible_v<T>,
                "moirai::lockfree::Queue<T> requires a nothrow destructor");

 public:
  // Items per block; block boundaries cost an allocation and a short wait.
  static constexpr std::size_t kLap = 64;
  static constexpr std::size_t kBlockCapacity = kLap - 1;

  Queue() = default;

  // Queue::~Queue()
  //
  // Destroys the items still queued and frees all blocks. No concurrent use.
  ~Queue() {
    std::size_t head = head_.index.load(std::memory_order_relaxed) & ~kHasNext;
    const std::size_t tail =
        tail_.index.load(std::memory_order_relaxed) & ~kHasNext;
    Block* block = head_.block.load(std::memory_order_relaxed);
    while (head != tail) {
      const std::size_t offset = (head >> kShift) % kLap;
      if (offset < kBlockCapacity) {
        block->slots[offset].value.Destroy();
      } else {
        Block* next = block->next.load(std::memory_order_relaxed);
        delete block;
        block = next;
      }
      head += std::size_t{1} << kShift;
    }
    delete block;  // nullptr if nothing was ever pushed
    delete spare_.load(std::memory_order_relaxed);
  }

  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;

  // Queue::Push()
  //
  // Appends an item. Allocates a block once every kBlockCapacity items.
  void Push(const T& value) { Emplace(value); }
  void Push(T&& value) { Emplace(std::move(value)); }

  // Queue::Emplace()
  //
  // Appends an item constructed from `args`. If that constructor may throw,
  // the item is constructed first and moved in, so a throw leaves the queue
  // unchanged.
  template <typename... Args>
  void Emplace(Args&&... args) {
    if constexpr (std::is_nothrow_constructible_v<T, Args&&...>) {
      EmplaceInClaimedSlot(std::forward<Args>(args)...);
    } else {
      T item(std::forward<Args>(args)...);  // may throw: nothing claimed yet
      EmplaceInClaimedSlot(std::move(item));
    }
  }

 private:
  // Claims a slot and constructs the item in it. Precondition (checked):
  // constructing T from `args` does not throw, because a claimed slot must
  // be written (its consumer waits for the WRITE bit).
  template <typename... Args>
  void EmplaceInClaimedSlot(Args&&... args) {
    static_assert(std::is_nothrow_constructible_v<T, Args&&...>);
    internal::Backoff backoff;
    // Acquire (both): pair with the installer's release stores, so the block
    // we see is initialized.
    std::size_t tail = tail_.index.load(std::memory_order_acquire);
    Block* block = tail_.block.load(std::memory_order_acquire);
    Block* next_block = nullptr;
    for (;;) {
      const std::size_t offset = (tail >> kShift) % kLap;
      if (MOIRAI_UNLIKELY(offset == kBlockCapacity)) {
        // Another producer is installing the next block; wait for it.
        backoff.Snooze();
        tail = tail_.index.load(std::memory_order_acquire);
        block = tail_.block.load(std::memory_order_acquire);
        continue;
      }
      // About to take the last slot: allocate the next block before claiming
      // it, so the wait other threads see is as short as possible.
      if (MOIRAI_UNLIKELY(offset + 1 == kBlockCapacity &&
                          next_block == nullptr)) {
        next_block = NewBlock();
      }
      if (MOIRAI_UNLIKELY(block == nullptr)) {
        // First push ever: install the first block.
        Block* fresh = next_block != nullptr ? next_block : NewBlock();
        next_block = nullptr;
        Block* expected = nullptr;
        if (tail_.block.compare_exchange_strong(expected, fresh,
                                                std::memory_order_release,
                                                std::memory_order_relaxed)) {
          // Release: consumers that acquire head_.block see the block.
          head_.block.store(fresh, std::memory_order_release);
          block = fresh;
        } else {
          next_block = fresh;  // keep it for a later boundary
          tail = tail_.index.load(std::memory_order_acquire);
          block = tail_.block.load(std::memory_order_acquire);
          continue;
        }
      }
      const std::size_t new_tail = tail + (std::size_t{1} << kShift);
      // seq_cst: consumers decide "empty" with a seq_cst fence and a load of
      // this index; the claim must be in that total order.
      if (tail_.index.compare_exchange_weak(tail, new_tail,
                                            std::memory_order_seq_cst,
                                            std::memory_order_acquire)) {
        if (MOIRAI_UNLIKELY(offset + 1 == kBlockCapacity)) {
          // We took the last slot: install the next block and skip the
          // boundary position. Release: the block's initialization is
          // visible to producers/consumers that acquire these.
          Block* nb = next_block;
          next_block = nullptr;
          tail_.block.store(nb, std::memory_order_release);
          // seq_cst: tail_ index writes stay in the total order S.
          tail_.index.store(new_tail + (std::size_t{1} << kShift),
                            std::memory_order_seq_cst);
          block->next.store(nb, std::memory_order_release);
        }
        if (MOIRAI_UNLIKELY(next_block != nullptr)) {
          RecycleBlock(next_block);  // for a boundary we did not win
        }
        Slot& slot = block->slots[offset];
        slot.value.Construct(std::forward<Args>(args)...);
        // Release: pairs with the consumer's acquire in WaitWrite(); the item
        // is visible before WRITE is.
        slot.state.fetch_or(kWrite, std::memory_order_release);
        return;
      }
      // CAS failed: `tail` holds the current index; reload the block.
      block = tail_.block.load(std::memory_order_acquire);
      backoff.Spin();
    }
  }

 public:
  // Queue::TryPop()
  //
  // Removes the oldest item, or returns std::nullopt if the queue was empty
  // (no item claimed-by-producer and unclaimed-by-consumer at the fence).
  std::optional<T> TryPop() {
    internal::Backoff backoff;
    // seq_cst (also acquire): part of the emptiness argument below.
    std::size_t head = head_.index.load(std::memory_order_seq_cst);
    Block* block = head_.block.load(std::memory_order_acquire);
    for (;;) {
      const std::size_t offset = (head >> kShift) % kLap;
      if (MOIRAI_UNLIKELY(offset == kBlockCapacity)) {
        // Another consumer is moving head_ to the next block.
        backoff.Snooze();
        head = head_.index.load(std::memory_order_seq_cst);
        block = head_.block.load(std::memory_order_acquire);
        continue;
      }
      std::size_t new_head = head + (std::size_t{1} << kShift);
      if ((new_head & kHasNext) == 0) {
        // Head and tail may share a block: check for emptiness. Both index
        // loads and all index RMWs are seq_cst, so they sit in one total
        // order S: at this load's point in S, head_ >= `head` (monotonic) and
        // head_ <= tail_ (a consumer claims only after seeing tail_ ahead), so
        // tail == head means the queue was empty at that point. (crossbeam
        // uses a seq_cst fence here; on x86 seq_cst loads are plain loads and
        // the fence would cost an mfence per pop.)
        const std::size_t tail = tail_.index.load(std::memory_order_seq_cst);
        if ((head >> kShift) == (tail >> kShift)) return std::nullopt;
        // Different blocks: remember it so later pops skip the check.
        if ((head >> kShift) / kLap != (tail >> kShift) / kLap) {
          new_head |= kHasNext;
        }
      }
      if (MOIRAI_UNLIKELY(block == nullptr)) {
        // The first block is being installed.
        backoff.Snooze();
        head = head_.index.load(std::memory_order_seq_cst);
        block = head_.block.load(std::memory_order_acquire);
        continue;
      }
      if (head_.index.compare_exchange_weak(head, new_head,
                                            std::memory_order_seq_cst,
                                            std::memory_order_seq_cst)) {
        if (MOIRAI_UNLIKELY(offset + 1 == kBlockCapacity)) {
          // We took the last slot: move head_ to the next block.
          Block* next = WaitNext(block);
          std::size_t next_index =
              (new_head & ~kHasNext) + (std::size_t{1} << kShift);
          if (next->next.load(std::memory_order_relaxed) != nullptr) {
            next_index |= kHasNext;
          }
          head_.block.store(next, std::memory_order_release);
          // seq_cst: head_ index writes stay in the total order S.
          head_.index.store(next_index, std::memory_order_seq_cst);
        }
        Slot& slot = block->slots[offset];
        WaitWrite(slot);
        std::optional<T> out(std::move(*slot.value.get()));
        slot.value.Destroy();
        if (offset + 1 == kBlockCapacity) {
          // The last slot's reader starts destroying the block.
          DestroyBlock(block, 0);
        } else if ((slot.state.fetch_or(kRead, std::memory_order_acq_rel) &
                    kDestroy) != 0) {
          // The destroyer reached our slot before we finished: continue.
          DestroyBlock(block, offset + 1);
        }
        return out;
      }
      // CAS failed: `head` holds the current index; reload the block.
      block = head_.block.load(std::memory_order_acquire);
      backoff.Spin();
    }
  }

  // Queue::empty()
  //
  // A snapshot: true if no item was claimed-and-not-popped at the check.
  bool empty() const {
    const std::size_t head = head_.index.load(std::memory_order_seq_cst);
    const std::size_t tail = tail_.index.load(std::memory_order_seq_cst);
    return (head >> kShift) == (tail >> kShift);
  }

  // Queue::size()
  //
  // A snapshot of the number of items claimed by producers and not yet by
  // consumers; exact only when the queue is quiescent.
  std::size_t size() const {
    for (;;) {
      std::size_t tail = tail_.index.load(std::memory_order_seq_cst);
      std::size_t head = head_.index.load(std::memory_order_seq_cst);
      if (tail_.index.load(std::memory_order_seq_cst) != tail) continue;
      head = (head & ~kHasNext) >> kShift;
      tail = (tail & ~kHasNext) >> kShift;
      // Boundary positions are not items.
      if (head % kLap == kBlockCapacity) ++head;
      if (tail % kLap == kBlockCapacity) ++tail;
      const std::size_t lap_h = head / kLap, lap_t = tail / kLap;
      return (tail - head) - (lap_t - lap_h);
    }
  }

 private:
  static constexpr std::size_t kShift = 1;
  static constexpr std::size_t kHasNext = 1;
  // Slot state bits.
  static constexpr std::uint32_t kWrite = 1;    // item written by producer
  static constexpr std::uint32_t kRead = 2;     // item taken by consumer
  static constexpr std::uint32_t kDestroy = 4;  // block destruction passed

  struct Slot {
    internal::SlotStorage<T> value;
    Atom<std::uint32_t> state{0};
  };

  struct Block {
    Atom<Block*> next{nullptr};
    Slot slots[kBlockCapacity];
  };

  struct alignas(core::kFalseSharingRange) Position {
    Atom<std::size_t> index{0};
    Atom<Block*> block{nullptr};
  };

  // Waits until the producer that took the block's last slot links the next
  // block. Acquire: pairs with the release store of `next`.
  static Block* WaitNext(Block* block) {
    internal::Backoff backoff;
    for (;;) {
      Block* next = block->next.load(std::memory_order_acquire);
      if (next != nullptr) return next;
      backoff.Snooze();
    }
  }

  // Waits until the slot's producer has written the item. Acquire: pairs
  // with the producer's release fetch_or of kWrite.
  static void WaitWrite(Slot& slot) {
    internal::Backoff backoff;
    while ((slot.state.load(std::memory_order_acquire) & kWrite) == 0) {
      backoff.Snooze();
    }
  }

  // Frees `block` once every slot's consumer is done with it. Walks slots
  // from `start`: a slot not yet READ gets DESTROY set and its consumer
  // (which will see DESTROY when it sets READ) continues from the next slot.
  // The last slot needs no bit: its consumer is the one that started this.
  void DestroyBlock(Block* block, std::size_t start) {
    for (std::size_t i = start; i + 1 < kBlockCapacity; ++i) {
      Slot& slot = block->slots[i];
      // Acquire/acq_rel: if READ is set, the consumer's use of the slot
      // happens-before the delete below.
      if ((slot.state.load(std::memory_order_acquire) & kRead) == 0 &&
          (slot.state.fetch_or(kDestroy, std::memory_order_acq_rel) & kRead) ==
              0) {
        return;  // that slot's consumer continues the destruction
      }
    }
    RecycleBlock(block);
  }

  // A block for a producer: the recycled spare if there is one. Acquire:
  // pairs with the release in RecycleBlock (the previous users' accesses
  // happen-before ours).
  Block* NewBlock() {
    Block* b = spare_.exchange(nullptr, std::memory_order_acquire);
    return b != nullptr ? b : new Block;
  }

  // Keeps one finished block for reuse (saves an allocation per block in
  // steady state), frees any other. Nobody else references `block`.
  void RecycleBlock(Block* block) {
    block->next.store(nullptr, std::memory_order_relaxed);
    for (Slot& slot : block->slots) {
      slot.state.store(0, std::memory_order_relaxed);
    }
    Block* expected = nullptr;
    if (!spare_.compare_exchange_strong(expected, block,
                                        std::memory_order_release,
                                        std::memory_order_relaxed)) {
      delete block;
    }
  }

  Position head_;
  Position tail_;
  // One retired block kept for the next boundary (nullptr if none).
  alignas(core::kFalseSharingRange) Atom<Block*> spare_{nullptr};
};

}  // namespace moirai::lockfree

#endif  // MOIRAI_LOCKFREE_QUEUE_H_
