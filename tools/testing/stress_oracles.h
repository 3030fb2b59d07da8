// Copyright 2026 The Moirai Authors.
//
// tools/testing/stress_oracles.h
// -----------------------------------------------------------------------------
//
// Reusable oracles for concurrent stress tests, in the style of libcds and
// Boost.Lockfree's tests:
//
// - `TaggedItem` + `CheckTaggedItems()`: producers push items tagged
//   (producer, sequence); consumers log what they get; the check proves
//   nothing was lost, nothing duplicated, nothing invented and (for FIFO
//   structures) each producer's items reached each consumer in order.
// - `CountingAllocator` + `AllocationCounters`: a standard allocator that
//   counts and tracks every live block, so a test can assert that everything
//   allocated was freed, and which crashes on a double or foreign free.
// - `LifetimeTracked` + `LifetimeCounters`: an element type that counts its
//   constructions and destructions and marks itself dead when destroyed, and
//   crashes on use after destroy or double destroy.

#ifndef MOIRAI_TOOLS_TESTING_STRESS_ORACLES_H_
#define MOIRAI_TOOLS_TESTING_STRESS_ORACLES_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <ostream>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "moirai/core/internal/annotated_mutex.h"

namespace moirai::testing {

// TaggedItem
//
// An item that says who produced it and when: producer index and that
// producer's sequence number (0, 1, 2, ...). Packs into 64 bits
// (`Pack()`/`Unpack()`) for structures of integers.
struct TaggedItem {
  uint32_t producer = 0;
  uint64_t sequence = 0;

  static constexpr int kSequenceBits = 48;

  uint64_t Pack() const {
    return (uint64_t{producer} << kSequenceBits) | sequence;
  }
  static TaggedItem Unpack(uint64_t packed) {
    return {static_cast<uint32_t>(packed >> kSequenceBits),
            packed & ((uint64_t{1} << kSequenceBits) - 1)};
  }
  friend bool operator==(const TaggedItem&, const TaggedItem&) = default;
  friend std::ostream& operator<<(std::ostream& os, const TaggedItem& item) {
    return os << "(" << item.producer << ", " << item.sequence << ")";
  }
};

// TaggedOrder
//
// kPerProducerFifo: each consumer must see each producer's items in
// increasing sequence order (true of any linearizable FIFO queue).
// kAnyOrder: no order check (stacks, bags, work-stealing deques).
enum class TaggedOrder { kAnyOrder, kPerProducerFifo };

// CheckTaggedItems()
//
// `consumer_logs[c]` lists, in the order received, what consumer `c` took
// out of the structure (include a final drain as one more log). Passes iff
// the union is exactly {(p, s) : p < num_producers, s < items_per_producer},
// each exactly once, and, for kPerProducerFifo, each log keeps each
// producer's order. The error names the first offending item.
absl::Status CheckTaggedItems(
    int num_producers, uint64_t items_per_producer,
    const std::vector<std::vector<TaggedItem>>& consumer_logs,
    TaggedOrder order);

// AllocationCounters
//
// Shared by every copy of a `CountingAllocator`. Thread-safe.
class AllocationCounters {
 public:
  AllocationCounters() = default;
  AllocationCounters(const AllocationCounters&) = delete;
  AllocationCounters& operator=(const AllocationCounters&) = delete;

  // AllocationCounters::RecordAllocate() / RecordDeallocate()
  //
  // Called by the allocator. RecordDeallocate() of a block that is not live
  // (double free, foreign pointer) or with the wrong size crashes.
  void RecordAllocate(void* p, std::size_t bytes) ABSL_LOCKS_EXCLUDED(mu_);
  void RecordDeallocate(void* p, std::size_t bytes) ABSL_LOCKS_EXCLUDED(mu_);

  int64_t allocations() const ABSL_LOCKS_EXCLUDED(mu_);
  int64_t deallocations() const ABSL_LOCKS_EXCLUDED(mu_);
  int64_t live_blocks() const ABSL_LOCKS_EXCLUDED(mu_);
  int64_t live_bytes() const ABSL_LOCKS_EXCLUDED(mu_);

  // AllocationCounters::CheckAllFreed()
  //
  // OK iff every allocated block was deallocated.
  absl::Status CheckAllFreed() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable core::internal::AnnotatedMutex mu_;
  absl::flat_hash_map<void*, std::size_t> live_ ABSL_GUARDED_BY(mu_);
  int64_t allocations_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t deallocations_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t live_bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

// CountingAllocator
//
// A standard allocator (operator new/delete underneath) that reports to an
// `AllocationCounters`. Copies and rebinds share the counters; allocators
// compare equal iff they share counters.
template <typename T>
class CountingAllocator {
 public:
  using value_type = T;

  explicit CountingAllocator(AllocationCounters* counters) noexcept
      : counters_(counters) {}
  template <typename U>
  CountingAllocator(const CountingAllocator<U>& other) noexcept  // NOLINT
      : counters_(other.counters()) {}

  T* allocate(std::size_t n) {
    void* p = ::operator new (n * sizeof(T), std::align_val_t{alignof(T)});
    counters_->RecordAllocate(p, n * sizeof(T));
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    counters_->RecordDeallocate(p, n * sizeof(T));
    ::operator delete (p, std::align_val_t{alignof(T)});
  }

  AllocationCounters* counters() const noexcept { return counters_; }

  template <typename U>
  friend bool operator==(const CountingAllocator& a,
                         const CountingAllocator<U>& b) noexcept {
    return a.counters() == b.counters();
  }

 private:
  AllocationCounters* counters_;
};

// LifetimeCounters
//
// Counts the constructions (any constructor) and destructions of
// `LifetimeTracked` objects that point at it. Thread-safe.
struct LifetimeCounters {
  std::atomic<int64_t> constructed{0};
  std::atomic<int64_t> destroyed{0};

  int64_t live() const {
    return constructed.load(std::memory_order_acquire) -
           destroyed.load(std::memory_order_acquire);
  }
};

// LifetimeTracked
//
// A value type for containers under test. Every constructor marks the object
// alive and counts it; the destructor checks it is alive, marks it dead and
// counts it. Copying from, moving from, reading or destroying an object that
// is not alive (destroyed, or raw memory never constructed) crashes with a
// message: that is how a double destroy or a use after destroy shows up even
// where the memory is still mapped (in-place slots, pools) and AddressSanitizer
// cannot see it.
class LifetimeTracked {
 public:
  // A default-constructed object counts into no counters.
  LifetimeTracked() noexcept : LifetimeTracked(0, nullptr) {}
  LifetimeTracked(int64_t value, LifetimeCounters* counters) noexcept
      : value_(value), counters_(counters) {
    MarkAlive();
  }
  LifetimeTracked(const LifetimeTracked& other) noexcept
      : value_(other.value()), counters_(other.counters_) {
    MarkAlive();
  }
  LifetimeTracked(LifetimeTracked&& other) noexcept
      : value_(other.value()), counters_(other.counters_) {
    MarkAlive();
  }
  LifetimeTracked& operator=(const LifetimeTracked& other) noexcept {
    CheckAlive("assignment to");
    value_ = other.value();
    counters_ = other.counters_;
    return *this;
  }
  LifetimeTracked& operator=(LifetimeTracked&& other) noexcept {
    return *this = static_cast<const LifetimeTracked&>(other);
  }
  ~LifetimeTracked() {
    CheckAlive("destruction of");
    // A volatile store: the compiler must not drop it as a dead store to an
    // object whose lifetime is ending (-flifetime-dse).
    *static_cast<volatile uint64_t*>(&magic_) = kDead;
    if (counters_ != nullptr) {
      counters_->destroyed.fetch_add(1, std::memory_order_acq_rel);
    }
  }

  // LifetimeTracked::value()
  //
  // The payload; crashes if the object is not alive.
  int64_t value() const {
    CheckAlive("use of");
    return value_;
  }

  // LifetimeTracked::alive()
  //
  // Whether the alive mark is present (for tests of this class).
  bool alive() const { return ReadMagic() == kAlive; }

  friend bool operator==(const LifetimeTracked& a, const LifetimeTracked& b) {
    return a.value() == b.value();
  }
  friend std::ostream& operator<<(std::ostream& os, const LifetimeTracked& t) {
    return os << t.value();
  }

 private:
  static constexpr uint64_t kAlive = 0xA11FE00DA11FE00DULL;
  static constexpr uint64_t kDead = 0xDEADDEADDEADDEADULL;

  void MarkAlive() {
    *static_cast<volatile uint64_t*>(&magic_) = kAlive;
    if (counters_ != nullptr) {
      counters_->constructed.fetch_add(1, std::memory_order_acq_rel);
    }
  }
  // The mark is read through a pointer the optimizer cannot see through:
  // after a destructor ran, the compiler treats the storage as dead and may
  // assume (or warn) anything about it; the point here is to look anyway.
  uint64_t ReadMagic() const {
    const volatile uint64_t* p = &magic_;
#if defined(__GNUC__) || defined(__clang__)
    asm volatile("" : "+r"(p));
#endif
    return *p;
  }
  void CheckAlive(const char* what) const {
    const uint64_t magic = ReadMagic();
    if (magic != kAlive) {
      std::fprintf(stderr, "LifetimeTracked: %s a %s object at %p\n", what,
                   magic == kDead ? "destroyed" : "never-constructed",
                   static_cast<const void*>(this));
      std::abort();
    }
  }

  uint64_t magic_;
  int64_t value_;
  LifetimeCounters* counters_;
};

}  // namespace moirai::testing

#endif  // MOIRAI_TOOLS_TESTING_STRESS_ORACLES_H_
