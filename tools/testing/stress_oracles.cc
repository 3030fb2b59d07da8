// Copyright 2026 The Moirai Authors.
//
// tools/testing/stress_oracles.cc
// -----------------------------------------------------------------------------

#include "moirai/tools/testing/stress_oracles.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace moirai::testing {

absl::Status CheckTaggedItems(
    int num_producers, uint64_t items_per_producer,
    const std::vector<std::vector<TaggedItem>>& consumer_logs,
    TaggedOrder order) {
  if (num_producers < 0) {
    return absl::InvalidArgumentError("num_producers must be >= 0");
  }
  std::vector<std::vector<uint8_t>> seen(
      num_producers, std::vector<uint8_t>(items_per_producer, 0));
  for (std::size_t c = 0; c < consumer_logs.size(); ++c) {
    std::vector<int64_t> last(num_producers, -1);
    for (const TaggedItem& item : consumer_logs[c]) {
      if (item.producer >= static_cast<uint32_t>(num_producers) ||
          item.sequence >= items_per_producer) {
        return absl::DataLossError(
            absl::StrCat("consumer ", c, " got an item nobody produced: (",
                         item.producer, ", ", item.sequence, ")"));
      }
      if (seen[item.producer][item.sequence]++ != 0) {
        return absl::DataLossError(
            absl::StrCat("item (", item.producer, ", ", item.sequence,
                         ") consumed twice (second time by consumer ", c, ")"));
      }
      if (order == TaggedOrder::kPerProducerFifo) {
        const int64_t seq = static_cast<int64_t>(item.sequence);
        if (seq <= last[item.producer]) {
          return absl::DataLossError(absl::StrCat(
              "consumer ", c, " got producer ", item.producer, "'s item ", seq,
              " after its item ", last[item.producer],
              " (per-producer FIFO order broken)"));
        }
        last[item.producer] = seq;
      }
    }
  }
  for (int p = 0; p < num_producers; ++p) {
    for (uint64_t s = 0; s < items_per_producer; ++s) {
      if (seen[p][s] == 0) {
        return absl::DataLossError(
            absl::StrCat("item (", p, ", ", s, ") was lost"));
      }
    }
  }
  return absl::OkStatus();
}

void AllocationCounters::RecordAllocate(void* p, std::size_t bytes) {
  core::internal::AnnotatedMutexLock lock(&mu_);
  live_[p] = bytes;
  ++allocations_;
  live_bytes_ += static_cast<int64_t>(bytes);
}

void AllocationCounters::RecordDeallocate(void* p, std::size_t bytes) {
  core::internal::AnnotatedMutexLock lock(&mu_);
  auto it = live_.find(p);
  if (it == live_.end()) {
    std::fprintf(stderr,
                 "CountingAllocator: deallocate(%p) of a block that is not "
                 "live (double free or foreign pointer)\n",
                 p);
    std::abort();
  }
  if (it->second != bytes) {
    std::fprintf(stderr,
                 "CountingAllocator: deallocate(%p, %zu bytes) of a block "
                 "allocated with %zu bytes\n",
                 p, bytes, it->second);
    std::abort();
  }
  live_.erase(it);
  ++deallocations_;
  live_bytes_ -= static_cast<int64_t>(bytes);
}

int64_t AllocationCounters::allocations() const {
  core::internal::AnnotatedMutexLock lock(&mu_);
  return allocations_;
}

int64_t AllocationCounters::deallocations() const {
  core::internal::AnnotatedMutexLock lock(&mu_);
  return deallocations_;
}

int64_t AllocationCounters::live_blocks() const {
  core::internal::AnnotatedMutexLock lock(&mu_);
  return static_cast<int64_t>(live_.size());
}

int64_t AllocationCounters::live_bytes() const {
  core::internal::AnnotatedMutexLock lock(&mu_);
  return live_bytes_;
}

absl::Status AllocationCounters::CheckAllFreed() const {
  core::internal::AnnotatedMutexLock lock(&mu_);
  if (live_.empty()) return absl::OkStatus();
  return absl::DataLossError(absl::StrCat(
      live_.size(), " blocks (", live_bytes_, " bytes) never freed; ",
      allocations_, " allocations, ", deallocations_, " deallocations"));
}

}  // namespace moirai::testing
