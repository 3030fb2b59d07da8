// Copyright 2026 The Moirai Authors.
//
// numa/numa_pool.h
// -----------------------------------------------------------------------------
//
// `NumaPool`: one `memory::FixedPool` per NUMA node, each with its address
// range bound to its node (MPOL_PREFERRED: the node's memory while it has
// some, another node's rather than failing), so blocks for node-local work
// come from node-local memory.
//
//   auto pool = moirai::numa::NumaPool::Create(topology, {.block_size = 256});
//   void* p = (*pool)->AllocateLocal();   // from the caller's current node
//   (*pool)->Free(p);                      // any thread; finds its node
//
// Where the kernel refuses memory policies (see node_memory.h) the pools still
// work; `policy_status(node)` says the placement was not applied.

#ifndef MOIRAI_NUMA_NUMA_POOL_H_
#define MOIRAI_NUMA_NUMA_POOL_H_

#include <cstddef>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "moirai/memory/fixed_pool.h"
#include "moirai/numa/topology.h"

namespace moirai::numa {

// NumaPoolOptions
//
// `block_size` and `alignment` as for memory::FixedPoolOptions;
// `max_bytes_per_node` is each node pool's address-space limit (0: default).
struct NumaPoolOptions {
  std::size_t block_size = 0;
  std::size_t alignment = alignof(std::max_align_t);
  std::size_t max_bytes_per_node = 0;
};

// NumaPool
//
// Thread-safe; not movable.
class NumaPool {
 public:
  // NumaPool::Create()
  //
  // One pool per node of `topology`. Errors are FixedPool::Create()'s (bad
  // sizes or alignment). A refused or failed node binding is not an error:
  // it is recorded in `policy_status()`.
  static absl::StatusOr<std::unique_ptr<NumaPool>> Create(
      const Topology& topology, NumaPoolOptions options);

  NumaPool(const NumaPool&) = delete;
  NumaPool& operator=(const NumaPool&) = delete;

  // NumaPool::Allocate()
  //
  // A block from `node`'s pool; nullptr for a node the topology does not
  // have, or when that pool is exhausted.
  void* Allocate(int node) noexcept;

  // NumaPool::AllocateLocal()
  //
  // A block from the pool of the node the calling thread runs on (the first
  // node if that is unknown or not in the topology).
  void* AllocateLocal() noexcept;

  // NumaPool::Free()
  //
  // Returns a block from any node's pool. A pointer from elsewhere is a
  // programming error: the process aborts with a message (every build mode;
  // finding the owning node already checks it).
  void Free(void* block) noexcept;

  // NumaPool::NodeOf()
  //
  // The node whose pool owns `p`, or -1.
  int NodeOf(const void* p) const noexcept;

  const std::vector<int>& node_ids() const { return node_ids_; }

  // NumaPool::stats()
  //
  // Statistics of `node`'s pool (all zero for an unknown node).
  memory::FixedPoolStats stats(int node) const;

  // NumaPool::policy_status()
  //
  // OK if `node`'s range is bound to it; else why not (for an unknown node,
  // NotFound).
  absl::Status policy_status(int node) const;
  bool policy_applied(int node) const { return policy_status(node).ok(); }

 private:
  NumaPool() = default;
  int IndexOf(int node) const noexcept;

  std::vector<int> node_ids_;
  std::vector<std::unique_ptr<memory::FixedPool>> pools_;  // by index
  std::vector<absl::Status> policy_;                       // by index
};

}  // namespace moirai::numa

#endif  // MOIRAI_NUMA_NUMA_POOL_H_
