// Copyright 2026 The Moirai Authors.

#include "moirai/sync/sharded_counter.h"

#include <algorithm>
#include <thread>

namespace moirai::sync {
namespace {

std::uint32_t ShardCount(std::uint32_t requested) {
  if (requested == 0) {
    requested = 2 * std::max(1u, std::thread::hardware_concurrency());
  }
  requested = std::min<std::uint32_t>(requested, 1024);
  std::uint32_t n = 1;
  while (n < requested) n *= 2;
  return n;
}

}  // namespace

ShardedCounter::ShardedCounter(std::uint32_t num_shards)
    : mask_(ShardCount(num_shards) - 1),
      shards_(std::make_unique<Shard[]>(mask_ + 1)) {}

std::int64_t ShardedCounter::Read() const noexcept {
  // Relaxed: see the header; the sum of relaxed RMW results is exact for all
  // updates that happen before this call (coherence).
  std::int64_t sum = 0;
  for (std::uint32_t i = 0; i <= mask_; ++i) {
    sum += shards_[i].value.load(std::memory_order_relaxed);
  }
  return sum;
}

void ShardedCounter::Reset() noexcept {
  for (std::uint32_t i = 0; i <= mask_; ++i) {
    shards_[i].value.store(0, std::memory_order_relaxed);
  }
}

}  // namespace moirai::sync
