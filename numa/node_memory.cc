// Copyright 2026 The Moirai Authors.
//
// numa/node_memory.cc
// -----------------------------------------------------------------------------

#include "moirai/numa/node_memory.h"

#include <linux/mempolicy.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "moirai/numa/topology.h"

namespace moirai::numa {
namespace {

// Node masks cover 1024 nodes (the kernel's usual MAX_NUMNODES upper bound).
constexpr int kMaxNodes = 1024;
constexpr int kBitsPerWord = 8 * sizeof(unsigned long);
using NodeMask = std::array<unsigned long, kMaxNodes / kBitsPerWord>;
// The kernel reads `maxnode - 1` bits.
constexpr unsigned long kMaxNodeArg = kMaxNodes + 1;

absl::Status ErrnoStatus(int err, const std::string& what) {
  const std::string msg = absl::StrCat(what, ": ", std::strerror(err));
  switch (err) {
    case EINVAL:
    case EFAULT:
      return absl::InvalidArgumentError(msg);
    case EPERM:
    case EACCES:
      return absl::PermissionDeniedError(msg);
    case ENOSYS:
      return absl::UnimplementedError(msg);
    case ENOMEM:
      return absl::ResourceExhaustedError(msg);
    default:
      return absl::InternalError(msg);
  }
}

absl::Status MakeMask(const MemoryPolicy& policy, NodeMask* mask) {
  mask->fill(0);
  const bool needs_nodes = policy.mode == MemoryPolicyMode::kPreferred ||
                           policy.mode == MemoryPolicyMode::kBind ||
                           policy.mode == MemoryPolicyMode::kInterleave;
  if (needs_nodes && policy.nodes.empty()) {
    return absl::InvalidArgumentError("memory policy: empty node set");
  }
  if (!needs_nodes && !policy.nodes.empty()) {
    return absl::InvalidArgumentError(
        "memory policy: default/local policies take no nodes");
  }
  if (policy.mode == MemoryPolicyMode::kPreferred && policy.nodes.size() != 1) {
    return absl::InvalidArgumentError(
        "memory policy: kPreferred takes exactly one node");
  }
  for (int n : policy.nodes) {
    if (n < 0 || n >= kMaxNodes) {
      return absl::InvalidArgumentError(
          absl::StrCat("memory policy: invalid node id ", n));
    }
    (*mask)[n / kBitsPerWord] |= 1ul << (n % kBitsPerWord);
  }
  return absl::OkStatus();
}

std::string Describe(const MemoryPolicy& p) {
  return absl::StrCat("mode ", static_cast<int>(p.mode), " nodes {",
                      FormatCpuList(p.nodes), "}");
}

}  // namespace

bool IsPolicyUnavailable(const absl::Status& status) {
  return status.code() == absl::StatusCode::kPermissionDenied ||
         status.code() == absl::StatusCode::kUnimplemented;
}

NodeMemory::NodeMemory(NodeMemory&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      policy_status_(std::move(other.policy_status_)) {}

NodeMemory& NodeMemory::operator=(NodeMemory&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) munmap(data_, size_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    policy_status_ = std::move(other.policy_status_);
  }
  return *this;
}

NodeMemory::~NodeMemory() {
  if (data_ != nullptr) munmap(data_, size_);
}

absl::Status BindMemory(void* addr, std::size_t bytes,
                        const MemoryPolicy& policy) {
  NodeMask mask;
  if (absl::Status s = MakeMask(policy, &mask); !s.ok()) return s;
  if (syscall(SYS_mbind, addr, bytes, static_cast<int>(policy.mode),
              mask.data(), kMaxNodeArg, 0u) != 0) {
    return ErrnoStatus(errno, absl::StrCat("mbind(", Describe(policy), ")"));
  }
  return absl::OkStatus();
}

absl::StatusOr<NodeMemory> AllocateWithPolicy(std::size_t bytes,
                                              const MemoryPolicy& policy) {
  if (bytes == 0) {
    return absl::InvalidArgumentError("node memory: bytes must be > 0");
  }
  NodeMask mask;
  if (absl::Status s = MakeMask(policy, &mask); !s.ok()) return s;
  const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  if (bytes > (std::size_t{1} << 47)) {
    return absl::InvalidArgumentError(
        absl::StrCat("node memory: ", bytes, " bytes is too large"));
  }
  const std::size_t len = (bytes + page - 1) / page * page;
  void* p = mmap(nullptr, len, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return ErrnoStatus(errno, "node memory: mmap");
  NodeMemory mem;
  mem.data_ = p;
  mem.size_ = len;
  absl::Status bound = BindMemory(p, len, policy);
  if (!bound.ok() && !IsPolicyUnavailable(bound)) {
    return bound;  // bad node: the caller's error; `mem` unmaps
  }
  mem.policy_status_ = std::move(bound);
  return mem;
}

absl::StatusOr<NodeMemory> AllocateOnNode(std::size_t bytes, int node) {
  return AllocateWithPolicy(bytes,
                            MemoryPolicy{MemoryPolicyMode::kBind, {node}});
}

absl::StatusOr<NodeMemory> AllocateInterleaved(std::size_t bytes,
                                               const std::vector<int>& nodes) {
  return AllocateWithPolicy(bytes,
                            MemoryPolicy{MemoryPolicyMode::kInterleave, nodes});
}

absl::Status SetThreadMemoryPolicy(const MemoryPolicy& policy) {
  NodeMask mask;
  if (absl::Status s = MakeMask(policy, &mask); !s.ok()) return s;
  if (syscall(SYS_set_mempolicy, static_cast<int>(policy.mode), mask.data(),
              kMaxNodeArg) != 0) {
    return ErrnoStatus(errno,
                       absl::StrCat("set_mempolicy(", Describe(policy), ")"));
  }
  return absl::OkStatus();
}

absl::StatusOr<MemoryPolicy> GetThreadMemoryPolicy() {
  int mode = 0;
  NodeMask mask{};
  if (syscall(SYS_get_mempolicy, &mode, mask.data(), kMaxNodeArg, nullptr,
              0ul) != 0) {
    return ErrnoStatus(errno, "get_mempolicy");
  }
  MemoryPolicy policy;
  // Strip the optional mode flags (MPOL_F_STATIC_NODES, ...).
  policy.mode = static_cast<MemoryPolicyMode>(mode & ~MPOL_MODE_FLAGS);
  for (int n = 0; n < kMaxNodes; ++n) {
    if (mask[n / kBitsPerWord] & (1ul << (n % kBitsPerWord))) {
      policy.nodes.push_back(n);
    }
  }
  return policy;
}

absl::StatusOr<int> NodeOfAddress(const void* p) {
  int node = -1;
  if (syscall(SYS_get_mempolicy, &node, nullptr, 0ul, p,
              static_cast<unsigned long>(MPOL_F_NODE | MPOL_F_ADDR)) != 0) {
    return ErrnoStatus(errno, "get_mempolicy(MPOL_F_NODE|MPOL_F_ADDR)");
  }
  return node;
}

}  // namespace moirai::numa
