// Copyright 2026 The Moirai Authors.

#include "moirai/sched/locality.h"

#include <algorithm>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "moirai/sched/internal/affinity.h"

namespace moirai::sched {

absl::StatusOr<std::vector<WorkerPlace>> WorkerPlacesFromTopology(
    const numa::Topology& topology, const std::vector<int>& worker_cpus) {
  std::vector<WorkerPlace> places;
  places.reserve(worker_cpus.size());
  for (int cpu : worker_cpus) {
    auto it = std::find_if(
        topology.cpus().begin(), topology.cpus().end(),
        [cpu](const numa::CpuInfo& info) { return info.cpu == cpu; });
    if (it == topology.cpus().end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "WorkerPlacesFromTopology: cpu ", cpu, " is not in the topology"));
    }
    places.push_back(WorkerPlace{std::max(0, it->llc), std::max(0, it->node)});
  }
  return places;
}

std::vector<std::vector<int>> NodeDistanceMatrix(
    const numa::Topology& topology) {
  int max_node = 0;
  for (const numa::CpuInfo& c : topology.cpus()) {
    max_node = std::max(max_node, c.node);
  }
  const int n = max_node + 1;
  std::vector<std::vector<int>> d(
      static_cast<std::size_t>(n),
      std::vector<int>(static_cast<std::size_t>(n), 255));
  std::vector<bool> is_node(static_cast<std::size_t>(n), false);
  for (const numa::CpuInfo& c : topology.cpus()) {
    if (c.node >= 0) is_node[static_cast<std::size_t>(c.node)] = true;
  }
  for (int a = 0; a < n; ++a) {
    for (int b = 0; b < n; ++b) {
      if (is_node[a] && is_node[b]) d[a][b] = topology.distance(a, b);
    }
  }
  return d;
}

absl::StatusOr<SchedulerOptions> LocalityAwareOptions(
    const numa::Topology& topology, int num_workers) {
  if (num_workers < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "LocalityAwareOptions: num_workers must be >= 1, got ", num_workers));
  }
  const std::vector<int> allowed = internal::AllowedCpus();
  std::vector<int> cpus;
  for (int i = 0; i < num_workers; ++i) {
    cpus.push_back(allowed.empty() ? i % std::max(1, topology.num_cpus())
                                   : internal::WorkerCpu(allowed, i));
  }
  absl::StatusOr<std::vector<WorkerPlace>> places =
      WorkerPlacesFromTopology(topology, cpus);
  if (!places.ok()) return places.status();
  SchedulerOptions o;
  o.num_workers = num_workers;
  o.pin_workers = true;
  o.steal_policy = StealPolicy::kLocalityAware;
  o.worker_places = *std::move(places);
  o.node_distance = NodeDistanceMatrix(topology);
  return o;
}

}  // namespace moirai::sched
