// Copyright 2026 The Moirai Authors.
//
// rt/ready_queue.cc
// -----------------------------------------------------------------------------

#include "moirai/rt/ready_queue.h"

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace moirai::rt {
namespace {

constexpr std::size_t kMaxIds = std::size_t{1} << 31;

absl::Status OutOfRange(std::uint32_t id, std::size_t capacity) {
  return absl::InvalidArgumentError(absl::StrCat(
      "ready queue: id ", id, " out of range (capacity ", capacity, ")"));
}

}  // namespace

// --- IndexedHeap ------------------------------------------------------------

absl::Status IndexedHeap::Reserve(std::size_t capacity) {
  if (capacity > kMaxIds) {
    return absl::InvalidArgumentError(
        absl::StrCat("ready queue: capacity ", capacity, " above 2^31"));
  }
  if (capacity <= pos_.size()) return absl::OkStatus();
  heap_.reserve(capacity);
  pos_.resize(capacity, kNone);
  return absl::OkStatus();
}

absl::Status IndexedHeap::CheckQueued(std::uint32_t id) const {
  if (id >= pos_.size()) return OutOfRange(id, pos_.size());
  if (pos_[id] == kNone) {
    return absl::FailedPreconditionError(
        absl::StrCat("ready queue: id ", id, " is not queued"));
  }
  return absl::OkStatus();
}

absl::Status IndexedHeap::PushError(std::uint32_t id) const {
  if (id >= pos_.size()) return OutOfRange(id, pos_.size());
  return absl::FailedPreconditionError(
      absl::StrCat("ready queue: id ", id, " is already queued"));
}

absl::Status IndexedHeap::Update(std::uint32_t id, std::int64_t key,
                                 std::uint64_t seq) {
  if (absl::Status s = CheckQueued(id); !s.ok()) return s;
  const std::uint32_t i = pos_[id];
  const Entry old = heap_[i];
  heap_[i].key = key;
  heap_[i].seq = seq;
  if (Less(heap_[i], old)) {
    SiftUp(i);  // decrease-key
  } else {
    SiftDown(i);  // increase-key
  }
  return absl::OkStatus();
}

absl::Status IndexedHeap::Remove(std::uint32_t id) {
  if (absl::Status s = CheckQueued(id); !s.ok()) return s;
  RemoveAt(pos_[id]);
  return absl::OkStatus();
}

void IndexedHeap::RemoveAt(std::uint32_t i) noexcept {
  const std::uint32_t last = static_cast<std::uint32_t>(heap_.size()) - 1;
  pos_[heap_[i].id] = kNone;
  if (i != last) {
    heap_[i] = heap_[last];
    pos_[heap_[i].id] = i;
    heap_.pop_back();
    // The moved entry may belong above or below position i.
    if (i > 0 && Less(heap_[i], heap_[(i - 1) / 2])) {
      SiftUp(i);
    } else {
      SiftDown(i);
    }
  } else {
    heap_.pop_back();
  }
}

// The sifts move a hole instead of swapping: one store per level.
void IndexedHeap::SiftDown(std::uint32_t i) noexcept {
  const Entry e = heap_[i];
  const auto n = static_cast<std::uint32_t>(heap_.size());
  for (;;) {
    std::uint32_t child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && Less(heap_[child + 1], heap_[child])) ++child;
    if (!Less(heap_[child], e)) break;
    heap_[i] = heap_[child];
    pos_[heap_[i].id] = i;
    i = child;
  }
  heap_[i] = e;
  pos_[e.id] = i;
}

// --- FixedPriorityReadyQueue ------------------------------------------------

absl::Status FixedPriorityReadyQueue::Reserve(std::size_t capacity,
                                              int levels) {
  if (levels < 1 || levels > kMaxLevels) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ready queue: levels must be in [1, ", kMaxLevels, "], got ", levels));
  }
  if (capacity > kMaxIds) {
    return absl::InvalidArgumentError(
        absl::StrCat("ready queue: capacity ", capacity, " above 2^31"));
  }
  if (static_cast<std::size_t>(levels) > head_.size()) {
    head_.resize(levels, kNone);
    tail_.resize(levels, kNone);
    words_.resize((levels + 63) / 64, 0);
  }
  if (capacity > level_.size()) {
    next_.resize(capacity, kNone);
    prev_.resize(capacity, kNone);
    level_.resize(capacity, -1);
  }
  return absl::OkStatus();
}

absl::Status FixedPriorityReadyQueue::CheckPush(std::uint32_t id,
                                                int level) const {
  if (id >= level_.size()) return OutOfRange(id, level_.size());
  if (level < 0 || level >= levels()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ready queue: level ", level, " out of range [0, ", levels(), ")"));
  }
  if (level_[id] >= 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("ready queue: id ", id, " is already queued"));
  }
  return absl::OkStatus();
}

absl::Status FixedPriorityReadyQueue::PushBack(std::uint32_t id, int level) {
  if (absl::Status s = CheckPush(id, level); !s.ok()) return s;
  Link(id, level, /*front=*/false);
  return absl::OkStatus();
}

absl::Status FixedPriorityReadyQueue::PushFront(std::uint32_t id, int level) {
  if (absl::Status s = CheckPush(id, level); !s.ok()) return s;
  Link(id, level, /*front=*/true);
  return absl::OkStatus();
}

absl::Status FixedPriorityReadyQueue::Remove(std::uint32_t id) {
  if (!Contains(id)) {
    if (id >= level_.size()) return OutOfRange(id, level_.size());
    return absl::FailedPreconditionError(
        absl::StrCat("ready queue: id ", id, " is not queued"));
  }
  Unlink(id);
  return absl::OkStatus();
}

absl::Status FixedPriorityReadyQueue::SetLevel(std::uint32_t id, int level) {
  if (Contains(id) && level_[id] == level) return absl::OkStatus();
  if (absl::Status s = Remove(id); !s.ok()) return s;
  if (absl::Status s = CheckPush(id, level); !s.ok()) return s;
  Link(id, level, /*front=*/false);
  return absl::OkStatus();
}

void FixedPriorityReadyQueue::Link(std::uint32_t id, int level,
                                   bool front) noexcept {
  level_[id] = level;
  if (head_[level] == kNone) {
    head_[level] = tail_[level] = id;
    next_[id] = prev_[id] = kNone;
    words_[level >> 6] |= std::uint64_t{1} << (level & 63);
    summary_ |= std::uint64_t{1} << (level >> 6);
  } else if (front) {
    prev_[id] = kNone;
    next_[id] = head_[level];
    prev_[head_[level]] = id;
    head_[level] = id;
  } else {
    next_[id] = kNone;
    prev_[id] = tail_[level];
    next_[tail_[level]] = id;
    tail_[level] = id;
  }
  ++size_;
}

void FixedPriorityReadyQueue::Unlink(std::uint32_t id) noexcept {
  const int level = level_[id];
  const std::uint32_t p = prev_[id];
  const std::uint32_t n = next_[id];
  if (p != kNone) {
    next_[p] = n;
  } else {
    head_[level] = n;
  }
  if (n != kNone) {
    prev_[n] = p;
  } else {
    tail_[level] = p;
  }
  if (head_[level] == kNone) {
    std::uint64_t& w = words_[level >> 6];
    w &= ~(std::uint64_t{1} << (level & 63));
    if (w == 0) summary_ &= ~(std::uint64_t{1} << (level >> 6));
  }
  level_[id] = -1;
  next_[id] = prev_[id] = kNone;
  --size_;
}

int FixedPriorityReadyQueue::TopLevel() const noexcept {
  if (summary_ == 0) return kMaxLevels;
  const int w = __builtin_ctzll(summary_);
  return (w << 6) + __builtin_ctzll(words_[w]);
}

std::uint32_t FixedPriorityReadyQueue::Top() const noexcept {
  return summary_ == 0 ? kNone : head_[TopLevel()];
}

std::uint32_t FixedPriorityReadyQueue::Pop() noexcept {
  const std::uint32_t id = Top();
  if (id != kNone) Unlink(id);
  return id;
}

}  // namespace moirai::rt
