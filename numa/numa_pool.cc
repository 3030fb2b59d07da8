// Copyright 2026 The Moirai Authors.
//
// numa/numa_pool.cc
// -----------------------------------------------------------------------------

#include "moirai/numa/numa_pool.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "moirai/numa/node_memory.h"

namespace moirai::numa {

absl::StatusOr<std::unique_ptr<NumaPool>> NumaPool::Create(
    const Topology& topology, NumaPoolOptions options) {
  std::unique_ptr<NumaPool> np(new NumaPool());
  np->node_ids_ = topology.node_ids();
  np->policy_.resize(np->node_ids_.size());
  for (std::size_t i = 0; i < np->node_ids_.size(); ++i) {
    const int node = np->node_ids_[i];
    absl::Status* policy = &np->policy_[i];
    memory::FixedPoolOptions fo;
    fo.block_size = options.block_size;
    fo.alignment = options.alignment;
    fo.max_bytes = options.max_bytes_per_node;
    fo.on_reserve = [node, policy](void* base, std::size_t bytes) {
      // Bound before any page is touched, so every page of every chunk is
      // placed by this policy when first written.
      *policy = BindMemory(base, bytes,
                           MemoryPolicy{MemoryPolicyMode::kPreferred, {node}});
      return absl::OkStatus();
    };
    auto pool = memory::FixedPool::Create(std::move(fo));
    if (!pool.ok()) return pool.status();
    np->pools_.push_back(*std::move(pool));
  }
  return np;
}

int NumaPool::IndexOf(int node) const noexcept {
  for (std::size_t i = 0; i < node_ids_.size(); ++i) {
    if (node_ids_[i] == node) return static_cast<int>(i);
  }
  return -1;
}

void* NumaPool::Allocate(int node) noexcept {
  const int i = IndexOf(node);
  return i < 0 ? nullptr : pools_[i]->Allocate();
}

void* NumaPool::AllocateLocal() noexcept {
  int i = IndexOf(CurrentNode());
  if (i < 0) i = 0;
  return pools_[i]->Allocate();
}

void NumaPool::Free(void* block) noexcept {
  if (block == nullptr) return;
  for (auto& pool : pools_) {
    if (pool->Owns(block)) {
      pool->Free(block);
      return;
    }
  }
  // The ownership search already ran, so the check costs nothing: on in
  // every build mode.
  std::fprintf(stderr,
               "moirai::numa::NumaPool::Free: foreign pointer %p: not from "
               "any node's pool\n",
               block);
  std::abort();
}

int NumaPool::NodeOf(const void* p) const noexcept {
  for (std::size_t i = 0; i < pools_.size(); ++i) {
    if (pools_[i]->Owns(p)) return node_ids_[i];
  }
  return -1;
}

memory::FixedPoolStats NumaPool::stats(int node) const {
  const int i = IndexOf(node);
  return i < 0 ? memory::FixedPoolStats{} : pools_[i]->stats();
}

absl::Status NumaPool::policy_status(int node) const {
  const int i = IndexOf(node);
  if (i < 0) return absl::NotFoundError(absl::StrCat("no node ", node));
  return policy_[i];
}

}  // namespace moirai::numa
