// @moirai//memory:fixed_pool alone.
#include <thread>

#include "expect.h"
#include "moirai/memory/fixed_pool.h"

int main() {
  moirai::memory::FixedPoolOptions opts;
  opts.block_size = 64;
  auto pool = moirai::memory::FixedPool::Create(opts);
  EXPECT(pool.ok());
  void* p = (*pool)->Allocate();
  EXPECT(p != nullptr);
  std::thread([&] { (*pool)->Free(p); }).join();  // from any thread
  EXPECT((*pool)->stats().blocks_in_use == 0);

  moirai::memory::FixedPoolOptions bad;
  bad.block_size = 64;
  bad.alignment = 3;
  EXPECT(!moirai::memory::FixedPool::Create(bad).ok());
  return 0;
}
