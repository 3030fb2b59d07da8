// @moirai//numa:numa_pool alone.
#include "expect.h"
#include "moirai/numa/numa_pool.h"

int main() {
  auto topo = moirai::numa::Topology::DetectOrFallback();
  auto pool = moirai::numa::NumaPool::Create(topo, {.block_size = 256});
  EXPECT(pool.ok());
  void* p = (*pool)->AllocateLocal();
  EXPECT(p != nullptr && (*pool)->NodeOf(p) >= 0);
  (*pool)->Free(p);
  EXPECT(!moirai::numa::NumaPool::Create(topo, {.block_size = 0}).ok());
  return 0;
}
