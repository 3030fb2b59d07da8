// Copyright 2026 The Moirai Authors.
//
// async/internal/fiber_registry.h
// -----------------------------------------------------------------------------
//
// `FiberRegistry`: every live fiber of a Runtime, so that the runtime can
// cancel them all (a cancelling scheduler shutdown, ~Runtime) and say which
// ones are still alive. Intrusive (the links live in the fiber's control
// block) and sharded by the spawning worker, so that spawning and finishing
// take one uncontended spin lock each in the common case.
//
// Invariant: a fiber is in exactly one shard's list from Runtime::Spawn
// until its Finish() removes it, which happens before its control block can
// be freed; so a fiber reached under its shard's lock is alive.

#ifndef MOIRAI_ASYNC_INTERNAL_FIBER_REGISTRY_H_
#define MOIRAI_ASYNC_INTERNAL_FIBER_REGISTRY_H_

#include <cstddef>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "moirai/core/arch.h"
#include "moirai/core/task_id.h"
#include "moirai/sync/spin_lock.h"

namespace moirai::async::internal {

class FiberBase;

// The links a registered fiber carries (a base of FiberBase).
struct FiberRegistryLinks {
  FiberBase* registry_prev = nullptr;
  FiberBase* registry_next = nullptr;
  int registry_shard = 0;
};

class FiberRegistry {
 public:
  // `shards` >= 1 (one per worker, typically).
  explicit FiberRegistry(int shards);

  // Adds `f` to shard `slot` (any value; -1 for off-worker spawns).
  void Add(FiberBase* f, int slot) noexcept;
  // Removes `f` (from whichever thread).
  void Remove(FiberBase* f) noexcept;

  // Calls `fn(fiber)` for every registered fiber, under its shard's lock:
  // `fn` must not spawn or finish fibers of this runtime, nor block.
  template <typename Fn>
  void ForEach(Fn&& fn) {
    for (std::size_t i = 0; i < num_shards_; ++i) {
      Shard& s = shards_[i];
      sync::SpinLockHolder lock(&s.mu);
      for (FiberBase* f = s.head; f != nullptr; f = Next(f)) fn(f);
    }
  }

 private:
  struct alignas(core::kFalseSharingRange) Shard {
    sync::SpinLock mu;
    FiberBase* head ABSL_GUARDED_BY(mu) = nullptr;
  };
  static FiberBase* Next(FiberBase* f) noexcept;

  std::size_t num_shards_;
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace moirai::async::internal

#endif  // MOIRAI_ASYNC_INTERNAL_FIBER_REGISTRY_H_
