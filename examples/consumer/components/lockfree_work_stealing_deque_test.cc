// @moirai//lockfree:work_stealing_deque alone.
#include <thread>

#include "expect.h"
#include "moirai/lockfree/work_stealing_deque.h"

int main() {
  moirai::lockfree::WorkStealingDeque<int> deque;  // Chase-Lev
  for (int i = 0; i < 1000; ++i) deque.Push(i);
  long stolen = 0, popped = 0;
  std::thread thief([&] {
    for (;;) {
      auto r = deque.Steal();
      if (r.success()) {
        ++stolen;
      } else if (r.empty()) {
        return;
      }
    }
  });
  int v;
  while (deque.Pop(&v)) ++popped;
  thief.join();
  EXPECT(stolen + popped == 1000);
  return 0;
}
