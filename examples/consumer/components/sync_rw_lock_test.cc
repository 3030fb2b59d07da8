// @moirai//sync:rw_lock alone.
#include <shared_mutex>
#include <thread>
#include <vector>

#include "expect.h"
#include "moirai/sync/rw_lock.h"

int main() {
  moirai::sync::RwLock lock;
  int a = 0, b = 0;  // a writer keeps a == b
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        moirai::sync::WriterLock w(&lock);
        ++a;
        ++b;
      }
    });
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        std::shared_lock<moirai::sync::RwLock> r(lock);
        EXPECT(a == b);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT(a == 2000);
  return 0;
}
