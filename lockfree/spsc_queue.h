// Copyright 2026 The Moirai Authors.
//
// lockfree/spsc_queue.h
// -----------------------------------------------------------------------------
//
// `SpscQueue<T>`: a bounded single-producer single-consumer FIFO ring for any
// movable T (the classic Lamport ring, with the index caching of folly's
// ProducerConsumerQueue / rigtorp's SPSCQueue).
//
// Each side owns one index and keeps a private cached copy of the other
// side's index; it re-reads the shared one only when the cache says the ring
// is full (producer) or empty (consumer). In steady state an operation touches
// no cache line the other side writes, except the slot itself.
//
// Layout: `capacity + 1` slots; the ring is empty when head == tail and full
// when tail + 1 == head (mod slots), so no slot sequence numbers are needed.
//
// Contract: at most one thread pushes and at most one thread pops at any time
// (which threads may change if the hand-over is synchronized). Violating it is
// undefined behaviour.
//
// Progress: wait-free (both operations finish in a bounded number of steps).
//
// Memory ordering: everything the producer did before pushing x
// happens-before everything the consumer does after popping x (release store
// of tail_, acquire load by the consumer); symmetrically the consumer's move
// out of a slot happens-before the producer reuses it (release head_ store,
// acquire load).
//
// Atom: uses load and store only.
//
// Example:
//   auto q = moirai::lockfree::SpscQueue<int>::Create(1024);
//   (*q)->TryPush(1);                      // producer thread
//   std::optional<int> v = (*q)->TryPop();  // consumer thread

#ifndef MOIRAI_LOCKFREE_SPSC_QUEUE_H_
#define MOIRAI_LOCKFREE_SPSC_QUEUE_H_

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/base/internal/raw_logging.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "moirai/core/arch.h"
#include "moirai/lockfree/internal/slot_storage.h"

namespace moirai::lockfree {

template <typename T, template <typename> class Atom = std::atomic>
class SpscQueue {
 public:
  // SpscQueue::Create()
  //
  // Returns a queue holding at most `capacity` items (any value in
  // [1, 2^40]), or InvalidArgument.
  static absl::StatusOr<std::unique_ptr<SpscQueue>> Create(
      std::size_t capacity) {
    if (absl::Status s = ValidateCapacity(capacity); !s.ok()) return s;
    return std::unique_ptr<SpscQueue>(new SpscQueue(capacity));
  }

  // SpscQueue::ValidateCapacity()
  static absl::Status ValidateCapacity(std::size_t capacity) {
    if (capacity < 1 || capacity > (std::size_t{1} << 40)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "SpscQueue capacity must be in [1, 2^40], got ", capacity));
    }
    return absl::OkStatus();
  }

  // SpscQueue::SpscQueue()
  //
  // As Create(), but an invalid capacity crashes with a message.
  explicit SpscQueue(std::size_t capacity)
      : slots_count_(CheckedSlots(capacity)),
        slots_(new internal::SlotStorage<T>[slots_count_]) {}

  // SpscQueue::~SpscQueue()
  //
  // Destroys the items still queued. No concurrent use allowed.
  ~SpscQueue() {
    std::size_t head = consumer_.head.load(std::memory_order_acquire);
    const std::size_t tail = producer_.tail.load(std::memory_order_acquire);
    while (head != tail) {
      slots_[head].Destroy();
      head = Next(head);
    }
  }

  SpscQueue(const SpscQueue&) = delete;
  SpscQueue& operator=(const SpscQueue&) = delete;

  std::size_t capacity() const noexcept { return slots_count_ - 1; }

  // SpscQueue::TryPush()
  //
  // Producer only. Appends `value` and returns true, or returns false
  // (leaving `value` untouched) if the queue is full.
  bool TryPush(T&& value) { return TryEmplace(std::move(value)); }
  bool TryPush(const T& value) { return TryEmplace(value); }

  // SpscQueue::TryEmplace()
  //
  // Producer only. Constructs an item from `args` if there is room.
  template <typename... Args>
  bool TryEmplace(Args&&... args) {
    // Relaxed: only this thread writes producer_.tail.
    const std::size_t tail = producer_.tail.load(std::memory_order_relaxed);
    const std::size_t next = Next(tail);
    if (MOIRAI_UNLIKELY(next == producer_.cached_head)) {
      // Acquire: pairs with the consumer's release of head_; its moves out
      // of the slots we are about to reuse are complete.
      producer_.cached_head = consumer_.head.load(std::memory_order_acquire);
      if (next == producer_.cached_head) return false;
    }
    slots_[tail].Construct(std::forward<Args>(args)...);
    // Release: publishes the item to the consumer's acquire of producer_.tail.
    producer_.tail.store(next, std::memory_order_release);
    return true;
  }

  // SpscQueue::TryPop()
  //
  // Consumer only. Removes the oldest item, or returns std::nullopt.
  std::optional<T> TryPop() {
    const std::size_t head = consumer_.head.load(std::memory_order_relaxed);
    if (MOIRAI_UNLIKELY(head == consumer_.cached_tail)) {
      // Acquire: pairs with the producer's release of producer_.tail.
      consumer_.cached_tail = producer_.tail.load(std::memory_order_acquire);
      if (head == consumer_.cached_tail) return std::nullopt;
    }
    std::optional<T> out(std::move(*slots_[head].get()));
    slots_[head].Destroy();
    // Release: our use of the slot is done before the producer reuses it.
    consumer_.head.store(Next(head), std::memory_order_release);
    return out;
  }

  // SpscQueue::size()
  //
  // A snapshot; exact when read by either side while the other is idle.
  std::size_t size() const {
    const std::size_t head = consumer_.head.load(std::memory_order_acquire);
    const std::size_t tail = producer_.tail.load(std::memory_order_acquire);
    return tail >= head ? tail - head : tail + slots_count_ - head;
  }

  bool empty() const { return size() == 0; }

 private:
  static std::size_t CheckedSlots(std::size_t capacity) {
    if (absl::Status s = ValidateCapacity(capacity); !s.ok()) {
      ABSL_RAW_LOG(FATAL, "moirai::lockfree::SpscQueue: %s",
                   std::string(s.message()).c_str());
    }
    return capacity + 1;
  }

  std::size_t Next(std::size_t i) const noexcept {
    return i + 1 == slots_count_ ? 0 : i + 1;
  }

  const std::size_t slots_count_;
  const std::unique_ptr<internal::SlotStorage<T>[]> slots_;

  // Consumer side: head_ (written by the consumer, read by the producer
  // only when its cache says full) and the consumer's cache of tail_, on one
  // line the consumer owns.
  struct alignas(core::kFalseSharingRange) ConsumerSide {
    Atom<std::size_t> head{0};
    std::size_t cached_tail = 0;
  };
  // Producer side, symmetrically.
  struct alignas(core::kFalseSharingRange) ProducerSide {
    Atom<std::size_t> tail{0};
    std::size_t cached_head = 0;
  };
  ConsumerSide consumer_;
  ProducerSide producer_;
};

}  // namespace moirai::lockfree

#endif  // MOIRAI_LOCKFREE_SPSC_QUEUE_H_
