// Copyright 2026 The Moirai Authors.
//
// numa/topology.h
// -----------------------------------------------------------------------------
//
// This header defines `moirai::numa::Topology`, a description of the machine
// a scheduler places work on: packages (sockets), NUMA nodes, cores, hardware
// threads (CPUs), caches and which CPUs share them, and node distances. It is
// read from Linux sysfs:
//
//   <root>/devices/system/cpu/online                    online CPUs
//   <root>/devices/system/cpu/cpuN/topology/{core_id,physical_package_id}
//   <root>/devices/system/cpu/cpuN/cache/indexK/{level,type,size,
//                                     shared_cpu_list,coherency_line_size}
//   <root>/devices/system/node/nodeN/{cpulist,distance}
//
// The root is injectable, so tests describe 2-, 4- and 8-node machines with
// a fake tree in a temporary directory.
//
//   moirai::numa::Topology topo = moirai::numa::Topology::DetectOrFallback();
//   if (topo.is_fallback()) LOG(WARNING) << topo.fallback_reason();
//   for (int node : topo.node_ids()) Use(topo.CpusOfNode(node));
//
// CPU and node numbers are the kernel's. They are dense (0..n-1) on almost
// every machine, but need not be: iterate `node_ids()` and `cpus()` rather
// than counting up to `num_nodes()` / `num_cpus()` when that matters.
//
// A kernel without NUMA support (no node directory) is described as one node
// holding every CPU; that is correct, not a fallback. A fallback topology
// (`Fallback()`, or `DetectOrFallback()` when detection fails) says so through
// `is_fallback()` and `fallback_reason()`; it is never silent.

#ifndef MOIRAI_NUMA_TOPOLOGY_H_
#define MOIRAI_NUMA_TOPOLOGY_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace moirai::numa {

// CpuInfo
//
// One hardware thread. `core` is a machine-wide core index (dense, 0-based;
// hardware threads of one core share it), `package` the kernel's physical
// package id, `node` the NUMA node id, and `llc` a dense id of the CPU's
// last-level-cache domain (CPUs with the same `llc` share that cache).
struct CpuInfo {
  int cpu = 0;
  int core = 0;
  int package = 0;
  int node = 0;
  int llc = 0;
};

// CacheInfo
//
// One cache instance: `level` 1..4, `type` "Data", "Instruction" or
// "Unified", size in bytes, line size in bytes, and the CPUs that share it.
struct CacheInfo {
  int level = 0;
  std::string type;
  std::size_t size_bytes = 0;
  std::size_t line_size = 0;
  std::vector<int> cpus;
};

// Topology
//
// An immutable value; cheap enough to copy at startup, not in a hot loop.
class Topology {
 public:
  // Topology::Detect()
  //
  // Reads sysfs below `sysfs_root`. Returns NotFound if the CPU directory is
  // missing, and InvalidArgument (naming the file) for unreadable or
  // inconsistent contents: a malformed CPU list, a distance row of the wrong
  // length, an online CPU that no node claims.
  static absl::StatusOr<Topology> Detect(
      const std::string& sysfs_root = "/sys");

  // Topology::DetectOrFallback()
  //
  // `Detect()`, or on failure `Fallback()` with the error as the reason.
  static Topology DetectOrFallback(const std::string& sysfs_root = "/sys");

  // Topology::Fallback()
  //
  // One package, one node (id 0), `num_cpus` CPUs 0..num_cpus-1, each its own
  // core and all sharing one LLC domain; no cache information.
  // `is_fallback()` is true. `num_cpus < 1` is taken as 1.
  static Topology Fallback(int num_cpus);
  static Topology Fallback(int num_cpus, std::string reason);

  bool is_fallback() const { return fallback_; }
  // Why this is a fallback; empty when it is not.
  std::string fallback_reason() const { return fallback_reason_; }

  int num_packages() const { return num_packages_; }
  int num_nodes() const { return static_cast<int>(node_ids_.size()); }
  int num_cores() const { return num_cores_; }
  int num_cpus() const { return static_cast<int>(cpus_.size()); }
  int num_llcs() const { return num_llcs_; }

  // Online CPUs, sorted by CPU id.
  const std::vector<CpuInfo>& cpus() const { return cpus_; }
  // NUMA node ids, ascending.
  const std::vector<int>& node_ids() const { return node_ids_; }
  // Distinct caches, by level then first CPU.
  const std::vector<CacheInfo>& caches() const { return caches_; }

  // Topology::distance()
  //
  // SLIT distance between two nodes (10 = local; larger is farther), or -1
  // if either id is not a node.
  int distance(int node_a, int node_b) const;

  // Topology::CpusOfNode()
  //
  // The online CPUs of `node`, ascending; empty for an unknown node.
  std::vector<int> CpusOfNode(int node) const;

  // Topology::NodeOfCpu()
  //
  // The node of online CPU `cpu`, or -1.
  int NodeOfCpu(int cpu) const;

  // Topology::NodesByDistance()
  //
  // All node ids ordered by distance from `node` (itself first; ties by id).
  // Empty for an unknown node. For locality-aware stealing.
  std::vector<int> NodesByDistance(int node) const;

  // Topology::ToString()
  //
  // A multi-line human-readable summary (for `moirai info`).
  std::string ToString() const;

  // Where the description came from ("/sys", a test root, or "fallback").
  const std::string& source() const { return source_; }

 private:
  Topology() = default;
  int NodeIndex(int node) const;

  std::string source_;
  bool fallback_ = false;
  std::string fallback_reason_;
  bool numa_info_ = true;  // false: kernel exposed no node directory
  int num_packages_ = 0;
  int num_cores_ = 0;
  int num_llcs_ = 0;
  std::vector<CpuInfo> cpus_;
  std::vector<int> node_ids_;
  std::vector<std::vector<int>> distances_;  // [index][index]
  std::vector<CacheInfo> caches_;
};

// CurrentCpu()
//
// The CPU the calling thread is running on (getcpu(2)), or -1 if unknown.
// The answer may be stale as soon as it returns.
int CurrentCpu() noexcept;

// CurrentNode()
//
// The NUMA node of the CPU the calling thread is running on, or -1.
int CurrentNode() noexcept;

// ParseCpuList()
//
// Parses a kernel CPU/node list such as "0-3,8,10-11\n" (empty is valid).
// Returns InvalidArgument for malformed input or ids above 1<<20.
absl::StatusOr<std::vector<int>> ParseCpuList(const std::string& text);

// FormatCpuList()
//
// The inverse of ParseCpuList() for a sorted list: {0,1,2,3,8} -> "0-3,8".
std::string FormatCpuList(const std::vector<int>& ids);

}  // namespace moirai::numa

#endif  // MOIRAI_NUMA_TOPOLOGY_H_
