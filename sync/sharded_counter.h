// Copyright 2026 The Moirai Authors.
//
// sync/sharded_counter.h
// -----------------------------------------------------------------------------
//
// This header defines `moirai::sync::ShardedCounter`, a 64-bit counter for
// statistics that many threads bump often and someone reads rarely.
//
// The count is split over shards, each on its own pair of cache lines, and a
// thread adds to the shard of its thread index, so concurrent `Add()`s from
// different threads usually touch different cache lines (a shared
// `std::atomic<int64_t>` would bounce its line between every writing CPU).
// `Read()` sums the shards.
//
// Exactness: every `Add()` is an atomic read-modify-write on its shard, so no
// update is ever lost, even when two threads share a shard. `Read()` returns
// exactly the sum of all `Add()`s that happen before it; `Add()`s running
// concurrently with it may or may not be counted (each is counted whole or
// not at all). Once the writers are joined, or otherwise synchronised with
// the reader, the read is exact.
//
// Memory ordering: relaxed. A counter is not a synchronisation point: do not
// use a value read from it to decide that some other data is ready.

#ifndef MOIRAI_SYNC_SHARDED_COUNTER_H_
#define MOIRAI_SYNC_SHARDED_COUNTER_H_

#include <atomic>
#include <cstdint>
#include <memory>

#include "moirai/core/arch.h"
#include "moirai/sync/internal/thread_index.h"

namespace moirai::sync {

class ShardedCounter {
 public:
  // ShardedCounter::ShardedCounter()
  //
  // A zero counter with `num_shards` shards, rounded up to a power of two and
  // clamped to [1, 1024]; 0 (the default) picks twice the hardware thread
  // count. Each shard costs 128 bytes.
  explicit ShardedCounter(std::uint32_t num_shards = 0);

  ShardedCounter(const ShardedCounter&) = delete;
  ShardedCounter& operator=(const ShardedCounter&) = delete;

  // ShardedCounter::Add()
  //
  // Adds `delta` (may be negative) to the counter.
  void Add(std::int64_t delta) noexcept {
    // Relaxed: only the count matters and the RMW never loses an update.
    shards_[internal::ThisThreadIndex() & mask_].value.fetch_add(
        delta, std::memory_order_relaxed);
  }

  // ShardedCounter::Increment()
  void Increment() noexcept { Add(1); }

  // ShardedCounter::Read()
  //
  // The sum of all shards; see the file comment for what it includes.
  std::int64_t Read() const noexcept;

  // ShardedCounter::Reset()
  //
  // Sets every shard to zero. `Add()`s concurrent with a Reset() may survive
  // it or not; use it only while the counter is quiet.
  void Reset() noexcept;

  // ShardedCounter::num_shards()
  std::uint32_t num_shards() const noexcept { return mask_ + 1; }

 private:
  struct alignas(core::kFalseSharingRange) Shard {
    std::atomic<std::int64_t> value{0};
  };

  std::uint32_t mask_;  // num_shards - 1; num_shards is a power of two
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace moirai::sync

#endif  // MOIRAI_SYNC_SHARDED_COUNTER_H_
