// Copyright 2026 The Moirai Authors.
//
// sched/locality.h
// -----------------------------------------------------------------------------
//
// Plugs `numa::Topology` into the locality-aware steal strategy: where each
// pinned worker runs (its LLC domain and node), the node distance matrix,
// and ready-made `SchedulerOptions`.
//
//   numa::Topology topo = numa::Topology::DetectOrFallback();
//   absl::StatusOr<SchedulerOptions> o = LocalityAwareOptions(topo, 8);
//   if (o.ok()) auto sched = Scheduler::Create(*o);
//
// Workers are pinned by the scheduler's one rule (worker i on the
// (i mod n)-th CPU of the process's affinity mask), so the places computed
// here are where the workers really run.

#ifndef MOIRAI_SCHED_LOCALITY_H_
#define MOIRAI_SCHED_LOCALITY_H_

#include <vector>

#include "absl/status/statusor.h"
#include "moirai/numa/topology.h"
#include "moirai/sched/scheduler.h"
#include "moirai/sched/steal_strategy.h"

namespace moirai::sched {

// WorkerPlacesFromTopology()
//
// `worker_cpus[i]` is the CPU worker i runs on; returns each worker's
// {llc, node}. InvalidArgument if a CPU is not in `topology`.
absl::StatusOr<std::vector<WorkerPlace>> WorkerPlacesFromTopology(
    const numa::Topology& topology, const std::vector<int>& worker_cpus);

// NodeDistanceMatrix()
//
// distance[a][b] for node ids a, b (rows/columns for ids that are not
// nodes hold 255, "unreachable" in SLIT terms).
std::vector<std::vector<int>> NodeDistanceMatrix(
    const numa::Topology& topology);

// LocalityAwareOptions()
//
// Options for `num_workers` (>= 1) pinned workers with the locality-aware
// strategy built from `topology` and the process's affinity mask.
// InvalidArgument for num_workers < 1 or a mask with CPUs the topology does
// not know.
absl::StatusOr<SchedulerOptions> LocalityAwareOptions(
    const numa::Topology& topology, int num_workers);

}  // namespace moirai::sched

#endif  // MOIRAI_SCHED_LOCALITY_H_
