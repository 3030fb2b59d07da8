// Copyright 2026 The Moirai Authors.
//
// rt/ready_queue.h
// -----------------------------------------------------------------------------
//
// This header defines the per-core ready queues of the rt dispatcher
// (RT.md, section d1): indexed structures over small integer ids (the
// dispatcher's task slots, one queued job per task), with every operation
// allocation-free after `Reserve()`:
//
//   * `IndexedHeap`: a binary min-heap of ids keyed by (int64 key, uint64
//     sequence), with a position index so that a queued id can be removed
//     or re-keyed in O(log n) (decrease- and increase-key). Used for EDF
//     (key = absolute deadline, sequence = release order: FIFO among equal
//     deadlines) and for the dispatcher's release and replenishment timers.
//   * `EdfReadyQueue`: IndexedHeap under its EDF name.
//   * `FixedPriorityReadyQueue`: a two-level bitmap of priority levels and
//     an intrusive FIFO per level (the "deterministic priority scheduler" of
//     RTEMS): push, pop, remove and re-prioritize in O(1). Level 0 is the
//     most urgent, as with TaskSpec::priority. Serves FIFO, RR (PushBack to
//     rotate), RM and DM (the level is the task's rank).
//
// Misuse (an id out of range, pushing an id that is already queued,
// removing one that is not) is reported as a status, never undefined
// behaviour; the dispatcher never does it, so its hot path pays one branch.
//
// Thread safety: none. A queue belongs to one core's dispatcher.

#ifndef MOIRAI_RT_READY_QUEUE_H_
#define MOIRAI_RT_READY_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"

namespace moirai::rt {

// IndexedHeap
//
// Min-heap of ids in [0, capacity) ordered by (key, seq). At most one entry
// per id. Top()/TopKey() on an empty heap return kNone / 0.
class IndexedHeap {
 public:
  static constexpr std::uint32_t kNone = 0xffffffffu;

  // IndexedHeap::Reserve(): ids [0, capacity) become usable. Only grows;
  // InvalidArgument above 2^31 ids. The only call that allocates.
  absl::Status Reserve(std::size_t capacity);

  // IndexedHeap::Push(): inserts `id`. InvalidArgument for an id out of
  // range, FailedPrecondition if it is already queued.
  absl::Status Push(std::uint32_t id, std::int64_t key, std::uint64_t seq);

  // IndexedHeap::Update(): gives queued `id` a new key and sequence and
  // restores the heap in O(log n), either direction. FailedPrecondition if
  // `id` is not queued.
  absl::Status Update(std::uint32_t id, std::int64_t key, std::uint64_t seq);

  // IndexedHeap::Remove(): removes queued `id` (O(log n)).
  absl::Status Remove(std::uint32_t id);

  // IndexedHeap::Pop(): removes and returns the top, or kNone when empty.
  std::uint32_t Pop() noexcept;

  std::uint32_t Top() const noexcept {
    return heap_.empty() ? kNone : heap_.front().id;
  }
  std::int64_t TopKey() const noexcept {
    return heap_.empty() ? 0 : heap_.front().key;
  }
  bool Contains(std::uint32_t id) const noexcept {
    return id < pos_.size() && pos_[id] != kNone;
  }
  // IndexedHeap::KeyOf(): the key of queued `id` (undefined if not queued;
  // check Contains()).
  std::int64_t KeyOf(std::uint32_t id) const noexcept {
    return heap_[pos_[id]].key;
  }
  std::size_t size() const noexcept { return heap_.size(); }
  bool empty() const noexcept { return heap_.empty(); }
  std::size_t capacity() const noexcept { return pos_.size(); }

 private:
  struct Entry {
    std::int64_t key;
    std::uint64_t seq;
    std::uint32_t id;
  };
  static bool Less(const Entry& a, const Entry& b) noexcept {
    return a.key < b.key || (a.key == b.key && a.seq < b.seq);
  }
  void SiftUp(std::uint32_t i) noexcept;
  void SiftDown(std::uint32_t i) noexcept;
  absl::Status PushError(std::uint32_t id) const;
  void RemoveAt(std::uint32_t i) noexcept;
  absl::Status CheckQueued(std::uint32_t id) const;

  std::vector<Entry> heap_;         // capacity() reserved: push never grows
  std::vector<std::uint32_t> pos_;  // id -> index in heap_, or kNone
};

// Push, Pop and SiftUp are inline: they are the dispatcher's hot path.
inline absl::Status IndexedHeap::Push(std::uint32_t id, std::int64_t key,
                                      std::uint64_t seq) {
  if (id >= pos_.size() || pos_[id] != kNone) return PushError(id);
  const auto i = static_cast<std::uint32_t>(heap_.size());
  heap_.push_back({key, seq, id});  // within the reserved capacity
  SiftUp(i);
  return absl::OkStatus();
}

inline void IndexedHeap::SiftUp(std::uint32_t i) noexcept {
  const Entry e = heap_[i];
  while (i > 0) {
    const std::uint32_t parent = (i - 1) / 2;
    if (!Less(e, heap_[parent])) break;
    heap_[i] = heap_[parent];
    pos_[heap_[i].id] = i;
    i = parent;
  }
  heap_[i] = e;
  pos_[e.id] = i;
}

// Floyd's bottom-up pop: the hole at the root descends to a leaf along the
// smaller children (one comparison per level instead of two), then the last
// entry fills it and sifts up, which is short because it came from the
// bottom.
inline std::uint32_t IndexedHeap::Pop() noexcept {
  if (heap_.empty()) return kNone;
  const std::uint32_t id = heap_.front().id;
  pos_[id] = kNone;
  const Entry last = heap_.back();
  heap_.pop_back();
  const auto n = static_cast<std::uint32_t>(heap_.size());
  if (n == 0) return id;
  std::uint32_t i = 0;
  for (;;) {
    std::uint32_t child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && Less(heap_[child + 1], heap_[child])) ++child;
    heap_[i] = heap_[child];
    pos_[heap_[i].id] = i;
    i = child;
  }
  heap_[i] = last;
  SiftUp(i);
  return id;
}

// EdfReadyQueue: ready jobs by absolute deadline, FIFO by release sequence.
using EdfReadyQueue = IndexedHeap;

// FixedPriorityReadyQueue
//
// Levels [0, levels) with level 0 most urgent; FIFO within a level. At most
// one entry per id. Up to kMaxLevels levels (a 64-bit summary word over 64
// words of level bits: Top() is two count-trailing-zeros).
class FixedPriorityReadyQueue {
 public:
  static constexpr std::uint32_t kNone = 0xffffffffu;
  static constexpr int kMaxLevels = 64 * 64;

  // FixedPriorityReadyQueue::Reserve(): ids [0, capacity) and levels
  // [0, levels) become usable; InvalidArgument for levels outside
  // [1, kMaxLevels] or capacity above 2^31. Only grows. Allocates.
  absl::Status Reserve(std::size_t capacity, int levels);

  // FixedPriorityReadyQueue::PushBack() / PushFront(): queues `id` at the
  // tail (a new or rotated job) or the head (a preempted FIFO job keeps its
  // place, as POSIX SCHED_FIFO) of `level`. InvalidArgument for an id or
  // level out of range, FailedPrecondition if `id` is queued.
  absl::Status PushBack(std::uint32_t id, int level);
  absl::Status PushFront(std::uint32_t id, int level);

  // FixedPriorityReadyQueue::Remove(): unlinks queued `id` in O(1).
  absl::Status Remove(std::uint32_t id);

  // FixedPriorityReadyQueue::SetLevel(): moves queued `id` to the tail of
  // another `level` in O(1) (a priority change); at its own level it keeps
  // its place.
  absl::Status SetLevel(std::uint32_t id, int level);

  // FixedPriorityReadyQueue::Pop(): removes and returns the head of the
  // most urgent non-empty level, or kNone.
  std::uint32_t Pop() noexcept;

  // FixedPriorityReadyQueue::Top(): the head of the most urgent level.
  std::uint32_t Top() const noexcept;

  // FixedPriorityReadyQueue::TopLevel(): its level, or kMaxLevels if empty.
  int TopLevel() const noexcept;

  // FixedPriorityReadyQueue::HasPeer(): another id queued at `id`'s level.
  bool HasPeer(std::uint32_t id) const noexcept {
    return Contains(id) && (next_[id] != kNone || prev_[id] != kNone);
  }
  bool Contains(std::uint32_t id) const noexcept {
    return id < level_.size() && level_[id] >= 0;
  }
  int LevelOf(std::uint32_t id) const noexcept {
    return id < level_.size() ? level_[id] : -1;
  }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  int levels() const noexcept { return static_cast<int>(head_.size()); }

 private:
  absl::Status CheckPush(std::uint32_t id, int level) const;
  void Link(std::uint32_t id, int level, bool front) noexcept;
  void Unlink(std::uint32_t id) noexcept;

  std::uint64_t summary_ = 0;         // bit w: words_[w] != 0
  std::vector<std::uint64_t> words_;  // bit b of word w: level 64w+b non-empty
  std::vector<std::uint32_t> head_;   // per level
  std::vector<std::uint32_t> tail_;   // per level
  std::vector<std::uint32_t> next_;   // per id
  std::vector<std::uint32_t> prev_;   // per id
  std::vector<int> level_;            // per id; -1 when not queued
  std::size_t size_ = 0;
};

}  // namespace moirai::rt

#endif  // MOIRAI_RT_READY_QUEUE_H_
