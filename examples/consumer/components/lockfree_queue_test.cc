// @moirai//lockfree:queue alone.
#include <memory>
#include <thread>
#include <vector>

#include "expect.h"
#include "moirai/lockfree/queue.h"

int main() {
  moirai::lockfree::Queue<std::unique_ptr<int>> q;  // unbounded MPMC
  std::vector<std::thread> producers;
  for (int p = 0; p < 2; ++p) {
    producers.emplace_back([&q] {
      for (int i = 0; i < 1000; ++i) q.Push(std::make_unique<int>(i));
    });
  }
  for (auto& t : producers) t.join();
  long sum = 0, n = 0;
  while (auto v = q.TryPop()) {
    sum += **v;
    ++n;
  }
  EXPECT(n == 2000 && sum == 2 * 999 * 1000 / 2);
  return 0;
}
