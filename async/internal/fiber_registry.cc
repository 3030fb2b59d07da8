// Copyright 2026 The Moirai Authors.

#include "moirai/async/internal/fiber_registry.h"

#include "moirai/async/internal/fiber.h"

namespace moirai::async::internal {

FiberRegistry::FiberRegistry(int shards)
    : num_shards_(static_cast<std::size_t>(shards < 1 ? 1 : shards)),
      shards_(std::make_unique<Shard[]>(num_shards_)) {}

FiberBase* FiberRegistry::Next(FiberBase* f) noexcept {
  return f->registry_next;
}

void FiberRegistry::Add(FiberBase* f, int slot) noexcept {
  const std::size_t i =
      slot < 0 ? 0 : static_cast<std::size_t>(slot) % num_shards_;
  f->registry_shard = static_cast<int>(i);
  Shard& s = shards_[i];
  sync::SpinLockHolder lock(&s.mu);
  f->registry_prev = nullptr;
  f->registry_next = s.head;
  if (s.head != nullptr) s.head->registry_prev = f;
  s.head = f;
}

void FiberRegistry::Remove(FiberBase* f) noexcept {
  Shard& s = shards_[static_cast<std::size_t>(f->registry_shard)];
  sync::SpinLockHolder lock(&s.mu);
  if (f->registry_prev != nullptr) {
    f->registry_prev->registry_next = f->registry_next;
  } else {
    s.head = f->registry_next;
  }
  if (f->registry_next != nullptr) {
    f->registry_next->registry_prev = f->registry_prev;
  }
  f->registry_prev = f->registry_next = nullptr;
}

}  // namespace moirai::async::internal
