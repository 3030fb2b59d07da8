// Copyright 2026 The Moirai Authors.
//
// memory/pool_allocator.cc
// -----------------------------------------------------------------------------

#include "moirai/memory/pool_allocator.h"

#include <algorithm>
#include <utility>

namespace moirai::memory {

PoolResource::~PoolResource() {
  sync::MutexLock lock(&mu_);
  for (auto& p : pools_) p.store(nullptr, std::memory_order_relaxed);
  owned_.clear();
}

PoolResource* PoolResource::Default() {
  static PoolResource* const resource = new PoolResource();
  return resource;
}

FixedPool* PoolResource::PoolFor(std::size_t bytes,
                                 std::size_t alignment) noexcept {
  if (!Pooled(bytes, alignment)) return nullptr;
  const std::size_t cls = ClassOf(bytes, alignment);
  FixedPool* pool = pools_[cls].load(std::memory_order_acquire);
  return pool != nullptr ? pool : CreatePool(cls);
}

FixedPool* PoolResource::CreatePool(std::size_t cls) noexcept {
  sync::MutexLock lock(&mu_);
  if (FixedPool* pool = pools_[cls].load(std::memory_order_relaxed)) {
    return pool;  // another thread created it first
  }
  const std::size_t size = (cls + 1) * kGranule;
  FixedPoolOptions options;
  options.block_size = size;
  options.alignment = std::min(kMaxPooledAlignment, size & (~size + 1));
  // Address space only; committed chunk by chunk.
  options.max_bytes = std::size_t{256} << 20;
  auto pool = FixedPool::Create(options);
  if (!pool.ok()) return nullptr;
  FixedPool* raw = pool->get();
  owned_.push_back(*std::move(pool));
  // Release pairs with the acquire loads in Allocate()/PoolFor().
  pools_[cls].store(raw, std::memory_order_release);
  return raw;
}

}  // namespace moirai::memory
