// Copyright 2026 The Moirai Authors.
//
// numa/affinity.cc
// -----------------------------------------------------------------------------

#include "moirai/numa/affinity.h"

#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace moirai::numa {
namespace {

constexpr int kMaxCpuId = 1 << 20;

// A dynamically sized cpu_set_t.
class CpuSet {
 public:
  explicit CpuSet(int max_cpu)
      : count_(std::max(max_cpu + 1, CPU_SETSIZE)),
        set_(CPU_ALLOC(count_)),
        bytes_(CPU_ALLOC_SIZE(count_)) {
    CPU_ZERO_S(bytes_, set_);
  }
  ~CpuSet() { CPU_FREE(set_); }
  CpuSet(const CpuSet&) = delete;
  CpuSet& operator=(const CpuSet&) = delete;
  void Add(int cpu) { CPU_SET_S(cpu, bytes_, set_); }
  bool Has(int cpu) const { return CPU_ISSET_S(cpu, bytes_, set_); }
  cpu_set_t* get() { return set_; }
  std::size_t bytes() const { return bytes_; }
  int count() const { return count_; }

 private:
  int count_;
  cpu_set_t* set_;
  std::size_t bytes_;
};

}  // namespace

absl::Status PinThreadToCpus(pthread_t thread, const std::vector<int>& cpus) {
  if (cpus.empty()) {
    return absl::InvalidArgumentError("PinThreadToCpus: empty cpu set");
  }
  int max_cpu = 0;
  for (int cpu : cpus) {
    if (cpu < 0 || cpu > kMaxCpuId) {
      return absl::InvalidArgumentError(
          absl::StrCat("PinThreadToCpus: invalid cpu id ", cpu));
    }
    max_cpu = std::max(max_cpu, cpu);
  }
  CpuSet set(max_cpu);
  for (int cpu : cpus) set.Add(cpu);
  const int rc = pthread_setaffinity_np(thread, set.bytes(), set.get());
  if (rc == 0) return absl::OkStatus();
  const std::string what =
      absl::StrCat("PinThreadToCpus(", FormatCpuList([&] {
                     std::vector<int> s = cpus;
                     std::sort(s.begin(), s.end());
                     s.erase(std::unique(s.begin(), s.end()), s.end());
                     return s;
                   }()),
                   "): ", std::strerror(rc));
  switch (rc) {
    case EINVAL:
      return absl::InvalidArgumentError(
          absl::StrCat(what, " (no online CPU the thread may use in the set)"));
    case ESRCH:
      return absl::NotFoundError(what);
    case EPERM:
      return absl::PermissionDeniedError(what);
    default:
      return absl::InternalError(what);
  }
}

absl::Status PinCurrentThreadToCpus(const std::vector<int>& cpus) {
  return PinThreadToCpus(pthread_self(), cpus);
}

absl::Status PinCurrentThreadToNode(const Topology& topology, int node) {
  std::vector<int> cpus = topology.CpusOfNode(node);
  if (cpus.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "PinCurrentThreadToNode: node ", node, " has no CPUs in the topology"));
  }
  return PinCurrentThreadToCpus(cpus);
}

absl::StatusOr<std::vector<int>> CurrentThreadAffinity() {
  for (int max_cpu = CPU_SETSIZE - 1; max_cpu <= kMaxCpuId;
       max_cpu = max_cpu * 2 + 1) {
    CpuSet set(max_cpu);
    const int rc =
        pthread_getaffinity_np(pthread_self(), set.bytes(), set.get());
    if (rc == EINVAL) continue;  // set too small for this kernel
    if (rc != 0) {
      return absl::InternalError(
          absl::StrCat("pthread_getaffinity_np: ", std::strerror(rc)));
    }
    std::vector<int> out;
    for (int cpu = 0; cpu < set.count(); ++cpu) {
      if (set.Has(cpu)) out.push_back(cpu);
    }
    return out;
  }
  return absl::InternalError("pthread_getaffinity_np: cpu set too large");
}

}  // namespace moirai::numa
