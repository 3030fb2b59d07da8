// @moirai//memory:aligned alone.
#include <array>
#include <atomic>
#include <cstdint>

#include "expect.h"
#include "moirai/memory/aligned.h"

int main() {
  std::array<moirai::memory::CacheAligned<std::atomic<int>>, 8> counters;
  EXPECT(reinterpret_cast<std::uintptr_t>(&counters[1]) -
             reinterpret_cast<std::uintptr_t>(&counters[0]) >=
         64);
  counters[3]->fetch_add(1);
  EXPECT(counters[3]->load() == 1);

  auto p = moirai::memory::AlignedAlloc(1000, 4096);
  EXPECT(p.ok() && reinterpret_cast<std::uintptr_t>(*p) % 4096 == 0);
  moirai::memory::AlignedFree(*p);
  EXPECT(!moirai::memory::AlignedAlloc(64, 3).ok());  // not a power of two
  (void)
      moirai::memory::RuntimeCacheLineSize();  // 0 when the system does not say
  return 0;
}
