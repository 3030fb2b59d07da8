// `@moirai//numa` alone: the README's numa example, the calling thread's
// affinity, node-local memory and a NumaPool.
#include <iostream>

#include "expect.h"
#include "moirai/numa/affinity.h"
#include "moirai/numa/node_memory.h"
#include "moirai/numa/numa_pool.h"
#include "moirai/numa/topology.h"

int main() {
  auto topo = moirai::numa::Topology::DetectOrFallback();
  std::cout << topo.ToString();
  EXPECT(topo.num_cpus() >= 1 && topo.num_nodes() >= 1);

  auto cpus = moirai::numa::CurrentThreadAffinity();
  EXPECT(cpus.ok() && !cpus->empty());

  const int node = topo.node_ids().front();
  auto mem = moirai::numa::AllocateOnNode(4096, node);
  EXPECT(mem.ok() && mem->data() != nullptr);

  auto pool = moirai::numa::NumaPool::Create(topo, {.block_size = 128});
  EXPECT(pool.ok());
  void* block = (*pool)->Allocate(node);
  EXPECT(block != nullptr && (*pool)->NodeOf(block) == node);
  (*pool)->Free(block);
  return 0;
}
