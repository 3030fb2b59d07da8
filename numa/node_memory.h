// Copyright 2026 The Moirai Authors.
//
// numa/node_memory.h
// -----------------------------------------------------------------------------
//
// Node-local memory through raw system calls (mmap + mbind, set_mempolicy,
// get_mempolicy; no libnuma):
//
//   auto mem = moirai::numa::AllocateOnNode(1 << 20, /*node=*/0);
//   if (!mem.ok()) return mem.status();           // bad arguments, no memory
//   if (!mem->policy_applied()) Warn(mem->policy_status());  // see below
//   Use(mem->data(), mem->size());                 // unmapped when mem dies
//
// Where the kernel refuses memory policies (EPERM from a container's seccomp
// filter, ENOSYS from a kernel without NUMA), the allocation functions still
// return the memory, with `policy_applied() == false` and the kernel's answer
// in `policy_status()`: the memory is correct, just not placed. A node that
// does not exist (EINVAL) is the caller's error and fails the call.
// `SetThreadMemoryPolicy()` and `GetThreadMemoryPolicy()` have nothing to
// return without the policy, so they report the refusal as their error
// (PermissionDenied or Unimplemented).

#ifndef MOIRAI_NUMA_NODE_MEMORY_H_
#define MOIRAI_NUMA_NODE_MEMORY_H_

#include <cstddef>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace moirai::numa {

// MemoryPolicyMode
//
// The kernel's policy modes (values are the MPOL_* constants).
enum class MemoryPolicyMode : int {
  kDefault = 0,     // the process/system default (usually local)
  kPreferred = 1,   // one node preferred, others if it is full
  kBind = 2,        // only these nodes
  kInterleave = 3,  // pages round-robin over these nodes
  kLocal = 4,       // the node of the CPU that faults the page
};

// MemoryPolicy
//
// A mode and its node set (empty for kDefault and kLocal).
struct MemoryPolicy {
  MemoryPolicyMode mode = MemoryPolicyMode::kDefault;
  std::vector<int> nodes;
};

// NodeMemory
//
// An owned, page-aligned anonymous mapping, unmapped on destruction.
// Move-only. Pages are placed by the kernel on first touch, following the
// policy recorded here.
class NodeMemory {
 public:
  NodeMemory() = default;
  NodeMemory(NodeMemory&& other) noexcept;
  NodeMemory& operator=(NodeMemory&& other) noexcept;
  NodeMemory(const NodeMemory&) = delete;
  NodeMemory& operator=(const NodeMemory&) = delete;
  ~NodeMemory();

  void* data() const { return data_; }
  std::size_t size() const { return size_; }
  // Whether the kernel accepted the placement policy.
  bool policy_applied() const { return policy_status_.ok(); }
  // OK, or the kernel's refusal (PermissionDenied, Unimplemented, ...).
  const absl::Status& policy_status() const { return policy_status_; }

 private:
  friend absl::StatusOr<NodeMemory> AllocateWithPolicy(std::size_t,
                                                       const MemoryPolicy&);
  void* data_ = nullptr;
  std::size_t size_ = 0;
  absl::Status policy_status_;
};

// AllocateOnNode()
//
// `bytes` (rounded up to pages) bound to `node` (MPOL_BIND).
// InvalidArgument for zero bytes, a negative node or one the kernel does not
// have; ResourceExhausted when mmap fails. See the header comment for the
// refused-policy case.
absl::StatusOr<NodeMemory> AllocateOnNode(std::size_t bytes, int node);

// AllocateInterleaved()
//
// `bytes` interleaved page by page over `nodes` (MPOL_INTERLEAVE); an empty
// set is InvalidArgument.
absl::StatusOr<NodeMemory> AllocateInterleaved(std::size_t bytes,
                                               const std::vector<int>& nodes);

// AllocateWithPolicy()
//
// The general form of the two above.
absl::StatusOr<NodeMemory> AllocateWithPolicy(std::size_t bytes,
                                              const MemoryPolicy& policy);

// BindMemory()
//
// Applies `policy` to the existing mapping [addr, addr + bytes) (mbind);
// `addr` must be page aligned. Returns the kernel's refusal as an error:
// InvalidArgument (bad range or nodes), PermissionDenied (EPERM),
// Unimplemented (ENOSYS).
absl::Status BindMemory(void* addr, std::size_t bytes,
                        const MemoryPolicy& policy);

// SetThreadMemoryPolicy() / GetThreadMemoryPolicy()
//
// The calling thread's default policy for new pages (set_mempolicy /
// get_mempolicy). Errors as for BindMemory().
absl::Status SetThreadMemoryPolicy(const MemoryPolicy& policy);
absl::StatusOr<MemoryPolicy> GetThreadMemoryPolicy();

// NodeOfAddress()
//
// The node that holds the page at `p` (which must have been touched), from
// get_mempolicy(MPOL_F_NODE | MPOL_F_ADDR).
absl::StatusOr<int> NodeOfAddress(const void* p);

// IsPolicyUnavailable()
//
// True for the errors that mean "this kernel or container does not let us
// set memory policies" (PermissionDenied, Unimplemented), as opposed to bad
// arguments.
bool IsPolicyUnavailable(const absl::Status& status);

}  // namespace moirai::numa

#endif  // MOIRAI_NUMA_NODE_MEMORY_H_
