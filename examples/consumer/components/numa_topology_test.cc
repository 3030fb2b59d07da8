// @moirai//numa:topology alone.
#include <iostream>

#include "expect.h"
#include "moirai/numa/topology.h"

int main() {
  auto topo = moirai::numa::Topology::DetectOrFallback();
  std::cout << topo.ToString();  // nodes, cpus, caches, distances
  if (topo.is_fallback()) std::cout << topo.fallback_reason() << "\n";
  EXPECT(topo.num_cpus() >= 1 && topo.num_nodes() >= 1);
  const int node = topo.node_ids().front();
  EXPECT(!topo.CpusOfNode(node).empty());
  EXPECT(topo.distance(node, node) == 10);
  return 0;
}
