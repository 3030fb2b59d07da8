// Copyright 2026 The Moirai Authors.
//
// numa/internal/fake_sysfs.h
// -----------------------------------------------------------------------------
//
// Test support: writes a fake Linux sysfs tree (CPUs, topology, caches,
// nodes, distances) under a directory, so topology code can be tested on 2-,
// 4- and 8-node machines that the test host is not. Test-only.

#ifndef MOIRAI_NUMA_INTERNAL_FAKE_SYSFS_H_
#define MOIRAI_NUMA_INTERNAL_FAKE_SYSFS_H_

#include <string>

namespace moirai::numa::internal {

// FakeMachineSpec
//
// `nodes` nodes of `cores_per_node` cores, each with `threads_per_core` SMT
// threads. CPUs are numbered like Linux does: all first threads of all cores,
// then all second threads (cpu c and c + total_cores are siblings). Each core
// has L1d 48K, L1i 32K, L2 2M; each node one L3 32M. Nodes are split evenly
// across `packages`.
struct FakeMachineSpec {
  int nodes = 1;
  int packages = 1;
  int cores_per_node = 4;
  int threads_per_core = 2;
  bool with_node_dir = true;
};

// FakeDistance()
//
// The distance the fake tree writes: 10 local, 16 within a package pair
// (nodes n and n^1), 32 otherwise.
int FakeDistance(int a, int b);

// FakeSysfs
//
// Owns `root`; Build() wipes and rewrites it.
class FakeSysfs {
 public:
  explicit FakeSysfs(std::string root);
  ~FakeSysfs();
  const std::string& root() const { return root_; }
  void Build(const FakeMachineSpec& spec);
  // Write() writes `text` to `root/relative_path`, creating directories.
  void Write(const std::string& relative_path, const std::string& text);

 private:
  std::string root_;
};

}  // namespace moirai::numa::internal

#endif  // MOIRAI_NUMA_INTERNAL_FAKE_SYSFS_H_
