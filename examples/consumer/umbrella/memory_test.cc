// `@moirai//memory` alone: the README's memory example and the aligned
// helpers.
#include <atomic>
#include <list>

#include "expect.h"
#include "moirai/memory/aligned.h"
#include "moirai/memory/fixed_pool.h"
#include "moirai/memory/pool_allocator.h"
#include "moirai/memory/prefetch.h"

int main() {
  moirai::memory::FixedPoolOptions opts;
  opts.block_size = 64;
  auto pool = moirai::memory::FixedPool::Create(opts);
  EXPECT(pool.ok());
  void* p = (*pool)->Allocate();
  EXPECT(p != nullptr && (*pool)->Owns(p));
  (*pool)->Free(p);

  std::list<int, moirai::memory::PoolAllocator<int>> list;
  for (int i = 0; i < 100; ++i) list.push_back(i);
  EXPECT(list.size() == 100);

  moirai::memory::CacheAligned<std::atomic<int>> counter;
  EXPECT(alignof(decltype(counter)) >= 64);
  return 0;
}
