// Copyright 2026 The Moirai Authors.
//
// numa/affinity.h
// -----------------------------------------------------------------------------
//
// Pinning threads to CPUs or NUMA nodes (sched_setaffinity /
// pthread_setaffinity_np), with bad input reported as `absl::Status`:
//
//   absl::Status s = moirai::numa::PinCurrentThreadToNode(topology, 0);
//
// CPU ids are the kernel's (see topology.h).

#ifndef MOIRAI_NUMA_AFFINITY_H_
#define MOIRAI_NUMA_AFFINITY_H_

#include <pthread.h>

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "moirai/numa/topology.h"

namespace moirai::numa {

// PinThreadToCpus()
//
// Restricts `thread` to `cpus`. InvalidArgument for an empty set, a negative
// id or one above 1<<20, or a set the kernel refuses (no online, allowed CPU
// in it); NotFound for a thread that no longer exists; PermissionDenied when
// the caller may not change that thread's affinity.
absl::Status PinThreadToCpus(pthread_t thread, const std::vector<int>& cpus);

// PinCurrentThreadToCpus()
//
// `PinThreadToCpus(pthread_self(), cpus)`.
absl::Status PinCurrentThreadToCpus(const std::vector<int>& cpus);

// PinCurrentThreadToNode()
//
// Pins the calling thread to the CPUs of `node` in `topology`.
// InvalidArgument if the topology has no such node (or it has no CPUs).
absl::Status PinCurrentThreadToNode(const Topology& topology, int node);

// CurrentThreadAffinity()
//
// The CPUs the calling thread may run on, ascending.
absl::StatusOr<std::vector<int>> CurrentThreadAffinity();

}  // namespace moirai::numa

#endif  // MOIRAI_NUMA_AFFINITY_H_
