// @moirai//sync:mutex alone.
#include <mutex>
#include <thread>
#include <vector>

#include "expect.h"
#include "moirai/sync/mutex.h"

int main() {
  moirai::sync::Mutex mu;
  int hits = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        std::lock_guard<moirai::sync::Mutex> lock(mu);  // std lock types work
        ++hits;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT(hits == 4000);
  EXPECT(mu.try_lock());
  mu.unlock();
  return 0;
}
