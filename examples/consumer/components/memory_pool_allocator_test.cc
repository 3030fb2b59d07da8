// @moirai//memory:pool_allocator alone.
#include <list>
#include <map>
#include <vector>

#include "expect.h"
#include "moirai/memory/pool_allocator.h"

int main() {
  std::list<int, moirai::memory::PoolAllocator<int>> list;
  std::map<int, int, std::less<int>,
           moirai::memory::PoolAllocator<std::pair<const int, int>>>
      map;
  std::vector<double, moirai::memory::PoolAllocator<double>> vec;
  for (int i = 0; i < 1000; ++i) {
    list.push_back(i);
    map[i] = i;
    vec.push_back(i);
  }
  EXPECT(list.size() == 1000 && map.size() == 1000 && vec.back() == 999);
  return 0;
}
